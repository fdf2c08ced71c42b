"""Which alerts a stored change owes (alerts.owe): plain functions over plain values, the
cases as a table; no database, no flow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from alerts.owe import Change, Decision, Owed, decide, needs_alerted, owed_alerts
from alerts.query import match, parse_query

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HIT = match(parse_query("Syria"), "Syria", "Syria talks")


@dataclass(frozen=True)
class Rules:
    name: str
    on_update: str = "alert"
    max_age_days: float = 3


@pytest.mark.parametrize(
    ("kind", "material", "on_update", "hit", "alerted", "fresh", "expected"),
    [
        ("new", False, "alert", True, False, True, "new"),
        ("new", False, "alert", True, True, True, "also_covered"),
        ("new", False, "alert", True, False, False, None),  # too old to alert
        ("new", False, "alert", False, False, True, None),
        ("unchanged", False, "alert", True, False, True, None),
        ("updated", False, "alert", True, True, True, None),  # cosmetic
        ("updated", True, "alert", True, True, True, "update"),
        ("updated", True, "alert", False, True, True, "update"),  # e.g. a correction
        ("updated", True, "alert", True, False, True, "update"),  # newly matches
        ("updated", True, "alert", False, False, True, None),
        ("updated", True, "alert", True, True, False, None),
        ("updated", True, "ignore", True, True, True, None),
    ],
)
def test_decide(kind, material, on_update, hit, alerted, fresh, expected) -> None:
    found = HIT if hit else None
    assert decide(kind, material, on_update, found, alerted, fresh) == expected


def test_each_watchlist_gets_its_due_in_order_with_its_own_age_limit() -> None:
    change = Change("new", False, dated=NOW - timedelta(days=5))
    watchlists = [Rules("daily", max_age_days=1), Rules("weekly", max_age_days=7),
                  Rules("seen", max_age_days=7), Rules("miss", max_age_days=7)]  # fmt: skip
    hits = {"daily": HIT, "weekly": HIT, "seen": HIT}
    decision = owed_alerts(change, watchlists, hits, alerted={"seen"}, now=NOW)
    assert decision == Decision(owed=(Owed("weekly", "new", HIT),), also_covered=("seen",))


def test_a_material_update_is_owed_to_a_story_alerted_before_even_without_a_match() -> None:
    change = Change("updated", True, dated=NOW)
    decision = owed_alerts(change, [Rules("syria"), Rules("quiet", on_update="ignore")], {},
                           alerted={"syria", "quiet"}, now=NOW)  # fmt: skip
    assert decision.owed == (Owed("syria", "update", None),) and decision.also_covered == ()


def test_who_alerted_is_only_read_when_it_can_matter() -> None:
    assert not needs_alerted(Change("new", False, NOW), {})
    assert needs_alerted(Change("new", False, NOW), {"syria": HIT})
    assert needs_alerted(Change("updated", True, NOW), {})
    assert not needs_alerted(Change("unchanged", True, NOW), {"syria": HIT})
