"""The run lease on both databases: one holder at a time, renewal, expiry, dead holders."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flows.lease import RunSkipped, holder_alive, owner_id, run_lease
from storage.db import write_engine
from storage.lease import Lease, release_lease, renew_lease, take_lease

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=5)


def take(engine: Engine, owner: str, now: datetime, alive: bool = True) -> tuple[bool, Lease]:
    with Session(write_engine(engine)) as session, session.begin():
        return take_lease(session, owner, now, TTL, lambda _owner: alive)


def test_first_run_takes_the_lease_and_a_second_is_refused_with_the_holder(engine: Engine) -> None:
    taken, mine = take(engine, "host-a:1", T0)
    assert taken and (mine.run, mine.owner, mine.acquired_at) == (1, "host-a:1", T0)

    taken, holder = take(engine, "host-b:2", T0 + timedelta(minutes=1))
    assert not taken
    assert holder == mine


def test_a_lapsed_lease_is_taken_by_the_next_run(engine: Engine) -> None:
    take(engine, "host-a:1", T0)
    taken, lease = take(engine, "host-b:2", T0 + TTL + timedelta(seconds=1))
    assert taken and (lease.run, lease.owner) == (2, "host-b:2")


def test_a_dead_holder_loses_the_lease_before_it_lapses(engine: Engine) -> None:
    take(engine, "host-a:1", T0)
    taken, lease = take(engine, "host-a:2", T0 + timedelta(seconds=5), alive=False)
    assert taken and lease.run == 2


def test_renewal_keeps_the_lease_and_only_the_holder_renews(engine: Engine) -> None:
    _, mine = take(engine, "host-a:1", T0)
    later = T0 + TTL - timedelta(seconds=10)
    with Session(write_engine(engine)) as session, session.begin():
        assert renew_lease(session, mine, later, TTL)
        stranger = Lease(mine.run, "host-b:2", T0, T0 + TTL)
        assert not renew_lease(session, stranger, later, TTL)
    # Past the first expiry, but renewed: still held.
    taken, holder = take(engine, "host-b:2", T0 + TTL + timedelta(seconds=1))
    assert not taken and holder.expires_at == later + TTL


def test_released_lease_is_free_and_a_stale_holder_cannot_release_the_next(engine: Engine) -> None:
    _, first = take(engine, "host-a:1", T0)
    with Session(write_engine(engine)) as session, session.begin():
        assert release_lease(session, first, T0 + timedelta(seconds=30))
    taken, second = take(engine, "host-b:2", T0 + timedelta(seconds=31))
    assert taken and second.run == 2
    with Session(write_engine(engine)) as session, session.begin():
        assert not release_lease(session, first, T0 + timedelta(seconds=40))
    assert not take(engine, "host-c:3", T0 + timedelta(seconds=41))[0]


def test_run_lease_skips_while_a_live_process_holds_it_then_takes_it(engine: Engine) -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as child:
        try:
            taken, theirs = take(engine, on_this_host(child.pid), datetime.now(UTC), alive=True)
            assert taken
            with run_lease(engine) as lease:
                assert isinstance(lease, RunSkipped) and lease.active_run == theirs.run
                assert lease.text().startswith(f"skipped: run {theirs.run} is active since ")
        finally:
            child.kill()
    # The holder died without giving the lease back: the next run takes it at once.
    with run_lease(engine) as lease:
        assert isinstance(lease, Lease) and (lease.run, lease.owner) == (2, owner_id())
    # Given back at the end of the block.
    assert take(engine, "elsewhere.example:9", datetime.now(UTC))[0]


def test_holder_alive_knows_only_this_hosts_dead_processes() -> None:
    assert holder_alive("elsewhere.example:1")  # another host: only expiry tells
    assert not holder_alive(owner_id())  # our own pid: an earlier process's lease
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert not holder_alive(on_this_host(finished.pid))
    assert holder_alive(on_this_host(os.getppid()))


def on_this_host(pid: int) -> str:
    """A lease owner naming process `pid` of this host."""
    return f"{socket.gethostname()}:{pid}"
