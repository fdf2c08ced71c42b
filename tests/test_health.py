"""Outlet health decisions (alerts.health): cases as data, one parametrized test per rule."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.health import (
    DEGRADED,
    FAILING,
    OK,
    SILENT,
    Health,
    RunCounts,
    assess,
    extraction_signs,
    notice_for,
    runs_to_keep,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
GOOD = {"fetched": 5, "new": 5}  # five pages, five articles
QUIET = {"not_modified": 3, "responses": 3}  # every source a 304: nothing new, nothing wrong
DOWN = {"failed": 4, "errors": {"connection": 4}}
BLOCKED = {"fetched": 5, "not_article": 5}  # 200 "Access denied" to every article
HALF_BLOCKED = {"fetched": 6, "new": 3, "blocked": 3}
NOISY = {"fetched": 10, "new": 3, "not_article": 7}  # a section page: mostly listings, always

# (id, state before, runs: one every 15 minutes by default, or (hours after T0, counts);
#  "now" in hours after T0 (default: the last run), expected state)
CASES = [
    ("no runs keep the state", DEGRADED, [], None, DEGRADED),
    ("a good run is ok", OK, [GOOD], None, OK),
    ("only 304s is ok", OK, [GOOD, QUIET, QUIET], None, OK),
    ("two failed runs are not yet failing", OK, [GOOD, DOWN, DOWN], None, OK),
    ("three failed runs in a row are failing", OK, [GOOD, DOWN, DOWN, DOWN], None, FAILING),
    ("robots refusing everything is failing", OK,
     [{"failed": 2, "errors": {"robots": 2}}] * 3, None, FAILING),
    ("a 304 breaks the failing streak", OK, [DOWN, DOWN, QUIET, DOWN], None, OK),
    ("failing recovers on the first run that gets through", FAILING,
     [DOWN, DOWN, DOWN, GOOD], None, OK),
    ("block pages from the first run are degraded", OK, [BLOCKED], None, DEGRADED),
    ("most pages blocked after good runs is degraded", OK,
     [GOOD, GOOD, GOOD, HALF_BLOCKED], None, DEGRADED),
    ("half blocked with no baseline is not yet degraded", OK, [HALF_BLOCKED], None, OK),
    ("short extractions count as poor", OK,
     [GOOD, GOOD, GOOD, {"fetched": 4, "short": 3, "new": 1}], None, DEGRADED),
    ("an outlet always mostly listings is as usual", OK, [NOISY] * 4, None, OK),
    ("a single poor page is no evidence", OK,
     [GOOD, GOOD, GOOD, {"fetched": 1, "not_article": 1}], None, OK),
    ("degraded stays degraded while nothing is fetched", DEGRADED, [BLOCKED, QUIET], None,
     DEGRADED),
    ("degraded stays degraded though its history is all blocked now", DEGRADED,
     [BLOCKED] * 6, None, DEGRADED),
    ("degraded recovers when pages are articles again", DEGRADED, [BLOCKED, GOOD], None, OK),
    ("silent: far longer than its rhythm without a new article", OK,
     [(0, GOOD), (1, GOOD), (2, GOOD), (3, GOOD), (4, QUIET), (12, QUIET)], 12, SILENT),
    ("not silent within its rhythm", OK,
     [(0, GOOD), (1, GOOD), (2, GOOD), (3, GOOD), (5, QUIET)], 5, OK),
    ("not silent before the minimum hours", OK,
     [(0, GOOD), (0.25, GOOD), (0.5, GOOD), (0.75, GOOD), (5, QUIET)], 5, OK),
    ("a slow outlet is not silent after a day", OK,
     [(0, GOOD), (24, GOOD), (48, GOOD), (72, GOOD), (96, QUIET)], 96, OK),
    ("silence needs a known rhythm", OK, [(0, GOOD), (1, GOOD), (48, QUIET)], 48, OK),
    ("a new article ends the silence", SILENT,
     [(0, GOOD), (1, GOOD), (2, GOOD), (3, GOOD), (20, GOOD)], 20, OK),
    ("failing wins over degraded", DEGRADED, [BLOCKED, DOWN, DOWN, DOWN], None, FAILING),
]


def history(runs: list) -> list[RunCounts]:
    """RunCounts from the cases' short forms."""
    made = []
    for i, run in enumerate(runs):
        hours, counts = run if isinstance(run, tuple) else (i * 0.25, run)
        made.append(RunCounts(at=T0 + timedelta(hours=hours), **counts))
    return made


@pytest.mark.parametrize(("before", "runs", "now", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_assess(before: str, runs: list, now: float | None, expected: str) -> None:
    made = history(runs)
    at = T0 + timedelta(hours=now) if now is not None else (made[-1].at if made else T0)
    health = assess(made, before, at)
    assert health.state == expected, health
    assert bool(health.reason) == (bool(made) and expected != OK)  # a bad state says why


NOTICES = [
    (OK, OK, None),
    (OK, DEGRADED, "Gazette is degraded"),
    (OK, FAILING, "Gazette is failing"),
    (OK, SILENT, "Gazette is silent"),
    (DEGRADED, DEGRADED, None),
    (DEGRADED, FAILING, None),  # bad to bad: no second notice
    (DEGRADED, OK, "Gazette recovered (was degraded)"),
    (SILENT, OK, "Gazette recovered (was silent)"),
]


@pytest.mark.parametrize(("before", "after", "title"), NOTICES)
def test_one_notice_going_bad_and_one_coming_back(before: str, after: str, title: str) -> None:
    notice = notice_for("Gazette", before, Health(after, "why"))
    assert (notice.title if notice else None) == title


SIGNS = [
    ("Access denied", "Access denied. Reference #18.2f3e", ("blocked",)),
    ("Just a moment...", "Checking your browser before accessing the site. " * 3, ("blocked",)),
    ("Short", "Only a headline and a line.", ("short",)),
    ("Hackers denied access", "A long report about access denied to hackers. " * 40, ()),
    ("Budget passes", "The council passed the budget on Tuesday after a long debate. " * 5, ()),
]


@pytest.mark.parametrize(("title", "text", "signs"), SIGNS)
def test_extraction_signs(title: str, text: str, signs: tuple) -> None:
    assert extraction_signs(title, text) == signs


def test_history_keeps_the_latest_runs_and_the_latest_productive_ones() -> None:
    runs = [(id_, id_ % 10 == 0) for id_ in range(200, 0, -1)]  # newest first
    kept = runs_to_keep(runs, keep=50, keep_new=10)
    assert {i for i in kept if i > 150} == set(range(151, 201))
    assert {i for i in kept if i <= 150} == {150, 140, 130, 120, 110}  # 5 more with new ones


def test_run_counts_derive_robots_304_share_and_poor_pages() -> None:
    run = RunCounts(at=T0, fetched=4, not_article=1, blocked=1, short=1, responses=8,
                    not_modified=2, errors={"robots": 3, "http_403": 1})  # fmt: skip
    assert (run.robots, run.share_304, run.poor, run.all_failed) == (3, 0.25, 3, False)
