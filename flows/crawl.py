"""The crawl seam: run the `news` spider in subprocesses and read back its records and stats."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from spiders.items import ArticleRecord
from storage.fetches import Conditional, Fetch

if TYPE_CHECKING:
    from flows.config import Crawl, Outlet

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Scrapy closes itself (keeping what it has) at this share of the wall-clock budget; the kill
# at the full budget is only for a crawl that hangs.
_GRACEFUL_SHARE = 0.8
POLL_SECONDS = 0.2  # how often the records files are looked at while nothing new came
READ_BYTES = 4 * 1024 * 1024  # read per shard and look: the flow never slurps a whole file
_LOG_TAIL_LINES = 30
_COUNTS = (
    "discovered", "fetched", "articles", "not_article", "failed", "not_modified", "revisited",
    "listed", "bad_link", "outside_allow", "repeated", "known", "requested", "article_failed",
    "article_not_modified", "unclean", "duplicate",
)  # fmt: skip


@dataclass(frozen=True)
class OutletCrawlStats:
    """What the crawl did for one outlet."""

    discovered: int  # distinct article URLs found in its feeds, sitemaps and pages
    fetched: int  # article pages downloaded
    articles: int  # records produced
    not_article: int  # fetched pages that were no single article (listings, videos)
    failed: int  # failed requests: sources and articles
    errors: dict[str, int]  # failure kind (dns, connection, timeout, http_404, robots…) -> count
    not_modified: int = 0  # conditional requests answered 304
    revisited: int = 0  # known articles fetched again to catch updates
    # How the counts add up (README, "Counts"): listed = bad_link + outside_allow + repeated +
    # discovered; discovered = known + requested; requested + revisited = fetched +
    # article_not_modified + article_failed; fetched = articles + not_article + duplicate + unclean.
    listed: int = 0  # article links its feeds, sitemaps and pages gave
    bad_link: int = 0  # not http(s)
    outside_allow: int = 0  # refused by its `allow` regex
    repeated: int = 0  # listed again (another source, an edition) in this crawl
    known: int = 0  # stored already: skipped (unless due for a revisit)
    requested: int = 0  # new article URLs asked for
    article_failed: int = 0  # article requests that failed (network, HTTP, robots, refused)
    article_not_modified: int = 0  # revisits answered 304
    unclean: int = 0  # fetched pages that could not be cleaned (not HTML, too big a tree…)
    duplicate: int = 0  # fetched pages that turned out to be an article already emitted
    backoff_until: datetime | None = None  # the outlet asked (429/503) to be left alone
    failures: tuple[tuple[str, str], ...] = ()  # (kind, masked URL) of the first few failures


@dataclass(frozen=True)
class CrawlResult:
    """What one crawl did: its per-outlet stats, responses and log (and, from run_crawl, its
    records; a streamed crawl hands its records over while it runs)."""

    records: list[ArticleRecord]
    outlets: dict[str, OutletCrawlStats]
    fetches: list[Fetch]  # every response with its validators, for the next conditional run
    finish_reason: str  # "finished" unless a shard stopped early (e.g. "closespider_timeout")
    log_file: Path
    # Each record's fetched page, for spiders.pages.load_page(pages_dir, record.url); kept
    # out of the records, which travel through memory.
    pages_dir: Path | None = None


class CrawlError(Exception):
    """The crawl could not run at all: it did not start, hung and was killed, or wrote no stats."""


@dataclass(frozen=True)
class _Shard:
    index: int
    outlets: list[dict[str, Any]]
    items: Path
    stats: Path
    log: Path
    output: Path  # the child's stdout and stderr: tracebacks from before logging is set up
    fetches: Path  # one JSON line per response: url, outlet, status, validators


def run_crawl(
    outlets: Sequence[Outlet],
    known_urls: Collection[str],
    settings: Crawl,
    workdir: Path,
    shards: int = 1,
    validators: Sequence[Conditional] = (),
    revisits: Sequence[Conditional] = (),
) -> CrawlResult:
    """Crawl outlets to the end and return every record with the stats (tests, small crawls;
    the cycle streams through `start_crawl` instead)."""
    crawl = start_crawl(outlets, known_urls, settings, workdir, shards, validators, revisits)
    records = [record for chunk in crawl.chunks() for record in chunk]
    return replace(crawl.result(), records=records)


def start_crawl(
    outlets: Sequence[Outlet],
    known_urls: Collection[str],
    settings: Crawl,
    workdir: Path,
    shards: int = 1,
    validators: Sequence[Conditional] = (),
    revisits: Sequence[Conditional] = (),
) -> RunningCrawl:
    """Start crawling outlets in `shards` parallel subprocesses, skipping known URLs.

    `validators` are sent with requests for those URLs (feeds, sitemaps, pages); `revisits` are
    known articles due to be fetched again, with validators or without (a full fetch)."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    known = workdir / "known.txt"
    known.write_text("".join(f"{url}\n" for url in sorted(known_urls)), encoding="utf-8")
    conditional = workdir / "conditional.json"
    conditional.write_text(
        json.dumps(
            {
                "validators": [asdict(c) for c in validators],
                "revisits": [asdict(c) for c in revisits],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    pages = workdir / "pages"  # shared by the shards: a URL names one file whoever saves it
    # A page left by an earlier run in this workdir must not pass for this run's.
    shutil.rmtree(pages, ignore_errors=True)
    entries = [outlet.model_dump(mode="json") for outlet in outlets]
    count = max(1, min(shards, len(entries)))
    jobs = [_shard(workdir, i, shard_outlets(entries, i, count)) for i in range(count)]
    processes = [_spawn(job, known, conditional, pages, settings) for job in jobs]
    return RunningCrawl(jobs, processes, workdir, pages, settings.timeout_seconds)


class RunningCrawl:
    """Crawl subprocesses at work: their records as they are written, then their stats."""

    def __init__(
        self,
        jobs: list[_Shard],
        processes: list[subprocess.Popen[bytes]],
        workdir: Path,
        pages: Path,
        budget: float,
    ) -> None:
        self._jobs, self._processes = jobs, processes
        self.workdir, self.pages_dir, self._budget = workdir, pages, budget

    def chunks(self, poll_seconds: float = POLL_SECONDS) -> Iterator[list[ArticleRecord]]:
        """The records the shards wrote since the last chunk (often none), until every shard
        has ended; each article once. Raises CrawlError when a shard outlives the budget."""
        deadline = time.monotonic() + self._budget
        tails = [JsonLinesTail(job.items) for job in self._jobs]
        seen: set[str] = set()
        try:
            while True:
                running = [p.poll() is None for p in self._processes]
                chunk = _new_records(tails, seen)
                yield chunk
                if not any(running) and all(tail.at_end for tail in tails):
                    return  # read to the end after they ended: nothing more can come
                if any(running) and time.monotonic() > deadline:
                    job = self._jobs[running.index(True)]
                    raise CrawlError(
                        f"crawl shard {job.index} still running after {self._budget:g}s: "
                        f"killed\n{_tail(job)}"
                    )
                if not chunk and any(running):
                    time.sleep(poll_seconds)
        finally:
            self.close()

    def close(self) -> None:
        """Kill whatever shard still runs (a timeout, or the reader gave up)."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def result(self) -> CrawlResult:
        """Stats, responses and log of the ended crawl (its records went through `chunks`)."""
        return _merge(self._jobs, self.workdir, self.pages_dir)


class JsonLinesTail:
    """The complete JSON lines another process has appended to a file since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""  # a line still being written
        self.at_end = False  # the last read reached the end of what was written

    def read(self, limit: int = READ_BYTES) -> list[dict[str, Any]]:
        """Decoded objects of the lines completed since the last call (at most `limit` bytes
        read per call, so memory stays bounded however far the writer is ahead)."""
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                data = file.read(limit)
        except FileNotFoundError:  # the shard has not written its first record yet
            self.at_end = True
            return []
        self.at_end = len(data) < limit
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]


def _new_records(tails: list[JsonLinesTail], seen: set[str]) -> list[ArticleRecord]:
    """The records the tails have for us, each article once (one reachable from two shards)."""
    found = []
    for tail in tails:
        for data in tail.read():
            record = ArticleRecord.from_dict(data)
            if record.url not in seen:
                seen.add(record.url)
                found.append(record)
    return found


def shard_outlets(outlets: Sequence[T], shard: int, shards: int) -> list[T]:
    """The outlets of shard `shard` of `shards` (round robin, so big lists split evenly)."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} out of range for {shards} shards")
    return list(outlets[shard::shards])


def repo_root() -> Path:
    """The directory holding the `spiders` package: the crawl subprocess's working directory."""
    spec = importlib.util.find_spec("spiders")  # locates the package without importing scrapy
    if spec is None or spec.origin is None:
        raise CrawlError("the spiders package cannot be found on sys.path")
    return Path(spec.origin).resolve().parent.parent


def scrapy_command(job_args: list[str], settings: Crawl) -> list[str]:
    """The `python -m scrapy crawl news` command line for the given spider/output arguments."""
    overrides = {
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.delay_seconds,
        "AUTOTHROTTLE_START_DELAY": settings.delay_seconds,
        # Scrapy's default target of 1 request in flight per site holds back even the allowed
        # concurrency, and a delay raised by a slow first response never comes down on 304s.
        "AUTOTHROTTLE_TARGET_CONCURRENCY": settings.concurrency_per_domain,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": min(2 * 1024 * 1024, settings.max_page_bytes),
        "CLOSESPIDER_TIMEOUT": max(1, int(settings.timeout_seconds * _GRACEFUL_SHARE)),
        "RETRY_TIMES": settings.retries,
        "REDIRECT_MAX_TIMES": settings.max_redirects,
        "NEWSWATCH_SITEMAP_MAX_URLS": settings.sitemap_max_urls,
        "NEWSWATCH_SITEMAP_MAX_DEPTH": settings.sitemap_max_depth,
        "NEWSWATCH_RETRY_AFTER_MAX_WAIT": settings.retry_after_max_wait,
        "NEWSWATCH_CLEAN_SECONDS": settings.clean_seconds,
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *job_args]
    for key, value in overrides.items():
        command += ["-s", f"{key}={value}"]
    return command


def _shard(workdir: Path, index: int, outlets: list[dict[str, Any]]) -> _Shard:
    job = _Shard(
        index=index,
        outlets=outlets,
        items=workdir / f"items-{index}.jsonl",
        stats=workdir / f"stats-{index}.json",
        log=workdir / f"crawl-{index}.log",
        output=workdir / f"crawl-{index}.out",
        fetches=workdir / f"fetches-{index}.jsonl",
    )
    # A rerun in the same workdir must not read the last run's files.
    for stale in (job.items, job.stats, job.log, job.output, job.fetches):
        stale.unlink(missing_ok=True)
    return job


def _spawn(
    job: _Shard, known: Path, conditional: Path, pages: Path, settings: Crawl
) -> subprocess.Popen[bytes]:
    outlets = job.log.with_name(f"outlets-{job.index}.json")
    outlets.write_text(json.dumps(job.outlets, indent=1), encoding="utf-8")
    args = [
        "-a", f"outlets={outlets}", "-a", f"known={known}", "-a", f"conditional={conditional}",
        "-O", f"{job.items}:jsonlines", "--logfile", str(job.log),
        "-s", f"NEWSWATCH_STATS_FILE={job.stats}", "-s", f"NEWSWATCH_FETCH_LOG={job.fetches}",
        "-s", f"NEWSWATCH_PAGES_DIR={pages}",
    ]  # fmt: skip
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    logger.info("crawl shard %d: %s", job.index, ", ".join(o["name"] for o in job.outlets))
    with job.output.open("wb") as output:
        try:
            return subprocess.Popen(
                scrapy_command(args, settings), cwd=repo_root(), env=env,
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        except OSError as exc:
            raise CrawlError(f"cannot start the crawl subprocess: {exc}") from exc


def _merge(jobs: list[_Shard], workdir: Path, pages: Path) -> CrawlResult:
    outlets: dict[str, OutletCrawlStats] = {}
    fetches: list[Fetch] = []
    reasons = []
    for job in jobs:
        stats = _read_stats(job)
        reasons.append(str(stats.get("finish_reason", "unknown")))
        outlets.update({o["name"]: _outlet_stats(stats, o["name"]) for o in job.outlets})
        fetches += _read_fetches(job.fetches)
    unusual = [reason for reason in reasons if reason != "finished"]
    return CrawlResult(
        records=[],
        outlets=outlets,
        fetches=fetches,
        finish_reason=unusual[0] if unusual else "finished",
        log_file=jobs[0].log if len(jobs) == 1 else _join_logs(jobs, workdir / "crawl.log"),
        pages_dir=pages,
    )


def _read_stats(job: _Shard) -> dict[str, Any]:
    try:
        return json.loads(job.stats.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrawlError(f"crawl shard {job.index} wrote no stats ({exc})\n{_tail(job)}") from None


def _outlet_stats(stats: dict[str, Any], name: str) -> OutletCrawlStats:
    prefix = f"newswatch/{name}/"
    errors = {
        key.removeprefix(f"{prefix}failed/"): int(value)
        for key, value in stats.items()
        if key.startswith(f"{prefix}failed/")
    }
    counts = {key: int(stats.get(prefix + key, 0)) for key in _COUNTS}
    backoff = stats.get(f"{prefix}backoff_until")
    samples = tuple((str(kind), str(url)) for kind, url in stats.get(f"{prefix}failure_urls", ()))
    return OutletCrawlStats(
        **counts, errors=errors, backoff_until=datetime.fromisoformat(backoff) if backoff else None,
        failures=samples,
    )  # fmt: skip


def _read_fetches(path: Path) -> list[Fetch]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [Fetch(**json.loads(line)) for line in lines if line.strip()]


def _join_logs(jobs: list[_Shard], target: Path) -> Path:
    with target.open("w", encoding="utf-8") as out:
        for job in jobs:
            out.write(f"===== shard {job.index}: {job.log.name} =====\n")
            if job.log.exists():
                out.write(job.log.read_text(encoding="utf-8", errors="replace"))
    return target


def _tail(job: _Shard) -> str:
    parts = []
    for path in (job.output, job.log):
        if path.exists() and (lines := path.read_text(errors="replace").splitlines()):
            parts.append(f"--- {path} (last lines) ---\n" + "\n".join(lines[-_LOG_TAIL_LINES:]))
    return "\n".join(parts) or f"(no output in {job.output} or {job.log})"
