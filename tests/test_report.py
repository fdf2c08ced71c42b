"""Tests for flows.report: the run summary's words and the dashboard's story list (pure)."""

from __future__ import annotations

from flows.report import OutletReport, RunSummary, stories_markdown
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
