"""Database plumbing: engines for SQLite and PostgreSQL, migrations, masked URLs."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Our own name, so the app's history never collides with Prefect's `alembic_version`.
VERSION_TABLE = "newswatch_alembic_version"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option read by the SQLite BEGIN hook; see `write_engine`.
_BEGIN_IMMEDIATE = "newswatch_begin_immediate"
# Any constant bigint: PostgreSQL advisory locks are keyed by number, database-wide.
MIGRATION_LOCK_KEY = 0x6E657773_77617463  # "newswatc"


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL, selecting psycopg 3 for plain postgresql:// and postgres://."""
    parsed = make_url(url)
    # A bare "postgresql" means psycopg2 to SQLAlchemy, which is not installed.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def mask_url(url: str | URL) -> str:
    """Render a database URL with its password hidden, for logs and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL may still hold a secret: show nothing of it
        return "<unparsable database URL>"


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL, configured for this application."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    # Fail fast on an unreachable server instead of hanging a scheduled run.
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy: pysqlite's own BEGIN handling skips DDL and
    # SELECTs, which breaks atomic migrations and SAVEPOINTs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _enable_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    # WAL lets readers (CLI, dashboard) proceed while a run writes. Switching a brand-new
    # file to WAL needs an exclusive lock that SQLite may refuse at once ("database is
    # locked") when two runs open it together, so retry within the busy timeout.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _on_sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(_BEGIN_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_engine(engine: Engine) -> Engine:
    """The engine for transactions that read before they write: on SQLite they BEGIN IMMEDIATE."""
    # In WAL mode a deferred transaction that read first and then writes fails at once with
    # "database is locked" if another process committed in between (busy_timeout cannot
    # help: its snapshot is stale). Taking the write lock at BEGIN waits busy_timeout instead.
    # PostgreSQL ignores the option.
    return engine.execution_options(**{_BEGIN_IMMEDIATE: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker bound to the engine; objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """An Alembic config for our migrations; no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the latest revision; safe to run every start-up."""
    config = alembic_config()
    log.info("migrating database %s", mask_url(engine.url))
    with write_engine(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two runs starting together on an empty schema would both CREATE TABLE and one
            # would fail; the lock makes the second wait, then find the schema up to date.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT for the session's dialect, offering `on_conflict_do_nothing` on both backends."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {name}")
