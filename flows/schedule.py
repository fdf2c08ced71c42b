"""Run the cycle on a cron schedule in this process when no Prefect server schedules it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

log = logging.getLogger(__name__)


def validate_cron(expression: str) -> str:
    """Return the cron expression, or raise ValueError saying why it is invalid."""
    try:
        CronSim(expression, datetime.now(UTC))
    except CronSimError as exc:
        raise ValueError(f"invalid cron expression {expression!r}: {exc}") from None
    return expression


def next_run(expression: str, after: datetime) -> datetime:
    """The first time strictly after `after` that the cron expression fires (UTC)."""
    return next(iter(CronSim(expression, after.astimezone(UTC))))


def run_on_schedule(
    expression: str,
    cycle: Callable[[], object],
    *,
    cycles: int | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call `cycle` at every cron time (forever, or `cycles` times); a failed cycle is logged."""
    done = 0
    while cycles is None or done < cycles:
        due = next_run(expression, now())
        sleep(max(0.0, (due - now()).total_seconds()))
        try:
            cycle()
        except Exception:  # one bad cycle must not stop an unattended scheduler
            log.exception("newswatch cycle failed; next one at the next scheduled time")
        done += 1
