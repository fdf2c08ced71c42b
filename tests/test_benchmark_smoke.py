"""The pipeline benchmark at a tiny size: every report row is there and the counts add up.

Speed is not asserted: this only proves the benchmark runs and measures what it says.
"""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from alerts.message import format_alert
from alerts.notify import make_notifier, send
from benchmarks.pipeline.client import SiteProcess
from benchmarks.pipeline.newsgen import NewsSite
from benchmarks.pipeline.run import false_alerts
from benchmarks.pipeline.server import NewsServer

ROOT = Path(__file__).resolve().parents[1]
OUTLETS, ARTICLES, PUBLISH, EDIT = 3, 45, 4, 2  # three outlets: one of each discovery style
WARMUP = 10  # storage.boilerplate: an outlet's boilerplate is learned from this many articles on
ROWS = (
    "cold run: wall time", "cold run: articles stored / generated", "cold run: articles/s",
    "cold run: peak memory", "cold run: largest single process", "extraction ceiling: trafilatura",
    "cleaning ceiling: clean_page", "warm run (nothing new): wall time",
    "warm run: articles fetched with a 200", "fixed cost of a run",
    f"after publish({PUBLISH}) + edit({EDIT}): wall time", "new / updated articles stored",
    "cold run ≥ 0.6 × extraction-only rate", "warm run fetches no unchanged article",
    "warm run ≤ fixed cost of a run + 2 s", "| crawl_and_store_streamed |",
    "| start-up |", "| cold | ",
    "| cold run: false alerts (article's own text does not match) | ",
    "| after publish + edit: false alerts (article's own text does not match) | ",
    "| no false alert from boilerplate (issue 6) | ",
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
    false = results["false_alerts"]
    assert set(false) == {"cold", "publish+edit"}
    for label, found in false.items():
        assert isinstance(found["false"], int) and found["false"] >= 0, found
        assert found["alerts"] == cycles[label]["alerts"] == len(cycles[label]["alert_urls"])
        assert found["unknown"] == 0, found  # every alert's URL maps back to a generated article
    if ARTICLES // OUTLETS >= WARMUP:  # enough articles per outlet to learn the appeals
        assert false["cold"]["false"] == false["publish+edit"]["false"] == 0, false
        assert "| no false alert from boilerplate (issue 6) | 0 " in done.stdout
    ceiling = results["ceiling"]
    assert ceiling["trafilatura"]["pages"] == ceiling["clean_page"]["pages"] == ARTICLES
    assert ceiling["clean_page"]["extracted"] == ARTICLES  # the site's pages are all articles


def test_inbox_maps_each_alert_to_its_article():
    # The tiny run above seldom alerts at all (only articles of the last 3 days may), so the
    # inbox's side is checked here: a real apprise json:// delivery of format_alert's message.
    site = NewsSite(seed=1, outlets=3, articles=45)
    with NewsServer(site) as server:
        inbox = SiteProcess(0, 0, 0)  # the runner's client, pointed at this in-process server
        inbox.base_url = server.base_url
        facts = server.manifest()["articles"]
        matching = next(a["url"] for a in facts if a["matches"])
        other = next(a["url"] for a in facts if not a["matches"])
        sent = [matching, other + "?utm_source=feed", other + "#comments"]  # canonical: 2× other
        notifier = make_notifier(inbox.inbox_url)
        for url in sent:
            alert = SimpleNamespace(
                watchlist="russia-syria",
                title="A headline",
                outlet="X",
                published_at=None,
                url=url,
                terms=("Syria",),
                snippet="…",
            )
            assert send(notifier, format_alert(alert)).ok
        received = [alert["url"] for alert in inbox.get("inbox")["alerts"]]
        assert inbox.get("stats")["alerts"] == 3
    assert received == sent
    found = false_alerts(tuple(received), facts)
    assert (found["alerts"], found["false"], found["unknown"]) == (3, 2, 0), found
    assert false_alerts(("http://elsewhere.example/x",), facts)["unknown"] == 1
