"""Delivery through apprise to real local receivers: an HTTP endpoint and an SMTP server."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from conftest import free_port

from alerts.message import format_alert
from alerts.notify import ChannelError, make_notifier, masked, send
from flows.receiver import AlertReceiver


@dataclass
class Facts:
    watchlist: str = "us-russia-syria"
    title: str = "Trump open to working with Moscow"
    outlet: str = "The Independent"
    published_at: datetime | None = datetime(2017, 1, 24, 10, 15, tzinfo=UTC)
    url: str = "https://www.independent.co.uk/news/world/trump-moscow.html"
    terms: tuple[str, ...] = ("Russia", "Syria")
    snippet: str = "…cooperation with the Russian military to conduct joint air strikes in Syria…"


def test_message_carries_every_fact() -> None:
    message = format_alert(Facts())
    assert message.title == "[us-russia-syria] Trump open to working with Moscow"
    for fact in ("The Independent", "2017-01-24 10:15 UTC", Facts.url, "Russia, Syria",
                 "joint air strikes"):
        assert fact in message.body


def test_json_channel_delivers_to_http_receiver() -> None:
    with AlertReceiver() as receiver:
        outcome = send(make_notifier(receiver.url), format_alert(Facts()))
    assert outcome.ok
    assert len(receiver.received) == 1
    assert receiver.received[0]["title"].startswith("[us-russia-syria]")
    assert Facts.url in receiver.received[0]["message"]


def test_mailto_channel_delivers_to_smtp_server(smtp_server) -> None:
    inbox, url = smtp_server
    assert send(make_notifier(url), format_alert(Facts())).ok
    (mail,) = inbox.messages
    assert mail["Subject"] == "[us-russia-syria] Trump open to working with Moscow"
    assert mail["To"] == "desk@example.com"


def test_failing_receiver_reports_error_without_secrets() -> None:
    with AlertReceiver() as receiver:
        receiver.status = 500
        url = receiver.url.replace("json://", "json://user:hunter2@") + "?+X-Token=tok123"
        outcome = send(make_notifier(url), format_alert(Facts()))
    assert not outcome.ok
    assert outcome.error
    assert "hunter2" not in outcome.error and "tok123" not in outcome.error


def test_dead_channel_is_a_failed_delivery() -> None:
    outcome = send(make_notifier(f"json://127.0.0.1:{free_port()}/x"), format_alert(Facts()))
    assert not outcome.ok
    assert "127.0.0.1" in (outcome.error or "")


def test_masked_urls_hide_passwords_and_tokens() -> None:
    assert "hunter2" not in masked("json://user:hunter2@127.0.0.1:9/x?+X-Token=tok")
    assert "tok" not in masked("json://user:hunter2@127.0.0.1:9/x?+X-Token=tok")
    with pytest.raises(ChannelError) as err:
        make_notifier("nosuchservice://user:hunter2@host")
    assert "hunter2" not in str(err.value)
