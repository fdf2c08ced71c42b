"""Politeness: a download slot per host, delay floors (outlet delay, Crawl-delay), Retry-After."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Protocol, Self

from scrapy import signals
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from twisted.python.failure import Failure

from spiders.failures import Refused
from spiders.safety import origin

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_BACKOFF_STATUSES = (429, 503)


def slot_key(url: str) -> str:
    """The download slot of `url`: its host, plus the port unless it is 80 or 443."""
    where = origin(url)
    if where is None:
        return ""
    host, port = where
    # Scrapy keys slots by host alone; the port matters for hosts that serve several sites on
    # several ports (and for outlets in tests, which all live on 127.0.0.1).
    return host if port in (80, 443) else f"{host}:{port}"


class Paced(Protocol):
    """What slot_settings needs of an outlet."""

    sources: tuple[str, ...]
    delay: float | None
    concurrency: int | None


def slot_settings(outlets: Iterable[Paced]) -> dict[str, dict[str, float | int]]:
    """DOWNLOAD_SLOTS entries for the hosts of outlets with their own delay or concurrency."""
    # A host shared by outlets with different wishes gets the gentler of each.
    slots: dict[str, dict[str, float | int]] = {}
    for outlet in outlets:
        for key in {slot_key(url) for url in outlet.sources}:
            slot = slots.setdefault(key, {})
            if outlet.delay is not None:
                slot["delay"] = max(outlet.delay, slot.get("delay", 0.0))
            if outlet.concurrency is not None:
                slot["concurrency"] = min(outlet.concurrency, slot.get("concurrency", 1 << 30))
    return {key: slot for key, slot in slots.items() if slot}


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header value asks to wait (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class _Paused(Exception):
    """A queued request pulled back while its host asked for a short pause."""


class PolitenessMiddleware:
    """Slot per host:port, delay floors (outlet `delay`, Crawl-delay) and Retry-After backoff.

    A 429, or a 503 with Retry-After, backs the host off. A wait of up to
    NEWSWATCH_RETRY_AFTER_MAX_WAIT seconds is sat out and the request retried once; for a longer
    one (or a second time) the host is left alone for the rest of the run, its requests fail as
    `backoff`, and `newswatch/<outlet>/backoff_until` (ISO 8601, UTC) says until when.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_wait = settings.getfloat("NEWSWATCH_RETRY_AFTER_MAX_WAIT")
        self.default_backoff = settings.getfloat("NEWSWATCH_BACKOFF_DEFAULT")
        self.max_backoff = settings.getfloat("NEWSWATCH_BACKOFF_MAX")
        self.max_crawl_delay = settings.getfloat("NEWSWATCH_CRAWL_DELAY_MAX")
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        slots = settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {key: float(slot["delay"]) for key, slot in slots.items() if "delay" in slot}
        self.exact: set[str] = set()  # slots with a Crawl-delay: no random jitter below it
        self.paused: dict[str, float] = {}  # slot -> monotonic time to wait for
        self.blocked: dict[str, datetime] = {}  # slot -> when (UTC) it may be asked again
        connect = crawler.signals.connect
        connect(self.apply_floor, signal=signals.request_reached_downloader)
        connect(self.response_downloaded, signal=signals.response_downloaded)
        connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Scrapy's constructor hook."""
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        """Put `request` in its host's slot; wait out or refuse (`backoff`) a backed-off host."""
        key = slot_key(request.url)
        request.meta["download_slot"] = key
        if key in self.blocked:
            raise self._refusal(request, key)
        wait = self.paused.get(key, 0.0) - monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """Retry a request after the short wait its host asked for; never retry a long one."""
        decision = request.meta.pop("newswatch_backoff", None)
        if decision == "wait":
            self._count(request, "retry_after_waits")
            return request.replace(dont_filter=True, meta={**request.meta, "newswatch_waited": 1})
        if decision == "block":
            request.meta["dont_retry"] = True  # RetryMiddleware would ask again at once
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        """Send a request pulled back by a short pause round again: it waits in process_request."""
        if isinstance(exception, _Paused):
            return request.replace(dont_filter=True)
        return None

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Back the host off on a 429 or 503+Retry-After, before its slot sends the next request."""
        self.apply_floor(request)  # AutoThrottle (connected earlier) may just have lowered it
        if response.status not in _BACKOFF_STATUSES:
            return
        now = datetime.now(UTC)
        delay = retry_after_seconds(response.headers.get("Retry-After"), now)
        if delay is None and response.status == 503:
            return  # a plain 5xx: RetryMiddleware's business
        delay = min(self.max_backoff, self.default_backoff if delay is None else delay)
        key = request.meta.get("download_slot") or slot_key(request.url)
        retryable = "outlet" in request.meta and "newswatch_waited" not in request.meta
        if delay <= self.max_wait and retryable:
            request.meta["newswatch_backoff"] = "wait"
            self.paused[key] = max(self.paused.get(key, 0.0), monotonic() + delay)
        else:
            request.meta["newswatch_backoff"] = "block"
            until = now + timedelta(seconds=delay)
            self.blocked[key] = max(until, self.blocked.get(key, until))
            self._note_backoff(request, self.blocked[key])
        self._pull_back_queue(key)

    def apply_floor(self, request: Request) -> None:
        """Keep the request's slot at or above its floor, whatever AutoThrottle made of it."""
        key = request.meta.get("download_slot")
        floor = self.floors.get(key)
        slot = self.crawler.engine.downloader.slots.get(key) if floor else None
        if slot is None:
            return
        slot.delay = max(slot.delay, floor)
        if key in self.exact:
            slot.jitter = 0.0

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Turn a robots.txt Crawl-delay into the floor of the host's slot."""
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay or delay <= 0:
            return
        key = slot_key(request.url)
        if delay > self.max_crawl_delay:
            # An hour-long Crawl-delay would hold the whole shard to its wall-clock budget.
            logger.warning("%s: Crawl-delay %gs capped at %gs", key, delay, self.max_crawl_delay)
            delay = self.max_crawl_delay
        self.floors[key] = max(self.floors.get(key, 0.0), delay)
        self.exact.add(key)

    def _pull_back_queue(self, key: str) -> None:
        # Requests already queued in the host's slot passed process_request before the host
        # objected; without this they would still go out. Scrapy has no public handle on the
        # queue (AutoThrottle reaches into downloader.slots the same way).
        slot = self.crawler.engine.downloader.slots.get(key)
        while slot is not None and slot.queue:
            request, queued = slot.queue.popleft()
            error = self._refusal(request, key) if key in self.blocked else _Paused(key)
            queued.errback(Failure(error))

    def refusal(self, request: Request) -> Refused | None:
        """Refused(`backoff`) when `request`'s host is left alone for the rest of the run."""
        key = slot_key(request.url)
        return self._refusal(request, key) if key in self.blocked else None

    def _refusal(self, request: Request, key: str) -> Refused:
        self._note_backoff(request, self.blocked[key])
        return Refused("backoff", f"{key} until {self.blocked[key].isoformat()}")

    def _note_backoff(self, request: Request, until: datetime) -> None:
        outlet = request.meta.get("outlet")
        if outlet is not None:
            # ISO strings of one format in UTC sort like the instants they name.
            value = until.isoformat(timespec="seconds")
            self.crawler.stats.max_value(f"newswatch/{outlet}/backoff_until", value)

    def _count(self, request: Request, what: str) -> None:
        outlet = request.meta.get("outlet")
        if outlet is not None:
            self.crawler.stats.inc_value(f"newswatch/{outlet}/{what}")
