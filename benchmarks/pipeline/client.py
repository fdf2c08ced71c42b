"""The benchmark site as a subprocess, and the runner's side of its control API."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any, Self
from urllib.parse import urlsplit
from urllib.request import Request, urlopen


class SiteProcess:
    """`python -m benchmarks.pipeline.newsgen` in a subprocess: its own core, its own memory."""

    def __init__(self, outlets: int, articles: int, seed: int) -> None:
        self.args = ["--outlets", str(outlets), "--articles", str(articles), "--seed", str(seed)]
        self.base_url = ""
        self.pid = 0
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        """Start the site and wait for its base URL."""
        command = [sys.executable, "-m", "benchmarks.pipeline.newsgen", *self.args]
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True)  # fmt: skip
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the site did not start: {' '.join(command)}")
        info = json.loads(line)
        self.base_url, self.pid = info["base_url"], info["pid"]
        return self

    def stop(self) -> None:
        """Close its stdin (its signal to stop) and wait for it."""
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def get(self, what: str) -> Any:
        """GET /__bench/<what> as JSON."""
        # Generous: a 10,000-article manifest took over 60 s to build on a loaded machine.
        with urlopen(f"{self.base_url}/__bench/{what}", timeout=600) as response:
            return json.load(response)

    def post(self, what: str, n: int = 0) -> Any:
        """POST /__bench/<what>?n=<n> as JSON."""
        request = Request(f"{self.base_url}/__bench/{what}?n={n}", data=b"", method="POST")
        with urlopen(request, timeout=60) as response:
            return json.load(response)

    @property
    def inbox_url(self) -> str:
        """The apprise URL that posts alerts to the site's counting inbox."""
        return f"json://{urlsplit(self.base_url).netloc}/__bench/inbox"


def request_diff(before: dict[str, Any], after: dict[str, Any]) -> Counter[str]:
    """Requests served between two /__bench/stats snapshots, by "kind status"."""
    diff = Counter(after["requests"])
    diff.subtract(before["requests"])
    return Counter({key: count for key, count in diff.items() if count})


def probe_capacity(urls: list[str], seconds: float = 1.0, clients: int = 8) -> float:
    """Requests per second the site serves to `clients` keep-alive connections (a lower
    bound: the probe's own Python client shares the machine)."""
    done = Counter[int]()
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        netloc = urlsplit(urls[0]).netloc
        connection = http.client.HTTPConnection(netloc, timeout=30)
        position = index
        while time.perf_counter() < deadline:
            connection.request("GET", urlsplit(urls[position % len(urls)]).path)
            connection.getresponse().read()
            done[index] += 1
            position += clients
        connection.close()

    begin = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done.values()) / (time.perf_counter() - begin)
