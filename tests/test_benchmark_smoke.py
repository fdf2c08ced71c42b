"""The pipeline benchmark at a tiny size: every report row is there and the counts add up.

Speed is not asserted: this only proves the benchmark runs and measures what it says.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTLETS, ARTICLES, PUBLISH, EDIT = 3, 45, 4, 2  # three outlets: one of each discovery style
ROWS = (
    "cold run: wall time", "cold run: articles stored / generated", "cold run: articles/s",
    "cold run: peak memory", "cold run: largest single process", "extraction ceiling: trafilatura",
    "cleaning ceiling: clean_page", "warm run (nothing new): wall time",
    "warm run: articles fetched with a 200", "fixed cost of a run",
    f"after publish({PUBLISH}) + edit({EDIT}): wall time", "new / updated articles stored",
    "cold run ≥ 0.6 × extraction-only rate", "warm run fetches no unchanged article",
    "warm run ≤ fixed cost of a run + 2 s", "| store_and_match |", "| crawl_outlets |",
    "| start-up |", "| cold | ",
)  # fmt: skip


def test_benchmark_runs_and_counts_add_up(tmp_path: Path):
    results_file = tmp_path / "results.json"
    command = [
        sys.executable, "-m", "benchmarks.pipeline.run", "--outlets", str(OUTLETS),
        "--articles", str(ARTICLES), "--publish", str(PUBLISH), "--edit", str(EDIT),
        "--in-process", "--json", str(results_file),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]

    for row in ROWS:
        assert row in done.stdout, row
    results = json.loads(results_file.read_text())
    cycles = results["cycles"]
    assert set(cycles) == {"first start", "cold", "warm", "fixed cost", "publish+edit"}
    assert all(cycle["returncode"] == 0 for cycle in cycles.values()), cycles

    cold, warm, update = cycles["cold"], cycles["warm"], cycles["publish+edit"]
    assert cold["new"] == cold["stored"] == ARTICLES
    assert cold["requests"]["article 200"] == ARTICLES  # every article fetched exactly once
    assert cold["peak_total_mb"] >= cold["peak_largest_mb"] > 0
    assert warm["new"] == warm["updated"] == 0
    assert update["new"] == PUBLISH
    assert update["stored"] == ARTICLES + PUBLISH
    assert cycles["fixed cost"]["requests"].get("article 200", 0) == 0
    ceiling = results["ceiling"]
    assert ceiling["trafilatura"]["pages"] == ceiling["clean_page"]["pages"] == ARTICLES
    assert ceiling["clean_page"]["extracted"] == ARTICLES  # the site's pages are all articles
