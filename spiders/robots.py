"""robots.txt per RFC 9309: a 4xx means no rules, an unreachable file means nothing allowed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from twisted.internet.defer import Deferred

from spiders.failures import Refused, error_kind, loggable_url
from spiders.politeness import PolitenessMiddleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class _Unreachable(RobotParser):
    """The rules of a host whose robots.txt could not be fetched: nothing is allowed."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # what went wrong fetching it, reported for the requests it stops

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        """Unused: instances are made directly."""
        return cls("robots_unavailable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        """Nothing is allowed."""
        return False


class RfcRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 reads it, with failures counted as `robots`/`robots_unavailable`.

    Scrapy parses whatever body comes back and allows everything after a network error; the RFC
    says a 4xx means "no rules" and an unreachable file (5xx, network error) "disallow all".
    A 429 counts as unreachable too: the host asked us to slow down, not to crawl freely.
    The requests it stops fail as `robots_unavailable` after an HTTP error, and under the
    network error's own kind (`connection`, `timeout`, `dns`…) otherwise: that is the news.
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if 200 <= status < 300:
            await super()._parse_robots(response, netloc, request)
        elif 400 <= status < 500 and status != 429:
            await super()._parse_robots(response.replace(body=b""), netloc, request)
        else:
            self._robots_error(Refused("robots_unavailable", f"HTTP {status}"), netloc)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, IgnoreRequest):
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        host = netloc.rpartition("@")[2]  # never log credentials
        logger.warning("robots.txt of %s unavailable (%s): nothing allowed this run", host, exc)
        waiting: Any = self._parsers[netloc]
        self._parsers[netloc] = _Unreachable(error_kind(exc))
        if isinstance(waiting, Deferred):
            waiting.callback(self._parsers[netloc])

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        """Refuse what the rules forbid, or everything when the rules were unreachable."""
        if isinstance(rp, _Unreachable):
            # A robots.txt answered with 429/503 + Retry-After backed the host off: say until when.
            politeness = self.crawler.get_downloader_middleware(PolitenessMiddleware)
            backoff = politeness.refusal(request) if politeness else None
            raise backoff or Refused(
                rp.kind, f"robots.txt unavailable: {loggable_url(request.url)}"
            )
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise Refused("robots", loggable_url(request.url)) from exc
