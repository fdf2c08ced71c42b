"""Outlet health in storage (both backends): bounded run history, state changes written once,
their notices in the outbox beside the alerts."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from alerts.health import DEGRADED, HEALTH_WATCHLIST, OK, Health, Notice, RunCounts
from storage.db import write_engine
from storage.health import (
    HealthState,
    current_states,
    load_history,
    overview,
    record_change,
    record_run,
)
from storage.models import OutletRun
from storage.outbox import claim_pending, list_alerts, mark_sent

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_history_is_kept_bounded_with_every_count(engine: Engine) -> None:
    with Session(write_engine(engine)) as session, session.begin():
        for i in range(60):
            run = RunCounts(at=T0 + timedelta(minutes=15 * i), discovered=9, fetched=5,
                            new=int(i < 3), updated=1, failed=2, not_article=1, blocked=1,
                            short=1, responses=12, not_modified=4,
                            errors={"http_403": 1, "robots": 1})  # fmt: skip
            record_run(session, "Gazette", run)
        record_run(session, "Wire", RunCounts(at=T0))
    with Session(engine) as session:
        history = load_history(session, ["Gazette", "Wire", "Ledger"])
        rows = session.scalar(select(func.count()).select_from(OutletRun))
    gazette = history["Gazette"]
    # The latest 50 runs, plus the 3 older ones that brought new articles (its rhythm).
    assert len(gazette) == 53 and rows == 54 and "Ledger" not in history
    assert [r.at for r in gazette] == sorted(r.at for r in gazette)
    assert gazette[-1] == RunCounts(at=T0 + timedelta(minutes=15 * 59), discovered=9, fetched=5,
                                    new=0, updated=1, failed=2, not_article=1, blocked=1,
                                    short=1, responses=12, not_modified=4,
                                    errors={"http_403": 1, "robots": 1})  # fmt: skip
    assert history["Wire"] == [RunCounts(at=T0)]


def test_a_change_is_stored_once_and_owes_one_notice_per_channel(engine: Engine) -> None:
    bad = Health(DEGRADED, "5 of 5 fetched pages gave no article")
    notice = Notice("Gazette", DEGRADED, OK, bad.reason)
    writer = write_engine(engine)
    for _ in range(2):  # a second run deciding the same change writes nothing
        with Session(writer) as session, session.begin():
            stored = record_change(
                session, "Gazette", HealthState(), bad, T0, notice=notice,
                channels=["inbox", "desk", "inbox"], url="http://g/rss",
            )  # fmt: skip
    assert stored is False
    with Session(engine) as session:
        state = current_states(session, ["Gazette", "Wire"])
        listed = list_alerts(session)
    assert list(state) == ["Gazette"]
    assert (state["Gazette"].state, state["Gazette"].since) == (DEGRADED, T0)
    assert sorted((a.channel, a.watchlist, a.url, a.status) for a in listed) == [
        ("desk", HEALTH_WATCHLIST, "http://g/rss", "pending"),
        ("inbox", HEALTH_WATCHLIST, "http://g/rss", "pending"),
    ]
    with Session(writer) as session, session.begin():
        (claimed,) = claim_pending(session, channel="inbox", lease=timedelta(minutes=5), now=T0)
        mark_sent(session, claimed.alert_id, T0)
    assert (claimed.title, claimed.outlet, claimed.snippet, claimed.terms) == (
        "Gazette is degraded", "Gazette", bad.reason, ()
    )
    assert claimed.published_at == T0 and claimed.url == "http://g/rss"

    # The recovery follows the change it ends: a key of its own, one notice again.
    back = Notice("Gazette", OK, DEGRADED, "back to ok after being degraded")
    with Session(writer) as session, session.begin():
        before = current_states(session, ["Gazette"])["Gazette"]
        assert record_change(session, "Gazette", before, Health(OK), T0 + timedelta(hours=1),
                             notice=back, channels=["inbox"], url=None)  # fmt: skip
    with Session(writer) as session, session.begin():
        (claimed,) = claim_pending(session, channel="inbox", lease=timedelta(minutes=5), now=T0)
    assert claimed.title == "Gazette recovered (was degraded)" and claimed.url == ""


def test_overview_lists_state_since_last_article_and_last_run(engine: Engine) -> None:
    from spiders.items import ArticleRecord
    from storage.articles import upsert_article

    url = "http://g/a"
    with Session(write_engine(engine)) as session, session.begin():
        upsert_article(session, ArticleRecord(url=url, fetched_url=url, outlet="Gazette",
                                              title="A", text="Text."), T0)  # fmt: skip
        record_run(session, "Gazette", RunCounts(at=T0, fetched=1, new=1))
        record_run(session, "Gazette", RunCounts(at=T0 + timedelta(hours=1), fetched=5,
                                                 not_article=5))  # fmt: skip
        record_change(session, "Gazette", HealthState(), Health(DEGRADED, "blocked"),
                      T0 + timedelta(hours=1), notice=None, channels=[], url=None)  # fmt: skip
    with Session(engine) as session:
        gazette, wire = overview(session, ["Gazette", "Wire"])
    assert (gazette.state, gazette.since, gazette.reason) == (
        DEGRADED, T0 + timedelta(hours=1), "blocked"
    )
    assert gazette.last_new_article_at == T0
    assert gazette.last_run and gazette.last_run["not_article"] == 5
    assert (wire.state, wire.since, wire.last_new_article_at, wire.last_run) == (
        OK, None, None, None
    )
    with Session(engine) as session:  # a change without a notice owes nothing
        assert list_alerts(session) == []
