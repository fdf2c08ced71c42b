"""`newswatch` with test-only faults: crash (SIGKILL) or hold a run at a named point of the
cycle, by wrapping the production functions around that point; the code itself has no hooks.

    python tests/faulty_run.py run --config PATH   (with NEWSWATCH_CRASH_AT / NEWSWATCH_HOLD_AT)
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CRASH_ENV = "NEWSWATCH_CRASH_AT"
HOLD_ENV = "NEWSWATCH_HOLD_AT"
HOLD_DIR_ENV = "NEWSWATCH_HOLD_DIR"
RELEASE_FILE = "release"
HOLD_TIMEOUT_SECONDS = 120.0
SCRIPT = Path(__file__).resolve()


def crash() -> None:
    """Die at once by SIGKILL: no finally, atexit or rollback may run, as in a real crash."""
    os.kill(os.getpid(), signal.SIGKILL)


def hold() -> None:
    """Announce this process (<dir>/<pid>.held) and wait for <dir>/release (or the timeout)."""
    folder = Path(os.environ[HOLD_DIR_ENV])
    (folder / f"{os.getpid()}.held").touch()
    deadline = time.monotonic() + HOLD_TIMEOUT_SECONDS
    while not (folder / RELEASE_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def before(module: Any, name: str, fault: Callable[[], None]) -> None:
    """Run `fault` before each call of module.name."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        fault()
        return original(*args, **kwargs)

    setattr(module, name, wrapped)


def after(module: Any, name: str, fault: Callable[[], None], when: Callable[[Any], bool]) -> None:
    """Run `fault` after a call of module.name whose result satisfies `when`."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when(result):
            fault()
        return result

    setattr(module, name, wrapped)


def install(point: str, fault: Callable[[], None]) -> None:
    """Put `fault` at the named point of the cycle."""
    import flows.deliver
    import flows.shards
    import flows.store

    if point == "mid_store":  # in the first batch's transaction, after its first article
        after(flows.store, "ingest", fault, lambda _result: True)
    elif point == "after_store":  # every record stored, the fetches not yet remembered
        before(flows.shards, "remember_fetches", fault)
    elif point == "mid_delivery":  # right after the first alert is marked sent
        deliver = flows.deliver.deliver_pending
        flows.deliver.deliver_pending = functools.partial(deliver, after_send=fault)
    else:
        raise SystemExit(f"unknown fault point {point!r}")


def main() -> None:
    """Install the faults the environment asks for, then run the `newswatch` command line."""
    if point := os.environ.get(CRASH_ENV):
        install(point, crash)
    if point := os.environ.get(HOLD_ENV):
        install(point, hold)
    from flows.cli import main as newswatch

    sys.argv[0] = "newswatch"
    newswatch()


if __name__ == "__main__":
    main()
