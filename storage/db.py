"""Database plumbing: engines for SQLite and PostgreSQL, migrations, masked URLs, and what to
tell the operator when the database itself is at fault (damaged, full, read-only)."""

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
# Start-up runs SQLite's quick_check (it reads every page) only up to this size; a bigger file
# gets its check from `newswatch maintain`, which always runs the full integrity_check.
QUICK_CHECK_MAX_BYTES = 2 * 1024**3
_PROBLEM_LINES = 3  # of SQLite's integrity report, in a message


class DatabaseUnusable(Exception):
    """The database cannot be used as it is; the message names it, the cause and what to do."""


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
    """Bring the schema up to the latest revision; safe to run every start-up. A damaged SQLite
    file raises DatabaseUnusable before anything is written to it."""
    check_integrity(engine, full=False)
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


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL, in-memory or URI-style databases)."""
    parsed = normalize_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def integrity_problem(path: Path, full: bool = False) -> str | None:
    """SQLite's own report on a damaged file (quick_check, or integrity_check when `full`),
    read through a read-only connection; None when the file is sound, absent or unreadable."""
    if not path.is_file():
        return None
    pragma = "integrity_check" if full else "quick_check"
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None  # cannot even open it: the engine reports why, with the right cause
    try:
        rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}({_PROBLEM_LINES})")]
    except sqlite3.OperationalError:
        return None  # locked, unreadable, a read-only folder: not damage
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        return str(exc)
    finally:
        connection.close()
    if rows == ["ok"]:
        return None
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    return "; ".join(lines[:_PROBLEM_LINES])


def check_integrity(engine: Engine, full: bool) -> None:
    """Raise DatabaseUnusable if the engine's SQLite file is damaged (start-up: quick_check up
    to QUICK_CHECK_MAX_BYTES; `full`: integrity_check at any size). PostgreSQL checks itself."""
    path = sqlite_file(engine.url)
    if path is None or not path.is_file():
        return
    if not full and path.stat().st_size > QUICK_CHECK_MAX_BYTES:
        log.info("%s is too big to check at every start: `newswatch maintain` checks it", path)
        return
    if problem := integrity_problem(path, full=full):
        raise DatabaseUnusable(damaged(path, problem))


def damaged(path: Path, problem: str) -> str:
    """What to tell the operator about a damaged SQLite file (left untouched for forensics)."""
    return (
        f"database {path} is damaged (SQLite reports: {problem}). newswatch changed nothing in"
        f" it. Restore it from a backup, or recover what SQLite can (`sqlite3 {path} .recover"
        f" | sqlite3 recovered.db`) and point `database` at the result; moving it aside starts"
        " afresh (every stored article and alert state is lost)."
    )


# SQLite primary result codes (the low byte of an extended code) and PostgreSQL SQLSTATEs.
_SQLITE_READONLY, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 11, 13, 14
_SQLITE_NOTADB = 26
_PG_DISK_FULL, _PG_READ_ONLY = ("53100",), ("25006",)


def read_only(url: str | URL) -> str:
    """What to tell the operator about a database newswatch may read but not write."""
    path = sqlite_file(url)
    what = "the file and its folder (SQLite adds -wal and -shm files beside it)" if path else "it"
    return (
        f"database {path or mask_url(url)} is read-only here: newswatch must be able to write"
        f" {what}; nothing was stored."
    )


def storage_error(exc: BaseException, url: str | URL) -> str | None:
    """One line on a failure the database itself causes (full disk, read-only, damaged, cannot
    open): which database, the cause and what to do; None for any other error."""
    if isinstance(exc, DatabaseUnusable):
        return str(exc)
    cause = getattr(exc, "orig", None) or exc
    path = sqlite_file(url)
    where = str(path) if path else mask_url(url)
    code = getattr(cause, "sqlite_errorcode", None)
    sqlstate = getattr(cause, "sqlstate", None)
    if (code is not None and code & 0xFF == _SQLITE_FULL) or sqlstate in _PG_DISK_FULL:
        return (
            f"database {where}: the disk is full (or the database reached its size limit);"
            " the write in progress was rolled back and nothing stored before is lost."
            " Free space and run again: what this run did not store is fetched again."
        )
    if (code is not None and code & 0xFF == _SQLITE_READONLY) or sqlstate in _PG_READ_ONLY:
        return read_only(url)
    if code is not None and code & 0xFF == _SQLITE_CANTOPEN and path is not None:
        return (
            f"database {where} cannot be opened for writing: check that the file and its folder"
            " exist and that newswatch's user may write both (SQLite adds -wal and -shm files)."
        )
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB) and path:
        return damaged(path, str(cause).splitlines()[0])
    return None
