"""The monitoring cycle as a Prefect flow: gather → crawl → store/match → health → deliver →
report."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_client, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, State
from sqlalchemy import Engine

from flows.config import DEFAULT_CONFIG, Config, feeds_dir, load_config
from flows.feeds import publish_feeds
from flows.health import assess_health
from flows.lease import RunSkipped, run_lease
from flows.report import RunSummary, failed_outlets, summarize
from flows.shards import ShardOutcome, run_shards
from flows.tasks import deliver_alerts, prepare_database, publish_report


class CycleFailed(RuntimeError):
    """The cycle could not do its job (the crawl itself failed); owed alerts were still sent."""


# A run whose outlets failed or turned unhealthy ends in this named Completed state, so the
# dashboard tells it apart from a clean run at a glance.
TROUBLED = "Completed with failures"


def run_name() -> str:
    """The run's name when it starts: its time (what it found is added when it ends)."""
    return f"cycle {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


@flow(name="newswatch-monitor", flow_run_name=run_name)
def monitor(config_path: str = DEFAULT_CONFIG) -> State:
    """Run one monitoring cycle for the config at `config_path` (or skip: one runs already)."""
    logger = get_run_logger()
    started = datetime.now(UTC)
    config = load_config(config_path)
    engine = prepare_database(config.database)
    try:
        with run_lease(engine) as lease:
            if isinstance(lease, RunSkipped):
                logger.info(lease.text())
                name_run(f"{flow_run.name} · {lease.headline()}")
                return Completed(data=lease, message=lease.text(), name="Skipped")
            outcome, summary = cycle(config_path, config, engine, started)
    finally:
        engine.dispose()
    name_run(f"{flow_run.name} · {summary.headline()}")
    if outcome.crawl_error:
        raise CycleFailed(f"crawl failed: {outcome.crawl_error}")
    # Calling the flow still returns the summary: it is this state's data.
    return Completed(
        data=summary, message=summary.headline(), name=TROUBLED if summary.troubled else None
    )


def cycle(
    config_path: str, config: Config, engine: Engine, started: datetime
) -> tuple[ShardOutcome, RunSummary]:
    """Crawl and store, assess health, deliver, publish feeds and the report."""
    outcome = run_shards(config_path, config, engine)
    health = assess_health(engine, config, outcome)  # its notices go out with the alerts
    delivery = deliver_alerts(engine, config)
    if directory := feeds_dir(config, config_path):
        publish_feeds(engine, config, directory)
    rows = summarize(
        [o.name for o in config.outlets], outcome.outlets, outcome.changes,
        delivery.sent_by_outlet, outcome.backed_off, health,
    )  # fmt: skip
    summary = RunSummary(
        outlets=rows,
        alerts_pending=delivery.pending,
        channel_notices=tuple(delivery.notices()),
        crawl_error=outcome.crawl_error,
        failed_outlets=failed_outlets(rows),
    )
    publish_report(summary, engine, started)
    get_run_logger().info(summary.text())
    return outcome, summary


def name_run(name: str) -> None:
    """Rename the current flow run on the dashboard; a failure only costs the name."""
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name)
    except Exception as exc:  # the name is cosmetic: the run's work is done either way
        get_run_logger().warning("could not rename the run: %s", type(exc).__name__)
