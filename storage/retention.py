"""Retention: forget old article versions and raw pages, never what an alert points to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import Alert, ArticleVersion


@dataclass(frozen=True)
class Pruned:
    """What one retention pass removed."""

    versions: int  # old versions deleted
    raw_pages: int  # raw HTML copies cleared


def prune_versions(session: Session, fetched_before: datetime) -> int:
    """Delete versions fetched before the cutoff, except current and alerted ones."""
    newer = aliased(ArticleVersion)
    superseded = exists().where(
        newer.article_id == ArticleVersion.article_id, newer.version > ArticleVersion.version
    )
    alerted = exists().where(Alert.version_id == ArticleVersion.id)
    ids = select(ArticleVersion.id).where(
        ArticleVersion.fetched_at < fetched_before, superseded, ~alerted
    )
    # Deleting by id keeps the statement portable: SQLite cannot alias a DELETE's target.
    result = session.execute(delete(ArticleVersion).where(ArticleVersion.id.in_(ids)))
    return result.rowcount


def prune_raw_html(session: Session, fetched_before: datetime) -> int:
    """Clear the raw HTML kept with versions fetched before the cutoff; the clean text stays."""
    statement = (
        update(ArticleVersion)
        .where(ArticleVersion.fetched_at < fetched_before, ArticleVersion.raw_html.is_not(None))
        .values(raw_html=None)
    )
    return session.execute(statement).rowcount
