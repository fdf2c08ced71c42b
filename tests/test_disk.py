"""A broken disk: a damaged, read-only or full database ends the command with one clear line
naming the database, the cause and what to do; nothing stored is lost or overwritten."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from test_crash import NEWSWATCH, OFFLINE_ENV, RUN_TIMEOUT, delivered_urls, stored

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.db import (
    DatabaseUnusable,
    integrity_problem,
    make_engine,
    migrate,
    storage_error,
)

PAGE_SIZE = 4096


def newswatch(*args: str, env: dict[str, str] | None = None, bound_by_modes: bool = False,
              wrapper: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run the real CLI (through a Python `wrapper` prelude when given). `bound_by_modes`: as
    root, without the capabilities that let root write files their modes forbid."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    full_env |= OFFLINE_ENV | (env or {})
    command = [sys.executable, "-c", wrapper, *args] if wrapper else [NEWSWATCH, *args]
    if bound_by_modes and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")  # util-linux
        assert setpriv, "tests run as root need setpriv (util-linux) to drop CAP_DAC_OVERRIDE"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(
        command, env=full_env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def migrated_sqlite(path: Path) -> Path:
    """A migrated SQLite file, checkpointed and closed (no -wal left to read)."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def root_page(path: Path, name: str) -> int:
    with sqlite3.connect(path) as connection:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
    return page


def scribble_cells(path: Path, page: int) -> None:
    """Overwrite a b-tree page's cell area with garbage: damage quick_check reports."""
    offset = (page - 1) * PAGE_SIZE
    with path.open("r+b") as f:
        f.seek(offset + 5)
        start = int.from_bytes(f.read(2)) or PAGE_SIZE  # the cell content area
        f.seek(offset + start)
        f.write(b"\xa5" * (PAGE_SIZE - start))


def change_row_behind_its_index(path: Path) -> None:
    """Alter a row in its table page only: its index no longer matches it, which only the full
    integrity_check sees (quick_check skips index contents)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE probe (name TEXT UNIQUE)")
    connection.execute("INSERT INTO probe VALUES ('a row behind its index')")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    page = root_page(path, "probe")
    data = bytearray(path.read_bytes())
    at = data.index(b"a row behind", (page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    data[at] = ord("A")
    path.write_bytes(bytes(data))


def test_a_damaged_file_is_refused_by_every_command_and_left_as_it_was(tmp_path: Path) -> None:
    database = migrated_sqlite(tmp_path / "news.db")
    scribble_cells(database, root_page(database, "sqlite_autoindex_newswatch_alembic_version_1"))
    before = digest(database)
    config = tmp_path / "newswatch.toml"
    config.write_text(demo_config_toml(f"sqlite:///{database}", [], {}))

    for command, code in (("run", 1), ("articles", 1), ("check --connect", 2)):
        done = newswatch(*command.split(), "--config", str(config))
        assert done.returncode == code, done.stderr
        assert f"database {database} is damaged (SQLite reports: " in done.stderr, command
        assert "Restore it from a backup" in done.stderr
        assert "Traceback" not in done.stderr + done.stdout
    assert digest(database) == before
    # A deployment's run meets the same check in migrate, before anything is written.
    with pytest.raises(DatabaseUnusable, match="is damaged"):
        migrate(make_engine(f"sqlite:///{database}"))
    assert digest(database) == before


def test_maintain_runs_the_full_check_that_start_up_skips(tmp_path: Path) -> None:
    database = migrated_sqlite(tmp_path / "news.db")
    change_row_behind_its_index(database)
    assert integrity_problem(database) is None  # quick_check cannot see it
    assert "missing from index" in (integrity_problem(database, full=True) or "")
    before = digest(database)
    config = tmp_path / "newswatch.toml"
    config.write_text(demo_config_toml(f"sqlite:///{database}", [], {}))

    done = newswatch("maintain", "--config", str(config), env={"PREFECT_HOME": str(tmp_path)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"error: database {database} is damaged" in done.stderr
    assert "missing from index" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert digest(database) == before


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_database_is_refused_naming_it(tmp_path: Path, read_only: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    database = migrated_sqlite(folder / "news.db")
    config = tmp_path / "newswatch.toml"
    config.write_text(demo_config_toml(f"sqlite:///{database}", [], {}))
    (database if read_only == "file" else folder).chmod(0o555)
    before = digest(database)
    try:
        done = newswatch("run", "--config", str(config), bound_by_modes=True,
                         env={"PREFECT_HOME": str(tmp_path / "prefect")})  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert f"error: database {database} is read-only here" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert digest(database) == before


# Runs the real CLI with every SQLite connection capped at a fixed size, a few pages above the
# file's size before the run: the disk fills up part-way through storing, as a full disk would
# (SQLITE_FULL). Fixed, not relative: a connection opened later must not get more room.
FULL_DISK = """
import sqlite3, sys
from sqlalchemy import event
from sqlalchemy.pool import Pool

@event.listens_for(Pool, "connect")
def _cap(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA max_page_count = {pages}")

from flows.cli import main
sys.argv = ["newswatch", *sys.argv[1:]]
main()
"""


def test_a_full_disk_ends_the_run_clearly_and_nothing_is_lost(tmp_path: Path) -> None:
    database = migrated_sqlite(tmp_path / "news.db")
    url = f"sqlite:///{database}"
    with DemoSite() as site, AlertReceiver() as inbox:
        config = tmp_path / "newswatch.toml"
        config.write_text(demo_config_toml(url, site.outlets(), {"inbox": inbox.url}))
        env = {"PREFECT_HOME": str(tmp_path / "prefect")}

        with closing(sqlite3.connect(database)) as connection:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
        wrapper = FULL_DISK.format(pages=pages + 4)
        full = newswatch("run", "--config", str(config), env=env, wrapper=wrapper)
        assert full.returncode == 1, full.stdout + full.stderr
        output = full.stdout + full.stderr
        assert f"error: database {database}: the disk is full" in full.stderr, output
        assert "Free space and run again" in full.stderr
        assert "Traceback" not in output, output
        half = stored(url)
        assert half.without_first_version == set()  # every stored article is whole
        assert inbox.received == [], output  # nothing alerted from a run that could not store
        assert integrity_problem(database, full=True) is None

        done = newswatch("run", "--config", str(config), env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        after = stored(url)
        assert set(after.urls) == {site.url(page) for page in site.articles()}
        assert set(half.urls) <= set(after.urls)
        assert delivered_urls(inbox) == {u: 1 for u in site.expected_matches()}


def test_postgresql_read_only_names_the_database_without_its_password(
    postgres_url: str, postgres_admin, tmp_path: Path
) -> None:
    schema = "t_read_only_" + os.urandom(4).hex()
    with postgres_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(postgres_url).set(password="hunter2").update_query_dict(
            {"options": f"-csearch_path={schema} -cdefault_transaction_read_only=on"}
        )
        engine = make_engine(url.render_as_string(hide_password=False))
        with pytest.raises(DBAPIError) as caught, Session(engine) as session:
            session.execute(text("CREATE TABLE t (x int)"))
        engine.dispose()
        message = storage_error(caught.value, url)
        assert message and "is read-only here" in message and "hunter2" not in message
        assert make_url(postgres_url).host in message or "host=" in message

        # Through the CLI: the schema cannot be created, and the command says why.
        config = tmp_path / "newswatch.toml"
        config.write_text(demo_config_toml(url.render_as_string(hide_password=False), [], {}))
        done = newswatch("articles", "--config", str(config))
        assert done.returncode == 1, done.stdout + done.stderr
        assert "is read-only here" in done.stderr and "hunter2" not in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        with postgres_admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def test_a_full_postgresql_disk_is_named_as_such() -> None:
    # A mock error: no local PostgreSQL can be filled safely; the SQLSTATE is the contract.
    url = "postgresql+psycopg://newswatch:hunter2@db.example/news"
    error = OperationalError("INSERT …", {}, pg_errors.DiskFull("could not extend file"))
    message = storage_error(error, url)
    assert message and "db.example" in message and "the disk is full" in message
    assert "hunter2" not in message
    assert storage_error(OperationalError("SELECT 1", {}, ValueError("other")), url) is None
