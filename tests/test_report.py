"""Tests for flows.report: the run summary's words and the dashboard's story list (pure)."""

from __future__ import annotations

from collections import Counter

from flows.report import OutletReport, RunSummary, stories_markdown, summarize
from storage.outbox import AlertedStory


def test_scraped_text_is_inert_in_the_story_list() -> None:
    story = AlertedStory(
        "isis", "<script>x</script> [click](javascript:alert(1)) *loud* `code`", "The Post",
        "javascript:alert(1)", "new", ("desk",),
    )  # fmt: skip
    markdown = stories_markdown([story], ["desk: failing, 2 owed"])
    line = markdown.splitlines()[2]
    assert "<script>" not in line and "&lt;script&gt;" in line
    assert r"\[click\]" in line and r"\*loud\*" in line and r"\`code\`" in line
    assert "](#)" in line  # a link only to http(s)
    assert "- desk: failing, 2 owed" in markdown


def test_headline_and_the_states_of_a_run() -> None:
    up = OutletReport("Up", fetched=3, new=2, alerts_sent=1)
    down = OutletReport("Down", failed=4, errors="connection_refused×4")
    clean = RunSummary(outlets=(up,), alerts_pending=0)
    partial = RunSummary(outlets=(up, down), alerts_pending=0, failed_outlets=("Down",))
    dead = RunSummary(outlets=(down,), alerts_pending=0, failed_outlets=("Down",))
    assert clean.headline() == "2 new · 1 alerts" and not clean.troubled
    assert partial.headline() == "2 new · 1 alerts · 1/2 outlets failed"
    assert partial.troubled and not partial.nothing_fetched
    assert dead.nothing_fetched


def test_every_failure_names_its_url_and_what_to_do() -> None:
    from types import SimpleNamespace

    from flows.report import failure_lines, summarize

    stats = SimpleNamespace(
        discovered=2, fetched=0, failed=12, errors={"http_404": 1, "connection": 11},
        failures=(("http_404", "https://news.example/rss.xml"),
                  ("connection", "https://***@news.example/a")),
    )  # fmt: skip
    lines = failure_lines(stats)
    assert lines[0] == (
        "http_404 https://news.example/rss.xml: gone: if it is one of the outlet's feeds or "
        "sitemaps, update the config"
    )
    assert lines[-1] == "and 10 more failures in the crawl log"
    (row,) = summarize(["News"], {"News": stats}, {}, Counter())
    summary = RunSummary(outlets=(row,), alerts_pending=0, failed_outlets=("News",))
    assert "  News: http_404 https://news.example/rss.xml: gone" in summary.text()
    assert summary.table()[0]["failures"].startswith("http_404 https://news.example/rss.xml")


def test_health_notices_are_not_counted_as_an_outlets_alerts() -> None:
    sent = Counter({"Gazette": 3, "Wire": 1})  # as delivery counts them: notices included
    rows = summarize(["Gazette", "Wire"], {}, {}, sent, health_sent={"Gazette": 1, "channel x": 1})
    assert [row.alerts_sent for row in rows] == [2, 1]
    summary = RunSummary(rows, alerts_pending=0, health_notices=2)
    assert summary.headline() == "0 new · 3 alerts · 2 health notices"
    assert "3 alerts sent" in summary.text()
    assert "2 health notices sent (outlets or channels going bad or recovering" in summary.text()
