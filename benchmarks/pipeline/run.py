"""Benchmark the whole pipeline against a generated news site: cold, warm, update, ceiling.

    .venv/bin/python -m benchmarks.pipeline.run [--scale-check] [--write]

Prints a markdown report; --write puts it in the Pipeline section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.pipeline import ceiling, report
from benchmarks.pipeline.client import SiteProcess, probe_capacity
from benchmarks.pipeline.cycle import PREFECT_ENV, CycleResult, run_cycle, write_config
from benchmarks.pipeline.site import LAYOUTS, outlet_specs
from spiders.urls import fold_key

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
SCALE_SIZES = (1_000, 10_000)
PACKAGES = ("scrapy", "trafilatura", "prefect", "sqlalchemy", "lxml", "twisted")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--outlets", type=int, default=6, help="outlets of the site (default 6)")
    add("--articles", type=int, default=5000, help="articles in all (default 5000)")
    add("--seed", type=int, default=1)
    add("--publish", type=int, default=50, help="articles published before the update run")
    add("--edit", type=int, default=20, help="articles edited before the update run")
    add("--shards", type=int, default=cpus, help=f"crawl shards (default: CPU count, {cpus})")
    add("--processes", type=int, default=cpus, help="processes of the extraction ceiling")
    add("--concurrency", type=int, default=16, help="crawl concurrency_per_domain")
    add("--scale-check", action="store_true", help="also cold runs of 1,000 and 10,000 articles")
    add("--in-process", action="store_true",
        help="run the flow in this process (faster start; memory then includes the runner)")
    add("--write", action="store_true", help=f"update the Pipeline section of {DOCS}")
    add("--json", type=Path, help="also write the raw results here")
    add("--keep", action="store_true", help="keep the work directory (configs, DBs, crawl logs)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print the report, write it where asked; return the results."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-bench-"))
    if args.in_process:  # before anything imports Prefect: it reads its settings on import
        os.environ.update({**PREFECT_ENV, "PREFECT_HOME": str(workdir / "prefect")})
    try:
        results = benchmark(args, workdir, command_line(argv))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report.render(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if args.write:
        report.update_docs(DOCS, text)
        print(f"(written to {DOCS})", file=sys.stderr)
    return results


def benchmark(args: argparse.Namespace, workdir: Path, command: str) -> dict[str, Any]:
    """Every measurement, on one site, in order: cold, ceiling, warm, fixed cost, update."""
    load_before = os.getloadavg()
    home = workdir / "prefect"
    with SiteProcess(args.outlets, args.articles, args.seed) as site:
        manifest = site.get("manifest")
        urls = [article["url"] for article in manifest["articles"]]
        capacity = probe_capacity(urls[:500])
        config = write_config(workdir / "main", manifest["outlets"], site.inbox_url,
                              args.shards, args.concurrency)  # fmt: skip
        quiet = write_config(workdir / "fixed", [manifest["empty_outlet"]], site.inbox_url,
                             args.shards, args.concurrency)  # fmt: skip

        def cycle(label: str, path: Path) -> CycleResult:
            print(f"[bench] {label} run…", file=sys.stderr, flush=True)
            return run_cycle(label, path, site, home, args.in_process)

        cycles = [cycle("first start", quiet), cycle("cold", config)]
        print("[bench] extraction ceiling…", file=sys.stderr, flush=True)
        pages = ceiling.download(urls)
        rates = {"trafilatura": ceiling.trafilatura_rate(pages, args.processes),
                 "clean_page": ceiling.clean_page_rate(pages, args.processes)}  # fmt: skip
        page_kb = sum(len(html.encode()) for _, html in pages) / len(pages) / 1024
        del pages
        cycles += [cycle("warm", config), cycle("fixed cost", quiet)]
        site.post("publish", args.publish)
        edited = set(site.post("edit", args.edit)["urls"])
        cycles.append(cycle("publish+edit", config))
        manifest_after = site.get("manifest")  # the published articles and edited versions
    scale = None
    if args.scale_check:
        try:
            scale = scale_check(args, workdir, home)
        except OSError as exc:  # keep the main results: they took most of the time
            print(f"[bench] scale check failed: {exc!r}", file=sys.stderr, flush=True)
    cold = next(c for c in cycles if c.label == "cold")
    update = cycles[-1]
    results = {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(load_before),
        "mode": "`newswatch run` in-process" if args.in_process else "`newswatch run` subprocesses",
        "shards": args.shards, "concurrency": args.concurrency,
        "publish": args.publish, "edit": args.edit,
        "site": {**site_facts(args, page_kb, capacity, cold),
                 "watch_articles": sum(a["matches"] for a in manifest["articles"])},
        "edited_seen": len(edited & set(cycles[-1].updated)),
        "updated_not_edited": len(set(cycles[-1].updated) - edited),
        "cycles": {c.label: summarize(c) for c in cycles},
        "false_alerts": {"cold": false_alerts(cold.alert_urls, manifest["articles"]),
                         "publish+edit": false_alerts(update.alert_urls,
                                                      manifest_after["articles"])},
        "ceiling": {name: {**asdict(rate), "per_second": rate.per_second}
                    for name, rate in rates.items()},
        "scale": scale,
    }  # fmt: skip
    results["targets"] = report.targets(results)
    return results


def scale_check(args: argparse.Namespace, workdir: Path, home: Path) -> dict[str, Any]:
    """Cold runs of 1,000 and 10,000 articles, each on a fresh site and database."""
    found = {}
    for size in SCALE_SIZES:
        print(f"[bench] scale check: cold run of {size:,} articles…", file=sys.stderr, flush=True)
        with SiteProcess(args.outlets, size, args.seed) as site:
            outlets = site.get("manifest")["outlets"]
            config = write_config(workdir / f"scale-{size}", outlets, site.inbox_url,
                                  args.shards, args.concurrency)  # fmt: skip
            found[str(size)] = summarize(run_cycle("cold", config, site, home, args.in_process))
    return found


def false_alerts(alert_urls: tuple[str, ...], articles: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's alerts about an article whose own text does not match the watchlist (e.g.
    one that matched only through a donation appeal), by the article URL each alert carries.

    URLs are compared by spiders.urls.fold_key (the canonical identity newswatch stores them
    by); an alert whose URL is no generated article counts as false too (`unknown`)."""
    truth = {fold_key(a["url"]): a["matches"] for a in articles}
    keys = [(url, fold_key(url) if url else "") for url in alert_urls]
    false = [url for url, key in keys if not truth.get(key, False)]
    unknown = [url for url, key in keys if key not in truth]
    return {"alerts": len(alert_urls), "false": len(false), "unknown": len(unknown),
            "examples": false[:5]}  # fmt: skip


def summarize(cycle: CycleResult) -> dict[str, Any]:
    """A cycle as plain JSON-able numbers for the report."""
    m = cycle.measured
    return {
        "wall": m.wall_seconds, "returncode": m.returncode, "log": str(m.output),
        "new": cycle.new, "updated": len(cycle.updated), "stored": cycle.stored,
        "articles_per_second": cycle.new / m.wall_seconds if m.wall_seconds else 0.0,
        "requests": dict(cycle.requests), "article_200": cycle.requests.get("article 200", 0),
        "alerts": cycle.alerts, "alert_urls": list(cycle.alert_urls),
        "server_cpu": cycle.server_cpu, "cpu": dict(m.memory.cpu_seconds),
        "peak_total_mb": m.memory.total_bytes / report.MB,
        "peak_largest_mb": m.memory.largest_bytes / report.MB,
        "peak_flow_mb": m.memory.root_bytes / report.MB,
        "largest_name": m.memory.largest_name, "processes": m.memory.most_processes,
        "crawl": asdict(cycle.crawl) if cycle.crawl else None, "phases": cycle.phases,
    }  # fmt: skip


def site_facts(
    args: argparse.Namespace, page_kb: float, capacity: float, cold: CycleResult
) -> dict[str, Any]:
    """What the site was and how hard the cold run worked it."""
    specs = outlet_specs(args.outlets)
    styles = [spec.style for spec in specs]
    layouts = [spec.layout for spec in specs]
    names = {"rss": "RSS", "sitemap": "sitemap index + .xml.gz + news sitemap",
             "atom": "Atom + section pages"}  # fmt: skip
    served = sum(cold.requests.values())
    wall = cold.measured.wall_seconds
    crawl_seconds = cold.crawl.seconds if cold.crawl else wall
    return {
        "outlets": args.outlets, "articles": args.articles, "seed": args.seed,
        "styles": ", ".join(f"{styles.count(s)} {names[s]}" for s in names if s in styles)
                  + "; layouts: " + ", ".join(f"{layouts.count(k)} {k}" for k in LAYOUTS
                                              if k in layouts),
        "page_kb": page_kb, "capacity": capacity, "cold_cpu": cold.server_cpu,
        "cold_cpu_share": cold.server_cpu / crawl_seconds if crawl_seconds else 0.0,
        "cold_rate": served / crawl_seconds if crawl_seconds else 0.0,
    }  # fmt: skip


def machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    """CPU count, load averages, platform and package versions."""
    return {
        "cpus": os.cpu_count(), "load_before": list(load_before),
        "load_after": list(os.getloadavg()), "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "versions": {name: version(name) for name in PACKAGES},
    }  # fmt: skip


def command_line(argv: list[str]) -> str:
    """The command as typed, runnable from the repository root."""
    return shlex.join([".venv/bin/python", "-m", "benchmarks.pipeline.run", *argv])


if __name__ == "__main__":
    main()
