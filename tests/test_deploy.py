"""prefect.yaml for real: a Prefect server on 127.0.0.1, a process work pool, a worker, a run."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import free_port
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.db import make_engine
from storage.models import Article, ArticleVersion

REPO = Path(__file__).resolve().parent.parent
PREFECT = [sys.executable, "-m", "prefect"]


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server of its own (fresh home, loopback only) and the env to talk to it."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        # The deployments carry real cron schedules; scheduled runs must never start here
        # (they would monitor the real outlets of the repository's newswatch.toml).
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    log = open(tmp_path_factory.mktemp("server") / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api/health", server, timeout=120)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def wait_healthy(url: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "prefect server exited during start-up"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"prefect server not healthy after {timeout}s")


def prefect(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [*PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"prefect {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def deployed(prefect_env: dict[str, str]) -> dict[str, str]:
    """The process work pool and every deployment of prefect.yaml, on the module's server."""
    prefect(prefect_env, "work-pool", "create", "newswatch", "--type", "process")
    prefect(prefect_env, "--no-prompt", "deploy", "--all")
    return prefect_env


@contextmanager
def workers(env: dict[str, str], logs: Path, count: int) -> Iterator[list[Path]]:
    """`count` process workers of the newswatch pool, each logging to its own file."""
    paths = [logs / f"worker-{i}.log" for i in range(count)]
    processes = []
    try:
        for i, path in enumerate(paths):
            with path.open("w") as log:
                processes.append(subprocess.Popen(
                    [*PREFECT, "worker", "start", "--pool", "newswatch", "--name", f"worker-{i}",
                     "--limit", "2"],
                    env={**env, "PREFECT_WORKER_QUERY_SECONDS": "2"}, cwd=logs,
                    stdout=log, stderr=subprocess.STDOUT,
                ))  # fmt: skip
        yield paths
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: its shutdown is not under test
                process.kill()
                process.wait(timeout=30)


def run_cycle(env: dict[str, str], config: Path) -> str:
    """Run the monitor deployment once and wait for it to end; returns the CLI output."""
    return prefect(
        env, "deployment", "run", "newswatch-monitor/monitor",
        "--params", json.dumps({"config_path": str(config)}),
        "--watch", "--watch-timeout", "300", timeout=360,
    )  # fmt: skip


def test_prefect_yaml_deploys_and_a_worker_runs_the_cycle(deployed, tmp_path: Path) -> None:
    prefect_env = deployed
    deployment = json.loads(
        prefect(prefect_env, "deployment", "inspect", "newswatch-monitor/monitor", "-o", "json")
    )
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["*/15 * * * *"]
    assert deployment["global_concurrency_limit"]["limit"] == 1
    assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert deployment["work_pool_name"] == "newswatch"

    with workers(prefect_env, tmp_path, 1), DemoSite() as site, AlertReceiver() as inbox:
        config = tmp_path / "newswatch.toml"
        database = f"sqlite:///{tmp_path / 'newswatch.db'}"
        config.write_text(demo_config_toml(database, site.outlets(), {"inbox": inbox.url}))
        output = run_cycle(prefect_env, config)
        assert "Completed" in output, output
        alerted = {a["message"].splitlines()[2] for a in inbox.received}
        assert alerted == site.expected_matches()


def test_shards_run_as_flow_runs_on_two_workers(deployed, database_url, tmp_path: Path) -> None:
    sites = [DemoSite() for _ in range(4)]
    with ExitStack() as stack:
        for site in sites:
            stack.enter_context(site)
        inbox = stack.enter_context(AlertReceiver())
        logs = stack.enter_context(workers(deployed, tmp_path, 2))
        outlets = [  # 12 outlets: each site's three, renamed apart
            {**outlet, "name": f"{outlet['name']} {i}"}
            for i, site in enumerate(sites)
            for outlet in site.outlets()
        ]
        config = tmp_path / "newswatch.toml"
        config.write_text(
            demo_config_toml(
                database_url, outlets, {"inbox": inbox.url},
                shards=4, shard_deployment="newswatch-shard/shard",
            )
        )  # fmt: skip

        output = run_cycle(deployed, config)

        assert "Completed" in output, output
        expected_articles = {site.url(page) for site in sites for page in site.articles()}
        # The four sites carry the same stories: one alert per story, whichever copy was
        # stored first, even though four shard runs store them at the same time.
        expected_paths = {urlsplit(url).path for url in sites[0].expected_matches()}
        engine = make_engine(database_url)
        with Session(engine) as session:
            stored = Counter(session.scalars(select(Article.url)))
            versions = session.scalar(select(func.count(ArticleVersion.id)))
        engine.dispose()
        assert set(stored) == expected_articles and versions == len(expected_articles)
        alerted = [a["message"].splitlines()[2] for a in inbox.received]
        assert sorted(urlsplit(url).path for url in alerted) == sorted(expected_paths)
        shard_runs = shard_flow_runs(deployed, config.resolve())
        assert sorted(run["parameters"]["shard"] for run in shard_runs) == [0, 1, 2, 3]
        assert {run["state_type"] for run in shard_runs} == {"COMPLETED"}
        # The parent run holds one slot of a two-slot worker: the other worker ran shards too.
        for log in logs:
            assert "submitting flow run" in log.read_text().lower(), log.read_text()


def shard_flow_runs(env: dict[str, str], config: Path) -> list[dict]:
    """The newswatch-shard flow runs for this config (read through the server's REST API)."""
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + "/flow_runs/filter",
        data=json.dumps({"flows": {"name": {"any_": ["newswatch-shard"]}}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        runs = json.loads(response.read())
    return [run for run in runs if run["parameters"]["config_path"] == str(config)]
