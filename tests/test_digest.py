"""Digests and caps: routing (pure), digest times in a time zone, the digest message, and
delivery through a real receiver with an injected clock: capped, paced, each story once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alerts.digest import format_digest
from alerts.route import (
    NEXT,
    NOW,
    ChannelPolicy,
    DeliveryPolicy,
    Owed,
    digest_due,
    last_slot,
    next_slot,
    route,
)  # fmt: skip
from flows.deliver import deliver_pending
from flows.receiver import AlertReceiver
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.models import Alert
from storage.outbox import enqueue_alerts
from tests.alert_facts import Facts

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LONDON = ChannelPolicy(digest_times=(time(8, 0), time(18, 0)), timezone="Europe/London")


def owed(n: int, minutes_old: float = 0, watchlist: str = "w") -> list[Owed]:
    return [Owed(i, watchlist, T0 - timedelta(minutes=minutes_old), None) for i in range(n)]


def immediate(watchlist: str) -> str:
    return "immediate"


def test_the_cap_sends_the_first_alone_and_the_overflow_in_a_digest_at_the_end_of_the_run():
    routes = route(owed(25), immediate, ChannelPolicy(), sent_last_hour=3, now=T0)
    assert routes.alone == tuple(range(17))  # 20 an hour, 3 already sent
    assert routes.to_digest == {i: NOW for i in range(17, 25)}


def test_with_digest_times_the_overflow_waits_for_the_next_digest():
    routes = route(owed(22), immediate, LONDON, sent_last_hour=0, now=T0)
    assert len(routes.alone) == 20 and set(routes.to_digest.values()) == {NEXT}


def test_late_alerts_go_in_one_catch_up_digest_digest_mode_waits_notices_go_alone():
    late = owed(3, minutes_old=180)
    digest_only = [Owed(10, "quiet", T0, None)]
    notice = [Owed(11, "outlet health", T0 - timedelta(days=2), None)]
    already = [Owed(12, "w", T0, NEXT)]
    routes = route(late + digest_only + notice + already,
                   lambda w: "digest" if w == "quiet" else "immediate", LONDON,
                   sent_last_hour=50, now=T0, always_alone=frozenset({"outlet health"}))
    assert routes.to_digest == {0: NOW, 1: NOW, 2: NOW, 10: NEXT}
    assert routes.alone == (11,)  # uncapped, never digested; 12 stays in its digest


def test_digest_times_are_local_and_due_once_a_time_passes():
    # 08:00 in London is 08:00 UTC in winter and 07:00 UTC in summer.
    assert last_slot(LONDON, T0) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert last_slot(LONDON, summer) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert next_slot(LONDON, T0) == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    waiting_since = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert not digest_due(LONDON, waiting_since, False, T0)
    assert digest_due(LONDON, waiting_since, False, datetime(2026, 12, 1, 18, 1, tzinfo=UTC))
    assert digest_due(LONDON, waiting_since, True, T0)  # a catch-up goes at once
    assert digest_due(ChannelPolicy(), waiting_since, False, T0)  # no times: end of the run
    assert not digest_due(ChannelPolicy(), None, False, T0)


def test_a_digest_groups_by_watchlist_then_outlet_newest_first_with_also_covered_by():
    stories = [
        Facts(watchlist="b-list", outlet="Zeta", title="Old", published_at=T0),
        Facts(watchlist="b-list", outlet="Zeta", title="New", published_at=T0 + timedelta(1)),
        Facts(watchlist="a-list", outlet="Alpha", title="First", also_covered_by=("BBC",)),
    ]
    ((part, message),) = format_digest(stories, "plain")
    body = message.body
    assert message.title == "[newswatch] Digest: 3 stories (a-list, b-list)"
    assert body.index("== a-list ==") < body.index("== b-list ==")
    assert body.index("New") < body.index("Old")
    assert "also covered by: BBC" in body and len(part) == 3


def test_a_long_slack_digest_is_one_message_of_sections_that_fit_with_hostile_text_inert():
    stories = [Facts(title=f"<!channel> @here <https://evil.example|click> story {n} " + "x" * 150,
                     outlet=f"Outlet {n % 3}") for n in range(60)]  # fmt: skip
    ((part, message),) = format_digest(stories, "slack")
    assert len(part) == 60 and len(message.sections) > 1
    assert message.title == "[newswatch] Digest: 60 stories (us-russia-syria)"
    for section in message.sections:
        assert len(section) < 3000
        assert "<!channel>" not in section and "<https://evil" not in section
        assert "@here" not in section  # broken by a zero-width joiner


def seed(engine: Engine, count: int, channel: str = "desk", watchlist: str = "w",
         at: datetime = T0) -> None:  # fmt: skip
    with Session(engine) as session, session.begin():
        for n in range(count):
            url = f"http://127.0.0.1:9/news/{watchlist}-{n}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet=f"Outlet {n % 2}",
                                   title=f"Story {watchlist} {n}.", text="Russia and Syria.")
            change = upsert_article(session, record, at + timedelta(minutes=n))
            enqueue_alerts(session, article_id=change.article_id, watchlist=watchlist,
                           channels=[channel], terms=["Syria"], snippet="Syria.",
                           now=at + timedelta(minutes=n))  # fmt: skip


class FakeClock:
    """A monotonic clock that only moves when slept on: pacing is measured, not waited."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_fifty_matches_in_an_hour_are_twenty_alone_and_one_digest_each_story_once(
    engine: Engine,
) -> None:
    seed(engine, 50)  # created T0 .. T0+49 min
    clock = FakeClock()
    at = T0 + timedelta(minutes=50)
    with AlertReceiver() as receiver:
        report = deliver_pending(engine, {"desk": receiver.url}, lambda: at,
                                 clock=clock.monotonic, sleep=clock.sleep)  # fmt: skip
        again = deliver_pending(engine, {"desk": receiver.url}, lambda: at,
                                clock=clock.monotonic, sleep=clock.sleep)  # fmt: skip
    alone = [b for b in receiver.received if not b["title"].startswith("[newswatch]")]
    digests = [b for b in receiver.received if b["title"].startswith("[newswatch] Digest")]
    assert len(alone) == 20 and len(digests) == 1 and len(receiver.received) == 21
    assert digests[0]["title"].startswith("[newswatch] Digest: 30 stories")
    numbers = sorted(int(t.split()[-1].rstrip(".")) for t in
                     [b["title"] for b in alone] + digest_titles(digests[0]["message"]))
    assert numbers == list(range(50))  # each story once, the oldest twenty alone
    # Paced: about a second between any two messages, without the test waiting for it.
    assert len(clock.sleeps) == 20 and all(0.9 <= s <= 1.0 for s in clock.sleeps)
    assert report.sent_by_outlet.total() == 50 and report.pending == 0
    assert again.sent_by_outlet.total() == 0
    with Session(engine) as session:
        rows = session.execute(select(Alert.status, Alert.sent_as, Alert.digest)).all()
    assert sorted(set(rows)) == [("sent", "alert", None), ("sent", "digest", "sent")]


def digest_titles(message: str) -> list[str]:
    return [line[2:].split(" (")[0] for line in message.splitlines() if line.startswith("- ")]


def test_digest_mode_waits_for_its_time_and_both_mode_sends_alone_and_in_the_digest(
    engine: Engine,
) -> None:
    seed(engine, 2, watchlist="quiet", at=T0)
    seed(engine, 1, watchlist="loud", at=T0)
    policy = DeliveryPolicy(default=LONDON, modes={("quiet", "desk"): "digest",
                                                   ("loud", "desk"): "both"})  # fmt: skip
    clock = FakeClock()

    def deliver(at: datetime):
        return deliver_pending(engine, {"desk": receiver.url}, lambda: at, policy=policy,
                               clock=clock.monotonic, sleep=clock.sleep)  # fmt: skip

    with AlertReceiver() as receiver:
        morning = deliver(T0 + timedelta(minutes=5))
        assert [b["title"] for b in receiver.received] == ["[loud] Story loud 0."]
        assert morning.channels[0].next_digest == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
        deliver(T0 + timedelta(hours=8, minutes=59))  # 17:59 in London: not yet
        assert len(receiver.received) == 1
        deliver(T0 + timedelta(hours=9, minutes=1))
    (digest,) = receiver.received[1:]
    assert digest["title"] == "[newswatch] Digest: 3 stories (loud, quiet)"
    assert sorted(digest_titles(digest["message"])) == [
        "Story loud 0.", "Story quiet 0.", "Story quiet 1."]  # fmt: skip


@pytest.mark.parametrize("per_hour", [0, 5])
def test_a_cap_counts_the_last_hour_across_runs(engine: Engine, per_hour: int) -> None:
    seed(engine, 4)
    policy = DeliveryPolicy(default=ChannelPolicy(per_hour=per_hour, per_second=0,
                                                  digest_times=(time(18, 0),)))  # fmt: skip
    with AlertReceiver() as receiver:
        deliver_pending(engine, {"desk": receiver.url}, lambda: T0, policy=policy)
        seed(engine, 4, watchlist="later", at=T0 + timedelta(minutes=30))
        deliver_pending(engine, {"desk": receiver.url}, lambda: T0 + timedelta(minutes=35),
                        policy=policy)  # fmt: skip
    assert len(receiver.received) == min(per_hour, 8)  # the rest waits for 18:00


def test_an_email_digest_escapes_hostile_text_in_html_and_keeps_a_one_line_subject():
    hostile = "<script>alert(1)</script> & <b>bold</b>\r\nBcc: x@example.com"
    stories = [Facts(title=hostile, watchlist="w\r\nBcc: y@example.com"), Facts(title="Calm")]
    ((_, message),) = format_digest(stories, "email")
    assert "<script" not in message.body and "&lt;script&gt;" in message.body
    assert "<b>bold" not in message.body and "&amp;" in message.body
    assert "\n" not in message.title and "\r" not in message.title
    assert "<script>alert(1)</script>" in message.text  # the text part is plain text
