"""The pipeline benchmark's results as markdown, its targets, and the docs page section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

KINDS = ("robots", "feed", "sitemap", "section", "article", "other")
DOCS_HEADER = "# Benchmarks\n\nMeasured results; how to run them: `benchmarks/README.md`.\n"
PLACEHOLDERS = ("## Extraction quality", "## Story clustering")
MB = 1024 * 1024


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it is met (None: unknown)."""
    cycles, ceiling = results["cycles"], results["ceiling"]
    cold, warm, fixed = cycles["cold"], cycles["warm"], cycles["fixed cost"]
    ratio = cold["articles_per_second"] / ceiling["trafilatura"]["per_second"]
    found = [
        {"name": "cold run ≥ 0.6 × extraction-only rate", "value": f"{ratio:.2f}×",
         "met": ratio >= 0.6},
        {"name": "warm run fetches no unchanged article", "value": f"{warm['article_200']}",
         "met": warm["article_200"] == 0},
        {"name": "warm run ≤ fixed cost of a run + 2 s",
         "value": f"{warm['wall']:.1f} s vs {fixed['wall']:.1f} s + 2 s",
         "met": warm["wall"] <= fixed["wall"] + 2},
    ]  # fmt: skip
    false = results.get("false_alerts")
    if false:
        total = sum(run["false"] for run in false.values())
        found.append({"name": "no false alert from boilerplate (issue 6)",
                      "value": f"{total} (cold + publish/edit)", "met": total == 0})  # fmt: skip
    scale = results.get("scale")
    if scale:
        small, large = (scale[key] for key in sorted(scale, key=int))
        tree = large["peak_total_mb"] / small["peak_total_mb"]
        found.append({"name": "peak memory, 10,000 vs 1,000 articles ≤ 1.5×",
                      "value": f"{tree:.2f}×", "met": tree <= 1.5})  # fmt: skip
        if small.get("peak_flow_mb"):
            # "Flat": within the noise of one process's RSS between runs (10 %).
            flow = large["peak_flow_mb"] / small["peak_flow_mb"]
            found.append({"name": "flow process peak, 10,000 vs 1,000 articles: flat (≤ 1.1×)",
                          "value": f"{flow:.2f}×", "met": flow <= 1.1})  # fmt: skip
    return found


def render(results: dict[str, Any]) -> str:
    """The whole report: set-up, results with targets, time breakdown, requests by kind."""
    parts = [_setup(results), _summary(results), _targets(results), _gap(results),
             _phases(results), _cpu(results), _requests(results)]  # fmt: skip
    if results.get("scale"):
        parts.append(_scale(results["scale"]))
    return "\n\n".join(parts) + "\n"


def update_docs(path: Path, section: str) -> None:
    """Replace the `## Pipeline` section of the docs page (creating the page if needed)."""
    text = path.read_text(encoding="utf-8") if path.exists() else DOCS_HEADER
    body = f"## Pipeline\n\n{section.strip()}\n"
    match = re.search(r"^## Pipeline\n.*?(?=^## |\Z)", text, flags=re.M | re.S)
    text = text[: match.start()] + body + "\n" + text[match.end():] if match else (
        text.rstrip() + "\n\n" + body
    )  # fmt: skip
    for heading in PLACEHOLDERS:
        if not re.search(rf"^{re.escape(heading)}\b", text, flags=re.M):  # "(…)" may follow
            text = text.rstrip() + f"\n\n{heading}\n\n(to be measured)\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def _setup(r: dict[str, Any]) -> str:
    m, s = r["machine"], r["site"]
    versions = ", ".join(f"{name} {version}" for name, version in m["versions"].items())
    return "\n".join([
        f"Command: `{r['command']}`  ",
        f"Date: {r['date']}; machine: {m['cpus']} CPUs, {m['platform']}; load average "
        f"(1/5/15 min) {_load(m['load_before'])} before, {_load(m['load_after'])} after.  ",
        f"Versions: Python {m['python']}, {versions}.  ",
        f"Site: {s['outlets']} outlets ({s['styles']}), {s['articles']:,} articles, seed "
        f"{s['seed']}, {s['page_kb']:.0f} KB per article page on average. Runs: {r['mode']}, "
        f"shards = {r['shards']}, concurrency_per_domain = {r['concurrency']}, delay 0.  ",
        f"Site server: {s['capacity']:.0f} req/s measured with 8 keep-alive clients (a lower "
        f"bound); during the cold run it used {s['cold_cpu']:.1f} CPU s "
        f"({s['cold_cpu_share']:.0%} of one core) to serve {s['cold_rate']:.0f} req/s on "
        "average.",
    ])  # fmt: skip


def _summary(r: dict[str, Any]) -> str:
    c, ceiling = r["cycles"], r["ceiling"]
    cold, warm, fixed, update = c["cold"], c["warm"], c["fixed cost"], c["publish+edit"]
    traf, clean = ceiling["trafilatura"], ceiling["clean_page"]
    rows = [
        ("cold run: wall time", f"{cold['wall']:.1f} s"),
        ("cold run: articles stored / generated",
         f"{cold['stored']:,} / {r['site']['articles']:,}"),
        ("cold run: articles/s (stored ÷ wall time)", f"{cold['articles_per_second']:.1f}"),
        ("cold run: peak memory, whole process tree (sum of RSS)", _mb(cold["peak_total_mb"])),
        ("cold run: largest single process", f"{_mb(cold['peak_largest_mb'])} "
                                              f"({cold['largest_name']})"),
        ("cold run: alerts delivered / articles whose own text matches the watchlist",
         f"{cold['alerts']} / {r['site']['watch_articles']}"),
        ("cold run: false alerts (article's own text does not match)",
         _false(r["false_alerts"]["cold"])),
        (f"extraction ceiling: trafilatura alone, {traf['processes']} processes",
         f"{traf['per_second']:.1f} pages/s ({traf['pages']:,} pages in {traf['seconds']:.1f} s)"),
        (f"cleaning ceiling: clean_page, {clean['processes']} processes",
         f"{clean['per_second']:.1f} pages/s ({clean['seconds']:.1f} s)"),
        ("warm run (nothing new): wall time", f"{warm['wall']:.1f} s"),
        ("warm run: articles fetched with a 200 / new stored",
         f"{warm['article_200']} / {warm['new']}"),
        ("fixed cost of a run (one outlet, empty feed)", f"{fixed['wall']:.1f} s"),
        ("first run on a fresh Prefect home (same config)", f"{c['first start']['wall']:.1f} s"),
        (f"after publish({r['publish']}) + edit({r['edit']}): wall time",
         f"{update['wall']:.1f} s"),
        ("after publish + edit: new / updated articles stored",
         f"{update['new']} / {update['updated']} (of the {r['edit']} edited: "
         f"{r['edited_seen']} seen; {r['updated_not_edited']} updated without an edit)"),
        ("after publish + edit: alerts delivered", f"{update['alerts']}"),
        ("after publish + edit: false alerts (article's own text does not match)",
         _false(r["false_alerts"]["publish+edit"])),
    ]  # fmt: skip
    lines = ["| measurement | value |", "| --- | --- |"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])


def _targets(r: dict[str, Any]) -> str:
    lines = ["| target (issue 4 unless noted) | measured | met |", "| --- | --- | --- |"]
    for target in r["targets"]:
        met = {True: "yes", False: "**no**", None: "?"}[target["met"]]
        lines.append(f"| {target['name']} | {target['value']} | {met} |")
    return "\n".join(lines)


def _gap(r: dict[str, Any]) -> str:
    cold, ceiling = r["cycles"]["cold"], r["ceiling"]
    phases, crawl = cold["phases"], cold["crawl"] or {"seconds": 0.0}
    known = ("crawl_and_store_streamed", "start-up", "shut-down")
    rest = cold["wall"] - sum(phases.get(name, 0.0) for name in known)
    fixed = r["cycles"]["fixed cost"]["wall"]
    net = cold["new"] / (cold["wall"] - fixed) if cold["wall"] > fixed else 0.0
    return (
        f"The cold run's {cold['wall']:.1f} s for {cold['new']:,} articles against the ceiling: "
        f"trafilatura alone needs {ceiling['trafilatura']['seconds']:.1f} s and clean_page "
        f"{ceiling['clean_page']['seconds']:.1f} s on {ceiling['clean_page']['processes']} "
        f"processes; the crawl subprocesses ran {crawl['seconds']:.1f} s, and storing went on "
        f"meanwhile (crawl_and_store_streamed "
        f"{phases.get('crawl_and_store_streamed', 0.0):.1f} s from the crawl's start to the "
        f"last batch stored), start-up and shut-down "
        f"{phases.get('start-up', 0.0) + phases.get('shut-down', 0.0):.1f} s, everything else "
        f"{rest:.1f} s. Net of a run's fixed cost ({fixed:.1f} s) the cold run stored "
        f"{net:.1f} articles/s: {net / ceiling['trafilatura']['per_second']:.2f}× trafilatura "
        f"alone, {net / ceiling['clean_page']['per_second']:.2f}× clean_page alone."
    )


def _phases(r: dict[str, Any]) -> str:
    labels = ["cold", "warm", "fixed cost", "publish+edit"]
    names = list(dict.fromkeys(name for label in labels for name in r["cycles"][label]["phases"]))
    head = "| seconds in | " + " | ".join(labels) + " |"
    lines = [head, "|" + " --- |" * (len(labels) + 1)]
    for name in names:
        cells = [r["cycles"][label]["phases"].get(name) for label in labels]
        lines.append(f"| {name} | " + " | ".join("" if v is None else f"{v:.2f}" for v in cells)
                     + " |")  # fmt: skip
    crawl = [r["cycles"][label]["crawl"] for label in labels]
    lines.append("| crawl subprocesses (Scrapy elapsed) | "
                 + " | ".join(f"{c['seconds']:.2f}" if c else "" for c in crawl) + " |")
    lines.append("| wall time | " + " | ".join(f"{r['cycles'][label]['wall']:.2f}"
                                              for label in labels) + " |")  # fmt: skip
    return ("Where the time goes (Prefect task run times from the run's Prefect database; "
            "start-up is process start to flow start: imports and the temporary Prefect API).\n\n"
            + "\n".join(lines))  # fmt: skip


def _cpu(r: dict[str, Any]) -> str:
    """CPU seconds by kind of process, and what the cold run spent per article."""
    labels = ["cold", "warm", "fixed cost"]
    cycles = [r["cycles"][label] for label in labels]
    if not all(cycle.get("cpu") for cycle in cycles):
        return "(no CPU accounting: results from before it was measured)"
    cold = r["cycles"]["cold"]
    per = 1000 / cold["new"] if cold["new"] else 0.0
    lines = ["| CPU seconds of | " + " | ".join(labels) + " | cold, ms per article |",
             "|" + " --- |" * (len(labels) + 2)]  # fmt: skip
    rows = [(kind, [_cpu_of(cycle, kind) for cycle in cycles]) for kind in _CPU_KINDS]
    rows.append(("site server (the benchmark's web)", [c["server_cpu"] for c in cycles]))
    rows.append(("all of them", [sum(row[1][i] for row in rows) for i in range(len(labels))]))
    for name, cells in rows:
        lines.append(f"| {name} | " + " | ".join(f"{v:.1f}" for v in cells)
                     + f" | {cells[0] * per:.1f} |")  # fmt: skip
    total, traf = rows[-1][1][0], r["ceiling"]["trafilatura"]
    cpus = r["machine"]["cpus"] or 1
    wall_ms = 1000 * traf["seconds"] * traf["processes"] / traf["pages"]
    traf_ms = 1000 * traf.get("cpu_seconds", 0.0) / traf["pages"] or wall_ms
    bound = cold["new"] / (total / cpus) if total else 0.0
    return (
        "CPU by process (user + system, sampled from /proc with the memory; a process that "
        "ends between two samples loses at most 50 ms).\n\n" + "\n".join(lines) + "\n\n"
        f"The cold run spent {total * per:.1f} ms of CPU per article in all (start-up "
        f"included), against {traf_ms:.1f} ms of CPU a page for trafilatura alone in the "
        f"ceiling ({wall_ms:.1f} ms of wall time a page and process: the rest of the time its "
        f"processes waited for a core). Cost for cost, the pipeline is "
        f"{traf_ms / (total * per) if total else 0.0:.2f}× trafilatura alone; had the cold run "
        f"kept all {cpus} cores busy from start to end it would have stored {bound:.1f} "
        f"articles/s."
    )


_CPU_KINDS = ("scrapy crawl shard", "newswatch run (flow)", "prefect API server", "other")


def _cpu_of(cycle: dict[str, Any], kind: str) -> float:
    """CPU seconds of one kind of process in a cycle ("other": every kind not named)."""
    if kind != "other":
        return cycle["cpu"].get(kind, 0.0)
    return sum(v for k, v in cycle["cpu"].items() if k not in _CPU_KINDS)


def _requests(r: dict[str, Any]) -> str:
    labels = ["cold", "warm", "fixed cost", "publish+edit"]
    lines = ["| requests served | " + " | ".join(KINDS) + " |", "|" + " --- |" * (len(KINDS) + 1)]
    for label in labels:
        served = r["cycles"][label]["requests"]
        cells = []
        for kind in KINDS:
            statuses = {k.split()[1]: v for k, v in served.items() if k.split()[0] == kind}
            cells.append(", ".join(f"{n}×{s}" for s, n in sorted(statuses.items())) or "0")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "Requests by kind and status, counted by the site (N×200 = N answered in full).\n\n" + \
        "\n".join(lines)  # fmt: skip


def _scale(scale: dict[str, Any]) -> str:
    lines = ["| cold run of | wall | articles/s | peak memory (sum) | largest process |"
             " flow process |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for size in sorted(scale, key=int):
        s = scale[size]
        lines.append(f"| {int(size):,} articles | {s['wall']:.1f} s | "
                     f"{s['articles_per_second']:.1f} | {_mb(s['peak_total_mb'])} | "
                     f"{_mb(s['peak_largest_mb'])} ({s['largest_name']}) | "
                     f"{_mb(s.get('peak_flow_mb', 0.0))} |")  # fmt: skip
    return "Memory scaling (separate cold runs, fresh site and database each).\n\n" + \
        "\n".join(lines)  # fmt: skip


def _false(found: dict[str, Any]) -> str:
    """False alerts of a run: how many of its alerts, the URLs of the first few."""
    text = f"{found['false']} of {found['alerts']} alerts"
    if found["unknown"]:
        text += f" ({found['unknown']} about a URL that is no generated article)"
    if found["examples"]:
        text += ": " + ", ".join(f"`{url}`" for url in found["examples"])
    return text


def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


def _load(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)
