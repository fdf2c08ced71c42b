"""Database fixtures: a fresh SQLite file or PostgreSQL schema per test, migrated on request."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from storage.db import make_engine, mask_url, migrate

# CI guarantees a server here; override to point the tests at another one.
POSTGRES_URL = os.environ.get(
    "NEWSWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the test database for creating and dropping per-test schemas."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        problem = None
    except Exception as exc:
        problem = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    if problem is not None:
        engine.dispose()
        # Fail, never skip: a silently skipped backend is an untested backend.
        pytest.fail(
            f"PostgreSQL is unreachable at {mask_url(POSTGRES_URL)} ({problem})."
            " Start it, or point NEWSWATCH_TEST_POSTGRES_URL at a server.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of its own: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        # A missing parent directory exercises make_engine creating it.
        yield f"sqlite:///{tmp_path / 'db' / 'newswatch.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    schema = f"t_{uuid.uuid4().hex}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # search_path makes the schema the default for alembic and every query alike.
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on the test's own database, disposed afterwards."""
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def free_port() -> int:
    """A loopback TCP port nobody listens on (for servers that can't bind port 0, and dead ones)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpInbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        from email import message_from_bytes

        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpInbox, str]]:
    """A real SMTP server on 127.0.0.1 and the apprise mailto:// URL that delivers to it."""
    from aiosmtpd.controller import Controller

    inbox, port = SmtpInbox(), free_port()  # aiosmtpd's readiness check cannot follow port 0
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"mailto://127.0.0.1:{port}?from=alerts@example.com&to=desk@example.com"
    controller.stop()
