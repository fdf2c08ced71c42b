"""Stories: which recent story a new article is a copy of, and the outlets each story reached."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from storage.models import Article
from storage.similarity import StoryIndex, is_current, signature

_REFRESH_BATCH = 500  # signatures recomputed per query: bounded IN lists on both backends
STORY_LOCK_KEY = 0x6E657773_73747279  # "newsstry": PostgreSQL advisory locks are numbers


class Stories:
    """Signatures of recent articles by article id, and the story each article belongs to."""

    def __init__(self) -> None:
        self._index: StoryIndex[int] = StoryIndex()
        self._story_of: dict[int, int] = {}
        self.last_id = 0  # the newest article known: others' later ones are caught up

    def find(self, sig: bytes) -> int | None:
        """The story a text with this signature is a copy of, or None for a new story."""
        article_id = self._index.find(sig)
        return None if article_id is None else self._story_of[article_id]

    def add(self, article_id: int, story_id: int, sig: bytes | None) -> None:
        """Remember an article (again, after an edit) as part of its story."""
        self._story_of[article_id] = story_id
        self.last_id = max(self.last_id, article_id)
        if sig is None:
            self._index.remove(article_id)
        else:
            self._index.add(article_id, sig)  # left out when too short to cluster

    def __len__(self) -> int:
        return len(self._index)


def load_stories(session: Session, since: datetime) -> Stories:
    """The stories of articles dated (published, else first seen) since `since`, indexed.

    Signatures missing or made with older parameters are recomputed and stored on the way.
    """
    dated = func.coalesce(Article.published_at, Article.first_seen_at)
    query = (
        select(Article.id, Article.story_id, Article.story_signature)
        .where(dated >= since)
        .order_by(Article.id)  # on a tie the index prefers the copy added first: the oldest
    )
    rows = session.execute(query).all()
    stale = [article_id for article_id, _, sig in rows if sig is None or not is_current(sig)]
    recomputed = refresh_signatures(session, stale)
    stories = Stories()
    for article_id, story_id, sig in rows:
        stories.add(article_id, story_id or article_id, recomputed.get(article_id, sig))
    return stories


def lock_stories(session: Session) -> None:
    """Take the story lock for this transaction: one process at a time assigns stories."""
    # Two runs (or shard flow runs) storing copies of one story at the same moment would each
    # found a story of their own and both alert. On SQLite the write transaction (BEGIN
    # IMMEDIATE) already serialises them; PostgreSQL needs a lock.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORY_LOCK_KEY})


def catch_up(session: Session, stories: Stories, since: datetime) -> int:
    """Add the articles other processes stored since `stories` was loaded; returns how many."""
    dated = func.coalesce(Article.published_at, Article.first_seen_at)
    query = (
        select(Article.id, Article.story_id, Article.story_signature)
        .where(Article.id > stories.last_id, dated >= since)
        .order_by(Article.id)
    )
    rows = session.execute(query).all()
    for article_id, story_id, sig in rows:
        stories.add(article_id, story_id or article_id, sig if sig and is_current(sig) else None)
    return len(rows)


def refresh_signatures(session: Session, article_ids: Iterable[int]) -> dict[int, bytes]:
    """Recompute and store the story signatures of these articles; returns them by id."""
    ids = list(article_ids)
    found: dict[int, bytes] = {}
    for start in range(0, len(ids), _REFRESH_BATCH):
        batch = ids[start : start + _REFRESH_BATCH]
        texts = select(Article.id, Article.title, Article.text).where(Article.id.in_(batch))
        for article_id, title, body in session.execute(texts):
            found[article_id] = signature(title, body)
            session.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(story_signature=found[article_id])
            )
    return found


def shared_story_outlets(
    session: Session, story_ids: Iterable[int] | None = None
) -> dict[int, list[str]]:
    """Outlets by story, first copy first: of these stories, else of every story with copies."""
    query = select(Article.story_id, Article.outlet).order_by(Article.first_seen_at, Article.id)
    if story_ids is None:
        # Only stories with more than one article: never an IN list as long as the archive.
        shared = select(Article.story_id).group_by(Article.story_id).having(func.count() > 1)
        query = query.where(Article.story_id.in_(shared))
    else:
        query = query.where(Article.story_id.in_(list(story_ids)))
    found: dict[int, list[str]] = {}
    for story_id, outlet in session.execute(query):
        found.setdefault(story_id, []).append(outlet)
    return found


def other_outlets(story_outlets: Iterable[str], outlet: str) -> tuple[str, ...]:
    """The outlets of a story other than `outlet`, once each, in the order they covered it."""
    return tuple(name for name in dict.fromkeys(story_outlets) if name != outlet)
