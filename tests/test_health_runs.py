"""Outlet health through real runs: a local outlet that freezes, answers 403 or serves bot-wall
pages, then recovers, crawled by the monitor's own steps with an injected clock; each trouble
raises one notice and one recovery notice at a real receiver, never one per run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prefect.logging import disable_run_logger
from sqlalchemy import select
from sqlalchemy.orm import Session
from switch_outlet import BLOCKED, FORBIDDEN, OK, SwitchOutlet

from flows.config import Config
from flows.deliver import deliver_pending
from flows.fetches import remember_fetches
from flows.gather import plan_crawl
from flows.health import assess_health, health_notices_sent
from flows.receiver import AlertReceiver
from flows.report import RunSummary, failed_outlets, summarize
from flows.shards import ShardOutcome
from flows.store import crawl_and_store_streamed
from storage.db import make_engine, migrate
from storage.models import Article

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
OUTLET = "Island Courier"
HEALTH = "[outlet health] "


class Runs:
    """Monitoring cycles of one outlet, each at a time the test gives (the injected clock)."""

    def __init__(self, site: SwitchOutlet, inbox: AlertReceiver, tmp_path: Path) -> None:
        self.site, self.inbox, self.tmp_path = site, inbox, tmp_path
        self.config = Config.model_validate({
            "database": f"sqlite:///{tmp_path / 'newswatch.db'}",
            "channels": {"ops": inbox.url},
            "health": {"notify": ["ops"]},
            "crawl": {"delay_seconds": 0, "timeout_seconds": 60, "shards": 1},
            "outlets": [{"name": OUTLET, "feeds": [site.feed]}],
            "watchlists": [{"name": "ferries", "query": "ferry", "notify": []}],
        })  # fmt: skip
        self.engine = make_engine(self.config.database)
        migrate(self.engine)
        self.count = 0

    def run(self, hours: float, *, publish: int = 0) -> RunSummary:
        """One cycle at T0 + `hours`, after the outlet published `publish` new articles: the
        monitor flow's steps in its order (crawl, store, remember, health, deliver, report)."""
        now = T0 + timedelta(hours=hours)
        for n in range(publish):
            self.site.publish(f"cove-{hours:g}-{n}", f"Ferry news at hour {hours:g} ({n})", now)
        self.count += 1
        config, engine = self.config, self.engine
        with disable_run_logger():  # the tasks' functions, run outside a flow
            plan = plan_crawl.fn(engine, config.outlets)
            workdir = self.tmp_path / f"crawl{self.count}"
            streamed = crawl_and_store_streamed.fn(engine, config, plan, workdir, 1)
            crawl, changes = streamed.crawl, streamed.changes
            assert crawl is not None, streamed.error
            remember_fetches.fn(engine, crawl)
            responses = dict(Counter(fetch.outlet for fetch in crawl.fetches))
            outcome = ShardOutcome(outlets=crawl.outlets, changes=changes, responses=responses)
            health = assess_health.fn(engine, config, outcome, now=now)
        delivery = deliver_pending(engine, config.channels, lambda: now)
        notices = health_notices_sent(engine, now)
        rows = summarize([OUTLET], outcome.outlets, outcome.changes, delivery.sent_by_outlet,
                         health=health, health_sent=notices)  # fmt: skip
        return RunSummary(rows, delivery.pending, failed_outlets=failed_outlets(rows),
                          health_notices=sum(notices.values()))  # fmt: skip

    def notices(self) -> list[str]:
        """The health notices the receiver got, oldest first."""
        titles = [message["title"] for message in self.inbox.received]
        return [title.removeprefix(HEALTH) for title in titles if title.startswith(HEALTH)]

    def stored(self) -> set[str]:
        """The URLs of the stored articles."""
        with Session(self.engine) as session:
            return set(session.scalars(select(Article.url)))


@pytest.fixture
def runs(tmp_path: Path) -> Iterator[Runs]:
    with SwitchOutlet() as site, AlertReceiver() as inbox:
        made = Runs(site, inbox, tmp_path)
        yield made
        made.engine.dispose()


def state(summary: RunSummary) -> str:
    (row,) = summary.outlets
    return row.health


def test_an_outlet_that_freezes_is_silent_once_and_recovers_once(runs: Runs) -> None:
    for hour in range(4):  # its rhythm: a new article every hour
        assert state(runs.run(hour, publish=1)) == OK
    assert state(runs.run(5)) == OK  # quiet for 2 h: within its rhythm's slack
    assert runs.notices() == []

    silent = runs.run(10)  # 7 h without a new article, usually one an hour
    assert state(silent) == "silent" and "no new article for 7.0 h" in silent.text()
    assert runs.notices() == [f"{OUTLET} is silent"]
    # The notice is reported on its own line, not as one of the outlet's alerts.
    assert silent.outlets[0].alerts_sent == 0 and silent.health_notices == 1
    assert "1 health notices sent" in silent.text() and "0 alerts sent" in silent.text()
    assert state(runs.run(11)) == "silent"
    assert len(runs.notices()) == 1  # never one per run

    back = runs.run(13, publish=1)
    assert (state(back), back.outlets[0].new) == (OK, 1)
    assert runs.notices() == [f"{OUTLET} is silent", f"{OUTLET} recovered (was silent)"]
    assert state(runs.run(14)) == OK and len(runs.notices()) == 2


def test_an_outlet_answering_403_fails_after_several_runs_then_recovers(runs: Runs) -> None:
    assert state(runs.run(0, publish=2)) == OK
    runs.site.mode = FORBIDDEN
    assert [state(runs.run(hour)) for hour in (1, 2)] == [OK, OK]  # a bad run or two: no news
    failing = runs.run(3)
    assert state(failing) == "failing" and "http_403" in failing.outlets[0].health_reason
    assert failing.troubled and failing.failed_outlets == (OUTLET,)
    assert runs.notices() == [f"{OUTLET} is failing"]
    assert state(runs.run(4)) == "failing" and len(runs.notices()) == 1

    runs.site.mode = OK
    back = runs.run(5, publish=1)
    assert (state(back), back.outlets[0].new) == (OK, 1)
    assert runs.notices() == [f"{OUTLET} is failing", f"{OUTLET} recovered (was failing)"]
    message = runs.inbox.received[0]["message"]
    assert "every request failed in the last 3 runs (http_403×1)" in message


def test_block_pages_degrade_the_outlet_are_never_stored_and_it_recovers(runs: Runs) -> None:
    assert state(runs.run(0, publish=1)) == OK
    runs.site.mode = BLOCKED
    blocked = runs.run(1, publish=2)  # two new articles, each answered with a bot wall
    assert state(blocked) == "degraded" and blocked.outlets[0].new == 0
    assert "2 block pages" in blocked.outlets[0].health_reason
    assert runs.notices() == [f"{OUTLET} is degraded"]
    assert state(runs.run(2)) == "degraded" and len(runs.notices()) == 1
    walled = {runs.site.url(slug) for slug, *_ in runs.site.articles[:2]}
    assert not walled & runs.stored()  # counted for health, never stored

    runs.site.mode = OK
    back = runs.run(3)  # the same two articles, served for real this time
    assert (state(back), back.outlets[0].new) == (OK, 2)
    assert walled <= runs.stored()
    assert runs.notices() == [f"{OUTLET} is degraded", f"{OUTLET} recovered (was degraded)"]
