"""Failing channels: backed off across runs, dead after long failure, reported, never dropping
an alert; one run's time per channel is bounded."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alerts.backoff import (
    BackoffRules,
    ChannelHealth,
    after_failure,
    after_success,
    current,
    fingerprint,
    is_permanent,
    verdict,
)  # fmt: skip
from alerts.notify import retry_after_seconds
from alerts.route import ChannelPolicy, DeliveryPolicy
from flows.cli import app
from flows.deliver import deliver_pending
from flows.receiver import AlertReceiver
from storage.outbox import list_alerts
from tests.seeding import seed_owed

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
RULES = BackoffRules()
UNPACED = DeliveryPolicy(default=ChannelPolicy(per_second=0))


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        ("Failed to send JSON notification: Not Found - error=404.", True),
        ("Failed to send to Slack: Gone error=410.", True),
        ("Failed to send to Slack: Forbidden error=403.", True),
        ("Socket Exception: {'desk@example.com': (550, b'5.1.1 mailbox unavailable')}", True),
        ("Socket Exception: (554, b'5.7.1 rejected')", True),
        ("Failed to send JSON notification: Internal Server Error - error=500.", False),
        ("Socket Exception: {'desk@example.com': (450, b'4.2.1 try later')}", False),
        ("A Connection error occurred sending JSON notification to 127.0.0.1.", False),
        ("", False),
    ],
)
def test_permanent_looking_errors(error: str, permanent: bool) -> None:
    assert is_permanent(error) is permanent


def fail_every(health: ChannelHealth, error: str, hours: list[float]) -> list[ChannelHealth]:
    states = []
    for hour in hours:
        health = after_failure(health, error, T0 + timedelta(hours=hour), RULES)
        states.append(health)
    return states


def test_back_off_doubles_to_a_cap_and_success_clears_it() -> None:
    fresh = current(None, "desk", "json://h/x")
    states = fail_every(fresh, "error=500.", [0] * 9)
    assert states[0].retry_at is None and verdict(states[0], T0) == "ready"  # one is a hiccup
    delays = [s.retry_at - T0 for s in states[1:]]
    assert delays[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert delays[-1] == RULES.max_delay
    assert verdict(states[1], T0) == "backing off"
    assert verdict(states[1], T0 + timedelta(minutes=5)) == "ready"
    assert after_success(states[-1]) == fresh


def test_dead_needs_strikes_and_hours_and_permanent_errors_count_faster() -> None:
    fresh = current(None, "desk", "json://h/x")
    # Many quick failures are not enough: the channel must have been failing for hours.
    assert fail_every(fresh, "error=404.", [0, 0.1, 0.2, 0.3])[-1].dead_since is None
    assert fail_every(fresh, "error=404.", [0, 6, 12])[-1].dead_since is not None
    transient = fail_every(fresh, "error=500.", [0, 6, 12])[-1]
    assert transient.dead_since is None and transient.strikes == 3
    assert fail_every(fresh, "error=500.", [n * 2 for n in range(12)])[-1].dead_since is not None


def test_a_changed_url_starts_afresh_and_the_url_is_not_kept() -> None:
    dead = after_failure(current(None, "desk", "json://a/x"), "error=404.", T0, RULES)
    assert current(dead, "desk", "json://a/x") == dead
    assert current(dead, "desk", "json://b/x") == ChannelHealth("desk", fingerprint("json://b/x"))
    assert "a/x" not in fingerprint("json://a/x")


def seed(engine: Engine, count: int, channel: str) -> None:
    stories = ((f"story-{n}", f"Story {n}", f"Russia and Syria, part {n}.") for n in range(count))
    seed_owed(engine, channel, stories, T0)


def clock_at(hours: int):
    return lambda: T0 + timedelta(hours=hours)


def test_a_gone_webhook_backs_off_then_dies_and_keeps_its_alerts(engine: Engine) -> None:
    seed(engine, 3, "desk")
    with AlertReceiver() as receiver:
        receiver.status = 404
        secret_url = receiver.url.replace("json://", "json://user:hunter2@")
        channels = {"desk": secret_url}
        first = deliver_pending(engine, channels, lambda: T0)
        (report,) = first.channels
        assert (report.state, report.failed, report.pending) == ("failing", 2, 3)  # 2 in a row
        assert receiver.posts == 2 and "404" in report.error
        assert report.retry_at == T0 + timedelta(minutes=5)
        # Before the retry time nothing is sent; the channel is reported backing off.
        waiting = deliver_pending(engine, channels, lambda: T0 + timedelta(minutes=4))
        assert receiver.posts == 2 and waiting.channels[0].state == "backing off"
        assert "next try after" in waiting.notices()[0]
        hours = 0
        while deliver_pending(engine, channels, clock_at(hours)).channels[0].state != "dead":
            hours += 1
        assert timedelta(hours=hours) >= RULES.dead_after
        at = T0 + timedelta(hours=hours)
        posts = receiver.posts
        dead = deliver_pending(engine, channels, lambda: at + timedelta(days=30))
        assert receiver.posts == posts and dead.channels[0].state == "dead"
        assert dead.pending == 3 and "fix its URL" in dead.notices()[0]
        with Session(engine) as session:
            rows = list_alerts(session)
        assert {row.status for row in rows} == {"pending"}
        assert all("hunter2" not in (row.last_error or "") for row in rows)
        assert all("hunter2" not in line for line in dead.notices())
        # The operator fixes the URL: the channel starts afresh and delivers what it owes.
        receiver.status = 200
        fixed = deliver_pending(engine, {"desk": receiver.url}, lambda: at + timedelta(days=30))
    # A month late, the three go as one catch-up digest, each story once.
    assert fixed.channels[0].state == "ok" and fixed.pending == 0
    (digest,) = receiver.received
    assert digest["title"].startswith("[newswatch] Catch-up: 3 stories")
    assert [digest["message"].count(f"Story {n} ") for n in range(3)] == [1, 1, 1]
    assert fixed.notices() == []


def test_a_slow_channel_gets_a_bounded_share_of_the_run(engine: Engine) -> None:
    seed(engine, 8, "slow")
    rules = BackoffRules(run_budget=timedelta(seconds=0.5))
    with AlertReceiver() as receiver:
        receiver.delay = 0.2
        report = deliver_pending(engine, {"slow": receiver.url}, lambda: T0, rules=rules,
                                 policy=UNPACED)  # the receiver's own slowness is the test
    (channel,) = report.channels
    assert channel.state == "out of time" and 2 <= channel.sent <= 4
    assert channel.pending == 8 - channel.sent and channel.failed == 0
    assert "out of time" in report.notices()[0]


def test_a_receiver_that_never_answers_cannot_hold_the_run(engine: Engine) -> None:
    seed(engine, 20, "hang")
    with AlertReceiver() as receiver:
        receiver.delay = 3
        started = time.monotonic()
        report = deliver_pending(engine, {"hang": receiver.url + "?rto=0.3"}, lambda: T0)
        elapsed = time.monotonic() - started
    (channel,) = report.channels
    assert elapsed < 2.5 and channel.failed == 2 and channel.pending == 20
    assert channel.state == "failing" and channel.error


def test_an_smtp_refusal_counts_as_permanent(engine: Engine, smtp_server) -> None:
    inbox, url = smtp_server

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"

    inbox.handle_RCPT = refuse
    seed(engine, 1, "mail")
    (channel,) = deliver_pending(engine, {"mail": url}, lambda: T0).channels
    assert channel.state == "failing" and "550" in channel.error


def test_alerts_command_shows_each_channels_state(engine: Engine, database_url: str,
                                                  tmp_path: Path) -> None:  # fmt: skip
    seed(engine, 2, "desk")
    with AlertReceiver() as receiver:
        receiver.status = 410
        for _ in range(2):  # weeks late, both go as one catch-up digest: failing twice
            deliver_pending(engine, {"desk": receiver.url}, lambda: datetime.now(UTC))
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'database = "{database_url}"\n[channels]\ndesk = "json://127.0.0.1:9/x"\n'
        '[[outlets]]\nname = "E"\nfeeds = ["http://127.0.0.1:9/f"]\n'
        '[[watchlists]]\nname = "w"\nquery = "Syria"\nnotify = ["desk"]\n'
    )
    runner = CliRunner()
    listing = runner.invoke(app, ["alerts", "--config", str(config)])
    assert "channel desk: backing off, 2 pending" in listing.output
    assert "error=410" in listing.output
    states = runner.invoke(app, ["alerts", "--channels", "--json", "--config", str(config)])
    (state,) = [json.loads(line) for line in states.output.splitlines()]
    assert state["channel"] == "desk" and state["pending"] == 2 and state["failures"] == 2


def test_retry_after_seconds_and_dates() -> None:
    assert retry_after_seconds("30") == 30.0
    assert retry_after_seconds("Sat, 21 Nov 2026 12:00:30 GMT", T0) == 30.0
    assert retry_after_seconds("in a while") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("999999999") == 86_400.0  # a receiver cannot park us for long


def test_a_429_with_retry_after_is_waited_out_across_runs_while_the_run_goes_on(
    engine: Engine,
) -> None:
    seed(engine, 3, "desk")
    seed_more(engine, "inbox")
    with AlertReceiver() as limited, AlertReceiver() as inbox:
        limited.status, limited.headers = 429, {"Retry-After": "30"}
        channels = {"desk": limited.url, "inbox": inbox.url}
        first = deliver_pending(engine, channels, lambda: T0, policy=UNPACED)
        desk, other = first.channels
        assert limited.posts == 1 and (desk.state, desk.pending) == ("rate limited", 3)
        assert desk.retry_at == T0 + timedelta(seconds=30) and "next try after" in desk.notice()
        assert len(inbox.received) == 1 and other.state == "ok"  # the rest of the run went on
        waiting = deliver_pending(engine, channels, lambda: T0 + timedelta(seconds=20),
                                  policy=UNPACED)  # fmt: skip
        assert limited.posts == 1 and waiting.channels[0].state == "backing off"
        limited.status, limited.headers = 200, {}
        deliver_pending(engine, channels, lambda: T0 + timedelta(seconds=31), policy=UNPACED)
    assert limited.posts == 4 and len(limited.received) == 3


def seed_more(engine: Engine, channel: str) -> None:
    seed_owed(engine, channel, [("other", "Other", "Russia and Syria, elsewhere.")], T0)


def test_a_410_webhook_ends_dead_after_the_set_tries(engine: Engine) -> None:
    # The operator's one notice (and the one on recovery) is the health step's, sent through
    # the outbox: tests/test_health_channels.py, with this 410 and a 404.
    seed(engine, 2, "desk")
    policy = DeliveryPolicy(default=ChannelPolicy(per_second=0))
    with AlertReceiver() as gone:
        gone.status = 410
        channels = {"desk": gone.url}
        states = []
        for hour in range(0, 48, 6):  # a run every six hours, for two days
            report = deliver_pending(engine, channels, clock_at(hour), policy=policy)
            states.append(report.channels[0].state)
    # 410 is permanent (4 strikes a failure); dead takes 12 strikes over at least 12 hours:
    # two tries in the first run (two failures in a row end a turn), then one a run (the
    # late alerts as one catch-up digest), and never a try once dead.
    assert states[:3] == ["failing", "failing", "dead"] and set(states[3:]) == {"dead"}
    assert gone.posts == 4
    assert "dead" in report.notices()[0] and "error=410" in report.notices()[0]
