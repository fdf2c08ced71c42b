"""A watchlist's alerted stories, newest first, as its feed entries."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from alerts.feed import FeedEntry
from storage.articles import local_published
from storage.models import Alert, Article
from storage.outbox import UPDATE
from storage.stories import other_outlets, shared_story_outlets

FEED_LIMIT = 50  # entries per feed: readers poll often, and the archive stays queryable


def watchlist_feed(session: Session, watchlist: str, limit: int = FEED_LIMIT) -> list[FeedEntry]:
    """The watchlist's alerted stories (pending or sent), newest change first, one per story."""
    # One alert row per channel and kind: group them by story (an alert stored before stories
    # existed has none; its article stands for it).
    story = func.coalesce(Alert.story_id, Alert.article_id)
    updated = func.max(Alert.created_at)
    grouped = (
        select(
            story,
            func.min(Alert.created_at),
            func.max(case((Alert.kind == UPDATE, Alert.created_at))),
            func.max(Alert.id),  # the latest alert: its article and snippet are the story's now
        )
        .where(Alert.watchlist == watchlist, Alert.article_id.is_not(None))
        .group_by(story)
        .order_by(updated.desc(), story.desc())
        .limit(limit)
    )
    stories = session.execute(grouped).tuples().all()
    rows = session.execute(
        select(Alert.id, Alert.snippet, Article)
        .join(Article, Article.id == Alert.article_id)
        .where(Alert.id.in_([alert_id for *_, alert_id in stories]))
    ).tuples()
    by_alert = {alert_id: (snippet, article) for alert_id, snippet, article in rows}
    outlets = shared_story_outlets(session, [story_id for story_id, *_ in stories])
    entries = []
    for story_id, first, last, alert_id in stories:
        snippet, article = by_alert[alert_id]
        entries.append(
            FeedEntry(
                story_id=story_id,
                title=article.title,
                url=article.url,
                outlet=article.outlet,
                first_alerted_at=first,
                last_update_at=last,
                published_at=local_published(article),
                snippet=snippet,
                also_covered_by=other_outlets(outlets.get(story_id, []), article.outlet),
            )
        )
    return entries
