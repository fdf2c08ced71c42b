"""Hostile and broken outlets fail alone, by kind, while the rest of the same crawl carries on.

One crawl (module scope) over eighteen fake outlets on 127.0.0.1 ports, each misbehaving in its
own way; the tests below read its records, stats and the servers' request logs.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hostile_site import (
    MIB,
    HostileSite,
    article,
    billion_laughs,
    bomb,
    drip,
    external_entity,
    hang,
    page,
    plain,
    raw,
    redirect,
    respond,
    rss,
    sequence,
    sitemap_index,
    streamed,
    truncated,
    urlset,
    xml,
)

from flows.config import Crawl, Outlet
from flows.crawl import CrawlResult, run_crawl
from spiders import settings
from spiders.limits import MAX_TREE_ELEMENTS
from spiders.politeness import retry_after_seconds, slot_key, slot_settings
from spiders.urls import canonical_url

# Small limits keep the crawl to seconds: 2 s download timeout, one retry, 1 MiB pages.
CRAWL = Crawl(
    delay_seconds=0, concurrency_per_domain=2, timeout_seconds=60,
    download_timeout=2, max_page_bytes=1 * MIB, retries=1,
    sitemap_max_urls=20, sitemap_max_depth=2, retry_after_max_wait=5,
)  # fmt: skip
XXE_MARKER = "XXE-MARKER-4f1c"
HOSTNAME = "/etc/hostname"  # a file any Linux has, for the sitemap's external entity
MANY = 100  # URLs in the oversized sitemap
# A crawl process peaks at about 120 MiB; an expanded billion laughs would need gigabytes.
CRAWL_MEMORY_LIMIT = 768 * MIB
CAFE = "Café society returns"
HTML, RSS = "text/html", "application/rss+xml"


@dataclass(frozen=True)
class Case:
    """One fake outlet and what the crawl must make of it."""

    outlet: Outlet
    errors: dict[str, int]  # failure kind -> count
    articles: int
    # Kinds whose count depends on the lxml version, checked by what they stand for instead.
    parser_dependent: frozenset[str] = field(default=frozenset())


Build = Callable[[HostileSite, str], Case]  # (site, outlet key) -> case
CASES: dict[str, Build] = {}


def case(build: Build) -> Build:
    """Register an outlet scenario under its function's name."""
    CASES[build.__name__.strip("_")] = build
    return build


def _feed(site: HostileSite, key: str, routes: dict[str, Any], path: str = "/rss.xml") -> str:
    """Route `routes` (path -> handler, or a title for an article) and a feed linking them."""
    for route, handler in routes.items():
        if isinstance(handler, str):
            handler = page(handler)
        site.route(key, route, handler)
    site.route(key, path, respond(rss(site.url(key, r) for r in routes), RSS))
    return site.url(key, path)


def _outlet(key: str, **fields: Any) -> Outlet:
    return Outlet(name=key.replace("_", " ").title(), **fields)


# The outlets ----------------------------------------------------------------------------------


@case
def _good(site: HostileSite, key: str) -> Case:
    site.route(key, "/robots.txt", plain("User-agent: *\nDisallow: /private/\n"))
    feed = _feed(site, key, {
        "/news/first-good-story": "First good story",
        "/news/second-good-story": "Second good story",
        "/private/secret-story": "Secret story",
    })  # fmt: skip
    site.route(key, "/news/third-good-story", page("Third good story"))
    stories = [site.url(key, "/news/third-good-story"), site.url(key, "/news/first-good-story")]
    site.route(key, "/sitemap.xml", xml(urlset(stories)))
    outlet = _outlet(key, feeds=[feed], sitemaps=[site.url(key, "/sitemap.xml")])
    return Case(outlet, {"robots": 1}, 3)


@case
def _polite(site: HostileSite, key: str) -> Case:
    site.route(key, "/robots.txt", plain("User-agent: *\nCrawl-delay: 1\n"))
    feed = _feed(site, key, {f"/news/polite-story-{i}": f"Polite {i}" for i in range(3)})
    return Case(_outlet(key, feeds=[feed]), {}, 3)


@case
def _delayed(site: HostileSite, key: str) -> Case:
    feed = _feed(site, key, {f"/news/delayed-story-{i}": f"Delayed {i}" for i in range(3)})
    return Case(_outlet(key, feeds=[feed], delay=0.8, concurrency=1), {}, 3)


@case
def _backoff(site: HostileSite, key: str) -> Case:
    too_many = respond("slow down", status=429, headers=[("Retry-After", "3600")])
    feed = _feed(site, key, {f"/news/backoff-story-{i}": too_many for i in range(3)})
    return Case(_outlet(key, feeds=[feed], concurrency=1), {"http_429": 1, "backoff": 2}, 0)


@case
def _pause(site: HostileSite, key: str) -> Case:
    def in_two_seconds(request: Any) -> None:
        date = formatdate(time.time() + 2, usegmt=True)  # the HTTP-date form of Retry-After
        respond("busy", status=429, headers=[("Retry-After", date)])(request)

    one_second = respond("busy", status=503, headers=[("Retry-After", "1")])
    feed = _feed(site, key, {
        "/news/brief-pause-story": sequence(one_second, page("Brief pause story")),
        "/news/dated-pause-story": sequence(in_two_seconds, page("Dated pause story")),
    })  # fmt: skip
    return Case(_outlet(key, feeds=[feed]), {}, 2)


@case
def _storm(site: HostileSite, key: str) -> Case:
    codes = (500, 502, 503, 504)
    feed = _feed(site, key, {f"/news/storm-{code}-story": respond(status=code) for code in codes})
    return Case(_outlet(key, feeds=[feed]), {f"http_{code}": 1 for code in codes}, 0)


@case
def _robots_down(site: HostileSite, key: str) -> Case:
    site.route(key, "/robots.txt", respond("down", status=503))
    feed = _feed(site, key, {"/news/never-fetched-story": "Never fetched"})
    return Case(_outlet(key, feeds=[feed]), {"robots_unavailable": 1}, 0)


@case
def _robots_busy(site: HostileSite, key: str) -> Case:
    site.route(key, "/robots.txt", respond("busy", status=429, headers=[("Retry-After", "600")]))
    feed = _feed(site, key, {"/news/never-fetched-story": "Never fetched"})
    return Case(_outlet(key, feeds=[feed]), {"backoff": 1}, 0)


@case
def _robots_hang(site: HostileSite, key: str) -> Case:
    site.route(key, "/robots.txt", hang())
    feed = _feed(site, key, {"/news/never-fetched-story": "Never fetched"})
    return Case(_outlet(key, feeds=[feed]), {"timeout": 1}, 0)  # the robots.txt fetch's kind


@case
def _slow(site: HostileSite, key: str) -> Case:
    feed = _feed(site, key, {"/news/hang-story-here": hang(), "/news/drip-story-here": drip()})
    return Case(_outlet(key, feeds=[feed]), {"timeout": 2}, 0)


@case
def _truncated(site: HostileSite, key: str) -> Case:
    feed = _feed(site, key, {
        "/news/cut-short-story": truncated(),
        "/news/not-http-story": raw(b"HELLO\r\n\r\n"),
    })  # fmt: skip
    return Case(_outlet(key, feeds=[feed]), {"data_loss": 1, "bad_response": 1}, 0)


@case
def _charsets(site: HostileSite, key: str) -> Case:
    utf8, latin1 = article(CAFE).encode(), article(CAFE).encode("latin-1")
    feed = _feed(site, key, {
        "/news/latin1-meta-story": respond(article(CAFE, "iso-8859-1").encode("latin-1"), HTML),
        "/news/bogus-charset-story": respond(utf8, f"{HTML}; charset=x-no-such-charset"),
        "/news/lying-charset-story": respond(latin1, f"{HTML}; charset=utf-8"),
        "/news/no-charset-story": respond(utf8, HTML),
    })  # fmt: skip
    return Case(_outlet(key, feeds=[feed]), {}, 4)


@case
def _oversized(site: HostileSite, key: str) -> Case:
    def compressed(encoding: str, body: bytes) -> Any:
        return respond(body, headers=[("Content-Encoding", encoding)])

    feed = _feed(site, key, {
        "/news/declared-huge-story": respond(article("Huge") + "<p>" + "a" * 2 * MIB + "</p>"),
        "/news/streamed-huge-story": streamed(2 * MIB),
        "/news/gzip-bomb-story": compressed("gzip", bomb("gzip")),
        "/news/deflate-bomb-story": compressed("deflate", bomb("deflate")),
        "/news/brotli-bomb-story": compressed("br", bomb("br")),
        "/news/gzip-fine-story": compressed("gzip", gzip.compress(article("Fine").encode())),
    })  # fmt: skip
    return Case(_outlet(key, feeds=[feed]), {"too_large": 5}, 1)


LOCAL_FILE_STORY = "/news/from-a-local-file-story"

@case
def _redirects(site: HostileSite, key: str) -> Case:
    feed = _feed(site, key, {
        "/news/loop-a-story": redirect("/news/loop-b-story"),
        "/news/self-loop-story": redirect("/news/self-loop-story"),
        "/chain/0": redirect("/chain/1"),
        "/news/to-file-story": redirect("file:///etc/passwd"),
        "/news/to-data-story": redirect("data:text/html,<h1>hi</h1>"),
        "/news/to-ftp-story": redirect("ftp://127.0.0.1/pub/story"),
        "/news/to-private-story": redirect("http://10.9.8.7/news/story"),
        "/news/to-metadata-story": redirect("http://169.254.169.254/latest/meta-data/"),
        "/news/to-canary-story": redirect(site.url("canary", "/news/story"), status=307),
        "/news/moved-story": redirect("/news/moved-story-final", status=301),
    })  # fmt: skip
    site.route(key, "/news/loop-b-story", redirect("/news/loop-a-story"))
    for i in range(1, 30):
        site.route(key, f"/chain/{i}", redirect(f"/chain/{i + 1}"))
    site.route(key, "/news/moved-story-final", page("Moved story"))
    errors = {"redirect_loop": 2, "redirect_limit": 1, "bad_scheme": 3, "blocked_address": 3}
    return Case(_outlet(key, feeds=[feed]), errors, 1)


@case
def _feeds(site: HostileSite, key: str) -> Case:
    secret = site.workdir / "secret.txt"
    secret.write_text(XXE_MARKER)
    safe = site.url(key, "/news/scheme-safe-story")
    laughs = rss([site.url(key, "/news/laughs-story")], billion_laughs("rss"))
    xxe = rss([site.url(key, "/news/xxe-&xxe;")], external_entity("rss", secret), verbatim=True)
    schemes = ["file:///etc/passwd", "data:text/html;base64,PGgxPmhpPC9oMT4=",
               "ftp://127.0.0.1/pub/story", "javascript:alert(1)", safe]  # fmt: skip
    # A canary feed on the crawler's own disk: a body naming it must never be opened.
    local = site.workdir / "local-feed.xml"
    local.write_text(rss([site.url(key, LOCAL_FILE_STORY)]))
    feeds = {
        "/path.xml": respond(str(local).encode(), RSS),
        "/garbage.xml": respond(b"\x00\xff" * 500 + b"<<<>>>", RSS),
        "/image.png": respond(b"\x89PNG\r\n\x1a\n" + bytes(500), "image/png"),
        "/laughs.xml": respond(laughs, RSS),
        "/xxe.xml": respond(xxe, RSS),
        "/huge.xml": respond(rss([safe]) + " " * 2 * MIB, RSS),
        "/schemes.xml": respond(rss(schemes), RSS),
    }
    for path, handler in feeds.items():
        site.route(key, path, handler)
    site.route(key, "/news/laughs-story", page("Laughs story"))
    site.route(key, "/news/scheme-safe-story", page("Scheme safe story"))
    outlet = _outlet(key, feeds=[site.url(key, path) for path in feeds])
    return Case(outlet, {"bad_feed": 3, "http_404": 1, "too_large": 1, "bad_scheme": 4}, 2)


@case
def _sitemaps(site: HostileSite, key: str) -> Case:
    def url(path: str) -> str:
        return site.url(key, path)

    bad_schemes = ["file:///etc/passwd", "data:text/xml,<x/>", "ftp://127.0.0.1/s.xml"]
    sitemaps = {
        "/index-a.xml": xml(sitemap_index([url("/index-b.xml")])),  # which lists index-a
        "/deep/0.xml": xml(sitemap_index([url("/deep/1.xml")])),  # 1 lists 2, 2 lists 3
        "/many.xml": xml(urlset(url(f"/many/story-number-{i}") for i in range(MANY))),
        "/bomb.xml.gz": respond(bomb("gzip"), "application/x-gzip"),
        "/garbage.xml": xml(b"\x00\x01 not xml at all"),
        "/laughs.xml": xml(urlset([url("/news/laughs-&lol9;")], billion_laughs("urlset"))),
        "/xxe.xml": xml(urlset([url("/news/xxe-&xxe;")], external_entity("urlset", HOSTNAME))),
        "/schemes-index.xml": xml(sitemap_index(bad_schemes)),
    }
    for path, handler in sitemaps.items():
        site.route(key, path, handler)
    site.route(key, "/index-b.xml", xml(sitemap_index([url("/index-a.xml"), url("/leaf.xml")])))
    site.route(key, "/leaf.xml", xml(urlset([url("/news/leaf-story")])))
    site.route(key, "/news/leaf-story", page("Leaf story"))
    for i in range(1, 4):
        site.route(key, f"/deep/{i}.xml", xml(sitemap_index([url(f"/deep/{i + 1}.xml")])))
    errors = {
        "sitemap_cycle": 1, "sitemap_depth": 1, "sitemap_max_urls": 1, "too_large": 1,
        "bad_sitemap": 1, "bad_scheme": 3,
    }  # fmt: skip
    # A 404 per <loc> whose entity the parser dropped: how many is up to the lxml build.
    outlet = _outlet(key, sitemaps=[url(path) for path in sitemaps])
    return Case(outlet, errors, 1, parser_dependent=frozenset({"http_404"}))


@case
def _non_html(site: HostileSite, key: str) -> Case:
    pdf, png = b"%PDF-1.4\n" + bytes(range(256)), b"\x89PNG\r\n\x1a\n" + bytes(300)
    # Under the size limit, but ten times the elements of any real page: fails, not cleaned.
    paragraphs = b"<html><body>" + b"<p>" * (MAX_TREE_ELEMENTS + 1) + b"</body></html>"
    feed = _feed(site, key, {
        "/files/annual-report-2024.pdf": respond(pdf, "application/pdf"),
        "/files/photo-of-the-day.png": respond(png, "image/png"),
        "/news/a-hundred-thousand-paragraphs-story": respond(paragraphs, "text/html"),
    })  # fmt: skip
    site.route(key, "/section.bin", respond(bytes(range(256)), "application/octet-stream"))
    outlet = _outlet(key, feeds=[feed], pages=[site.url(key, "/section.bin")])
    return Case(outlet, {"not_html": 3, "too_complex": 1}, 0)


SSRF_HOSTS = [
    "127.0.0.1:{port}", "localhost:{port}", "2130706433:{port}", "0x7f.1:{port}",
    "017700000001:{port}", "127.1:{port}", "[::ffff:127.0.0.1]:{port}", "[::1]:{port}",
    "0.0.0.0:{port}", "10.0.0.1", "169.254.169.254", "[fd00::1]",
]  # fmt: skip


@case
def _ssrf(site: HostileSite, key: str) -> Case:
    port = site.port("canary")  # another local service: it must never hear from the crawler
    links = [f"http://{host.format(port=port)}/news/ssrf-{i}" for i, host in enumerate(SSRF_HOSTS)]
    site.route(key, "/news/ssrf-safe-story", page("SSRF safe story"))
    site.route(key, "/rss.xml", respond(rss([*links, site.url(key, "/news/ssrf-safe-story")]), RSS))
    outlet = _outlet(key, feeds=[site.url(key, "/rss.xml")])
    return Case(outlet, {"blocked_address": len(SSRF_HOSTS)}, 1)


# The crawl ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileCrawl:
    """The crawl over every case, with what the tests need to judge it."""

    site: HostileSite
    cases: dict[str, Case]
    result: CrawlResult
    stats: dict[str, Any]  # the raw stats file the spider wrote
    seconds: float
    started: datetime
    peak_rss: int | None  # bytes, the crawl process's peak RSS; None without Linux's /proc


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCrawl]:
    workdir = tmp_path_factory.mktemp("hostile")
    with HostileSite(workdir) as site:
        site.outlet("canary")  # nothing may ever reach it
        for key in CASES:
            site.outlet(key)
        cases = {key: build(site, key) for key, build in CASES.items()}
        known = {
            canonical_url(site.url("sitemaps", f"/many/story-number-{i}")) for i in range(MANY)
        }
        started, clock = datetime.now(UTC), time.monotonic()
        outlets = [c.outlet for c in cases.values()]
        with _children_peak_rss() as peak:
            result = run_crawl(outlets, known, CRAWL, workdir / "crawl")
        seconds = time.monotonic() - clock
        stats = json.loads((workdir / "crawl" / "stats-0.json").read_text(encoding="utf-8"))
        yield HostileCrawl(site, cases, result, stats, seconds, started, peak[0])


@contextmanager
def _children_peak_rss(every: float = 0.05) -> Iterator[list[int | None]]:
    """Yield [peak]: the highest peak RSS (bytes) of this process's children while open."""
    # Polled from /proc, not getrusage(RUSAGE_CHILDREN): that one also remembers children of
    # earlier tests (a Prefect server outgrows a crawl), so a blow-up here could hide behind it.
    tasks = Path(f"/proc/{os.getpid()}/task")
    peak: list[int | None] = [0 if tasks.is_dir() else None]
    done = threading.Event()

    def poll() -> None:
        while peak[0] is not None and not done.wait(every):
            for children in tasks.glob("*/children"):
                for pid in _read(children).split():
                    for line in _read(Path(f"/proc/{pid}/status")).splitlines():
                        if line.startswith("VmHWM:"):  # the process's peak RSS so far, in kB
                            peak[0] = max(peak[0] or 0, int(line.split()[1]) * 1024)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield peak
    finally:
        done.set()
        watcher.join()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process (or thread) is gone already
        return ""


def _articles(hostile: HostileCrawl, key: str) -> list[Any]:
    name = hostile.cases[key].outlet.name
    return [record for record in hostile.result.records if record.outlet == name]


# Requests 1 s apart arrive at the test server up to a few tens of milliseconds closer when the
# machine is loaded (0.944 s was seen on 2 busy cores); without the delay they are milliseconds
# apart, so this margin still tells a kept delay from a lost one.
SPACED = 0.8


def _gaps(hostile: HostileCrawl, key: str) -> list[float]:
    times = [hit.at for hit in hostile.site.hits(key)]
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


# The tests ------------------------------------------------------------------------------------


def test_the_crawl_finishes_promptly(hostile: HostileCrawl):
    assert hostile.result.finish_reason == "finished"
    assert hostile.seconds < 25, f"the hostile crawl took {hostile.seconds:.1f}s"


@pytest.mark.parametrize("key", list(CASES))
def test_each_outlet_fails_alone_and_by_kind(hostile: HostileCrawl, key: str):
    expected = hostile.cases[key]
    stats = hostile.result.outlets[expected.outlet.name]
    errors = {k: n for k, n in stats.errors.items() if k not in expected.parser_dependent}
    assert errors == expected.errors
    assert stats.failed == sum(stats.errors.values())
    assert len(_articles(hostile, key)) == stats.articles == expected.articles


def test_nothing_reaches_another_local_service(hostile: HostileCrawl):
    assert hostile.site.hits("canary") == []


def test_retries_are_bounded(hostile: HostileCrawl):
    site = hostile.site
    for code in (500, 502, 503, 504):  # the first try and RETRY_TIMES=1
        assert len(site.hits("storm", f"/news/storm-{code}-story")) == 2
    assert len(site.hits("redirects", "/news/self-loop-story")) == 1
    assert [hit.path for hit in site.hits("redirects") if hit.path.startswith("/chain/")] == [
        f"/chain/{i}"
        for i in range(6)  # the request and REDIRECT_MAX_TIMES=5 redirects
    ]


def test_unreachable_robots_txt_disallows_everything(hostile: HostileCrawl):
    for key in ("robots_down", "robots_busy", "robots_hang"):
        assert {hit.path for hit in hostile.site.hits(key)} == {"/robots.txt"}
    assert len(hostile.site.hits("robots_busy")) == 1  # no retry against a Retry-After
    assert hostile.site.hits("good", "/private/secret-story") == []


def test_a_feed_body_naming_a_local_file_is_never_opened(hostile: HostileCrawl):
    # feedparser opens a str or bytes argument as a path when such a file exists.
    assert LOCAL_FILE_STORY not in {hit.path for hit in hostile.site.hits("feeds")}


def test_entities_are_never_expanded(hostile: HostileCrawl):
    paths = [hit.path for key in ("feeds", "sitemaps") for hit in hostile.site.hits(key)]
    assert not [path for path in paths if XXE_MARKER in path or "lollol" in path]
    assert not [r for r in hostile.result.records if XXE_MARKER in r.text + r.title]


def test_a_sitemap_entity_is_dropped_with_or_without_its_url(hostile: HostileCrawl):
    # lxml 6.1 drops the <url> holding &lol9;, lxml 6.2 keeps it without the entity (and both
    # keep /news/xxe- that way): either is safe, so only what was asked for is pinned down.
    asked = {hit.path for hit in hostile.site.hits("sitemaps") if hit.path.startswith("/news/")}
    stripped = asked - {"/news/leaf-story"}
    assert stripped <= {"/news/laughs-", "/news/xxe-"}
    assert hostile.result.outlets["Sitemaps"].errors.get("http_404", 0) == len(stripped)


def test_hostile_xml_does_not_blow_up_memory(hostile: HostileCrawl):
    peak = hostile.peak_rss
    if peak is None:
        pytest.skip("no /proc to watch the crawl process's memory")
    assert 0 < peak < CRAWL_MEMORY_LIMIT, f"the crawl peaked at {peak / MIB:.0f} MiB"


def test_a_sitemap_gives_at_most_its_quota_of_urls(hostile: HostileCrawl):
    stats = hostile.stats
    assert stats["newswatch/Sitemaps/known"] == CRAWL.sitemap_max_urls
    assert not [hit for hit in hostile.site.hits("sitemaps") if hit.path.startswith("/many/")]
    assert hostile.site.hits("sitemaps", "/deep/3.xml") == []  # beyond sitemap_max_depth


def test_text_in_wrong_or_missing_charsets_still_becomes_articles(hostile: HostileCrawl):
    titles = {
        record.fetched_url.rsplit("/", 1)[1]: record.title
        for record in _articles(hostile, "charsets")
    }
    for story in ("latin1-meta-story", "bogus-charset-story", "no-charset-story"):
        assert titles[story] == CAFE
    assert titles["lying-charset-story"].startswith("Caf")


def test_crawl_delay_spaces_requests(hostile: HostileCrawl):
    assert len(hostile.site.hits("polite")) == 5  # robots.txt, the feed, three articles
    assert min(_gaps(hostile, "polite")) >= SPACED


def test_outlet_delay_and_concurrency_apply_to_its_host(hostile: HostileCrawl):
    # delay=0.8 with Scrapy's ±50% jitter: never closer than 0.4 s, never two at once.
    assert len(hostile.site.hits("delayed")) == 5
    assert min(_gaps(hostile, "delayed")) >= 0.38


def test_long_retry_after_leaves_the_host_alone_and_says_until_when(hostile: HostileCrawl):
    articles = [hit for hit in hostile.site.hits("backoff") if hit.path.startswith("/news/")]
    assert len(articles) == 1  # concurrency 1: the others were pulled back, not sent
    until = datetime.fromisoformat(hostile.stats["newswatch/Backoff/backoff_until"])
    expected = hostile.started + timedelta(seconds=3600)
    assert until.tzinfo is not None and abs(until - expected) < timedelta(seconds=60)
    assert "newswatch/Pause/backoff_until" not in hostile.stats
    until = datetime.fromisoformat(hostile.stats["newswatch/Robots Busy/backoff_until"])
    assert abs(until - (hostile.started + timedelta(seconds=600))) < timedelta(seconds=60)


def test_short_retry_after_is_waited_out(hostile: HostileCrawl):
    assert hostile.stats["newswatch/Pause/retry_after_waits"] == 2
    first, second = hostile.site.hits("pause", "/news/brief-pause-story")
    assert second.at - first.at >= SPACED


# The pure parts -------------------------------------------------------------------------------

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (b"0", 0.0),
        (" 7 ", 7.0),
        ("Tue, 01 Jan 2030 00:02:00 GMT", 120.0),  # the HTTP-date form
        ("Mon, 31 Dec 2029 23:00:00 GMT", 0.0),  # already past
        ("-5", None),
        ("1.5", None),  # delta-seconds are whole numbers
        ("²", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_forms(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://Example.com/news/x", "example.com"),
        ("https://example.com:443/x", "example.com"),
        ("http://example.com:8080/x", "example.com:8080"),
        ("http://127.0.0.1:5000/rss.xml", "127.0.0.1:5000"),
    ],
)
def test_one_download_slot_per_host_and_port(url: str, key: str) -> None:
    assert slot_key(url) == key


def test_default_limits_are_the_documented_ones() -> None:
    assert settings.DOWNLOAD_MAXSIZE == 10 * MIB  # checked after decompression too
    assert settings.REDIRECT_MAX_TIMES == 5
    assert (settings.NEWSWATCH_SITEMAP_MAX_URLS, settings.NEWSWATCH_SITEMAP_MAX_DEPTH) == (
        50_000,
        3,
    )
    assert (settings.CONCURRENT_REQUESTS_PER_DOMAIN, settings.DOWNLOAD_DELAY) == (2, 0.5)
    assert {"file", "data", "ftp", "s3"} <= {
        k for k, v in settings.DOWNLOAD_HANDLERS.items() if v is None
    }


def test_outlets_sharing_a_host_get_the_gentler_pace() -> None:
    @dataclass(frozen=True)
    class Paced:
        sources: tuple[str, ...]
        delay: float | None = None
        concurrency: int | None = None

    slots = slot_settings([
        Paced(("https://news.example/rss", "http://127.0.0.1:8080/feed"), delay=2, concurrency=4),
        Paced(("https://news.example/sitemap.xml",), delay=1, concurrency=1),
        Paced(("https://other.example/rss",)),
    ])  # fmt: skip
    assert slots == {
        "news.example": {"delay": 2, "concurrency": 1},
        "127.0.0.1:8080": {"delay": 2, "concurrency": 4},
    }


def test_failures_name_their_urls(hostile: HostileCrawl):
    for key, case in hostile.cases.items():
        stats = hostile.result.outlets[case.outlet.name]
        assert len(stats.failures) == min(stats.failed, 10), key
        assert {kind for kind, _ in stats.failures} <= set(stats.errors), key
        # Masked and bounded for a report: no credentials, no megabyte data: URLs.
        assert all(len(url) <= 201 and "@" not in urlsplit(url).netloc.replace("***@", "")
                   for _, url in stats.failures)  # fmt: skip


def test_counts_add_up(hostile: HostileCrawl):
    from conftest import assert_counts_add_up

    for key, case in hostile.cases.items():
        assert_counts_add_up(hostile.result.outlets[case.outlet.name], key)

