"""Outlet shards: crawl and store one shard here, or run each shard as a flow run of its own."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from sqlalchemy import Engine

from flows.config import DEFAULT_CONFIG, Config, Outlet, load_config
from flows.crawl import OutletCrawlStats, shard_outlets
from flows.fetches import remember_fetches
from flows.gather import crawl_dir, plan_crawl
from flows.store import crawl_and_store_streamed
from flows.tasks import prepare_database


@dataclass(frozen=True)
class ShardOutcome:
    """What crawling and storing some outlets did: crawl stats and storage counts by outlet."""

    outlets: dict[str, OutletCrawlStats] = field(default_factory=dict)
    changes: dict[str, Counter] = field(default_factory=dict)
    crawl_error: str | None = None
    backed_off: dict[str, datetime] = field(default_factory=dict)  # outlets skipped this run
    responses: dict[str, int] = field(default_factory=dict)  # responses received (304s too)


def shard_count(config: Config) -> int:
    """How many shards the outlets are split into: as configured, else one per CPU core."""
    wanted = config.crawl.shards or os.cpu_count() or 1
    return max(1, min(wanted, len(config.outlets)))


def crawl_and_store(
    engine: Engine, config: Config, outlets: list[Outlet], workdir: Path, processes: int
) -> ShardOutcome:
    """Crawl the outlets (in `processes` subprocesses) and store and match what they find as
    they find it; then remember the responses' validators for the next run."""
    plan = plan_crawl(engine, outlets)
    streamed = crawl_and_store_streamed(engine, config, plan, workdir, processes)
    if streamed.crawl is None:
        get_run_logger().error("crawl failed: %s", streamed.error)
        return ShardOutcome(changes=streamed.changes, crawl_error=streamed.error,
                            backed_off=plan.backed_off)  # fmt: skip
    crawl = streamed.crawl
    remember_fetches(engine, crawl)
    responses = Counter(fetch.outlet for fetch in crawl.fetches)
    return ShardOutcome(outlets=crawl.outlets, changes=streamed.changes,
                        backed_off=plan.backed_off, responses=dict(responses))  # fmt: skip


def merge_outcomes(outcomes: Iterable[ShardOutcome]) -> ShardOutcome:
    """One outcome for the whole cycle; crawl errors of several shards are joined."""
    stats: dict[str, OutletCrawlStats] = {}
    changes: dict[str, Counter] = {}
    backed_off: dict[str, datetime] = {}
    responses: dict[str, int] = {}
    errors = []
    for outcome in outcomes:
        stats.update(outcome.outlets)
        changes.update(outcome.changes)
        backed_off.update(outcome.backed_off)
        responses.update(outcome.responses)
        if outcome.crawl_error:
            errors.append(outcome.crawl_error)
    return ShardOutcome(stats, changes, "\n".join(errors) or None, backed_off, responses)


@flow(name="newswatch-shard", persist_result=True)
def crawl_shard(config_path: str = DEFAULT_CONFIG, shard: int = 0, shards: int = 1) -> ShardOutcome:
    """Crawl and store shard `shard` of `shards` of the config's outlets (run by the cycle)."""
    config = load_config(config_path)
    outlets = shard_outlets(config.outlets, shard, shards)
    engine = prepare_database(config.database)
    try:
        workdir = crawl_dir(config_path, label=f"shard{shard}")
        return crawl_and_store(engine, config, outlets, workdir, processes=1)
    finally:
        engine.dispose()


@task(cache_policy=NO_CACHE)
def run_shard_flow(deployment: str, config_path: str, shard: int, shards: int) -> ShardOutcome:
    """Run one shard as a flow run of `deployment` on the work pool and wait for its outcome."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        deployment,
        parameters={"config_path": config_path, "shard": shard, "shards": shards},
        # A retried cycle finds the shard runs it already started instead of starting more.
        idempotency_key=f"{flow_run.get_id()}:shard-{shard}-of-{shards}",
        poll_interval=2,
    )
    if run.state is None or not run.state.is_completed():
        state = run.state.name if run.state else "unknown"
        return ShardOutcome(crawl_error=f"shard {shard}: flow run {run.name} ended {state}")
    return run.state.result()


def run_shards(config_path: str, config: Config, engine: Engine) -> ShardOutcome:
    """Every shard of the cycle: flow runs of `crawl.shard_deployment`, or subprocesses here."""
    shards = shard_count(config)
    deployment = config.crawl.shard_deployment
    if not deployment:
        workdir = crawl_dir(config_path)
        return crawl_and_store(engine, config, config.outlets, workdir, processes=shards)
    # Workers run the shard flow in their own directory: hand them an absolute config path.
    path = str(Path(config_path).resolve())
    futures = [run_shard_flow.submit(deployment, path, i, shards) for i in range(shards)]
    return merge_outcomes(future.result() for future in futures)
