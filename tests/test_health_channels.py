"""A dead alert channel is reported as a failing outlet is: one health notice when delivery gives
it up, one when it recovers (real receivers, injected clock, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prefect.logging import disable_run_logger
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.backoff import ChannelHealth
from alerts.health import DEAD, OK, channel_health
from flows.config import Config
from flows.deliver import deliver_pending
from flows.health import assess_health
from flows.receiver import AlertReceiver
from flows.shards import ShardOutcome
from flows.store import store_and_match
from spiders.items import ArticleRecord
from storage.health import channel_overview

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
HEALTH = "[outlet health] "


def config(desk: str, ops: str) -> Config:
    return Config.model_validate({
        "channels": {"desk": desk, "ops": ops},
        "health": {"notify": ["ops", "desk"]},
        "watchlists": [{"name": "syria", "query": "Syria", "notify": ["desk"]}],
    })  # fmt: skip


def cycle(engine: Engine, cfg: Config, hours: float) -> None:
    """A cycle's health step, then its delivery pass, at T0 + `hours` (no outlet crawled)."""
    now = T0 + timedelta(hours=hours)
    with disable_run_logger():
        assess_health.fn(engine, cfg, ShardOutcome(), now=now)
    deliver_pending(engine, cfg.channels, lambda: now)


def notices(inbox: AlertReceiver) -> list[str]:
    titles = [message["title"] for message in inbox.received]
    return [title.removeprefix(HEALTH) for title in titles if title.startswith(HEALTH)]


def desk_state(engine: Engine) -> tuple[str, str]:
    with Session(engine) as session:
        (row,) = channel_overview(session, ["desk"])
    return row.state, row.reason


@pytest.mark.parametrize("status", [404, 410])  # a removed webhook: permanent
def test_a_dead_channel_is_noticed_once_and_its_recovery_once(engine: Engine, status: int) -> None:
    with AlertReceiver() as gone, AlertReceiver() as ops, AlertReceiver() as fixed:
        gone.status = status  # dead after 12 h of failures
        cfg = config(gone.url, ops.url)
        url = "https://gazette.example/news/1"
        story = ArticleRecord(url=url, fetched_url=url, outlet="Gazette", title="Syria talks",
                              text="Talks on Syria resumed on Monday. " * 10,
                              published_at=datetime.now(UTC))  # fmt: skip
        store_and_match.fn(engine, cfg, [story])

        for hours in (0, 1, 13):  # three failed sends over 13 h: dead after the third
            cycle(engine, cfg, hours)
        assert gone.posts == 3 and notices(ops) == []
        cycle(engine, cfg, 14)  # the next health step reads it dead
        assert notices(ops) == ["channel desk is dead"]
        state, reason = desk_state(engine)
        assert state == DEAD and str(status) in reason and "fix" in reason
        assert "newswatch alerts retry --channel desk" in reason
        cycle(engine, cfg, 15)
        cycle(engine, cfg, 16)
        assert len(notices(ops)) == 1 and gone.posts == 3  # dead: neither tried nor re-noticed
        assert notices(gone) == []  # never told of its own death (it got nothing at all)

        cfg = config(fixed.url, ops.url)  # the operator fixes its URL
        cycle(engine, cfg, 17)  # delivery tries the new URL and the story gets through
        assert [m["title"] for m in fixed.received] == ["[syria] Syria talks"]
        cycle(engine, cfg, 18)
        assert notices(ops) == ["channel desk is dead", "channel desk recovered (was dead)"]
        assert notices(fixed) == ["channel desk recovered (was dead)"]
        assert desk_state(engine)[0] == OK
        cycle(engine, cfg, 19)
        assert len(notices(ops)) == 2


DEAD_RECORD = ChannelHealth("desk", "f", failures=5, strikes=12, dead_since=T0,
                            last_error="error=404")  # fmt: skip
FAILING_RECORD = ChannelHealth("desk", "f", failures=2, strikes=2)
CHANNEL_CASES = [
    ("never failed", None, OK, OK),
    ("dead", DEAD_RECORD, OK, DEAD),
    ("still dead", DEAD_RECORD, DEAD, DEAD),
    ("failing is not yet news", FAILING_RECORD, OK, OK),
    ("failing again after a new URL is not a recovery", FAILING_RECORD, DEAD, DEAD),
    ("a clean slate is a recovery", ChannelHealth("desk", "f"), DEAD, OK),
]


@pytest.mark.parametrize(("stored", "previous", "expected"), [c[1:] for c in CHANNEL_CASES],
                         ids=[c[0] for c in CHANNEL_CASES])  # fmt: skip
def test_channel_health(stored: ChannelHealth | None, previous: str, expected: str) -> None:
    assert channel_health(stored, previous).state == expected
