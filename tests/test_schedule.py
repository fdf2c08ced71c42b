"""The in-process cron loop of `newswatch serve` (clock and sleep injected: no waiting)."""

from datetime import UTC, datetime, timedelta

from flows.schedule import next_run, run_on_schedule


def test_next_run_is_the_next_cron_time() -> None:
    after = datetime(2026, 11, 21, 6, 7, 30, tzinfo=UTC)
    assert next_run("*/15 * * * *", after) == datetime(2026, 11, 21, 6, 15, tzinfo=UTC)


def test_cycles_run_at_each_cron_time_and_survive_a_failure() -> None:
    clock = [datetime(2026, 11, 21, 6, 7, tzinfo=UTC)]
    slept, ran = [], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    def cycle() -> None:
        ran.append(clock[0])
        if len(ran) == 1:
            raise RuntimeError("a failed cycle")

    run_on_schedule([("*/15 * * * *", cycle)], runs=3, now=lambda: clock[0], sleep=sleep)
    assert [t.strftime("%H:%M") for t in ran] == ["06:15", "06:30", "06:45"]
    assert slept == [480.0, 900.0, 900.0]


def test_two_jobs_interleave_by_their_own_crons() -> None:
    clock = [datetime(2026, 11, 21, 2, 50, tzinfo=UTC)]
    ran: list[tuple[str, str]] = []

    def sleep(seconds: float) -> None:
        clock[0] += timedelta(seconds=seconds)

    def job(name: str, minutes: int):
        def run() -> None:
            ran.append((name, clock[0].strftime("%H:%M")))
            clock[0] += timedelta(minutes=minutes)  # the job takes this long

        return run

    jobs = [("*/15 * * * *", job("cycle", 1)), ("0 3 * * *", job("maintenance", 20))]
    run_on_schedule(jobs, runs=4, now=lambda: clock[0], sleep=sleep)
    # Both are due at 03:00; the cycle due at 03:15 waits for the 20-minute maintenance and
    # runs late once, then the cycle is back on its own times.
    assert ran == [
        ("cycle", "03:00"), ("maintenance", "03:01"), ("cycle", "03:21"), ("cycle", "03:30")
    ]
