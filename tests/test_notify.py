"""Delivery through apprise to real local receivers: an HTTP endpoint and an SMTP server."""

from dataclasses import replace
from email.header import decode_header, make_header

import pytest
from alert_facts import Facts
from conftest import free_port

from alerts.message import format_alert
from alerts.notify import ChannelError, channel_kind, make_notifier, masked, send
from flows.receiver import AlertReceiver


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


HOSTILE = "<!channel> @here <https://evil.example|click> <script>alert(1)</script> {{ 7*7 }}"


def hostile_facts() -> Facts:
    return replace(Facts(), title=HOSTILE + " " + "long " * 20_000, snippet=HOSTILE)  # 100 KB


def test_slack_gets_inert_bounded_mrkdwn_blocks(monkeypatch) -> None:
    from apprise.plugins.slack import NotifySlack

    with AlertReceiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{port}/services")
        notifier = make_notifier("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7")
        assert channel_kind(notifier) == "slack"
        assert send(notifier, format_alert(hostile_facts(), kind="slack")).ok
    (payload,) = receiver.received
    blocks = payload["attachments"][0]["blocks"]
    header = next(b for b in blocks if b["type"] == "header")["text"]["text"]
    section = next(b for b in blocks if b["type"] == "section")["text"]
    assert section["type"] == "mrkdwn" and len(section["text"]) < 3000 and len(header) <= 150
    assert section["text"].startswith(f"*<{Facts.url}|")
    assert "&lt;!channel&gt;" in section["text"] and "<!channel>" not in section["text"]
    assert "<https://evil" not in section["text"] and "<script" not in section["text"]
    assert "@here" not in section["text"] + header and "<!channel" not in header
    assert "49" not in section["text"]


def test_json_webhook_gets_plain_bounded_text() -> None:
    with AlertReceiver() as receiver:
        notifier = make_notifier(receiver.url)
        assert channel_kind(notifier) == "plain"
        assert send(notifier, format_alert(hostile_facts(), kind="plain")).ok
    (payload,) = receiver.received
    assert len(payload["title"]) <= 250 and "\n" not in payload["title"]
    assert len(payload["message"]) < 8000 and "@here" not in payload["message"]
    assert payload["message"].splitlines()[2] == Facts.url


def test_email_is_multipart_escaped_html_and_our_text(smtp_server) -> None:
    inbox, url = smtp_server
    notifier = make_notifier(url)
    assert channel_kind(notifier) == "email"
    message = format_alert(hostile_facts(), kind="email")
    assert send(notifier, message).ok
    (mail,) = inbox.messages
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject.startswith("[us-russia-syria] <!channel> @\u200dhere") and len(subject) <= 200
    assert subject.endswith("long…") and "\n" not in subject
    parts = {part.get_content_type(): part.get_payload(decode=True).decode()
             for part in mail.walk() if not part.is_multipart()}  # fmt: skip
    assert set(parts) == {"text/plain", "text/html"}
    assert "<script>" not in parts["text/html"] and "&lt;script&gt;" in parts["text/html"]
    assert parts["text/plain"].replace("\r\n", "\n") == message.text  # ours, not a conversion
    assert "49" not in parts["text/html"] + parts["text/plain"]


def test_smtp_refusal_is_reported_with_its_code(smtp_server) -> None:
    inbox, url = smtp_server

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"

    inbox.handle_RCPT = refuse
    outcome = send(make_notifier(url), format_alert(Facts(), kind="email"))
    assert not outcome.ok and "550" in (outcome.error or "")
