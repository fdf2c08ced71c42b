"""`newswatch alerts retry` and `newswatch alerts test` through the real CLI, a real database
and real receivers (HTTP and SMTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from flows.cli import app
from flows.deliver import deliver_pending
from flows.receiver import AlertReceiver
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.channels import load_health
from storage.outbox import enqueue_alerts, list_alerts

runner = CliRunner()


def write_config(tmp_path: Path, database_url: str, channels: dict[str, str]) -> str:
    config = tmp_path / "newswatch.toml"
    lines = "".join(f'{name} = "{url}"\n' for name, url in channels.items())
    config.write_text(
        f'database = "{database_url}"\n[channels]\n{lines}'
        '[[outlets]]\nname = "E"\nfeeds = ["http://127.0.0.1:9/f"]\n'
    )
    return str(config)


def seed(engine: Engine, channel: str, count: int = 2) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for n in range(count):
            url = f"http://127.0.0.1:9/news/{channel}-{n}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet="E", title=f"Story {n}",
                                   text="Russia and Syria.")  # fmt: skip
            change = upsert_article(session, record, now)
            enqueue_alerts(session, article_id=change.article_id, watchlist="w",
                           channels=[channel], terms=["Syria"], snippet="Syria.", now=now)


def test_retry_puts_a_dead_channels_alerts_back_and_the_next_run_sends_them(
    engine: Engine, database_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    seed(engine, "desk")
    seed(engine, "other", 1)
    start = datetime.now(UTC)
    with AlertReceiver() as receiver:
        receiver.status = 410
        channels = {"desk": receiver.url, "other": "json://127.0.0.1:9/x"}
        for hours in (0, 6, 12):  # dead after twelve hours of 410s
            deliver_pending(engine, channels, lambda h=hours: start + timedelta(hours=h))
        with Session(engine) as session:
            assert load_health(session)["desk"].dead_since is not None
        config = write_config(tmp_path, database_url, channels)
        result = runner.invoke(app, ["alerts", "retry", "--channel", "desk", "--config", config])
        assert result.exit_code == 0, result.output
        assert "channel desk: back-off and dead state cleared" in result.output
        assert "2 failed alert(s) back in the queue" in result.output
        receiver.status = 200
        report = deliver_pending(engine, channels, lambda: start + timedelta(hours=13))
    desk = next(c for c in report.channels if c.channel == "desk")
    assert desk.state == "ok" and desk.pending == 0 and receiver.received
    with Session(engine) as session:
        other = [row for row in list_alerts(session) if row.channel == "other"]
    assert other[0].last_error  # --channel left the other channel's failure alone
    again = runner.invoke(app, ["alerts", "retry", "--channel", "desk", "--config", config])
    assert "nothing to retry on channel desk" in again.output


def test_test_sends_a_message_in_the_channels_form(database_url: str, tmp_path: Path,
                                                   smtp_server) -> None:  # fmt: skip
    inbox, url = smtp_server
    with AlertReceiver() as receiver:
        config = write_config(tmp_path, database_url, {"hook": receiver.url, "mail": url})
        hook = runner.invoke(app, ["alerts", "test", "hook", "--config", config])
        mail = runner.invoke(app, ["alerts", "test", "mail", "--config", config])
    assert hook.exit_code == 0 and "sent a test message to channel hook" in hook.output
    (body,) = receiver.received
    assert body["title"] == "[newswatch test] Test message from newswatch: this channel works"
    assert mail.exit_code == 0, mail.output
    (message,) = inbox.messages
    assert message.is_multipart() and "this channel works" in message["Subject"]


def test_test_reports_the_reason_with_secrets_masked(database_url: str, tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        receiver.status = 403
        secret = receiver.url.replace("json://", "json://user:hunter2@") + "?token=s3cr3tvalue"
        config = write_config(tmp_path, database_url, {"hook": secret})
        result = runner.invoke(app, ["alerts", "test", "hook", "--config", config])
    assert result.exit_code == 1
    assert "refused the test message" in result.output and "error=403" in result.output
    assert "hunter2" not in result.output and "s3cr3tvalue" not in result.output
    unknown = runner.invoke(app, ["alerts", "test", "nope", "--config", config])
    assert unknown.exit_code == 2 and "not in [channels] (defined: hook)" in unknown.output


def test_the_listing_marks_alerts_waiting_for_a_digest(engine: Engine, database_url: str,
                                                       tmp_path: Path) -> None:  # fmt: skip
    from datetime import time

    from alerts.route import ChannelPolicy, DeliveryPolicy, next_slot

    seed(engine, "desk", 2)
    policy = ChannelPolicy(per_hour=1, per_second=0, digest_times=(time(3, 0),))
    now = datetime.now(UTC)
    with AlertReceiver() as receiver:
        report = deliver_pending(engine, {"desk": receiver.url}, lambda: now,
                                 policy=DeliveryPolicy(default=policy))  # fmt: skip
    assert len(receiver.received) == 1
    assert report.channels[0].next_digest == next_slot(policy, now)
    config = write_config(tmp_path, database_url, {"desk": "json://127.0.0.1:9/x"})
    listing = runner.invoke(app, ["alerts", "--config", config]).output.splitlines()
    assert sum("(in the next digest)" in line for line in listing) == 1
    assert sum(line.startswith("sent ") for line in listing) == 1
