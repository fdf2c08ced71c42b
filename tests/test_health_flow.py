"""Outlet health end to end: the demo site's Gazette answers 200 "Access denied" to every
article; the real flow finds it degraded, a real receiver gets one notice, then one on recovery."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver

ACCESS_DENIED = (
    b"<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
    b"<p>You don't have permission to access this page. Reference #18.5f2e</p></body></html>"
)

PARAGRAPHS = [
    "The harbour ferry will run on a new timetable from Monday, the council said on Thursday, "
    "after months of complaints from commuters about crowded morning crossings.",
    "Officials said the change adds two early sailings and moves the last evening crossing "
    "half an hour later, and that fares will stay the same until the spring.",
]


class BlockingSite(DemoSite):
    """The demo site, whose Gazette answers its article pages with a block page when told."""

    blocking = True

    def handle(self, raw_path: str) -> tuple[int, str, bytes]:
        """The demo's response, or a 200 block page for a Gazette article while blocking."""
        status, content_type, body = super().handle(raw_path)
        if self.blocking and status == 200 and raw_path.startswith("/gazette/news/"):
            return 200, "text/html; charset=utf-8", ACCESS_DENIED
        return status, content_type, body


@pytest.fixture(scope="module")
def prefect_api():
    """One Prefect test harness (a temporary API server) for the module's flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def health_notices(inbox: AlertReceiver) -> list[str]:
    return [m["title"] for m in inbox.received if m["title"].startswith("[outlet health]")]


def test_blocked_outlet_is_degraded_noticed_once_and_recovers(prefect_api, tmp_path: Path):
    from flows.cli import app
    from flows.monitor import monitor

    database = f"sqlite:///{tmp_path / 'newswatch.db'}"
    with BlockingSite() as site, AlertReceiver() as inbox:
        gazette = site.outlet_info["gazette"]["name"]
        config = tmp_path / "newswatch.toml"
        toml = demo_config_toml(database, site.outlets(), {"inbox": inbox.url})
        config.write_text(toml + '\n[health]\nnotify = ["inbox"]\n')
        assert any(p.outlet_key == "gazette" for p in site.articles())

        # Run 1: every Gazette article is a block page: degraded, one notice.
        summary = monitor(config_path=str(config))
        health = {row.outlet: row.health for row in summary.outlets}
        assert health == {name: "ok" for name in health} | {gazette: "degraded"}
        assert f"outlet degraded: {gazette}: " in summary.text()
        assert health_notices(inbox) == [f"[outlet health] {gazette} is degraded"]
        # The notice is no alert of the Gazette's: the summary gives it a line of its own.
        row = next(row for row in summary.outlets if row.outlet == gazette)
        assert (row.new, row.alerts_sent, summary.health_notices) == (0, 0, 1)  # walls unstored
        assert "1 health notices sent" in summary.text()
        notice = inbox.received[-1]["message"]
        assert "fetched pages gave no article" in notice and "/gazette/rss.xml" in notice

        # Run 2: still blocked: still degraded, no second notice.
        summary = monitor(config_path=str(config))
        assert {row.outlet: row.health for row in summary.outlets}[gazette] == "degraded"
        assert len(health_notices(inbox)) == 1

        # Run 3: the block is lifted: its new articles come in, and the ones walled before (a
        # block page is never stored, so its URL is asked for again): one recovery notice.
        site.blocking = False
        for slug in ("ferry-timetable-changes", "library-reopens"):
            site.publish("gazette", slug, slug.replace("-", " ").capitalize(), PARAGRAPHS, site.now)
        summary = monitor(config_path=str(config))
        row = next(row for row in summary.outlets if row.outlet == gazette)
        every = [page for page in site.articles() if page.outlet_key == "gazette"]
        assert (row.health, row.new, len(every)) == ("ok", len(every), 6)
        assert health_notices(inbox) == [
            f"[outlet health] {gazette} is degraded",
            f"[outlet health] {gazette} recovered (was degraded)",
        ]

    listing = CliRunner().invoke(app, ["outlets", "--json", "--config", str(config)])
    rows = {r["outlet"]: r for r in map(json.loads, listing.output.splitlines())}
    assert rows[gazette]["state"] == "ok" and rows[gazette]["last_new_article_at"]
    assert [(r["kind"], r["state"]) for r in rows.values()] == [("outlet", "ok")] * 3 + [
        ("channel", "ok")
    ]
