"""The Python API behind ``monitor hits``: stored hits with their outlet, dates and evidence.

``find_hits`` validates the filters against what exists (an unknown rule or feed is a
``NotFoundError`` naming the known ones) and returns ``HitRow`` values, newest first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from monitor.api import _session
from monitor.config import Config
from monitor.db.articles import feeds_of_articles
from monitor.db.models import Feed, FeedEntry, Hit, StoredRule
from monitor.errors import NotFoundError
from monitor.evidence_model import Evidence, Snippet

_PAGE = 200  # hits read at a time while filtering by country


@dataclass(frozen=True)
class HitQuery:
    """Which hits to list: the filters of ``monitor hits``."""

    since: timedelta | None = None
    rule: str | None = None
    feed: str | None = None
    country: str | None = None  # ISO code, upper case: the story is about this country
    limit: int = 50


@dataclass(frozen=True)
class HitRow:
    """One hit as ``monitor hits`` shows it (``evidence`` is the whole stored evidence)."""

    id: int
    rule: str
    severity: str
    score: float
    created_at: datetime  # when the rule matched
    published_at: datetime | None  # what the outlet says
    found_at: datetime  # when monitor first stored the article
    title: str
    url: str
    site: str | None
    feeds: list[str]
    story_id: int | None
    about: list[str]
    why: str
    snippet: Snippet | None  # the first snippet: field, text, spans
    evidence: Evidence = field(default_factory=Evidence)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "rule": self.rule, "severity": self.severity, "score": self.score,
            "created_at": _iso(self.created_at), "published_at": _iso(self.published_at),
            "found_at": _iso(self.found_at), "title": self.title, "url": self.url,
            "site": self.site, "feeds": self.feeds, "story_id": self.story_id,
            "about": self.about, "why": self.why,
            "snippet": self.snippet.to_json() if self.snippet is not None else None,
            "evidence": self.evidence.to_json(),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def hit_row(hit: Hit, feeds: list[str]) -> HitRow:
    """The row of a stored hit (its article loaded) carried by ``feeds``. Pure."""
    art, evidence = hit.article, hit.evidence
    snippets = evidence.snippets
    return HitRow(
        id=hit.id, rule=hit.rule, severity=hit.severity, score=hit.score,
        created_at=hit.created_at, published_at=art.published_at, found_at=art.created_at,
        title=art.title, url=art.url, site=art.site_name, feeds=feeds, story_id=art.story_id,
        about=list(evidence.about), why=evidence.clause,
        snippet=snippets[0] if snippets else None, evidence=evidence)


def find_hits(config: Config, query: HitQuery, now: datetime) -> list[HitRow]:
    """The latest hits (at most ``query.limit``) that pass every filter, newest first."""
    with _session(config, read_only=True) as s:
        _check_names(s, config, query)
        hits = list(_matching(s, query, now))
        feeds = feeds_of_articles(s, sorted({h.article_id for h in hits}))
        return [hit_row(h, feeds.get(h.article_id, [])) for h in hits]


def _check_names(s: Session, config: Config, query: HitQuery) -> None:
    if query.rule is not None:
        rules = ({r.name for r in config.rules} | set(s.scalars(select(Hit.rule).distinct()))
                 | set(s.scalars(select(StoredRule.name))))  # saved from the workbench
        if query.rule not in rules:
            raise NotFoundError("rule", query.rule, sorted(rules))
    if query.feed is not None:
        feeds = {f.name for f in config.feeds} | set(s.scalars(select(Feed.name)))
        if query.feed not in feeds:
            raise NotFoundError("feed", query.feed, sorted(feeds))


def _matching(s: Session, query: HitQuery, now: datetime) -> Iterator[Hit]:
    stmt = (select(Hit).join(Hit.article).options(contains_eager(Hit.article))
            .order_by(Hit.created_at.desc(), Hit.id.desc()))
    if query.since is not None:
        stmt = stmt.where(Hit.created_at >= now - query.since)
    if query.rule is not None:
        stmt = stmt.where(Hit.rule == query.rule)
    if query.feed is not None:
        stmt = stmt.where(Hit.article_id.in_(
            select(FeedEntry.article_id).join(Feed, Feed.id == FeedEntry.feed_id)
            .where(Feed.name == query.feed)))
    if query.country is None:
        yield from s.scalars(stmt.limit(query.limit))
        return
    # "about" lives in the JSON evidence: read pages and keep the hits about the country.
    found, offset = 0, 0
    while found < query.limit:
        page = list(s.scalars(stmt.limit(_PAGE).offset(offset)))
        for hit in page:
            if query.country in hit.evidence.about:
                yield hit
                found += 1
                if found == query.limit:
                    return
        if len(page) < _PAGE:
            return
        offset += _PAGE

