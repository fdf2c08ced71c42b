"""Tests for flows.discover: probing a real local site for feeds and sitemaps, adding the outlet."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.config import ConfigError, load_config
from flows.discover import add_outlet, outlet_toml, probe, report, site_fetcher

LOCAL = site_fetcher(intranet=True)  # the test site is on 127.0.0.1

HOME = """<html><head><title>Harbour Post – local news</title>
<meta property="og:site_name" content="Harbour Post">
<link rel="alternate" type="application/rss+xml" href="/news/feed.xml"></head>
<body><h1>Harbour Post</h1></body></html>"""


def _rss(links: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'


def _urlset(links: list[str]) -> str:
    locs = "".join(f"<url><loc>{link}</loc></url>" for link in links)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


@pytest.fixture
def site() -> Iterator[str]:
    routes: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html" if self.path == "/" else "text/xml")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    stories = [f"{base}/news/story-{i}" for i in range(4)]
    routes.update({
        "/": HOME,
        "/news/feed.xml": _rss(stories[:3]),
        "/rss.xml": _rss(stories[:3]),  # the same feed under a common path: listed once
        "/robots.txt": f"User-agent: *\nSitemap: {base}/sitemaps/news.xml\n",
        "/sitemaps/news.xml": _urlset(stories),
        "/sitemap.xml": "<html>a soft 404 page</html>",
    })  # fmt: skip
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


def test_probe_finds_linked_feeds_and_robots_sitemaps(site: str) -> None:
    found = probe(site + "/some/section/", LOCAL)
    assert found.name == "Harbour Post"
    assert [(s.url, s.kind, s.links) for s in found.feeds] == [
        (f"{site}/news/feed.xml", "feed", 3)
    ]
    assert [(s.url, s.kind, s.links) for s in found.sitemaps] == [
        (f"{site}/sitemaps/news.xml", "sitemap", 4)
    ]
    assert any("3 links" in line for line in report(found))


def test_add_appends_a_valid_outlet(site: str, tmp_path: Path) -> None:
    config = tmp_path / "newswatch.toml"
    config.write_text('database = "sqlite:///x.db"\n')
    add_outlet(config, outlet_toml(probe(site, LOCAL), name='The "Harbour" Post'))
    (outlet,) = load_config(config).outlets
    assert outlet.name == 'The "Harbour" Post'
    assert outlet.feeds == [f"{site}/news/feed.xml"]
    assert outlet.sitemaps == [f"{site}/sitemaps/news.xml"]


def test_an_entry_that_breaks_the_config_leaves_it_untouched(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.toml"
    config.write_text('database = "sqlite:///x.db"\n')
    with pytest.raises(ConfigError):
        add_outlet(config, '\n[[outlets]]\nname = "x"\nfeed = []\n')
    assert config.read_text() == 'database = "sqlite:///x.db"\n'


def test_private_addresses_are_refused_unless_intranet(site: str) -> None:
    assert not probe(site).found  # trafilatura's SSRF guard, on by default


def test_a_site_with_nothing_says_so(tmp_path: Path) -> None:
    found = probe("http://127.0.0.1:9/", fetch=lambda url: None)
    assert not found.found and "no feed or sitemap found" in report(found)[-1]


def test_outlets_add_command_appends_what_it_found(site: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    config = tmp_path / "newswatch.toml"
    config.write_text('database = "sqlite:///x.db"\n')
    args = ["outlets", "add", site, "--intranet", "--config", str(config)]
    shown = CliRunner().invoke(app, [*args, "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "feed              3 links" in shown.output and "[[outlets]]" in shown.output
    assert load_config(config).outlets == []  # a dry run changes nothing
    added = CliRunner().invoke(app, args)
    assert added.exit_code == 0, added.output
    assert [o.name for o in load_config(config).outlets] == ["Harbour Post"]
    refused = CliRunner().invoke(app, ["outlets", "add", site, "--config", str(config)])
    assert refused.exit_code == 1  # 127.0.0.1 without --intranet: nothing found, nothing added
    assert len(load_config(config).outlets) == 1
