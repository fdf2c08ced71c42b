"""Test-only fault injection: crash (SIGKILL) or hold a run at a named point of the cycle."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

CRASH_ENV = "NEWSWATCH_CRASH_AT"
HOLD_ENV = "NEWSWATCH_HOLD_AT"
HOLD_DIR_ENV = "NEWSWATCH_HOLD_DIR"
RELEASE_FILE = "release"
HOLD_TIMEOUT_SECONDS = 120.0


def crash_point(name: str) -> None:
    """Die at once by SIGKILL if NEWSWATCH_CRASH_AT equals `name`; otherwise do nothing."""
    # SIGKILL, not an exception: no finally, atexit or rollback may run, as in a real crash.
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def hold_point(name: str) -> None:
    """If NEWSWATCH_HOLD_AT equals `name`, announce this process and wait to be released."""
    # Lets a test line up overlapping runs at one point: each writes <dir>/<pid>.held, then
    # waits for <dir>/release. The timeout keeps a forgotten hold from hanging a run forever.
    if os.environ.get(HOLD_ENV) != name:
        return
    folder = Path(os.environ[HOLD_DIR_ENV])
    (folder / f"{os.getpid()}.held").touch()
    deadline = time.monotonic() + HOLD_TIMEOUT_SECONDS
    while not (folder / RELEASE_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
