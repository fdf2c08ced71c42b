"""The crawl seam against the bundled demo site, for real: subprocesses, feeds, sitemaps, robots."""

from __future__ import annotations

import html
import json
import logging
import re
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from conftest import assert_counts_add_up

from flows.config import Crawl, Outlet
from flows.crawl import CrawlError, CrawlResult, repo_root, run_crawl
from flows.demo_site import BOILERPLATE_MARKERS, DemoSite
from spiders.items import ArticleRecord
from spiders.pages import decompress_page, load_page
from storage.fetches import Conditional

FAST = Crawl(delay_seconds=0, concurrency_per_domain=8, timeout_seconds=60)
WATCHED = re.compile(r"\b(russia|kremlin|syria|isis|islamic state)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def dead_outlet() -> Outlet:
    # A port nobody listens on: bind one, note it, close it.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Outlet(name="Dead Outlet", feeds=[f"http://127.0.0.1:{port}/rss.xml"])


@pytest.fixture(scope="module")
def full_crawl(
    site: DemoSite, dead_outlet: Outlet, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    outlets = [Outlet(**entry) for entry in site.outlets()] + [dead_outlet]
    site.reset_requests()
    return run_crawl(outlets, set(), FAST, tmp_path_factory.mktemp("crawl-full"))


def _by_url(records: list[ArticleRecord]) -> dict[str, ArticleRecord]:
    urls = [record.url for record in records]
    assert len(urls) == len(set(urls)), "an article was stored twice"
    return dict(zip(urls, records, strict=True))


def _paths(site: DemoSite) -> set[str]:
    return {urlsplit(path).path for path in site.requests}


def _linked_pages(site: DemoSite, outlet_key: str | None = None) -> int:
    """Pages the crawl can discover: articles, the video page and the robots-forbidden draft."""
    pages = [page for kind in ("article", "gallery", "draft") for page in site.articles(kind)]
    return len([page for page in pages if outlet_key in (None, page.outlet_key)])


def test_every_article_is_found_once_cleaned_and_dated(site: DemoSite, full_crawl: CrawlResult):
    records = _by_url(full_crawl.records)
    expected = {site.url(page): page for page in site.articles()}
    assert set(records) == set(expected)  # canonical URLs: no utm_ params from the RSS feed
    for url, page in expected.items():
        record = records[url]
        assert record.outlet == site.outlet_name(page)
        assert (record.title, record.text, record.author) == (page.title, page.text, page.author)
        assert record.published_at == page.published_at  # the instant, from JSON-LD
        assert record.published_at.utcoffset() is not None  # in the offset the page wrote
        assert not [marker for marker in BOILERPLATE_MARKERS if marker in record.text]
    assert full_crawl.finish_reason == "finished"
    assert full_crawl.log_file.exists()


def test_every_record_has_its_fetched_page_kept(full_crawl: CrawlResult):
    assert full_crawl.pages_dir is not None and full_crawl.records
    for record in full_crawl.records:
        stored = load_page(full_crawl.pages_dir, record.url)
        assert stored is not None, record.url
        page = decompress_page(stored)
        assert page.lstrip().startswith("<!DOCTYPE html>") and html.escape(record.title) in page
    # Only articles: the listing and the video page are no record, so nothing is kept for them.
    assert len(list(full_crawl.pages_dir.rglob("*.html.z"))) == len(full_crawl.records)


def test_an_outlets_excludes_cut_elements_before_cleaning(site: DemoSite, tmp_path: Path):
    (gazette,) = [
        entry for entry in site.outlets() if entry["name"] == site.outlet_info["gazette"]["name"]
    ]
    outlet = Outlet(**gazette, exclude=["div.article-body > p:first-child", "//aside"])
    result = run_crawl([outlet], set(), FAST, tmp_path)
    pages = {site.url(page): page for page in site.articles() if page.outlet_key == "gazette"}
    assert {record.url for record in result.records} == set(pages)
    for record in result.records:
        paragraphs = pages[record.url].paragraphs
        assert record.text == "\n".join(paragraphs[1:])
        # The kept page is the page as fetched, for cleaning again with other rules.
        stored = load_page(result.pages_dir, record.url) if result.pages_dir else None
        assert stored is not None and html.escape(paragraphs[0]) in decompress_page(stored)


def test_a_page_that_cannot_be_kept_still_yields_its_article(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    from scrapy.http import HtmlResponse, Request

    from spiders.news import NewsSpider

    outlets = tmp_path / "outlets.json"
    outlets.write_text(json.dumps([{"name": "Wire", "feeds": ["https://harborwire.com/rss"]}]))
    spider = NewsSpider(outlets=str(outlets))
    stats: Counter[str] = Counter()
    spider.crawler = SimpleNamespace(
        stats=SimpleNamespace(inc_value=lambda key: stats.update([key]))
    )
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    spider.pages_dir = blocker / "pages"  # as good as a full disk: nothing can be written
    url = "https://harborwire.com/article/port-strike-ends"
    body = (Path(__file__).parent / "fixtures" / "pages" / "wire_story.html").read_bytes()
    response = HtmlResponse(url, body=body, request=Request(url, meta={"outlet": "Wire"}))
    with caplog.at_level(logging.WARNING, logger="spiders.news"):
        (item,) = spider.parse_article(response)
    assert item["title"] == "Port strike ends after dockworkers accept 12% raise"
    assert item["url"] != url  # the page would be kept under the record's canonical URL
    assert f"Wire: cannot keep the page of {item['url']}: [Errno 20]" in caplog.text
    assert stats["newswatch/Wire/page_not_kept"] == 1 and not stats["newswatch/Wire/failed"]


def test_listing_video_robots_and_dead_outlet_are_accounted_for(
    site: DemoSite, full_crawl: CrawlResult
):
    records = _by_url(full_crawl.records)
    ledger = full_crawl.outlets["Northfield Ledger"]
    (video,) = site.articles("gallery")
    (draft,) = site.articles("draft")
    assert f"{site.base_url}/ledger/world/" not in records  # the listing page is a source only
    assert site.url(video) not in records and ledger.not_article == 1
    assert draft.path not in _paths(site)  # robots.txt forbids /ledger/drafts/
    assert ledger.errors == {"robots": 1} and ledger.failed == 1
    ledger_pages = _linked_pages(site, "ledger")
    assert (ledger.discovered, ledger.fetched, ledger.articles) == (
        ledger_pages, ledger_pages - 1, ledger_pages - 2,
    )  # fmt: skip
    for key in ("gazette", "wire"):
        stats = full_crawl.outlets[site.outlet_info[key]["name"]]
        count = _linked_pages(site, key)
        assert (stats.discovered, stats.fetched, stats.articles) == (count, count, count)
        assert stats.failed == 0 and stats.not_article == 0
    dead = full_crawl.outlets["Dead Outlet"]
    assert dead.failed == 1 and dead.errors == {"connection": 1} and dead.articles == 0


def test_known_urls_are_skipped_and_shards_agree(
    site: DemoSite, full_crawl: CrawlResult, tmp_path: Path
):
    first = _by_url(full_crawl.records)
    known = set(sorted(first)[::3])
    site.reset_requests()
    outlets = [Outlet(**entry) for entry in site.outlets()]
    again = run_crawl(outlets, known, FAST, tmp_path, shards=2)
    assert _by_url(again.records) == {url: r for url, r in first.items() if url not in known}
    assert not {urlsplit(url).path for url in known} & _paths(site)
    assert sum(stats.discovered for stats in again.outlets.values()) == _linked_pages(site)
    fetchable = _linked_pages(site) - 1  # all but the draft
    assert sum(stats.fetched for stats in again.outlets.values()) == fetchable - len(known)
    for name, stats in [*full_crawl.outlets.items(), *again.outlets.items()]:
        assert_counts_add_up(stats, name)
    assert sum(stats.known for stats in again.outlets.values()) == len(known)


def test_only_expected_matches_mention_the_watchlist_in_their_clean_text(
    site: DemoSite, full_crawl: CrawlResult
):
    matches = site.matching_articles()
    assert 3 <= len(matches) <= 6  # about a third of the articles
    for url, record in _by_url(full_crawl.records).items():
        assert bool(WATCHED.search(f"{record.title}\n{record.text}")) == (url in matches)
        page = urllib.request.urlopen(url).read().decode()  # the chrome names them everywhere
        assert {w.lower() for w in WATCHED.findall(page)} >= {"russia", "kremlin", "syria"}


def test_a_hung_crawl_is_killed_and_reported(site: DemoSite, tmp_path: Path):
    outlets = [Outlet(**entry) for entry in site.outlets()]
    with pytest.raises(CrawlError, match="killed"):
        run_crawl(outlets, set(), FAST.model_copy(update={"timeout_seconds": 0.3}), tmp_path)


def test_publish_and_edit_show_up_on_the_site():
    with DemoSite() as site:
        url = site.publish("wire", "new-story", "A new story", ["First.", "Second."],
                           datetime(2030, 1, 2, 3, 4, tzinfo=UTC))  # fmt: skip
        news_sitemap = urllib.request.urlopen(f"{site.base_url}/wire/sitemaps/news.xml").read()
        assert url.encode() in news_sitemap
        site.edit(url, ["Changed paragraph."])
        assert b"<p>Changed paragraph.</p>" in urllib.request.urlopen(url).read()
        assert urlsplit(url).path in _paths(site)


def test_the_seam_does_not_import_scrapy_or_twisted():
    code = "import sys, flows.crawl; print(sorted({'scrapy', 'twisted'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=repo_root(), capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_incremental_run_asks_conditionally_and_revisits(tmp_path: Path) -> None:
    # A site of its own: this test edits an article.
    with DemoSite() as site:
        outlets = [Outlet(**entry) for entry in site.outlets()]
        cold = run_crawl(outlets, set(), FAST, tmp_path / "cold")
        by_url = _by_url(cold.records)
        validators = {f.url: f for f in cold.fetches if f.status == 200 and f.etag}
        sources = [u for o in outlets for u in (*o.feeds, *o.sitemaps, *o.pages)]
        index = next(u for u in sources if "sitemap-index" in u)
        # Every source's ETag is kept, but the sitemap index's: it is always read in full.
        assert set(validators) & set(sources) == set(sources) - {index}
        same, edited, unconditional = sorted(by_url)[:3]
        # A new last paragraph: the feed's summary (the first one) stays the same.
        added = "An entirely new last paragraph about the harbour and the council."
        site.edit(edited, [*by_url[edited].text.splitlines(), added])
        sent = [Conditional(u, f.outlet, f.etag) for u, f in validators.items() if u not in by_url]
        revisits = [
            Conditional(same, by_url[same].outlet, validators[same].etag),
            Conditional(edited, by_url[edited].outlet, validators[edited].etag),
            Conditional(unconditional, by_url[unconditional].outlet),  # a full fetch is due
        ]
        site.reset_requests()

        warm = run_crawl(outlets, set(by_url) - {same, edited, unconditional}, FAST,
                         tmp_path / "warm", validators=sent, revisits=revisits)  # fmt: skip

        statuses = dict(site.statuses)
        assert {u: statuses[urlsplit(u).path] for u in sources} == {
            u: 200 if u == index else 304 for u in sources
        }
        children = [p for p in statuses if "/wire/sitemaps/" in p]
        assert children and all(statuses[p] == 304 for p in children)
        assert statuses[urlsplit(same).path] == 304
        assert statuses[urlsplit(edited).path] == 200
        assert statuses[urlsplit(unconditional).path] == 200
        assert {r.url for r in warm.records} == {edited, unconditional}
        assert "harbour and the council" in _by_url(warm.records)[edited].text
        assert (
            sum(s.not_modified for s in warm.outlets.values())
            == len(sources) - 1 + len(children) + 1
        )
        assert sum(s.revisited for s in warm.outlets.values()) == 3
        # Every response is logged for the next run; a 304 says it was asked conditionally.
        logged = {f.url: f for f in warm.fetches}
        assert logged[same].status == 304 and logged[same].conditional
        assert logged[unconditional].status == 200 and not logged[unconditional].conditional


def test_known_articles_are_recognised_under_other_editions(
    site: DemoSite, full_crawl: CrawlResult, tmp_path: Path
):
    # Stored as https with a trailing slash: the http links of the feeds are the same articles.
    known = {url.replace("http://", "https://", 1) + "/" for url in _by_url(full_crawl.records)}
    site.reset_requests()
    outlets = [Outlet(**entry) for entry in site.outlets()]
    again = run_crawl(outlets, known, FAST, tmp_path)
    assert again.records == []
    assert sum(stats.articles for stats in again.outlets.values()) == 0
