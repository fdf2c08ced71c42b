"""prefect.yaml for real: a Prefect server on 127.0.0.1, a process work pool, a worker, a run."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver

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


def test_prefect_yaml_deploys_and_a_worker_runs_the_cycle(prefect_env, tmp_path: Path) -> None:
    prefect(prefect_env, "work-pool", "create", "newswatch", "--type", "process")
    prefect(prefect_env, "--no-prompt", "deploy", "--all")
    deployment = json.loads(
        prefect(prefect_env, "deployment", "inspect", "newswatch-monitor/monitor", "-o", "json")
    )
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["*/15 * * * *"]
    assert deployment["global_concurrency_limit"]["limit"] == 1
    assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert deployment["work_pool_name"] == "newswatch"

    worker = subprocess.Popen(
        [*PREFECT, "worker", "start", "--pool", "newswatch"], env=prefect_env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        with DemoSite() as site, AlertReceiver() as inbox:
            config = tmp_path / "newswatch.toml"
            database = f"sqlite:///{tmp_path / 'newswatch.db'}"
            config.write_text(demo_config_toml(database, site.outlets(), {"inbox": inbox.url}))
            output = prefect(
                prefect_env, "deployment", "run", "newswatch-monitor/monitor",
                "--params", json.dumps({"config_path": str(config)}),
                "--watch", "--watch-timeout", "240", timeout=300,
            )
            assert "Completed" in output, output
            alerted = {a["message"].splitlines()[2] for a in inbox.received}
            assert alerted == site.expected_matches()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
