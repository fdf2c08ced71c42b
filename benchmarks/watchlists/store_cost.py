"""What the backtest index costs the store path: `upsert_article` of generated news-length
articles, 200 to a transaction as the pipeline stores them, with the index kept and without
(the same code with storage.articles.index_article made a no-op), on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.watchlists.store_cost [--articles 2000] [--postgres URL]
        [--write]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import storage.articles
from benchmarks.watchlists.run import articles, measured_block, write_section
from spiders.items import ArticleRecord
from storage.db import make_engine, migrate, write_engine

BATCH = 200  # flows.store.BATCH_SIZE
HEADING = "## Watchlists: what the backtest index costs a store"


def records(count: int) -> list[ArticleRecord]:
    """`count` generated articles as the crawl hands them over."""
    now = datetime.now(UTC)
    return [
        ArticleRecord(url=f"https://example.com/n/{n}", fetched_url=f"https://example.com/n/{n}",
                      outlet="Generated Times", title=a.title, text=a.text, author=a.author,
                      published_at=now - timedelta(minutes=n), language="en")  # fmt: skip
        for n, a in enumerate(articles(count, seed=13))
    ]


def rate(url: str, batch: list[ArticleRecord], indexed: bool) -> float:
    """Articles per second stored into a fresh database at `url`."""
    engine = write_engine(make_engine(url))
    migrate(engine)
    kept = storage.articles.index_article
    if not indexed:
        storage.articles.index_article = lambda *args, **kwargs: None  # the store path before
    try:
        now = datetime.now(UTC)
        started = time.perf_counter()
        for start in range(0, len(batch), BATCH):
            with Session(engine) as session, session.begin():
                for record in batch[start : start + BATCH]:
                    storage.articles.upsert_article(session, record, now)
        return len(batch) / (time.perf_counter() - started)
    finally:
        storage.articles.index_article = kept
        engine.dispose()


def compare(make_url_: Callable[[], str], batch: list[ArticleRecord]) -> str:
    """Both rates on fresh databases made by `make_url_`, without the index first."""
    without = rate(make_url_(), batch, indexed=False)
    with_index = rate(make_url_(), batch, indexed=True)
    return (f"{without:,.0f} articles/s without the index, {with_index:,.0f} with it "
            f"({(1 / with_index - 1 / without) * 1000:.1f} ms more per article)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Measure on SQLite and, when given, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--postgres", help="postgresql+psycopg://… to test in new schemas")
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}'")
    args = parser.parse_args(argv)
    batch, lines, load = records(args.articles), [], os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(2))
        lines.append("SQLite: " + compare(
            lambda: f"sqlite:///{Path(folder) / f'{next(files)}.db'}", batch))  # fmt: skip
        print(lines[-1])
    if args.postgres:
        admin, schemas = make_engine(args.postgres), []

        def fresh() -> str:
            schemas.append(f"bench_{uuid.uuid4().hex[:12]}")
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schemas[-1]}"'))
            options = {"options": f"-csearch_path={schemas[-1]}"}
            return make_url(args.postgres).update_query_dict(options).render_as_string(False)

        try:
            lines.append("PostgreSQL: " + compare(fresh, batch))
            print(lines[-1])
        finally:
            with admin.begin() as connection:
                for schema in schemas:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    if args.write:
        command = f"python -m benchmarks.watchlists.store_cost --articles {args.articles} " \
                  "--postgres URL --write"  # fmt: skip
        body = measured_block(
            command, "`upsert_article` of generated news-length articles, 200 to a transaction, "
            "with the backtest index kept and without (the store path before it), fresh "
            "databases, the shared 2-core machine.", lines, load,
        )  # fmt: skip
        write_section("\n".join(body), heading=HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
