"""The backtest's full-text index: the set of words of each article's title, text, byline and
outlet in the matcher's normal form (alerts.terms.normal), so a backtest reads only articles
that can match. SQLite keeps it in FTS5 (the ascii tokenizer with "_" a word character: one
normal word is one token), PostgreSQL as a tsvector of those very words with a GIN index; a
query's key then holds when all its words are there, the last as a prefix for a prefix key.

A row is used only while it was built from the article's current content and by today's
`normal`: an article without such a row is always a candidate, so the index can lag (a row
written by another tool, a changed fold) without a backtest missing a match."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
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
    cast,
    exists,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

from alerts.prefilter import AllOf, Need
from alerts.terms import normal
from storage.models import Article

TABLE = "article_search"
# SQLite's FTS5 keeps the index in shadow tables of its own next to the virtual table.
SQLITE_SHADOWS = tuple(f"{TABLE}_{part}" for part in ("data", "idx", "content", "docsize",
                                                      "config"))  # fmt: skip
# Text that exercises every rule of `normal`: its normal form names the fold in each row.
_PROBE = "Straße İIıi Élysée ﬁ ½ 北京下雨 한국어 مـرحبا “al-Bab’s” Ǆ ǅ Ω K"
BATCH = 500
# tsvector limits: a lexeme under 2 KB, a whole vector under 1 MB. A longer word is left out
# on both databases (a key holding one narrows nothing); an article past the limit gets no
# PostgreSQL row (it is always read).
MAX_LEXEME_BYTES = 2046
MAX_VECTOR_BYTES = 1_000_000

# PostgreSQL's table; SQLite's FTS5 table has the same columns, keyed by its rowid.
search_table = Table(
    TABLE,
    MetaData(),
    Column("article_id", Integer, primary_key=True),
    Column("content_hash", String(64)),
    Column("form", String(16)),
    Column("words", TSVECTOR),
)
sqlite_table = Table(
    TABLE,
    MetaData(),
    Column("rowid", Integer, primary_key=True, key="article_id"),
    Column("content_hash", String(64)),
    Column("form", String(16)),
    Column("words", Text),
)


def words(title: str, text: str, author: str | None, outlet: str | None) -> list[str]:
    """What is indexed for an article: the distinct words of its fields in normal form (those
    a tsvector can hold), sorted."""
    found = set()
    for part in (title, text, author, outlet):
        found.update(normal(part or "").split())
    return sorted(w for w in found if len(w.encode()) <= MAX_LEXEME_BYTES)


def tsvector(found: list[str]) -> str | None:
    """Words as a tsvector literal (lexemes as they are: no parser or dictionary in between);
    None when PostgreSQL could not hold it."""
    vector = " ".join(_tsquoted(word) for word in found)
    return vector if len(vector.encode()) < MAX_VECTOR_BYTES else None


def tsquery(need: Need) -> str | None:
    """`need` as a PostgreSQL tsquery over word sets; None when it narrows nothing."""
    return _render(need, _tsquoted, ":*", " & ", " | ")


def fts5_query(need: Need) -> str | None:
    """`need` as an SQLite FTS5 query over word sets; None when it narrows nothing."""
    return _render(need, _fts5_quoted, "*", " AND ", " OR ")


def _render(
    need: Need, quoted: Callable[[str], str], prefix: str, and_: str, or_: str
) -> str | None:
    if isinstance(need, str):
        found = need.split()
        if not found or any(len(word.encode()) > MAX_LEXEME_BYTES for word in found):
            return None  # a word no row holds: this key cannot narrow
        lexemes = [quoted(word) for word in found]
        if not need.endswith(" "):
            lexemes[-1] += prefix  # a prefix key: its last word is a prefix
        return and_.join(lexemes)
    parts = [_render(part, quoted, prefix, and_, or_) for part in need.parts]
    if isinstance(need, AllOf):
        known = [part for part in parts if part is not None]
        return "(" + and_.join(known) + ")" if known else None
    return None if None in parts else "(" + or_.join(parts) + ")"  # type: ignore[arg-type]


def _tsquoted(word: str) -> str:
    # Normal words hold no quote or backslash; escaped anyway, as tsvector input wants.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts5_quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


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
    _write(session, [(article_id, content_hash, words(title, text, author, outlet))])


def index_all(connection: Connection) -> int:
    """Index every article without a current row (a migration's backfill); how many."""
    current = _current(_is_sqlite(connection))
    query = select(Article.id, Article.content_hash, Article.title, Article.text,
                   Article.author, Article.outlet).where(~current).order_by(Article.id)  # fmt: skip
    done, last = 0, -1
    # A batch at a time by id, each read before it is written: memory stays one batch's worth.
    while batch := connection.execute(query.where(Article.id > last).limit(BATCH)).all():
        _write(connection, [(i, content, words(*fields)) for i, content, *fields in batch])
        done, last = done + len(batch), batch[-1].id
    return done


def candidate(session: Session, need: Need | None) -> ColumnElement[bool]:
    """A WHERE clause over articles: true for every article that can satisfy `need` (all of
    them when it is None), and for every article the index does not cover currently."""
    sqlite = _is_sqlite(session)
    query = None if need is None else (fts5_query if sqlite else tsquery)(need)
    if query is None:
        return text("1 = 1")  # type: ignore[return-value]
    if sqlite:
        found = text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :query")
        hits = Article.id.in_(found.bindparams(query=query))
    else:
        matching = search_table.c.words.bool_op("@@")(cast(literal(query), TSQUERY))
        hits = Article.id.in_(select(search_table.c.article_id).where(matching))
    return or_(hits, ~_current(sqlite))


def _current(sqlite: bool) -> ColumnElement[bool]:
    """True for articles with a row built from their current content by today's fold."""
    row = (sqlite_table if sqlite else search_table).alias("current_row")
    return exists().where(
        row.c.article_id == Article.id,
        row.c.content_hash == Article.content_hash,
        row.c.form == form(),
    )


def _write(session: Session | Connection, rows: Iterable[tuple[int, str, list[str]]]) -> None:
    if _is_sqlite(session):
        # FTS5 takes REPLACE on its rowid; the rowid is the article's id.
        statement = text(f"INSERT OR REPLACE INTO {TABLE} (rowid, content_hash, form, words) "
                         "VALUES (:id, :hash, :form, :words)")  # fmt: skip
        values = [{"id": i, "hash": h, "form": form(), "words": " ".join(ws)} for i, h, ws in rows]
    else:
        statement = text(
            f"INSERT INTO {TABLE} (article_id, content_hash, form, words) "
            "VALUES (:id, :hash, :form, CAST(:words AS tsvector)) ON CONFLICT (article_id) DO "
            "UPDATE SET content_hash = excluded.content_hash, form = excluded.form, "
            "words = excluded.words"
        )
        # Too many words for a tsvector: no new row, so the old one (if any) is stale.
        values = [{"id": i, "hash": h, "form": form(), "words": vector}
                  for i, h, ws in rows if (vector := tsvector(ws)) is not None]  # fmt: skip
    if values:
        session.execute(statement, values)


def _is_sqlite(session: Session | Connection) -> bool:
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "sqlite"


__all__ = [
    "SQLITE_SHADOWS", "TABLE", "candidate", "form", "fts5_query", "index_all", "index_article",
    "tsquery", "tsvector", "words",
]  # fmt: skip
