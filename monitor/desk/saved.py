"""Saved searches: a story list's query string kept by name, listed, deleted, and read back as
the hits of its stories (newest first) for its Atom feed and JSON endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.db.models import Article, Hit, SavedSearch
from monitor.desk.filters import FilterError, StoryFilter, from_query, to_query
from monitor.desk.stories import list_stories
from monitor.desk.textquery import QueryTools
from monitor.errors import NotFoundError, UsageError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
FEED_STORIES = 50  # stories a saved search's feed reads (the newest), and so their hits


@dataclass(frozen=True)
class Saved:
    """A saved search: its name, the story list's query string, who saved it and when."""
    name: str
    params: str  # the story list's URL query string
    created_by: str
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "params": self.params, "created_by": self.created_by,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class FeedHit:
    """A hit of a saved search's story, as its feed shows it."""

    id: int
    story_id: int
    rule: str
    severity: str
    title: str
    url: str
    created_at: datetime
    why: str  # the rule's clause
    snippet: str  # the first snippet's text, or ""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "story_id": self.story_id, "rule": self.rule,
                "severity": self.severity, "title": self.title, "url": self.url,
                "created_at": self.created_at.isoformat(), "why": self.why,
                "snippet": self.snippet}


def _saved(row: SavedSearch) -> Saved:
    return Saved(row.name, row.params, row.created_by, row.created_at)


def save_search(session: Session, name: str, params: str, user: str, now: datetime,
                tools: QueryTools | None = None) -> Saved:
    """Keep ``params`` (normalised: what ``from_query`` reads) as ``name``, replacing a search
    of that name. ``UsageError`` for a name that is not a slug or params that do not parse;
    with ``tools``, ``RuleError`` for a query that does not compile (a search that cannot run
    is not saved)."""
    if not NAME.match(name):
        raise UsageError(f"a saved search's name is letters, digits, '-', '_' or '.' "
                         f"(at most 100, first a letter or digit), not {name[:40]!r}")
    flt = from_query(params)  # a FilterError says what is wrong
    if flt.q and tools is not None:
        tools.compile(flt.q)
    row = session.scalar(select(SavedSearch).where(SavedSearch.name == name))
    if row is None:
        row = SavedSearch(name=name, created_by=user, created_at=now)
        session.add(row)
    row.params, row.created_by, row.created_at = to_query(flt), user, now
    session.flush()
    return _saved(row)


def list_saved(session: Session) -> list[Saved]:
    """Every saved search, by name."""
    return [_saved(r) for r in session.scalars(select(SavedSearch).order_by(SavedSearch.name))]


def get_saved(session: Session, name: str) -> Saved:
    """The saved search ``name``; ``NotFoundError`` naming the others when there is none."""
    row = session.scalar(select(SavedSearch).where(SavedSearch.name == name))
    if row is None:
        raise NotFoundError("saved search", name, [s.name for s in list_saved(session)])
    return _saved(row)


def delete_saved(session: Session, name: str) -> None:
    """Delete the saved search ``name`` (``NotFoundError`` when there is none)."""
    get_saved(session, name)  # NotFoundError when there is none
    session.execute(delete(SavedSearch).where(SavedSearch.name == name))


def saved_filter(saved: Saved) -> StoryFilter:
    """The story filter a saved search keeps (``UsageError`` when it no longer parses)."""
    try:
        return from_query(saved.params)
    except FilterError as exc:  # saved by an older version that read it otherwise
        raise UsageError(f"saved search {saved.name!r} no longer parses: {exc}") from None


def saved_hits(session: Session, saved: Saved, *, now: datetime,
               tools: QueryTools | None = None, limit: int = FEED_STORIES) -> list[FeedHit]:
    """The hits of the newest ``limit`` stories of the saved search, newest hit first."""
    page = list_stories(session, saved_filter(saved), limit=limit, now=now, tools=tools)
    ids = [r.id for r in page.rows]
    if not ids:
        return []
    rows = session.execute(
        select(Hit, Article.story_id, Article.title, Article.url)
        .join(Article, Article.id == Hit.article_id).where(Article.story_id.in_(ids))
        .order_by(Hit.created_at.desc(), Hit.id.desc()))
    out = []
    for hit, story_id, title, url in rows:
        ev = hit.evidence
        out.append(FeedHit(hit.id, story_id or 0, hit.rule, hit.severity, title, url,
                           hit.created_at, ev.clause if ev else "",
                           ev.snippets[0].text if ev and ev.snippets else ""))
    return out
