"""Run jobs on cron schedules in this process when no Prefect server schedules them."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
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
    jobs: Sequence[tuple[str, Callable[[], object]]],
    *,
    runs: int | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call each (cron, job) at its cron times, forever or `runs` calls in all; log failures."""
    due = [next_run(cron, now()) for cron, _ in jobs]
    done = 0
    while runs is None or done < runs:
        index = min(range(len(jobs)), key=due.__getitem__)
        cron, job = jobs[index]
        sleep(max(0.0, (due[index] - now()).total_seconds()))
        try:
            job()
        except Exception:  # one bad run must not stop an unattended scheduler
            log.exception("newswatch job failed; it runs again at its next scheduled time")
        done += 1
        # A job that overran its next time skips it rather than running twice in a row.
        due[index] = next_run(cron, max(due[index], now()))
