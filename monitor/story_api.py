"""The Python API behind ``monitor story ID``: a story's timeline.

Every article of the story (the outlets that carried it, when it was published and found),
the rules it matched, and every alert of those hits: the channel, whether it was the story's
alert or a follow-up (and of which alert), its status, attempts and when it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.api import _session
from monitor.config import Config
from monitor.db.articles import feeds_of_articles
from monitor.db.models import Alert, Article, Hit, Story
from monitor.errors import NotFoundError


@dataclass(frozen=True)
class AlertStep:
    """One alert of a hit: where it went and what became of it."""

    id: int
    channel: str
    rule: str
    kind: str  # alert | followup
    parent_id: int | None  # the alert a follow-up follows
    status: str  # pending | sent | failed | folded
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None  # when still pending
    last_error: str | None


@dataclass(frozen=True)
class StoryArticle:
    id: int
    title: str
    url: str
    site: str | None
    feeds: list[str]
    published_at: datetime | None
    found_at: datetime
    rules: list[str]  # the rules it matched
    alerts: list[AlertStep]


@dataclass(frozen=True)
class StoryTimeline:
    id: int
    title: str
    created_at: datetime
    articles: list[StoryArticle]  # in the order monitor found them

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "created_at": _iso(self.created_at),
                "articles": [_article_json(a) for a in self.articles]}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _article_json(a: StoryArticle) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "url": a.url, "site": a.site, "feeds": a.feeds,
            "published_at": _iso(a.published_at), "found_at": _iso(a.found_at),
            "rules": a.rules, "alerts": [{
                "id": s.id, "channel": s.channel, "rule": s.rule, "kind": s.kind,
                "parent_id": s.parent_id, "status": s.status, "attempts": s.attempts,
                "created_at": _iso(s.created_at), "sent_at": _iso(s.sent_at),
                "next_attempt_at": _iso(s.next_attempt_at) if s.status == "pending" else None,
                "last_error": s.last_error} for s in a.alerts]}


def story_timeline(config: Config, story_id: int) -> StoryTimeline:
    """The story's timeline; ``NotFoundError`` when there is no story ``story_id``."""
    with _session(config, read_only=True) as s:
        return timeline_in(s, story_id)


def timeline_in(s: Session, story_id: int) -> StoryTimeline:
    """``story_timeline`` on an open session (the desk's story page reads it beside the
    story's evidence)."""
    story = s.get(Story, story_id)
    if story is None:
        raise NotFoundError("story", str(story_id), [], hint=_hint(s))
    articles = list(s.scalars(select(Article).where(Article.story_id == story_id)
                              .order_by(Article.created_at, Article.id)))
    ids = [a.id for a in articles]
    feeds = feeds_of_articles(s, ids)
    rules = _rules_of(s, ids)
    alerts = _alerts_of(s, ids)
    return StoryTimeline(story.id, story.title, story.created_at, [
        StoryArticle(a.id, a.title, a.url, a.site_name, feeds.get(a.id, []),
                     a.published_at, a.created_at, rules.get(a.id, []),
                     alerts.get(a.id, [])) for a in articles])


def _hint(s: Session) -> str:
    latest = list(s.scalars(select(Story.id).order_by(Story.id.desc()).limit(1)))
    where = "`monitor hits` shows each hit's story id"
    return f"story ids go up to {latest[0]}; {where}" if latest else f"no stories yet; {where}"



def _rules_of(s: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for article_id, rule in s.execute(select(Hit.article_id, Hit.rule)
                                      .where(Hit.article_id.in_(ids)).order_by(Hit.rule)):
        out.setdefault(article_id, []).append(rule)
    return out


def _alerts_of(s: Session, ids: list[int]) -> dict[int, list[AlertStep]]:
    out: dict[int, list[AlertStep]] = {}
    stmt = (select(Alert).join(Alert.hit).options(joinedload(Alert.hit))
            .where(Hit.article_id.in_(ids)).order_by(Alert.created_at, Alert.id))
    for a in s.scalars(stmt):
        out.setdefault(a.hit.article_id, []).append(AlertStep(
            a.id, a.channel, a.hit.rule, a.kind, a.parent_id, a.status, a.attempts,
            a.created_at, a.sent_at, a.next_attempt_at, a.last_error))
    return out
