"""The desk's story list: one row per story that has hits, newest first, filtered by facets,
review state, time and a free-text query, paged by keyset; and the facet counts under a filter.

The list is driven by ``stories.created_at`` (indexed: "first seen"), newest first, keyset
``(created_at, id)``. Rules, countries (about) and entities are read from ``story_facets``
(one indexed row per hit and value, ``monitor.db.facets``), exact in SQL; outlets, tags and
languages are an ``EXISTS`` over the story's articles (``ix_articles_story_id``). Facet
counts are over the newest ``FACET_LIMIT`` stories that match (``FacetCounts.capped``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Select, and_, distinct, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from monitor.db.models import Article, Feed, FeedEntry, Hit, Mark, Story, StoryFacet
from monitor.desk.filters import Cursor, StoryFilter
from monitor.desk.textquery import ArticleText, QueryScan, QueryTools, matching_stories

FACET_LIMIT = 500  # stories counted for the facets (the newest that match)
SEVERITIES = ("low", "medium", "high")
REVIEW_KINDS = ("relevant", "false_positive", "starred")  # a "note" is no verdict


@dataclass(frozen=True)
class StoryRow:
    """One story of the list."""

    id: int
    headline: str
    first_seen: datetime
    articles: int
    outlets: int
    rules: tuple[str, ...]
    countries: tuple[tuple[str, float], ...]  # (code, salience), most salient first
    severity: str  # the highest of its hits'
    review: str  # unreviewed | relevant | false_positive | starred

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "headline": self.headline,
                "first_seen": self.first_seen.isoformat(), "articles": self.articles,
                "outlets": self.outlets, "rules": list(self.rules),
                "countries": [{"code": c, "salience": s} for c, s in self.countries],
                "severity": self.severity, "review": self.review}


@dataclass(frozen=True)
class StoryPage:
    rows: tuple[StoryRow, ...]
    next: Cursor | None  # the next page's cursor, or None on the last page
    scan: QueryScan | None  # how far the free-text query read (None without one)


@dataclass(frozen=True)
class FacetCounts:
    """Stories per value of each facet, under the filter; ``capped`` when more than
    ``FACET_LIMIT`` stories match and only the newest were counted."""

    rule: tuple[tuple[str, int], ...]
    country: tuple[tuple[str, int], ...]
    entity: tuple[tuple[str, int], ...]
    entity_names: dict[str, str]
    outlet: tuple[tuple[str, int], ...]
    tag: tuple[tuple[str, int], ...]
    lang: tuple[tuple[str, int], ...]
    review: tuple[tuple[str, int], ...]
    stories: int
    capped: bool
    scan: QueryScan | None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: dict(getattr(self, name)) for name in
                               ("rule", "country", "entity", "outlet", "tag", "lang",
                                "review")}
        return {**out, "entity_names": self.entity_names, "stories": self.stories,
                "capped": self.capped}


@dataclass
class _Facts:
    """What the list and the facets need to know of one story."""

    headline: str
    first_seen: datetime
    articles: set[int]
    feeds: set[str]
    tags: set[str]
    langs: set[str]
    rules: set[str]
    about: set[str]
    salience: dict[str, float]
    entities: dict[str, str]  # id -> name
    severity: int
    review: str


# ---- SQL --------------------------------------------------------------------------------------

def _story_hit(*conditions: Any) -> Any:
    """EXISTS a hit of the story's articles meeting ``conditions``."""
    return exists(select(1).select_from(Hit).join(Article, Article.id == Hit.article_id)
                  .where(Article.story_id == Story.id, *conditions))


def _story_entry(*conditions: Any) -> Any:
    return exists(select(1).select_from(FeedEntry).join(Article, Article.id == FeedEntry.article_id)
                  .where(Article.story_id == Story.id, *conditions))


def _review_condition(state: str) -> Any:
    def verdict(kind: Any, *more: Any) -> Any:
        return exists(select(1).select_from(Mark).where(
            Mark.story_id == Story.id, kind, Mark.undone_at.is_(None), *more))

    if state == "unreviewed":
        return ~verdict(Mark.kind.in_(REVIEW_KINDS))
    later = Mark.__table__.alias("later")
    newer = exists(select(1).select_from(later).where(
        later.c.story_id == Story.id, later.c.kind.in_(REVIEW_KINDS),
        later.c.undone_at.is_(None),
        or_(later.c.created_at > Mark.created_at,
            and_(later.c.created_at == Mark.created_at, later.c.id > Mark.id))))
    return verdict(Mark.kind == state, ~newer)


def _story_facet(kind: str, value: str) -> Any:
    """The story has a hit whose facet row says ``kind`` = ``value`` (``story_facets``)."""
    return Story.id.in_(select(StoryFacet.story_id).where(StoryFacet.kind == kind,
                                                          StoryFacet.value == value))


def candidates(session: Session, flt: StoryFilter, now: datetime) -> Select[int, datetime]:
    """Stories with hits meeting the filter (all but its free-text query), newest first."""
    since, until = flt.window(now)
    sql: Select[int, datetime] = select(Story.id, Story.created_at).where(_story_hit())
    if since is not None:
        sql = sql.where(Story.created_at >= since)
    if until is not None:
        sql = sql.where(Story.created_at < until)
    sql = sql.where(*(_story_facet(kind, value) for kind in ("rule", "country", "entity")
                      for value in getattr(flt, kind)))
    for outlet in flt.outlet:
        sql = sql.where(_story_entry(FeedEntry.feed_id.in_(
            select(Feed.id).where(Feed.name == outlet))))
    if flt.tag:
        tagged = _feeds_by_tag(session)
        sql = sql.where(*(_story_entry(FeedEntry.feed_id.in_(tagged.get(t, [-1])))
                          for t in flt.tag))
    sql = sql.where(*(exists(select(1).select_from(Article).where(
        Article.story_id == Story.id, Article.language == lang)) for lang in flt.lang))
    if flt.review:
        sql = sql.where(_review_condition(flt.review))
    return sql.order_by(Story.created_at.desc(), Story.id.desc())


def _after(sql: Select[int, datetime], cursor: Cursor | None) -> Select[int, datetime]:
    if cursor is None:
        return sql
    return sql.where(or_(Story.created_at < cursor.first_seen,
                         and_(Story.created_at == cursor.first_seen, Story.id < cursor.id)))


def _feeds_by_tag(session: Session) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for feed_id, tags in session.execute(select(Feed.id, Feed.tags)):
        for tag in tags or []:
            out.setdefault(str(tag), []).append(feed_id)
    return out


def _query_scan(session: Session, sql: Select[int, datetime], tools: QueryTools, text: str,
                ) -> tuple[set[int], QueryScan]:
    """The stories of ``sql`` that the free-text query matches (bounded: see textquery)."""
    query = tools.compile(text)
    ids = sql.with_only_columns(Story.id).order_by(None)
    rows = session.execute(
        select(Article.story_id, Article.title, Article.summary, Article.text)
        .where(Article.story_id.in_(ids))
        .order_by(Article.created_at.desc(), Article.id.desc()).limit(tools.scan_limit + 1))
    texts = (ArticleText(r.story_id, r.title, r.summary, r.text) for r in rows)
    return matching_stories(tools, query, texts, tools.scan_limit)


# ---- facts of stories ---------------------------------------------------------------------------

def _facts(session: Session, ids: Sequence[int]) -> dict[int, _Facts]:
    """Everything the rows show, for the stories ``ids``, in five queries."""
    if not ids:
        return {}
    facts = {sid: _Facts(title, at, set(), set(), set(), set(), set(), set(), {}, {}, 0,
                         "unreviewed")
             for sid, title, at in session.execute(
                 select(Story.id, Story.title, Story.created_at).where(Story.id.in_(ids)))}
    feeds = {fid: (name, tags or []) for fid, name, tags in
             session.execute(select(Feed.id, Feed.name, Feed.tags))}
    for sid, aid, lang, fid in session.execute(
            select(Article.story_id, Article.id, Article.language, FeedEntry.feed_id)
            .outerjoin(FeedEntry, FeedEntry.article_id == Article.id)
            .where(Article.story_id.in_(ids))):
        f = facts[sid or 0]
        f.articles.add(aid)
        if lang:
            f.langs.add(lang)
        if fid in feeds:
            f.feeds.add(feeds[fid][0])
            f.tags.update(str(t) for t in feeds[fid][1])
    for sid, rule, severity, evidence in session.execute(
            select(Article.story_id, Hit.rule, Hit.severity, type_coerce(Hit.evidence, JSON))
            .join(Article, Article.id == Hit.article_id).where(Article.story_id.in_(ids))):
        _add_hit(facts[sid or 0], rule, severity, evidence)
    for sid, kind in _reviews(session, Mark.story_id.in_(list(facts))).items():
        facts[sid].review = kind
    return facts


def _add_hit(f: _Facts, rule: str, severity: str, evidence: Any) -> None:
    f.rules.add(rule)
    f.severity = max(f.severity, SEVERITIES.index(severity) if severity in SEVERITIES else 0)
    if not isinstance(evidence, dict):
        return
    f.about.update(str(c) for c in evidence.get("about") or [])
    for code, country in (evidence.get("countries") or {}).items():
        if not isinstance(country, dict):
            continue
        salience = float(country.get("salience") or 0.0)
        f.salience[code] = max(salience, f.salience.get(code, 0.0))
        for entity in country.get("entities") or []:
            if isinstance(entity, dict) and entity.get("id"):
                f.entities[str(entity["id"])] = str(entity.get("name") or entity["id"])


def _reviews(session: Session, stories: Any) -> dict[int, str]:
    """The review state of the stories ``stories`` (a condition on ``Mark.story_id``) that
    have one: each one's latest mark that is a verdict and not undone."""
    out: dict[int, str] = {}
    for sid, kind in session.execute(
            select(Mark.story_id, Mark.kind)
            .where(stories, Mark.kind.in_(REVIEW_KINDS), Mark.undone_at.is_(None))
            .order_by(Mark.created_at, Mark.id)):
        out[sid] = kind  # the latest wins
    return out


def _row(sid: int, f: _Facts) -> StoryRow:
    countries = tuple(sorted(((c, round(s, 3)) for c, s in f.salience.items()),
                             key=lambda cs: (-cs[1], cs[0])))
    return StoryRow(sid, f.headline, f.first_seen, len(f.articles), len(f.feeds),
                    tuple(sorted(f.rules)), countries, SEVERITIES[f.severity], f.review)


# ---- the list and the facets --------------------------------------------------------------------

def _matched(session: Session, flt: StoryFilter, now: datetime, tools: QueryTools | None,
             ) -> tuple[Select[int, datetime], QueryScan | None]:
    """The stories matching ``flt``, newest first (the free-text query run first, bounded)."""
    sql = candidates(session, flt, now)
    if not flt.q:
        return sql, None
    found, scan = _query_scan(session, sql, tools or QueryTools(), flt.q)
    return sql.where(Story.id.in_(sorted(found))), scan


def list_stories(session: Session, flt: StoryFilter, *, after: Cursor | None = None,
                 limit: int = 50, now: datetime, tools: QueryTools | None = None) -> StoryPage:
    """A page of the story list: ``limit`` stories after ``after``, newest first, and the
    next page's cursor. ``tools`` compile and run ``flt.q`` (a ``QuerySyntaxError`` when it
    does not parse)."""
    sql, scan = _matched(session, flt, now, tools)
    page = session.execute(_after(sql, after).limit(limit + 1)).all()
    more = len(page) > limit
    facts = _facts(session, [r.id for r in page[:limit]])
    rows = tuple(_row(r.id, facts[r.id]) for r in page[:limit])
    last = rows[-1] if rows else None
    cursor = Cursor(last.first_seen, last.id) if more and last else None
    return StoryPage(rows, cursor, scan)


def _counted(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _outlets_and_tags(session: Session, scope: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Stories per outlet and per feed tag, of the stories ``scope`` (a subquery of ids)."""
    feeds = {fid: (name, tags or []) for fid, name, tags in
             session.execute(select(Feed.id, Feed.name, Feed.tags))}
    outlets: dict[int, set[str]] = {}
    tags: dict[int, set[str]] = {}
    for sid, fid in session.execute(
            select(Article.story_id, FeedEntry.feed_id).distinct()
            .join(FeedEntry, FeedEntry.article_id == Article.id)
            .where(Article.story_id.in_(scope))):
        if fid in feeds:
            outlets.setdefault(sid or 0, set()).add(feeds[fid][0])
            tags.setdefault(sid or 0, set()).update(str(t) for t in feeds[fid][1])
    return _tally(outlets), _tally(tags)


def _tally(values: dict[int, set[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for each in values.values():
        for v in each:
            out[v] = out.get(v, 0) + 1
    return out


def facet_counts(session: Session, flt: StoryFilter, *, now: datetime,
                 tools: QueryTools | None = None) -> FacetCounts:
    """How many of the stories under ``flt`` have each rule, country (about), entity,
    outlet, tag, language and review state: counted in SQL over the newest ``FACET_LIMIT``
    (the facet rows, the articles, the marks), never reading evidence."""
    sql, scan = _matched(session, flt, now, tools)
    ids = list(session.scalars(sql.with_only_columns(Story.id).limit(FACET_LIMIT + 1)))
    matched, scope = len(ids), ids[:FACET_LIMIT]
    by_kind: dict[str, dict[str, int]] = {"rule": {}, "country": {}, "entity": {}}
    names: dict[str, str] = {}
    for kind, value, label, count in session.execute(
            select(StoryFacet.kind, StoryFacet.value, func.max(StoryFacet.label),
                   func.count(distinct(StoryFacet.story_id)))
            .where(StoryFacet.story_id.in_(scope)).group_by(StoryFacet.kind, StoryFacet.value)):
        by_kind.setdefault(kind, {})[value] = count
        if kind == "entity":
            names[value] = label
    langs = {str(lang): count for lang, count in session.execute(
        select(Article.language, func.count(distinct(Article.story_id)))
        .where(Article.story_id.in_(scope), Article.language.is_not(None),
               Article.language != "").group_by(Article.language))}
    outlets, tags = _outlets_and_tags(session, scope)
    stories = min(matched, FACET_LIMIT)
    reviews = _tally({sid: {kind} for sid, kind in
                      _reviews(session, Mark.story_id.in_(scope)).items()})
    if stories > sum(reviews.values()):
        reviews["unreviewed"] = stories - sum(reviews.values())
    return FacetCounts(
        rule=_counted(by_kind["rule"]), country=_counted(by_kind["country"]),
        entity=_counted(by_kind["entity"]), entity_names=names, outlet=_counted(outlets),
        tag=_counted(tags), lang=_counted(langs), review=_counted(reviews), stories=stories,
        capped=matched > FACET_LIMIT, scan=scan)
