"""Wall time and peak memory of a run's whole process tree, sampled from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class MemoryPeak:
    """The peak of the summed RSS of a process tree, and its largest single process."""

    total_bytes: int
    largest_bytes: int
    largest_name: str
    most_processes: int
    samples: int
    root_bytes: int = 0  # the peak of the root process alone (the flow process of a run)
    # CPU seconds (user + system) by kind of process (`describe`), as last sampled: a process
    # that ends between two samples loses at most SAMPLE_SECONDS of its CPU.
    cpu_seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Measured:
    """One measured run: wall time, exit status, where its output went, memory peak."""

    wall_seconds: float
    returncode: int
    output: Path
    memory: MemoryPeak
    started: float  # time.time() at the start, to line the run up with logged timestamps


class TreeSampler:
    """Sums the RSS of `root` and its descendants every SAMPLE_SECONDS in a thread."""

    def __init__(self, root: int, exclude: Collection[int] = ()) -> None:
        self.root = root
        self.exclude = set(exclude)  # these and their descendants are not counted
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._peak = (0, 0, "", 0)
        self._root_peak = 0
        self._samples = 0
        self._cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds so far)

    def start(self) -> TreeSampler:
        """Take a first sample now and keep sampling in the background."""
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> MemoryPeak:
        """Stop sampling and return the peak."""
        self._stop.set()
        self._thread.join()
        total, largest, name, count = self._peak
        cpu: dict[str, float] = {}
        for kind, seconds in self._cpu.values():
            cpu[kind] = cpu.get(kind, 0.0) + seconds
        return MemoryPeak(total, largest, name, count, self._samples, self._root_peak, cpu)

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def _sample(self) -> None:
        sizes = {pid: rss_bytes(pid) for pid in tree(self.root, self.exclude)}
        for pid in sizes:
            seconds = cpu_seconds(pid)
            if seconds is not None:
                kind = self._cpu[pid][0] if pid in self._cpu else describe(pid)
                self._cpu[pid] = (kind, seconds)
        self._samples += 1
        self._root_peak = max(self._root_peak, sizes.get(self.root, 0))
        total, largest, name, count = self._peak
        biggest = max(sizes, key=lambda pid: sizes[pid], default=None)
        if biggest is not None and sizes[biggest] > largest:
            largest, name = sizes[biggest], describe(biggest)
        self._peak = (max(total, sum(sizes.values())), largest, name, max(count, len(sizes)))


def tree(root: int, exclude: Collection[int] = ()) -> list[int]:
    """`root` and every descendant process (children lists per thread, /proc/PID/task)."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        if pid in exclude:
            continue
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:  # gone since its parent listed it
            continue
        for task in tasks:
            with contextlib.suppress(OSError):  # the thread ended meanwhile
                queue += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return found


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (None once it is gone)."""
    try:
        # The fields after the command name, which may hold spaces: utime and stime are 14, 15.
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


def describe(pid: int) -> str:
    """A short name for a process of the run: which part of the pipeline it is."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return f"pid {pid}"
    line = " ".join(args)
    if "scrapy" in line:
        return "scrapy crawl shard"
    if "uvicorn" in line or "prefect.server" in line or " server start" in line:
        return "prefect API server"
    if "newswatch" in line or "flows.cli" in line:
        return "newswatch run (flow)"
    if "benchmarks.pipeline.run" in line:
        return "benchmark runner (flow in-process)"
    return Path(args[0]).name if args and args[0] else f"pid {pid}"


def measure_command(command: list[str], env: dict[str, str], output: Path) -> Measured:
    """Run `command` to completion, its output to `output`, sampling its tree's memory."""
    started = time.time()
    begin = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=sink,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        sampler = TreeSampler(process.pid).start()
        returncode = process.wait()
    wall = time.perf_counter() - begin
    return Measured(wall, returncode, output, sampler.stop(), started)


def measure_call(call: Callable[[], object], output: Path, exclude: Collection[int]) -> Measured:
    """Call `call` in this process (exceptions count as exit status 1), sampling this tree."""
    started = time.time()
    begin = time.perf_counter()
    sampler = TreeSampler(os.getpid(), exclude).start()
    returncode = 0
    try:
        result = call()
        output.write_text(str(result), encoding="utf-8")
    except Exception as exc:  # the report shows the failure; the benchmark carries on
        output.write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        returncode = 1
    wall = time.perf_counter() - begin
    return Measured(wall, returncode, output, sampler.stop(), started)
