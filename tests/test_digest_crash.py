"""A crash between a digest's send and its mark re-sends it; an email digest repeats its
Message-ID then, so mail clients fold the copy. Real SMTP server (aiosmtpd), real database;
the crash is an exception raised where the mark would run (a mock: a test cannot kill its
own process at that line; tests/test_duplicate_window.py kills a real run for single alerts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import alerts.deliver
from alerts.route import ChannelPolicy, DeliveryPolicy
from flows.deliver import deliver_pending
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.outbox import enqueue_alerts, pending_alerts

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Every alert goes in the digest at the end of the run.
POLICY = DeliveryPolicy(default=ChannelPolicy(per_hour=0, per_second=0))


class Crash(Exception):
    """The process dying right after the channel took the digest."""


def seed(engine: Engine, names: range) -> None:
    with Session(engine) as session, session.begin():
        for n in names:
            url = f"https://news.example/{n}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet="Wire", title=f"Story {n}",
                                   text="Russia and Syria.")  # fmt: skip
            change = upsert_article(session, record, T0)
            enqueue_alerts(session, article_id=change.article_id, watchlist="w",
                           channels=["mail"], terms=["Syria"], snippet="Syria.", now=T0)


def test_a_crash_after_an_email_digest_resends_it_with_the_same_message_id(
    engine: Engine, smtp_server, monkeypatch
) -> None:
    inbox, url = smtp_server
    seed(engine, range(3))

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(alerts.deliver, "mark_digest_sent", crash)
        with pytest.raises(Crash):
            deliver_pending(engine, {"mail": url}, lambda: T0, policy=POLICY)
    assert len(inbox.messages) == 1  # the channel took it; the outbox still owes all three
    with Session(engine) as session:
        assert len(pending_alerts(session)) == 3
    # The next run, once the crashed run's lease is over, sends the same digest again.
    later = T0 + timedelta(minutes=10)
    report = deliver_pending(engine, {"mail": url}, lambda: later, policy=POLICY)
    assert report.pending == 0 and len(inbox.messages) == 2
    first, again = inbox.messages
    assert first["Message-ID"] == again["Message-ID"] and first["Message-ID"].endswith(
        "@newswatch>")
    assert first["Subject"] == again["Subject"] == "[newswatch] Digest: 3 stories (w)"
    # Another digest (other stories) has its own Message-ID.
    seed(engine, range(3, 5))
    deliver_pending(engine, {"mail": url}, lambda: later, policy=POLICY)
    assert inbox.messages[2]["Message-ID"] != first["Message-ID"]
