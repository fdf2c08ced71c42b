"""Overlapping runs: two `newswatch run` started together on one database store and alert once."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import time
from pathlib import Path
from threading import Barrier

from alembic.script import ScriptDirectory
from faulty_run import HOLD_DIR_ENV, HOLD_ENV, RELEASE_FILE
from sqlalchemy import text
from test_crash import RUN_TIMEOUT, assert_complete, finish, start_run, write_config

from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.db import VERSION_TABLE, alembic_config, make_engine, migrate

MIGRATORS = 4


def test_a_run_overlapping_another_is_skipped_and_the_first_completes(
    database_url: str, tmp_path: Path
) -> None:
    with DemoSite() as site, AlertReceiver() as inbox:
        config = write_config(tmp_path, database_url, site, inbox)
        hold = tmp_path / "hold"
        hold.mkdir()

        # The first run holds the lease and is held after storing; the second starts then.
        first = start_run(config, tmp_path / "first.log", {HOLD_ENV: "after_store",
                                                            HOLD_DIR_ENV: str(hold)})  # fmt: skip
        assert wait_for_holds(hold, [first]) == 1, (tmp_path / "first.log").read_text()
        second = start_run(config, tmp_path / "second.log", None, "--json")
        returncode, output = finish(second, tmp_path / "second.log")
        (hold / RELEASE_FILE).touch()
        first_code, first_output = finish(first, tmp_path / "first.log")

        assert returncode == 0, output
        (line,) = [line for line in output.splitlines() if line.startswith("{")]
        skipped = json.loads(line)
        assert skipped["skipped"] is True and skipped["active_run"] == 1
        assert skipped["message"].startswith("skipped: run 1 is active since ")
        assert first_code == 0, first_output
        assert "database is locked" not in first_output + output
        assert_complete(database_url, site, inbox)


def test_two_runs_started_together_store_and_alert_once(database_url: str, tmp_path: Path) -> None:
    with DemoSite() as site, AlertReceiver() as inbox:
        config = write_config(tmp_path, database_url, site, inbox)
        logs = [tmp_path / "run-a.log", tmp_path / "run-b.log"]

        # Same moment, same empty database: they race on the migration and on the lease; one
        # runs the cycle, the other says which run is active and exits 0.
        processes = [start_run(config, log) for log in logs]
        results = [finish(process, log) for process, log in zip(processes, logs, strict=True)]

        for returncode, output in results:
            assert returncode == 0, output
            assert "database is locked" not in output
        assert sum("skipped: run 1 is active since" in output for _, output in results) <= 1
        assert_complete(database_url, site, inbox)


def wait_for_holds(folder: Path, processes: list[subprocess.Popen[bytes]]) -> int:
    """Wait until every run is held (or one has ended); return how many are held."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        held = len(list(folder.glob("*.held")))
        if held == len(processes) or any(p.poll() is not None for p in processes):
            return held
        time.sleep(0.1)
    return len(list(folder.glob("*.held")))


def migrate_on_signal(database_url: str, barrier: Barrier) -> None:
    """Connect, wait for the other processes, then migrate (a child process's target)."""
    engine = make_engine(database_url)
    barrier.wait(timeout=60)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def test_migrations_racing_on_an_empty_database_all_succeed(database_url: str) -> None:
    # The runs above rarely migrate in the same millisecond; a barrier makes them. Without the
    # migration lock, PostgreSQL fails on a duplicate pg_type row and SQLite on a stale snapshot.
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(MIGRATORS)
    processes = [
        context.Process(target=migrate_on_signal, args=(database_url, barrier))
        for _ in range(MIGRATORS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * MIGRATORS

    engine = make_engine(database_url)
    with engine.connect() as connection:
        versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert [version for (version,) in versions] == [head]
