"""Learned boilerplate in storage: each outlet's learning input and learned set, and relearning."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.boilerplate import DEFAULT_RULES, LearningRules, examples, fingerprints, learn
from storage.models import Article, LearnedBoilerplate


@dataclass(frozen=True)
class LearnedSentence:
    """One sentence learned as an outlet's boilerplate (`newswatch outlets boilerplate`)."""

    sentence: str
    articles: int  # carried by this many of the articles looked at…
    sample: int  # …out of this many
    first_learned_at: datetime
    learned_at: datetime


@dataclass(frozen=True)
class _History:
    fingerprints: list[set[int]]  # the outlet's stored articles, newest first
    texts: list[str]  # texts of rows stored before learning (never stripped): examples


def learn_boilerplate(
    session: Session,
    records: Sequence[ArticleRecord],
    samples: Mapping[str, set[int]],
    now: datetime,
    rules: LearningRules = DEFAULT_RULES,
) -> dict[str, set[int]]:
    """Relearn the boilerplate of every outlet with records in this run, from the records'
    sentence fingerprints (`samples`, by URL) and the outlet's stored history; store and
    return each outlet's learned set."""
    by_outlet: dict[str, list[ArticleRecord]] = {}
    for record in records:
        by_outlet.setdefault(record.outlet, []).append(record)
    learned = {}
    for outlet, batch in by_outlet.items():
        history = _history(session, outlet, {r.url for r in batch}, rules.window)
        newest_first = sorted(batch, key=_published, reverse=True)
        counts = learn([samples[r.url] for r in newest_first] + history.fingerprints, rules)
        sample = min(rules.window, len(batch) + len(history.fingerprints))
        texts = [r.text for r in batch] + history.texts
        _save(session, outlet, counts, sample, texts, now)
        learned[outlet] = set(counts)
    return learned


def learned_set(session: Session, outlet: str) -> set[int]:
    """The fingerprints currently learned as the outlet's boilerplate."""
    query = select(LearnedBoilerplate.fingerprint).where(LearnedBoilerplate.outlet == outlet)
    return set(session.scalars(query))


def learned_sentences(session: Session, outlet: str) -> list[LearnedSentence]:
    """The outlet's learned boilerplate, the most widespread first."""
    query = (
        select(LearnedBoilerplate)
        .where(LearnedBoilerplate.outlet == outlet)
        .order_by(LearnedBoilerplate.articles.desc(), LearnedBoilerplate.sentence)
    )
    return [
        LearnedSentence(
            row.sentence, row.articles, row.sample, row.first_learned_at, row.learned_at
        )
        for row in session.scalars(query)
    ]


def _history(session: Session, outlet: str, skip: Collection[str], window: int) -> _History:
    # Articles stored before learning existed have no fingerprints; their text was never
    # stripped, so it is the learning input itself.
    legacy_text = case((Article.sentence_fingerprints.is_(None), Article.text), else_=None)
    query = (
        select(Article.url, Article.sentence_fingerprints, legacy_text)
        .where(Article.outlet == outlet)
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(window + len(skip))  # the run's own articles (revisits) are counted once
    )
    found: list[set[int]] = []
    texts: list[str] = []
    for url, stored, text in session.execute(query):
        if url in skip or len(found) >= window:
            continue
        found.append(set(stored) if stored is not None else fingerprints(text or ""))
        if text:
            texts.append(text)
    return _History(found, texts)


def _save(
    session: Session,
    outlet: str,
    counts: Mapping[int, int],
    sample: int,
    texts: Sequence[str],
    now: datetime,
) -> None:
    rows = {
        row.fingerprint: row
        for row in session.scalars(
            select(LearnedBoilerplate).where(LearnedBoilerplate.outlet == outlet)
        )
    }
    gone = [fp for fp in rows if fp not in counts]
    if gone:  # aged out: the site no longer carries it on enough pages
        session.execute(
            delete(LearnedBoilerplate).where(
                LearnedBoilerplate.outlet == outlet, LearnedBoilerplate.fingerprint.in_(gone)
            )
        )
    sentences = examples(texts, [fp for fp in counts if fp not in rows])
    for fp, articles in counts.items():
        row = rows.get(fp)
        if row is None:
            row = LearnedBoilerplate(
                outlet=outlet, fingerprint=fp, sentence=sentences.get(fp, ""), first_learned_at=now
            )
            session.add(row)
        row.articles, row.sample, row.learned_at = articles, sample, now
    session.flush()


def _published(record: ArticleRecord) -> tuple[bool, datetime | None]:
    return record.published_at is not None, record.published_at
