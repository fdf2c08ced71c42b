"""The monitoring cycle as a Prefect flow: gather → crawl → store/match → health → deliver →
report."""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows.config import DEFAULT_CONFIG, load_config
from flows.health import assess_health
from flows.report import RunSummary, failed_outlets, summarize
from flows.shards import run_shards
from flows.tasks import deliver_alerts, prepare_database, publish_report


class CycleFailed(RuntimeError):
    """The cycle could not do its job (the crawl itself failed); owed alerts were still sent."""


@flow(name="newswatch-monitor")
def monitor(config_path: str = DEFAULT_CONFIG) -> RunSummary:
    """Run one monitoring cycle for the config at `config_path`."""
    logger = get_run_logger()
    config = load_config(config_path)
    engine = prepare_database(config.database)
    try:
        outcome = run_shards(config_path, config, engine)
        health = assess_health(engine, config, outcome)  # its notices go out with the alerts
        delivery = deliver_alerts(engine, config)
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
        publish_report(summary)
        logger.info(summary.text())
    finally:
        engine.dispose()
    if outcome.crawl_error:
        raise CycleFailed(f"crawl failed: {outcome.crawl_error}")
    return summary
