"""`newswatch rules backtest` on a generated database of 100,000 stored articles, SQLite and
PostgreSQL: wall time of the command's work (read, match, count) for a watchlist.

    .venv/bin/python -m benchmarks.watchlists.backtest [--articles 100000] [--postgres URL]

The articles are news-length generated stories (2,000 distinct texts, each stored under 50 URLs
and dates spread over 60 days). PostgreSQL runs in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from alerts.query import parse_query
from benchmarks.watchlists.run import articles, measured_block, write_section
from flows.cli_rules import run_backtest
from storage.db import alembic_config, make_engine, migrate, write_engine
from storage.models import Article as Row
from storage.search import TABLE

HEADING = "## Watchlists: backtest"
QUERY = '(Russia OR Russian OR Kremlin OR Moscow) AND (Syria OR ISIS OR "Islamic State")'
# A query nearly every article holds the words of: the index can rule out almost nothing, so
# this is the matcher reading the whole window (the bound on a backtest's time).
BROAD = "critics NEAR/3 officials"
DAYS = 60
# Seconds the same command took before the index (every article in the window read and
# matched): commit 4466d68, 100,000 articles, load average 11.2. Kept for the table.
BEFORE = {("SQLite", 7): 3.3, ("SQLite", DAYS + 1): 23.0,
          ("PostgreSQL", 7): 1.8, ("PostgreSQL", DAYS + 1): 19.1}  # fmt: skip


def fill(url: str, count: int) -> None:
    """Migrate the database at `url` to the revision before the backtest index and store
    `count` generated articles in it (`index` then runs the index's migration)."""
    engine = make_engine(url)
    config = alembic_config()
    with write_engine(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, before_index(config))
    texts = articles(2000, seed=11)
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        article = texts[n % len(texts)]
        seen = now - timedelta(minutes=n * DAYS * 24 * 60 // count)
        rows.append({
            "url": f"https://example.com/news/{n}", "outlet": f"Outlet {n % 20}",
            "title": article.title, "text": article.text, "author": article.author,
            "published_at": seen, "language": "en", "first_seen_at": seen,
            "last_seen_at": seen, "updated_at": seen,
            "content_hash": hashlib.sha256(article.text.encode()).hexdigest(),
        })  # fmt: skip
    with Session(engine) as session, session.begin():
        for start in range(0, len(rows), 5000):
            session.execute(insert(Row), rows[start : start + 5000])
    engine.dispose()


def before_index(config: Config) -> str:
    """The revision before the backtest index's migration (whatever its number)."""
    scripts = ScriptDirectory.from_config(config)
    found = next(r for r in scripts.walk_revisions() if r.path.endswith("_backtest_index.py"))
    return str(found.down_revision)


def index(url: str) -> str:
    """Migrate to the head (the backtest index: created, then filled); how big it is."""
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            size = connection.execute(text(f"SELECT sum(length(block)) FROM {TABLE}_data"))
            body = connection.execute(text(f"SELECT sum(length(c2)) FROM {TABLE}_content"))
            kept = "word sets"
        else:
            size = connection.execute(text(f"SELECT pg_indexes_size('{TABLE}')"))
            body = connection.execute(text(f"SELECT pg_table_size('{TABLE}')"))
            kept = "word sets"
        index_mb, kept_mb = (size.scalar() or 0) / 2**20, (body.scalar() or 0) / 2**20
    engine.dispose()
    return f"{kept} {kept_mb:,.0f} MB, index {index_mb:,.0f} MB"


def timed_backtest(url: str, days: int, query_text: str = QUERY) -> tuple[float, dict]:
    """Seconds the backtest takes over the last `days`, and its result."""
    engine = make_engine(url)
    query = parse_query(query_text)
    started = time.perf_counter()
    with Session(engine) as session:
        since = datetime.now(UTC) - timedelta(days=days)
        result = run_backtest(session, "bench", query, since, days)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, result.to_dict()


def measure(url: str, count: int, timings: dict[int, float]) -> list[str]:
    """Fill, then time the backtest over 7 days and over every stored day (into `timings`)."""
    started = time.perf_counter()
    fill(url, count)
    lines = [f"  filled {count:,} articles in {time.perf_counter() - started:.0f} s"]
    started = time.perf_counter()
    sizes = index(url)
    lines.append(f"  migration 0013 indexed them in "
                 f"{time.perf_counter() - started:.0f} s: {sizes}")  # fmt: skip
    for days in (7, DAYS + 1):
        seconds, data = timed_backtest(url, days)
        timings[days] = seconds
        lines.append(
            f"  --days {days}: {seconds:.1f} s for {data['articles_scanned']:,} articles "
            f"({data['articles_scanned'] / seconds:,.0f}/s), {data['articles_read']:,} read, "
            f"{data['alerts']:,} alerts"
        )
    seconds, data = timed_backtest(url, DAYS + 1, BROAD)
    lines.append(
        f"  --days {DAYS + 1} --query '{BROAD}': {seconds:.1f} s, "
        f"{data['articles_read']:,} read, {data['articles_matched']:,} matched"
    )
    return lines


def table(after: dict[str, dict[int, float]], count: int) -> list[str]:
    """Before (every article read, commit 4466d68) -> after (the index), in seconds."""
    rows = ["| database | backtest | before: every article read | after: the index picks |",
            "| --- | --- | --- | --- |"]  # fmt: skip
    for database, timings in after.items():
        for days, seconds in timings.items():
            window = "7 days" if days == 7 else f"all {count:,} articles"
            rows.append(f"| {database} | {window} | {BEFORE[(database, days)]:.1f} s | "
                        f"{seconds:.1f} s |")  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure on a fresh SQLite file and, when given, a fresh PostgreSQL schema."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--postgres", help="postgresql+psycopg://… to test in a new schema")
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}'")
    args = parser.parse_args(argv)
    lines, load = [], os.getloadavg()[0]
    after: dict[str, dict[int, float]] = {"SQLite": {}, "PostgreSQL": {}}
    with tempfile.TemporaryDirectory() as folder:
        lines += ["SQLite:", *measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.articles,
                                               after["SQLite"])]  # fmt: skip
        print("\n".join(lines))
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = make_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            lines += ["PostgreSQL:", *measure(url.render_as_string(hide_password=False),
                                              args.articles, after["PostgreSQL"])]  # fmt: skip
            print("\n".join(lines[-6:]))
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    if args.write:
        command = "python -m benchmarks.watchlists.backtest --articles N --postgres URL --write"
        intro = (
            f"`rules backtest` of `{QUERY}` (pick candidates, read, match, count; wall time on "
            "the shared 2-core machine). \"read\" is how many articles the index left to the "
            "exact matcher; the last line of each is a query whose words every article holds: "
            "the index rules nothing out, the whole window is read (the bound on a backtest's "
            "time)."
        )
        before = (
            "\"Before\" is the same command at commit 4466d68 (every article read and matched; "
            "load average 11.2 then). The backtest's result is the same either way "
            "(tests/test_backtest_index.py)."
        )
        body = [*measured_block(command, intro, lines, load), "", *table(after, args.articles),
                "", before]  # fmt: skip
        write_section("\n".join(body), heading=HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
