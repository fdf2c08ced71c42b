"""Learned boilerplate in storage: each outlet's learning input and learned set, and relearning."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.boilerplate import (
    DEFAULT_RULES,
    Evidence,
    Layout,
    LearningRules,
    evidence,
    examples,
    learn,
    needs_text,
    read_layout,
)
from storage.models import Article, LearnedBoilerplate


@dataclass(frozen=True)
class LearnedSentence:
    """One sentence learned as an outlet's boilerplate (`newswatch outlets boilerplate`)."""

    sentence: str
    articles: int  # stood as furniture in this many of the articles looked at when learned…
    sample: int  # …out of this many
    first_learned_at: datetime
    learned_at: datetime
    evidence: Evidence  # where it stood in each of the outlet's latest stored articles


@dataclass(frozen=True)
class _History:
    layouts: list[Layout]  # the outlet's stored articles, newest first
    texts: list[str]  # texts read for layouts stored without places (examples too)


def learn_boilerplate(
    session: Session,
    records: Sequence[ArticleRecord],
    samples: Mapping[str, set[int]],
    now: datetime,
    rules: LearningRules = DEFAULT_RULES,
) -> dict[str, set[int]]:
    """Relearn the boilerplate of every outlet with records in this run, from the records'
    learning input (`samples`, by URL: `storage.boilerplate.fingerprints` of the unstripped
    text) and the outlet's stored history; store and return each outlet's learned set."""
    by_outlet: dict[str, list[ArticleRecord]] = {}
    for record in records:
        by_outlet.setdefault(record.outlet, []).append(record)
    learned = {}
    for outlet, batch in by_outlet.items():
        history = _history(session, outlet, {r.url for r in batch}, rules.window)
        newest_first = sorted(batch, key=_published, reverse=True)
        own = [read_layout(samples[r.url], r.text) for r in newest_first]
        found = learn(own + history.layouts, rules)
        sample = min(rules.window, len(own) + len(history.layouts))
        texts = [r.text for r in batch] + history.texts
        counts = {fp: found[fp].furniture for fp in found}
        _save(session, outlet, counts, sample, texts, now)
        learned[outlet] = set(found)
    return learned


def learned_set(session: Session, outlet: str) -> set[int]:
    """The fingerprints currently learned as the outlet's boilerplate."""
    query = select(LearnedBoilerplate.fingerprint).where(LearnedBoilerplate.outlet == outlet)
    return set(session.scalars(query))


def learned_sentences(
    session: Session, outlet: str, rules: LearningRules = DEFAULT_RULES
) -> list[LearnedSentence]:
    """The outlet's learned boilerplate, the most widespread first, each with the evidence of
    where it stands in the outlet's latest stored articles."""
    query = (
        select(LearnedBoilerplate)
        .where(LearnedBoilerplate.outlet == outlet)
        .order_by(LearnedBoilerplate.articles.desc(), LearnedBoilerplate.sentence)
    )
    rows = list(session.scalars(query))
    found = evidence(_history(session, outlet, (), rules.window).layouts, rules) if rows else {}
    return [
        LearnedSentence(
            row.sentence,
            row.articles,
            row.sample,
            row.first_learned_at,
            row.learned_at,
            found.get(row.fingerprint, Evidence()),
        )
        for row in rows
    ]


def _history(session: Session, outlet: str, skip: Collection[str], window: int) -> _History:
    query = (
        select(Article.id, Article.url, Article.sentence_fingerprints)
        .where(Article.outlet == outlet)
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(window + len(skip))  # the run's own articles (revisits) are counted once
    )
    rows = [(id_, stored) for id_, url, stored in session.execute(query) if url not in skip]
    rows = rows[:window]
    texts = _texts(session, [id_ for id_, stored in rows if needs_text(stored)])
    layouts = [read_layout(stored, texts.get(id_, "")) for id_, stored in rows]
    return _History(layouts, list(texts.values()))


def _texts(session: Session, ids: Sequence[int]) -> dict[int, str]:
    # Articles stored before learning have no fingerprints (their text was never stripped: it
    # is the learning input itself); those stored before places were kept need their text for
    # the places. Both age out of the window; the text of the rest is not read.
    if not ids:
        return {}
    query = select(Article.id, Article.text).where(Article.id.in_(ids))
    return {id_: text or "" for id_, text in session.execute(query)}


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
    if gone:  # aged out: no longer site furniture on enough of the outlet's pages
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
