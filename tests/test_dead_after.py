"""The dead-after rule from [alerts] config: validated like the rest (check names the key),
and what delivery goes by: a 410 webhook dies after the configured strikes and hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from alerts.backoff import BackoffRules
from flows.cli import app
from flows.config import ConfigError, parse_config
from flows.deliver import backoff_rules, deliver_pending, delivery_policy
from flows.receiver import AlertReceiver
from tests.seeding import seed_owed

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def config(alerts: dict, url: str = "json://127.0.0.1:9/hook"):
    return parse_config({"channels": {"desk": url}, "alerts": {"per_second": 0, **alerts},
                         "watchlists": [{"name": "w", "query": "Syria", "notify": ["desk"]}]},
                        source="test", env={})  # fmt: skip


def test_the_defaults_are_twelve_strikes_over_twelve_hours() -> None:
    rules = backoff_rules(config({}))
    assert rules == BackoffRules()
    assert (rules.dead_strikes, rules.dead_after) == (12, timedelta(hours=12))


@pytest.mark.parametrize(
    ("alerts", "key"),
    [
        ({"dead_after_strikes": 0}, "alerts.dead_after_strikes"),
        ({"dead_after_strikes": "many"}, "alerts.dead_after_strikes"),
        ({"dead_after_hours": -1}, "alerts.dead_after_hours"),
        ({"dead_after_hours": float("nan")}, "alerts.dead_after_hours"),
        ({"channels": {"desk": {"dead_after_strikes": 3}}}, "alerts.channels.desk"),
    ],
)
def test_bad_values_are_refused_naming_the_key(alerts: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        config(alerts)
    assert key in str(error.value)


def test_check_refuses_a_bad_value_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.toml"
    path.write_text('database = "sqlite:///x.db"\n[channels]\ndesk = "json://127.0.0.1:9/h"\n'
                    '[[watchlists]]\nname = "w"\nquery = "Syria"\nnotify = ["desk"]\n'
                    "[alerts]\ndead_after_strikes = 0\n")  # fmt: skip
    result = CliRunner().invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 2 and "alerts.dead_after_strikes" in result.output


def test_a_410_webhook_dies_by_the_configured_rule(engine: Engine) -> None:
    seed_owed(engine, "desk", [("a", "A", "Russia and Syria.")], T0)
    with AlertReceiver() as gone:
        gone.status = 410
        # A 410 counts 4 strikes: 8 strikes are two failures, and they must span an hour.
        settings = config({"dead_after_strikes": 8, "dead_after_hours": 1}, gone.url)
        states = []
        for minutes in (0, 30, 61):
            report = deliver_pending(engine, settings.channels, lambda m=minutes: T0 +
                                     timedelta(minutes=m), policy=delivery_policy(settings),
                                     rules=backoff_rules(settings))  # fmt: skip
            states.append(report.channels[0].state)
    # One alert, one try a run: 4 strikes, then 8 at 30 minutes (but not an hour yet), then
    # at 61 minutes (past the 5-minute back-off) 12 over an hour: dead. Twelve hours by default.
    assert states == ["failing", "failing", "dead"]
    assert gone.posts == 3
