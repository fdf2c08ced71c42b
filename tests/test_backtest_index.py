"""The backtest's full-text index (migration 0013, storage.search, alerts.prefilter): a backtest
that reads only the index's candidates says exactly what a scan of every article says, on
SQLite and PostgreSQL, for phrases, prefixes, NEAR, scopes, CJK and folded letters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.orm import Session

from alerts.matcher import Article, Watchlists
from alerts.prefilter import AllOf, AnyOf, holds, required
from alerts.query import parse_query
from alerts.rules_backtest import Backtest, StoredArticle, day_of
from flows.cli_rules import run_backtest
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.models import Article as Row
from storage.search import TABLE, fts5_query, index_all, tsquery, tsvector, words

NOW = datetime.now(UTC)
# Words and spellings the matcher folds: generated articles are made of them.
WORDS = [
    "Russia", "Russian", "Russia's", "Kremlin", "Moscow", "Syria", "ISIS", "Islamic", "State",
    "Daesh", "ИГИЛ", "Straße", "STRASSE", "İstanbul", "ıstanbul", "ISTANBUL", "Élysée",
    "elysee", "al-Bab", "al Bab", "“quoted”", "北京下雨", "今天北京", "北", "京都", "القاهرة",
    "ceasefire", "talks", "the", "a", "of", "said", "on", "Tuesday", "fighters", "near",
]  # fmt: skip
OUTLETS = ["Daily Star", "Le Monde", "Der Spiegel", "新华社"]
QUERIES = [
    '"Islamic State"',
    "Russ*",
    "Kremlin NEAR/3 Syria",
    '"Islamic State"~2',
    "title:Syria OR author:Petrova",
    'outlet:"Daily Star" Kremlin',
    "北京",
    "京",
    "Straße",
    "strasse",
    "istanbul",
    "elysee",
    "al-Bab",
    "Russia's",
    "ИГИЛ",
    "القاهرة",
    "Syria -Russia",
    "Syria AND NOT (Kremlin OR Moscow)",
    "lang:de Straße",
    "lang:fr ceasefire",
    "a* OR Syria",  # a prefix too short for trigrams: nothing narrows this one
    '(Russia OR Russian OR Kremlin OR Moscow) AND (Syria OR ISIS OR "Islamic State")',
    '(Russia OR "talks on") NEAR/5 (fighters OR Daesh) title:ceasefire',
]


def generated(n: int, seed: int = 7) -> list[ArticleRecord]:
    """`n` articles of random sentences from WORDS, in four outlets and three languages."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 60))]
        out.append(ArticleRecord(
            url=f"http://127.0.0.1:9/a/{i}", fetched_url=f"http://127.0.0.1:9/a/{i}",
            outlet=rng.choice(OUTLETS), title=" ".join(rng.choices(WORDS, k=4)),
            text=" ".join(words) + ".", author=rng.choice(["Anna Petrova", "", "Jean Dupont"]),
            published_at=NOW - timedelta(hours=i), language=rng.choice(["en", "de", "fr-FR"]),
        ))  # fmt: skip
    return out


def full_scan(session: Session, label: str, query_text: str, days: int) -> Backtest:
    """The backtest without the index: every article in the window read and matched."""
    query = parse_query(query_text)
    compiled = Watchlists({label: query})
    result = Backtest(label, days)
    day = Row.published_at  # every generated article has a publish date
    rows = session.execute(select(Row).where(day >= NOW - timedelta(days=days))
                           .order_by(day, Row.id)).scalars()  # fmt: skip
    for row in rows:
        stored = StoredArticle(row.id, row.story_id, row.url, row.outlet, row.title,
                               day_of(row.published_at, row.first_seen_at))  # fmt: skip
        article = Article(row.title, row.text, row.author or "", row.outlet, row.language)
        result.add(stored, compiled.evaluate(query, compiled.hits(article)))
    return result


def _store(engine: Engine, records: list[ArticleRecord]) -> None:
    with Session(engine) as session, session.begin():
        for record in records:
            upsert_article(session, record, NOW)


def test_the_index_narrows_and_says_exactly_what_a_full_scan_says(engine: Engine) -> None:
    _store(engine, generated(300))
    # Rows the index does not cover: one written behind storage's back, one whose text changed
    # outside upsert_article. Both must still be read (and match).
    with Session(engine) as session, session.begin():
        session.execute(insert(Row), [{
            "url": "http://127.0.0.1:9/raw", "outlet": "Daily Star", "title": "Raw row",
            "text": "Islamic State and the Kremlin in Syria; 北京; Straße; al Bab.",
            "content_hash": "raw", "published_at": NOW, "first_seen_at": NOW,
            "last_seen_at": NOW, "updated_at": NOW,
        }])  # fmt: skip
        first = session.scalar(select(Row.id).order_by(Row.id).limit(1))
        session.execute(update(Row).where(Row.id == first).values(
            text="Kremlin fighters near Syria said Islamic State; 北京 İSTANBUL Russia's",
            content_hash="edited"))  # fmt: skip
    with Session(engine) as session:
        for n, query_text in enumerate(QUERIES):
            label = f"q{n}"
            query = parse_query(query_text)
            got = run_backtest(session, label, query, NOW - timedelta(days=30), 30).to_dict()
            want = full_scan(session, label, query_text, 30).to_dict()
            read = got.pop("articles_read")
            assert want.pop("articles_read") == want["articles_scanned"] == 301
            assert got == want, query_text
            assert want["articles_matched"] > 0, query_text  # each finds something to find
            if required(query) is None:  # a short prefix in an OR: every article is read
                assert read == want["articles_scanned"], query_text
            else:
                assert want["articles_matched"] <= read < want["articles_scanned"], query_text


def test_a_backfill_indexes_what_was_stored_before_and_the_delete_takes_the_row(
    engine: Engine,
) -> None:
    _store(engine, generated(20))
    with Session(engine) as session, session.begin():
        session.execute(text(f"DELETE FROM {TABLE}"))
    query = parse_query("Tuesday")
    with Session(engine) as session:
        unindexed = run_backtest(session, "w", query, NOW - timedelta(days=2), 2).to_dict()
    assert unindexed["articles_read"] == unindexed["articles_scanned"] == 20
    with engine.begin() as connection:
        assert index_all(connection) == 20
        assert index_all(connection) == 0  # all current now
    with Session(engine) as session:
        indexed = run_backtest(session, "w", query, NOW - timedelta(days=2), 2).to_dict()
    assert indexed["articles_read"] < 20
    assert indexed | {"articles_read": 20} == unindexed
    with Session(engine) as session, session.begin():
        session.execute(delete(Row))
        assert session.scalar(text(f"SELECT count(*) FROM {TABLE}")) == 0


# --- pure: what a query needs ---


@pytest.mark.parametrize(
    ("query_text", "need"),
    [
        ("Syria", " syria "),
        ("Russ*", " russ"),
        ('"Islamic State"~2', AllOf((" islamic ", " state "))),
        ("Syria -Russia", " syria "),
        ("Syria OR (Kremlin -Moscow)", AnyOf((" syria ", " kremlin "))),
        ("lang:de Straße", " strasse "),
        ("a* OR Syria", None),
        ("北京", " 北 京 "),
        ("istanbul ıstanbul", " istanbul "),
        ("Kremlin NEAR/3 (Syria OR ISIS)",
         AllOf((" kremlin ", AnyOf((" syria ", " isis "))))),
    ],
)  # fmt: skip
def test_what_a_query_needs(query_text: str, need: object) -> None:
    assert required(parse_query(query_text)) == need


def test_every_match_satisfies_what_its_query_needs() -> None:
    records = generated(400, seed=3)
    for query_text in QUERIES:
        query = parse_query(query_text)
        need, compiled = required(query), Watchlists({"w": query})
        for r in records:
            article = Article(r.title, r.text, r.author or "", r.outlet, r.language)
            if need is not None and compiled.match(article):
                found = frozenset(words(r.title, r.text, r.author, r.outlet))
                assert holds(need, found), (query_text, r)


def test_the_indexes_hold_each_articles_words_and_read_keys_as_all_their_words() -> None:
    found = words("Straße 北京", "Russia’s al-Bab", None, "")
    assert found == ["al", "bab", "russia", "s", "strasse", "京", "北"]  # by code point
    assert tsvector(found) == "'al' 'bab' 'russia' 's' 'strasse' '京' '北'"
    need = AllOf((" islamic state ", AnyOf((" russ", " 北 京 "))))
    assert tsquery(need) == "('islamic' & 'state' & ('russ':* | '北' & '京'))"
    assert fts5_query(need) == '("islamic" AND "state" AND ("russ"* OR "北" AND "京"))'
    assert words("x " * 10 + "y" * 3000, "", None, None) == ["x"]  # too long for a tsvector
    assert tsquery(" " + "y" * 3000 + " ") is None
    assert fts5_query(AllOf((" " + "y" * 3000 + " ", " syria "))) == '("syria")'


def test_maintenance_indexes_what_the_index_does_not_hold(engine: Engine) -> None:
    from flows.maintenance import refresh_search_index

    _store(engine, generated(5))
    with Session(engine) as session, session.begin():
        session.execute(update(Row).values(content_hash="edited behind storage's back"))
    assert refresh_search_index.fn(engine) == 5  # the task's function: no flow run needed
    assert refresh_search_index.fn(engine) == 0
