"""What a run opens to the network: listening sockets on loopback only (Prefect's temporary
API), none in the crawl (Scrapy's telnet console is off), and Prefect's telemetry off."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
from test_crash import NEWSWATCH, RUN_TIMEOUT

from flows.demo import demo_config_toml

EMPTY_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Gate</title>
<link>http://127.0.0.1/</link><description>nothing yet</description></channel></rss>"""
TELEMETRY_OFF = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
GATE_SECONDS = 120  # the most a forgotten gate holds the crawl


@contextmanager
def gated_outlet(entered: threading.Event, release: threading.Event) -> Iterator[str]:
    """An outlet on 127.0.0.1 whose first answer waits for `release`: the crawl is mid-flight
    (its subprocess and Prefect's temporary API both up) for as long as the test looks."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            entered.set()
            release.wait(GATE_SECONDS)
            body = EMPTY_FEED if self.path == "/feed.xml" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def listening(process: psutil.Process) -> list[tuple[str, int]]:
    """The (address, port) pairs a process listens on (TCP) or is bound to (UDP)."""
    try:
        connections = process.net_connections(kind="inet")
    except psutil.NoSuchProcess:
        return []
    return [
        (c.laddr.ip, c.laddr.port)
        for c in connections
        if c.status == psutil.CONN_LISTEN or (c.status == psutil.CONN_NONE and c.laddr)
    ]


def test_a_run_listens_on_loopback_only_and_its_crawl_not_at_all(tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()
    with gated_outlet(entered, release) as feed:
        config = tmp_path / "newswatch.toml"
        outlet = {"name": "Gate", "feeds": [feed]}
        config.write_text(demo_config_toml(f"sqlite:///{tmp_path / 'n.db'}", [outlet], {}))
        # No telemetry switches given: the CLI must set them for itself and what it starts.
        env = {k: v for k, v in os.environ.items()
               if k not in TELEMETRY_OFF and not k.startswith("NEWSWATCH_")}  # fmt: skip
        log = (tmp_path / "run.log").open("wb")
        run = subprocess.Popen(
            [NEWSWATCH, "run", "--config", str(config)], env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            assert entered.wait(RUN_TIMEOUT), (tmp_path / "run.log").read_text()
            tree = [psutil.Process(run.pid), *psutil.Process(run.pid).children(recursive=True)]
            sockets = {p.pid: listening(p) for p in tree}
            commands = {p.pid: " ".join(p.cmdline()) for p in tree}
            environments = {p.pid: p.environ() for p in tree[1:]}
        finally:
            release.set()
            try:
                run.wait(RUN_TIMEOUT)
            finally:
                with contextlib.suppress(ProcessLookupError):  # what the run left behind
                    os.killpg(run.pid, signal.SIGTERM)
                log.close()

    crawls = [pid for pid, command in commands.items() if "scrapy crawl" in command]
    assert crawls, commands  # the gate held the crawl mid-flight
    for pid in crawls:
        assert sockets[pid] == [], f"the crawl listens: {sockets[pid]} ({commands[pid]})"
    everything = [address for pairs in sockets.values() for address in pairs]
    assert everything, "Prefect's temporary API should be listening during the run"
    for address, port in everything:
        assert ipaddress.ip_address(address).is_loopback, f"{address}:{port} is not loopback"
    for pid, environment in environments.items():  # Prefect's server and the crawl alike
        for key, value in TELEMETRY_OFF.items():
            # Prefect passes its settings on re-rendered ("False"): compare the meaning.
            assert (environment.get(key) or "").lower() == value, f"{key} in {commands[pid]}"
    # The gate's outlet serves no articles (the run ends "no outlet could be fetched", exit 1).
    assert run.returncode in (0, 1), (tmp_path / "run.log").read_text()
