"""SQL of stories: starting them, and the articles of the recent ones (to fill the story
index at start-up)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.bulk import insert_rows
from monitor.db.models import Article, Story


def start_stories(session: Session, titles: Sequence[str], now: datetime) -> list[int]:
    """A new story for each title; their ids, in order."""
    return insert_rows(session, Story, [{"title": title, "created_at": now} for title in titles])


def recent_story_articles(session: Session, since: datetime) -> list[Article]:
    """Articles of the stories started since ``since`` (to fill the story index at start)."""
    stmt = (select(Article).join(Story, Story.id == Article.story_id)
            .where(Story.created_at >= since).order_by(Article.id))
    return list(session.scalars(stmt))
