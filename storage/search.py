"""The backtest's full-text index: each article's title, text, byline and outlet in the
matcher's normal form (alerts.terms.normal), indexed for substring search (SQLite FTS5 with
the trigram tokenizer, PostgreSQL pg_trgm), so a backtest reads only articles that can match.

A row is used only while it was built from the article's current content and by today's
`normal`: an article without such a row is always a candidate, so the index can lag (a row
written by another tool, a changed fold) without a backtest missing a match."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    exists,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from alerts.prefilter import AllOf, Need, fts5_query
from alerts.terms import normal
from storage.models import Article

TABLE = "article_search"
# SQLite's FTS5 keeps the index in shadow tables of its own next to the virtual table.
SQLITE_SHADOWS = tuple(f"{TABLE}_{part}" for part in ("data", "idx", "content", "docsize",
                                                      "config"))  # fmt: skip
# Text that exercises every rule of `normal`: its normal form names the fold in each row.
_PROBE = "Straße İIıi Élysée ﬁ ½ 北京下雨 한국어 مـرحبا “al-Bab’s” Ǆ ǅ Ω K"
BATCH = 500



def _table(article_id: str) -> Table:
    return Table(
        TABLE,
        MetaData(),
        Column(article_id, Integer, primary_key=True, key="article_id"),
        Column("content_hash", String(64)),
        Column("form", String(16)),
        Column("body", Text),
    )


# PostgreSQL's table; on SQLite the same columns live in an FTS5 table keyed by its rowid.
search_table, sqlite_table = _table("article_id"), _table("rowid")


def body(title: str, text: str, author: str | None, outlet: str | None) -> str:
    """What is indexed for an article: its fields in normal form, one a line (each starts and
    ends with a space, so a term's key never spans two fields)."""
    return "\n".join(normal(part or "") for part in (title, text, author, outlet))


@cache
def form() -> str:
    """A fingerprint of today's `normal`: rows built by another fold are not trusted."""
    return hashlib.sha256(normal(_PROBE).encode()).hexdigest()[:16]


def index_article(
    session: Session | Connection,
    article_id: int,
    content_hash: str,
    title: str,
    text: str,
    author: str | None,
    outlet: str | None,
) -> None:
    """Index (or re-index) one article's current content."""
    _write(session, [_row(article_id, content_hash, title, text, author, outlet)])


def index_all(connection: Connection) -> int:
    """Index every article without a current row (a migration's backfill); how many."""
    current = _current(_is_sqlite(connection))
    query = select(Article.id, Article.content_hash, Article.title, Article.text,
                   Article.author, Article.outlet).where(~current).order_by(Article.id)  # fmt: skip
    done = 0
    rows = connection.execute(query.execution_options(yield_per=BATCH)).partitions(BATCH)
    for batch in list(rows) if _is_sqlite(connection) else rows:  # SQLite: read, then write
        _write(connection, [_row(*row) for row in batch])
        done += len(batch)
    return done


def candidate(session: Session, need: Need | None) -> ColumnElement[bool]:
    """A WHERE clause over articles: true for every article that can satisfy `need` (all of
    them when it is None), and for every article the index does not cover currently."""
    if need is None:
        return text("1 = 1")  # type: ignore[return-value]
    sqlite = _is_sqlite(session)
    if sqlite:
        found = text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :need")
        hits = Article.id.in_(found.bindparams(need=fts5_query(need)))
    else:
        hits = Article.id.in_(select(search_table.c.article_id).where(_like(need)))
    return or_(hits, ~_current(sqlite))


def _like(need: Need) -> ColumnElement[bool]:
    """`need` as LIKE tests on the body (pg_trgm's GIN index answers them)."""
    if isinstance(need, str):
        return search_table.c.body.contains(need, autoescape=True)
    parts = [_like(part) for part in need.parts]
    return and_(*parts) if isinstance(need, AllOf) else or_(*parts)


def _current(sqlite: bool) -> ColumnElement[bool]:
    """True for articles with a row built from their current content by today's fold."""
    row = (sqlite_table if sqlite else search_table).alias("current_row")
    return exists().where(
        row.c.article_id == Article.id,
        row.c.content_hash == Article.content_hash,
        row.c.form == form(),
    )


def _row(
    article_id: int, content_hash: str, title: str, text: str, author: str | None,
    outlet: str | None,
) -> dict[str, object]:
    return {"id": article_id, "hash": content_hash, "form": form(),
            "body": body(title, text, author, outlet)}  # fmt: skip


def _write(session: Session | Connection, rows: Iterable[dict[str, object]]) -> None:
    rows = list(rows)
    if not rows:
        return
    if _is_sqlite(session):
        # FTS5 takes REPLACE on its rowid; the rowid is the article's id.
        statement = text(f"INSERT OR REPLACE INTO {TABLE} (rowid, content_hash, form, body) "
                         "VALUES (:id, :hash, :form, :body)")  # fmt: skip
    else:
        statement = text(
            f"INSERT INTO {TABLE} (article_id, content_hash, form, body) "
            "VALUES (:id, :hash, :form, :body) ON CONFLICT (article_id) DO UPDATE SET "
            "content_hash = excluded.content_hash, form = excluded.form, body = excluded.body"
        )
    session.execute(statement, rows)


def _is_sqlite(session: Session | Connection) -> bool:
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "sqlite"


__all__ = ["SQLITE_SHADOWS", "TABLE", "body", "candidate", "form", "index_all", "index_article"]
