"""The delivery loop over the outbox: sent once, failures kept pending with a secret-free error."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from flows.deliver import deliver_pending
from flows.receiver import AlertReceiver
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.db import make_engine, migrate
from storage.outbox import enqueue_alerts, list_alerts


def now() -> datetime:
    return datetime.now(UTC)


def seed_alerts(engine, channels: list[str]) -> None:
    url = "http://127.0.0.1:9/news/story.html"
    record = ArticleRecord(url=url, fetched_url=url, outlet="Example", title="Story",
                           text="Russia and Syria.")
    with Session(engine) as session, session.begin():
        change = upsert_article(session, record, now())
        enqueue_alerts(session, article_id=change.article_id, watchlist="w", channels=channels,
                       terms=["Syria"], snippet="Russia and Syria.", now=now())


def test_each_channel_is_delivered_once_and_failures_stay_pending(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    seed_alerts(engine, ["inbox", "broken", "gone"])
    with AlertReceiver() as inbox:
        channels = {"inbox": inbox.url, "broken": "bogus://user:hunter2@host"}
        first = deliver_pending(engine, channels, now)
        second = deliver_pending(engine, channels, now)
    with Session(engine) as session:
        rows = {row.channel: row for row in list_alerts(session)}
    engine.dispose()
    assert len(inbox.received) == 1
    assert first.sent_by_outlet["Example"] == 1 and first.failed == 2
    assert second.sent_by_outlet.total() == 0 and second.failed == 2
    assert rows["inbox"].status == "sent"
    assert rows["broken"].status == "pending" and rows["broken"].attempts == 2
    assert "hunter2" not in rows["broken"].last_error
    assert rows["gone"].last_error == "channel 'gone' is not configured"
