"""Scrapy extension: dump the crawl's stats and close reason to a JSON file for the parent."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class StatsFile:
    """On spider_closed, write all stats plus `finish_reason` to NEWSWATCH_STATS_FILE."""

    def __init__(self, stats: StatsCollector, path: Path) -> None:
        self.stats = stats
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enable only when a stats file is configured."""
        path = crawler.settings.get("NEWSWATCH_STATS_FILE")
        if not path:
            raise NotConfigured("NEWSWATCH_STATS_FILE is not set")
        extension = cls(crawler.stats, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, reason: str) -> None:
        """Write the stats atomically, so a reader never sees half a file."""
        data = {**self.stats.get_stats(), "finish_reason": reason}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, default=_jsonable, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
