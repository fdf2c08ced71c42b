"""One run at a time: the cycle takes the database's run lease and renews it while it runs."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.db import write_engine
from storage.lease import Lease, release_lease, renew_lease, take_lease

logger = logging.getLogger(__name__)

# A holder on another host that died keeps the lease this long at most; one on this host is
# known dead at once (its pid is gone).
LEASE_SECONDS = 300.0
RENEWALS_PER_LEASE = 5


@dataclass(frozen=True)
class RunSkipped:
    """A run that did not start because another run holds the lease."""

    active_run: int
    since: datetime
    owner: str

    def text(self) -> str:
        """The one line `newswatch run` prints."""
        return f"skipped: run {self.active_run} is active since {self.since:%Y-%m-%d %H:%M:%S} UTC"

    def headline(self) -> str:
        """The flow run's name suffix and state message."""
        return f"skipped (run {self.active_run} active)"

    def as_json(self) -> dict[str, object]:
        """The `run --json` object of a skipped run."""
        return {"skipped": True, "message": self.text(), "active_run": self.active_run,
                "since": self.since, "owner": self.owner}  # fmt: skip


def owner_id() -> str:
    """This process as a lease holder: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(owner: str) -> bool:
    """False only for a holder known dead: a process of this host that is gone, or whose pid
    is ours (an earlier process's lease: this one holds none yet)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another host's process: only its lease's expiry tells
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@contextmanager
def run_lease(engine: Engine, seconds: float = LEASE_SECONDS) -> Iterator[Lease | RunSkipped]:
    """Hold the run lease for the block (renewed meanwhile), or yield why the run is skipped."""
    ttl = timedelta(seconds=seconds)
    writer = write_engine(engine)
    with Session(writer) as session, session.begin():
        taken, lease = take_lease(session, owner_id(), _now(), ttl, holder_alive)
    if not taken:
        yield RunSkipped(lease.run, lease.acquired_at, lease.owner)
        return
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew, args=(writer, lease, ttl, stop), name="run-lease", daemon=True
    )
    renewer.start()
    try:
        yield lease
    finally:
        stop.set()
        renewer.join()
        with Session(writer) as session, session.begin():
            release_lease(session, lease, _now())


def _renew(writer: Engine, lease: Lease, ttl: timedelta, stop: threading.Event) -> None:
    while not stop.wait(ttl.total_seconds() / RENEWALS_PER_LEASE):
        try:
            with Session(writer) as session, session.begin():
                ours = renew_lease(session, lease, _now(), ttl)
        except Exception as exc:  # a busy database: the next renewal tries again
            logger.warning("could not renew the run lease: %s", type(exc).__name__)
            continue
        if not ours:
            logger.warning("run %d lost its lease (it lapsed and another run took it)", lease.run)


def _now() -> datetime:
    return datetime.now(UTC)
