"""The monitoring cycle as a Prefect flow, one run at a time: gather → crawl and store
(streamed) → health → deliver → report."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_client, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, State
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.health import Health
from flows.config import DEFAULT_CONFIG, Config, feeds_dir, load_config
from flows.deliver import DeliveryReport, backoff_rules, deliver_pending, delivery_policy
from flows.feeds import publish_feeds
from flows.health import assess_health, health_notices_sent
from flows.lease import RunSkipped, run_lease
from flows.report import RunSummary, failed_outlets, stories_markdown, summarize
from flows.shards import ShardOutcome, run_shards
from flows.tasks import prepare_database, utcnow
from storage.outbox import stories_alerted_since


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
    started = utcnow()
    config = load_config(config_path)
    engine = prepare_database(config.database)
    try:
        with run_lease(engine) as lease:
            if isinstance(lease, RunSkipped):
                return skipped(lease)
            outcome = run_shards(config_path, config, engine)  # gather, crawl and store: streamed
            health = assess_health(engine, config, outcome)  # its notices go out with the alerts
            delivery = deliver_alerts(engine, config)
            summary = report(config_path, config, engine, outcome, health, delivery, started)
    finally:
        engine.dispose()
    return finished(summary, outcome)


def skipped(lease: RunSkipped) -> State:
    """The state of a run that found another one active: Completed, named Skipped."""
    get_run_logger().info(lease.text())
    name_run(f"{flow_run.name} · {lease.headline()}")
    return Completed(data=lease, message=lease.text(), name="Skipped")


def report(
    config_path: str,
    config: Config,
    engine: Engine,
    outcome: ShardOutcome,
    health: dict[str, Health],
    delivery: DeliveryReport,
    started: datetime,
) -> RunSummary:
    """Publish the feeds and the run's report; return its summary."""
    if directory := feeds_dir(config, config_path):
        publish_feeds(engine, config, directory)
    notices = health_notices_sent(engine, started)  # reported apart from alerts
    rows = summarize(
        [o.name for o in config.outlets], outcome.outlets, outcome.changes,
        delivery.sent_by_outlet, outcome.backed_off, health, notices,
    )  # fmt: skip
    summary = RunSummary(
        outlets=rows,
        health_notices=sum(notices.values()),
        alerts_pending=delivery.pending,
        channel_notices=tuple(delivery.notices()),
        crawl_error=outcome.crawl_error,
        failed_outlets=failed_outlets(rows),
    )
    publish_report(summary, engine, started)
    get_run_logger().info(summary.text())
    return summary


def finished(summary: RunSummary, outcome: ShardOutcome) -> State:
    """Name the run by what it found; fail it when the crawl itself failed."""
    name_run(f"{flow_run.name} · {summary.headline()}")
    if outcome.crawl_error:
        raise CycleFailed(f"crawl failed: {outcome.crawl_error}")
    # Calling the flow still returns the summary: it is this state's data.
    return Completed(
        data=summary, message=summary.headline(), name=TROUBLED if summary.troubled else None
    )


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def deliver_alerts(engine: Engine, config: Config) -> DeliveryReport:
    """Deliver every pending alert, including those owed by earlier runs."""
    report = deliver_pending(engine, config.channels, utcnow, policy=delivery_policy(config),
                             rules=backoff_rules(config))  # fmt: skip
    logger = get_run_logger()
    logger.info(
        "alerts: %d sent, %d failed, %d still pending", sum(report.sent_by_outlet.values()),
        report.failed, report.pending,
    )  # fmt: skip
    for notice in report.notices():  # a dead or failing channel is the operator's to fix
        logger.warning(notice)
    return report


@task(cache_policy=NO_CACHE)
def publish_report(summary: RunSummary, engine: Engine, started: datetime) -> None:
    """Publish the run's per-outlet table and its matching stories to the Prefect dashboard."""
    create_table_artifact(
        key="newswatch-run",
        table=summary.table(),
        description=f"newswatch cycle\n\n{summary.text()}",
    )
    with Session(engine) as session:
        stories = stories_alerted_since(session, started)
    create_markdown_artifact(
        key="newswatch-stories",
        markdown=stories_markdown(stories, summary.channel_notices),
        description=f"{len(stories)} matching stories this run",
    )


def name_run(name: str) -> None:
    """Rename the current flow run on the dashboard; a failure only costs the name."""
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name)
    except Exception as exc:  # the name is cosmetic: the run's work is done either way
        get_run_logger().warning("could not rename the run: %s", type(exc).__name__)
