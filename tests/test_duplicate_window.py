"""The one documented duplicate: a run killed after the channel took an alert but before the
outbox marked it sent re-sends that alert (and only it), with the same email Message-ID."""

from __future__ import annotations

import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from conftest import free_port
from sqlalchemy import update
from sqlalchemy.orm import Session
from test_crash import finish, start_run, stored

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from storage.db import make_engine
from storage.models import Alert


class KillingInbox:
    """An SMTP handler that keeps every message and, once armed, SIGKILLs the sending run
    right after taking its first message and before answering: the channel has the alert,
    the run never learns it. The test seam sits here, not in newswatch's code."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.victim: int | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(message_from_bytes(envelope.content))
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
            self.victim = None
        return "250 OK"


def test_a_kill_between_acceptance_and_mark_resends_that_one_alert_only(
    database_url: str, tmp_path: Path
) -> None:
    inbox, port = KillingInbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    mail = f"mailto://127.0.0.1:{port}?from=alerts@example.com&to=desk@example.com"
    try:
        with DemoSite() as site:
            config = tmp_path / "newswatch.toml"
            config.write_text(demo_config_toml(database_url, site.outlets(), {"mail": mail}))
            expected = len(site.expected_matches())
            assert expected >= 2

            process = start_run(config, tmp_path / "killed.log")
            inbox.victim = process.pid
            returncode, output = finish(process, tmp_path / "killed.log")
            assert returncode == -signal.SIGKILL, output
            assert len(inbox.messages) == 1  # the channel took it
            in_flight = [a for a in stored(database_url).alerts if a.status != "sent"]
            assert len(in_flight) == expected  # ... and the outbox still owes every alert

            let_the_lease_run_out(database_url)
            returncode, output = finish(start_run(config, tmp_path / "rerun.log"),
                                        tmp_path / "rerun.log")  # fmt: skip
            assert returncode == 0, output
    finally:
        smtp.stop()

    ids = Counter(message["Message-ID"] for message in inbox.messages)
    assert len(ids) == expected  # one distinct Message-ID per alert
    assert sorted(ids.values()) == [1] * (expected - 1) + [2]  # one alert twice, the first
    assert ids[inbox.messages[0]["Message-ID"]] == 2
    assert all(a.status == "sent" for a in stored(database_url).alerts)


def let_the_lease_run_out(database_url: str) -> None:
    """Move the killed run's claim (storage.outbox's lease) into the past, as time would."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            past = datetime.now(UTC) - timedelta(seconds=1)
            session.execute(
                update(Alert).where(Alert.claimed_until.is_not(None)).values(claimed_until=past)
            )
    finally:
        engine.dispose()
