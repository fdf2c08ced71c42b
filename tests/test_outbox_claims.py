"""Outbox claims: concurrent senders never share a row, leases expire, emails keep a Message-ID."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from alerts.message import stable_message_id
from alerts.route import ChannelPolicy, DeliveryPolicy
from flows.deliver import DeliveryReport, deliver_pending
from flows.receiver import AlertReceiver
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.models import Alert
from storage.outbox import claim_pending, enqueue_alerts, list_alerts

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
# Claims are the test here: every alert goes alone, unpaced (test_digest.py covers the rest).
ALONE = DeliveryPolicy(default=ChannelPolicy(per_hour=10_000, per_second=0,
                                             catch_up_after=timedelta(days=3650)))


def now() -> datetime:
    return datetime.now(UTC)


def seed(engine: Engine, articles: int, channels: list[str]) -> None:
    """One alert per article and channel, each article its own story."""
    with Session(engine) as session, session.begin():
        for n in range(articles):
            url = f"http://127.0.0.1:9/news/story-{n}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet="Example", title=f"Story {n}",
                                   text=f"Russia and Syria, part {n}.")
            change = upsert_article(session, record, T0)
            enqueue_alerts(session, article_id=change.article_id, watchlist="w",
                           channels=channels, terms=["Syria"], snippet="Russia and Syria.", now=T0)


def claim_ids(engine: Engine, at: datetime = T0, limit: int | None = None) -> set[int]:
    with Session(engine) as session, session.begin():
        return {a.alert_id for a in claim_pending(session, lease=LEASE, now=at, limit=limit)}


def test_an_open_claim_hides_its_rows_from_a_second_claimer(engine: Engine) -> None:
    seed(engine, 10, ["inbox"])
    if engine.dialect.name == "sqlite":
        claims = claim_concurrently(engine, claimers=2, limit=5)
    else:
        claims = claim_while_first_is_open(engine, limit=5)
    first, second = claims
    assert len(first) == len(second) == 5
    assert not first & second
    assert first | second == claim_ids_all(engine)


def claim_while_first_is_open(engine: Engine, limit: int) -> list[set[int]]:
    """PostgreSQL: the second claimer skips the first's locked rows instead of waiting."""
    with Session(engine) as first, first.begin():
        held = {a.alert_id for a in claim_pending(first, lease=LEASE, now=T0, limit=limit)}
        with Session(engine) as second, second.begin():
            # Fail loudly rather than hang if the claim waits on the first one's row locks.
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            other = {a.alert_id for a in claim_pending(second, lease=LEASE, now=T0, limit=limit)}
    return [held, other]


def claim_concurrently(engine: Engine, claimers: int, limit: int) -> list[set[int]]:
    """SQLite: threads released together; the write lock serializes their claims."""
    start = threading.Barrier(claimers)
    results: list[set[int]] = [set() for _ in range(claimers)]

    def claim(slot: int) -> None:
        start.wait()
        results[slot] = claim_ids(engine, limit=limit)

    run_threads([lambda slot=slot: claim(slot) for slot in range(claimers)])
    return results


def claim_ids_all(engine: Engine) -> set[int]:
    with Session(engine) as session:
        return set(session.scalars(select(Alert.id)))


def run_threads(targets: list[Callable[[], object]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], object]) -> None:
        try:
            target()
        except BaseException as exc:  # surface a thread's failure in the test itself
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_an_expired_lease_is_claimable_again_an_unexpired_one_is_not(engine: Engine) -> None:
    seed(engine, 3, ["inbox"])
    assert len(claim_ids(engine, at=T0)) == 3
    assert claim_ids(engine, at=T0 + LEASE - timedelta(seconds=1)) == set()
    assert claim_ids(engine, at=T0 + LEASE) == set()  # the lease holds up to its last instant
    assert len(claim_ids(engine, at=T0 + LEASE + timedelta(seconds=1))) == 3


def test_claims_filter_by_channel_and_resume_after_an_id(engine: Engine) -> None:
    seed(engine, 2, ["inbox", "pager"])
    with Session(engine) as session, session.begin():
        pager = claim_pending(session, channel="pager", lease=LEASE, now=T0)
        assert [a.channel for a in pager] == ["pager", "pager"]
        later = claim_pending(session, channel="inbox", lease=LEASE, now=T0, after_id=2)
    assert [a.title for a in later] == ["Story 1"]


def test_sent_and_failed_release_the_lease(engine: Engine) -> None:
    seed(engine, 1, ["broken"])
    report = deliver_pending(engine, {"broken": "json://127.0.0.1:9/x"}, now)
    (row,) = list_alerts_rows(engine)
    assert report.failed == 1
    assert row.status == "pending" and row.attempts == 1 and row.claimed_until is None
    assert row.last_error


def list_alerts_rows(engine: Engine) -> list[Alert]:
    with Session(engine) as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_two_concurrent_senders_deliver_every_alert_exactly_once(engine: Engine) -> None:
    seed(engine, 30, ["inbox"])
    reports: list[DeliveryReport] = []
    with AlertReceiver() as receiver:
        channels = {"inbox": receiver.url}
        start = threading.Barrier(2)

        def sender() -> None:
            start.wait()
            reports.append(deliver_pending(engine, channels, now, batch_size=3, policy=ALONE))

        run_threads([sender, sender])
    titles = [body["title"] for body in receiver.received]
    assert len(titles) == 30 and len(set(titles)) == 30
    assert sum(r.sent_by_outlet["Example"] for r in reports) == 30
    assert sum(r.failed for r in reports) == 0
    with Session(engine) as session:
        rows = list_alerts(session)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}


def test_a_resent_email_repeats_its_message_id_and_alerts_differ(engine: Engine,
                                                                 smtp_server) -> None:
    inbox, url = smtp_server
    seed(engine, 1, ["desk", "night-desk"])
    channels = {"desk": url, "night-desk": url}
    assert deliver_pending(engine, channels, now, policy=ALONE).sent_by_outlet["Example"] == 2
    with Session(engine) as session, session.begin():
        session.execute(update(Alert).where(Alert.channel == "desk")
                        .values(status="pending", sent_at=None))
    assert deliver_pending(engine, channels, now, policy=ALONE).sent_by_outlet["Example"] == 1
    first_desk, night_desk, second_desk = inbox.messages
    for mail in inbox.messages:
        assert len(mail.get_all("Message-ID")) == 1  # ours replaced apprise's, not added to it
    assert first_desk["Message-ID"] == second_desk["Message-ID"]
    desk = next(row for row in list_alerts_rows(engine) if row.channel == "desk")
    assert first_desk["Message-ID"] == stable_message_id(desk.idempotency_key)
    assert night_desk["Message-ID"] != first_desk["Message-ID"]


def test_a_sender_whose_lease_runs_out_reclaims_before_sending_on(engine: Engine) -> None:
    seed(engine, 5, ["inbox"])
    ticks = iter(T0 + timedelta(minutes=n) for n in range(1000))
    with AlertReceiver() as receiver:
        # Every clock read is a minute later: the 2-minute lease lapses after one send.
        report = deliver_pending(engine, {"inbox": receiver.url}, lambda: next(ticks),
                                 batch_size=5, lease=timedelta(minutes=2), policy=ALONE)
    assert report.sent_by_outlet["Example"] == 5
    assert sorted(body["title"] for body in receiver.received) == [
        f"[w] Story {n}" for n in range(5)
    ]
