"""Scrapy and Twisted internals our spiders lean on: a change fails here, by name, not mid-crawl.

Scrapy is pinned to one minor version (pyproject.toml); when it moves, these tests say which of
our overrides or reach-ins no longer fits. They inspect classes and code objects, no crawl.
"""

from __future__ import annotations

import importlib
import inspect
from collections import deque
from pathlib import Path
from types import FunctionType
from typing import Any

import pytest
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.test import get_crawler

ROBOTS = "spiders/robots.py"
POLITENESS = "spiders/politeness.py"
FAILURES = "spiders/failures.py"
SITEMAPS = "spiders/sitemaps.py"

# RobotsTxtMiddleware methods RfcRobotsTxtMiddleware overrides: parameters, and async or not.
ROBOTS_OVERRIDES = {
    "_parse_robots": (("self", "response", "netloc", "request"), True),
    "_robots_error": (("self", "exc", "netloc"), False),
    "process_request_2": (("self", "rp", "request"), False),
}
# Scrapy methods that must still call our overrides (or use the state they share).
ROBOTS_CALLERS = {
    "robot_parser": {"_parsers", "_parse_robots", "_robots_error"},
    "process_request": {"robot_parser", "process_request_2"},
}
# Names spiders/failures.py imports from the private twisted.web._newclient.
NEWCLIENT_NAMES = ("ResponseFailed", "ResponseNeverReceived")


def _parameters(function: Any) -> tuple[str, ...]:
    return tuple(inspect.signature(function).parameters)


def _names_used(function: Any) -> set[str]:
    """Attribute and global names a function's own code refers to (decorators unwrapped)."""
    code = inspect.unwrap(function).__code__
    return set(code.co_names)


def _robots_module() -> Any:
    # Imported here, not at the top: a vanished Twisted name must fail its own test, not collection.
    return importlib.import_module("spiders.robots")


@pytest.mark.parametrize("name", list(ROBOTS_OVERRIDES))
def test_robots_hooks_we_override_keep_their_signatures(name: str) -> None:
    parameters, is_async = ROBOTS_OVERRIDES[name]
    base = getattr(RobotsTxtMiddleware, name, None)
    assert isinstance(base, FunctionType), (
        f"Scrapy's RobotsTxtMiddleware.{name} is gone: {ROBOTS} overrides it, so the override "
        "is dead code and RFC 9309 handling of robots.txt is silently off"
    )
    assert _parameters(base) == parameters, (
        f"Scrapy's RobotsTxtMiddleware.{name}{inspect.signature(base)} changed: {ROBOTS} "
        f"overrides and calls it as {name}({', '.join(parameters)})"
    )
    assert inspect.iscoroutinefunction(base) == is_async, (
        f"Scrapy's RobotsTxtMiddleware.{name} is {'no longer' if is_async else 'now'} a "
        f"coroutine: {ROBOTS} {'awaits' if is_async else 'calls'} it directly"
    )
    ours = getattr(_robots_module().RfcRobotsTxtMiddleware, name)
    assert ours is not base, f"{ROBOTS} no longer overrides RobotsTxtMiddleware.{name}"
    assert _parameters(ours) == parameters, f"{ROBOTS}'s {name} drifted from Scrapy's signature"
    assert inspect.iscoroutinefunction(ours) == is_async, f"{ROBOTS}'s {name}: async mismatch"


@pytest.mark.parametrize("caller", list(ROBOTS_CALLERS))
def test_scrapy_still_calls_the_robots_hooks(caller: str) -> None:
    missing = ROBOTS_CALLERS[caller] - _names_used(getattr(RobotsTxtMiddleware, caller))
    assert not missing, (
        f"Scrapy's RobotsTxtMiddleware.{caller} no longer uses {sorted(missing)}: "
        f"the overrides in {ROBOTS} may never run"
    )


def test_robots_middleware_keeps_its_private_state() -> None:
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    middleware = _robots_module().RfcRobotsTxtMiddleware.from_crawler(crawler)
    assert isinstance(getattr(middleware, "_parsers", None), dict), (
        f"RobotsTxtMiddleware._parsers (netloc -> parser or Deferred) is gone or no longer a "
        f"dict: {ROBOTS}'s _robots_error reads and replaces its entries"
    )
    assert getattr(middleware, "_stats", None) is crawler.stats, (
        f"RobotsTxtMiddleware._stats is gone: {ROBOTS}'s _robots_error counts exceptions on it"
    )
    assert getattr(middleware, "crawler", None) is crawler, (
        f"RobotsTxtMiddleware.crawler is gone: {ROBOTS} finds the politeness middleware with it"
    )
    assert callable(getattr(Crawler, "get_downloader_middleware", None)), (
        f"Crawler.get_downloader_middleware is gone: {ROBOTS} asks it for PolitenessMiddleware"
    )


def test_an_unreachable_robots_txt_is_still_a_complete_robot_parser() -> None:
    unreachable = _robots_module()._Unreachable
    assert not unreachable.__abstractmethods__, (
        f"scrapy.robotstxt.RobotParser gained abstract methods "
        f"{sorted(unreachable.__abstractmethods__)}: {ROBOTS}'s _Unreachable must implement them"
    )


def test_downloader_slots_hold_the_queue_politeness_pulls_back() -> None:
    assert "downloader" in _names_used(ExecutionEngine.__init__), (
        f"ExecutionEngine no longer sets .downloader: {POLITENESS} reads engine.downloader.slots"
    )
    assert "slots" in _names_used(Downloader.__init__), (
        f"Downloader no longer sets .slots: {POLITENESS} looks slots up in it by download_slot"
    )
    slot = Slot(1, 0.0)
    for attribute in ("queue", "delay", "jitter"):
        assert hasattr(slot, attribute), (
            f"scrapy.core.downloader.Slot has no .{attribute} any more: {POLITENESS} uses it "
            "(queue: pull back requests of a backed-off host; delay/jitter: delay floors)"
        )
    assert isinstance(slot.queue, deque), f"Slot.queue is no longer a deque ({POLITENESS})"
    queued = " ".join(Slot.__annotations__.get("queue", "").split())
    assert "tuple[Request, Deferred" in queued, (
        f"Slot.queue now holds {queued!r}: {POLITENESS} unpacks (request, deferred) pairs and "
        "errbacks the deferred"
    )


def test_the_downloader_still_works_its_slot_queues_and_jitter() -> None:
    # If Scrapy stopped reading these, our edits to them would change nothing, silently.
    uses = {
        "Downloader._enqueue_request": (Downloader._enqueue_request, {"queue", "append"}),
        "Downloader._process_queue": (Downloader._process_queue, {"queue", "popleft"}),
        "Slot.download_delay": (Slot.download_delay, {"delay", "jitter"}),
    }
    for name, (function, names) in uses.items():
        missing = names - _names_used(function)
        assert not missing, (
            f"Scrapy's {name} no longer uses {sorted(missing)}: {POLITENESS} relies on it to "
            "pull queued requests back and to keep a Crawl-delay exact"
        )


@pytest.mark.parametrize("name", NEWCLIENT_NAMES)
def test_twisted_newclient_still_has_what_failures_imports(name: str) -> None:
    newclient = importlib.import_module("twisted.web._newclient")
    error = getattr(newclient, name, None)
    assert isinstance(error, type) and issubclass(error, Exception), (
        f"twisted.web._newclient.{name} is gone or no longer an exception: {FAILURES} imports "
        "it to tell `no_response`/`bad_response` failures apart"
    )


def test_sitemap_helpers_keep_their_shape(tmp_path: Path) -> None:
    assert "max_size" in inspect.signature(gunzip).parameters, (
        f"scrapy.utils.gz.gunzip lost max_size: {SITEMAPS} relies on it against gzip bombs"
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )  # each level 10x the one before: &lol9; is a billion "lol"s
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY lol0 "lol">{laughs}'
        f'<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.com/a-&lol9;</loc></url>"
        "<url><loc>https://example.com/b-&xxe;</loc></url></urlset>"
    ).encode()
    locs = [entry.get("loc", "") for entry in Sitemap(body)]
    assert not [loc for loc in locs if "lollol" in loc or "SECRET" in loc], (
        f"scrapy.utils.sitemap.Sitemap now expands XML entities ({locs!r}): {SITEMAPS} relies on "
        "it to parse with resolve_entities=False"
    )


def test_the_per_response_generator_check_stays_off_by_the_setting_scrapy_reads() -> None:
    # Scrapy parses a callback's source again for every response to warn about generators
    # that return a value (up to ~0.9 ms an article): spiders/settings.py turns it off by this
    # name.
    from scrapy.utils import misc

    from spiders import settings

    check = inspect.getsource(misc.warn_on_generator_with_return_value)
    assert 'getbool("WARN_ON_GENERATOR_RETURN_VALUE")' in check
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
