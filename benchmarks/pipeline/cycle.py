"""One monitoring cycle as the benchmark runs it: config, environment, the run, what it did."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.pipeline.client import SiteProcess, request_diff
from benchmarks.pipeline.measure import Measured, measure_call, measure_command
from benchmarks.pipeline.prose import WATCH_QUERY

# Prefect off the network and isolated in the benchmark's own home (see stack-notes.md).
PREFECT_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}
# Settings from the caller's shell that would point the runs somewhere else.
FOREIGN_ENV = ("PREFECT_API_URL", "NEWSWATCH_DATABASE_URL", "NEWSWATCH_STATE_DIR",
               "NEWSWATCH_CONFIG", "PREFECT_PROFILE")  # fmt: skip


@dataclass(frozen=True)
class CrawlStats:
    """What the crawl subprocesses reported (summed over shards)."""

    seconds: float  # the slowest shard's elapsed time
    requests: int
    items: int
    shard_peak_bytes: int  # Scrapy's own memusage/max of the largest shard


@dataclass(frozen=True)
class CycleResult:
    """One measured cycle and what it did to the database and the site."""

    label: str
    measured: Measured
    new: int
    updated: tuple[str, ...]  # URLs of stored articles that got a new version
    stored: int  # articles in the database afterwards
    requests: Counter[str]  # served by the site during the run, "kind status" -> count
    alerts: int  # alerts the site's inbox received during the run
    alert_urls: tuple[str, ...]  # the article URL of each of those alerts, in arrival order
    server_cpu: float  # CPU seconds the site process used during the run
    crawl: CrawlStats | None
    phases: dict[str, float] = field(default_factory=dict)  # seconds by task / start-up


def run_env(prefect_home: Path) -> dict[str, str]:
    """The environment of every run: telemetry off, a private Prefect home, ephemeral API."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    return {**env, **PREFECT_ENV, "PREFECT_HOME": str(prefect_home)}


def write_config(
    folder: Path, outlets: list[dict], inbox: str, shards: int, concurrency: int
) -> Path:
    """A config for the site's outlets with a fresh SQLite database in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    q = json.dumps  # JSON strings and lists are valid TOML values
    lines = [f"database = {q('sqlite:///' + str(folder / 'newswatch.db'))}", "",
             "[channels]", f"inbox = {q(inbox)}", "",
             "[alerts]", "per_second = 0", "",  # a local inbox: pacing would only add sleep
             "[crawl]", "delay_seconds = 0", f"concurrency_per_domain = {concurrency}",
             f"shards = {shards}", "timeout_seconds = 7200", ""]  # fmt: skip
    for outlet in outlets:
        lines += ["[[outlets]]", *(f"{k} = {q(v)}" for k, v in outlet.items() if v), ""]
    lines += ["[[watchlists]]", 'name = "russia-syria"', f"query = {q(WATCH_QUERY)}",
              'notify = ["inbox"]', ""]  # fmt: skip
    path = folder / "newswatch.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_cycle(
    label: str, config: Path, site: SiteProcess, prefect_home: Path, in_process: bool
) -> CycleResult:
    """Run one monitoring cycle of `config` and collect what it did."""
    database = config.parent / "newswatch.db"
    before, versions = site.get("stats"), db_versions(database)
    inbox_before = len(site.get("inbox")["alerts"])
    output = config.parent / f"run-{label.replace(' ', '-')}.log"
    if in_process:
        from flows.monitor import monitor

        call = lambda: monitor(config_path=str(config)).text()  # noqa: E731
        measured = measure_call(call, output, exclude={site.pid})
    else:
        command = [*newswatch_command(), "run", "--config", str(config)]
        measured = measure_command(command, run_env(prefect_home), output)
    after, versions_after = site.get("stats"), db_versions(database)
    received = site.get("inbox")["alerts"][inbox_before:]
    updated = [url for url, n in versions_after.items() if versions.get(url, n) < n]
    return CycleResult(
        label=label, measured=measured, new=len(versions_after.keys() - versions.keys()),
        updated=tuple(sorted(updated)), stored=len(versions_after),
        requests=request_diff(before, after),
        alerts=after["alerts"] - before["alerts"],
        alert_urls=tuple(alert["url"] for alert in received),
        server_cpu=after["cpu_seconds"] - before["cpu_seconds"],
        crawl=crawl_stats(config.parent / ".newswatch" / "crawls", measured.started),
        phases=phases(prefect_home / "prefect.db", measured),
    )  # fmt: skip


def newswatch_command() -> list[str]:
    """The console script next to this interpreter, else `python -m flows.cli`."""
    script = Path(sys.executable).with_name("newswatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def db_versions(database: Path) -> dict[str, int]:
    """Stored article URL -> number of versions (empty before the first run made the file)."""
    if not database.exists():
        return {}
    query = ("SELECT a.url, count(v.id) FROM articles a"
             " JOIN article_versions v ON v.article_id = a.id GROUP BY a.url")  # fmt: skip
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return dict(connection.execute(query).fetchall())


def crawl_stats(crawls: Path, since: float) -> CrawlStats | None:
    """The crawl that started after `since`, from its per-shard Scrapy stats files."""
    fresh = [d for d in crawls.glob("*") if d.is_dir() and d.stat().st_mtime >= since - 1]
    if not fresh:
        return None
    shards = [_json(path) for path in sorted(max(fresh).glob("stats-*.json"))]
    return CrawlStats(
        seconds=max((s.get("elapsed_time_seconds", 0.0) for s in shards), default=0.0),
        requests=sum(s.get("downloader/request_count", 0) for s in shards),
        items=sum(s.get("item_scraped_count", 0) for s in shards),
        shard_peak_bytes=max((s.get("memusage/max", 0) for s in shards), default=0),
    )


def phases(prefect_db: Path, measured: Measured) -> dict[str, float]:
    """Seconds per task of the newest flow run, plus start-up (process start to flow start)
    and shut-down (flow end to process exit), read from the Prefect home's database."""
    try:
        with sqlite3.connect(f"file:{prefect_db}?mode=ro", uri=True) as connection:
            run = connection.execute(
                "SELECT id, start_time, end_time FROM flow_run ORDER BY created DESC LIMIT 1"
            ).fetchone()
            tasks = connection.execute(
                "SELECT name, start_time, end_time FROM task_run WHERE flow_run_id = ?", run[:1]
            ).fetchall()
    except (sqlite3.Error, TypeError):  # no Prefect database (yet): no breakdown
        return {}
    seconds: Counter[str] = Counter()
    for name, start, end in tasks:
        if start and end:
            seconds[name.rsplit("-", 1)[0]] += (_utc(end) - _utc(start)).total_seconds()
    flow_start, flow_end = _utc(run[1]).timestamp(), _utc(run[2]).timestamp()
    seconds["start-up"] = flow_start - measured.started
    seconds["shut-down"] = measured.started + measured.wall_seconds - flow_end
    return dict(seconds)


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
