"""Storing what a poll brings: new articles with their stories, hits and outbox rows, and the
feed entries that link to them, in bulk; a row the database refuses costs only its article.

Every value is made storable first (``monitor.db.clean``). The rows of a feed go in with one
bulk INSERT per kind of row inside one savepoint; only when the database refuses one are
they stored article by article, each in a savepoint of its own. Re-exported by
``monitor.db.store``, which holds the rest of monitor's SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    InternalError,
    ProgrammingError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm import Session

from monitor.db.clean import clean_row, clean_value
from monitor.db.models import Alert, Article, Base, Feed, FeedEntry, Hit, Story
from monitor.evidence_model import Evidence

log = logging.getLogger("monitor.store")


def known_entry_keys(session: Session, feed_id: int, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` the feed has brought before."""
    return {str(key) for key, in _lookup(
        session, "select entry_key from feed_entries where feed_id = {p} and entry_key in ({ps})",
        (feed_id,), keys)}


def article_ids_by_url(session: Session, urls: Sequence[str]) -> dict[str, int]:
    """The ids of the stored articles among ``urls`` (canonical URLs)."""
    return {str(url): int(aid) for url, aid in _lookup(
        session, "select canonical_url, id from articles where canonical_url in ({ps})", (), urls)}


def _lookup(session: Session, sql: str, params: tuple[Any, ...], values: Sequence[str]
            ) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``{p}`` bound to ``params`` and ``{ps}`` to chunks of ``values``.

    Plain driver SQL, on purpose: these are the two look-ups made for every changed feed,
    and SQLAlchemy's statement machinery (an expanding IN) cost 240 µs a query here against
    35 µs for the driver (timeit, SQLite) — a fifth of the event loop's time in a
    10,000-feed cycle. The SQL is portable; only the placeholder differs by driver."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(values), 500):
        chunk = tuple(values[i:i + 500])
        query = sql.format(p=mark, ps=", ".join([mark] * len(chunk)))
        rows += [tuple(r) for r in conn.exec_driver_sql(query, params + chunk)]
    return rows


@dataclass
class NewHit:
    rule: str
    severity: str
    score: float
    evidence: Evidence
    channels: list[str]


@dataclass
class NewArticle:
    canonical_url: str
    url: str
    title: str
    summary: str
    text: str | None
    text_source: str
    published_at: datetime | None = None
    author: str | None = None
    site_name: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    hits: list[NewHit] = field(default_factory=list)
    link_key: str | None = None  # the entry's own canonical link, when a redirect changed it
    story_id: int | None = None  # the story it joins; None starts a new one


@dataclass
class EntryLink:
    entry_key: str
    canonical_url: str


@dataclass
class Stored:
    articles: int = 0
    hits: int = 0
    alerts: int = 0
    # (story id, article id, article) of each article stored
    new_articles: list[tuple[int, int, NewArticle]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # articles the database refused, and why

    def add(self, other: Stored) -> None:
        self.articles += other.articles
        self.hits += other.hits
        self.alerts += other.alerts
        self.new_articles += other.new_articles
        self.skipped += other.skipped


def store_entries(session: Session, feed_id: int, links: Sequence[EntryLink],
                  articles: Sequence[NewArticle], now: datetime,
                  due_at: Callable[[str], datetime] | None = None) -> Stored:
    """Store new articles (with their stories, hits and outbox rows) and link every entry to
    its article. An article that already exists (same canonical URL) is linked, not
    duplicated. An article without ``story_id`` starts a story. The first hit of a story for
    a rule and channel is queued as its alert; later ones as follow-ups of it. ``due_at``
    says when a channel wants its rows (a digest's next send time).

    Values are cleaned first (the articles in place: what is stored is what they say). The
    rows go in bulk, inside one savepoint; when the database refuses one (bad data, a
    trigger: not a unique constraint, which is raised, nor a lost connection), the articles
    are stored one by one, each in its own savepoint, and the refused ones are listed in
    ``Stored.skipped`` instead of costing their siblings. When every article is refused for
    something other than its data (``_systemic``), the error is raised: nothing is kept."""
    for new in articles:
        _clean_article(new)
    links = [EntryLink(clean_value(_table(FeedEntry), "entry_key", ln.entry_key),
                       clean_value(_table(Article), "canonical_url", ln.canonical_url))
             for ln in links]
    stories = [(new, new.story_id) for new in articles]
    _begin(session)
    try:
        with session.begin_nested():
            return _store_entries(session, feed_id, links, articles, now, due_at)
    except REFUSALS as exc:
        if not _refused(exc):
            raise
        for new, story_id in stories:  # the stories started in the savepoint are gone
            new.story_id = story_id
        log.warning("the database refused a row of feed %d, storing its articles one by one "
                    "error=%r", feed_id, _reason(exc))
    return _store_one_by_one(session, feed_id, links, articles, now, due_at)


def _store_one_by_one(session: Session, feed_id: int, links: Sequence[EntryLink],
                      articles: Sequence[NewArticle], now: datetime,
                      due_at: Callable[[str], datetime] | None) -> Stored:
    """Each article with its entries in a savepoint of its own; the entries of articles
    already stored go last, together."""
    aliases = {a.link_key: a.canonical_url for a in articles
               if a.link_key and a.link_key != a.canonical_url}
    by_target: dict[str, list[EntryLink]] = {}
    for ln in links:
        by_target.setdefault(aliases.get(ln.canonical_url, ln.canonical_url), []).append(ln)
    groups: list[tuple[list[NewArticle], list[EntryLink]]] = []
    unique: dict[str, NewArticle] = {}
    for new in articles:
        unique.setdefault(new.canonical_url, new)
    for new in unique.values():
        own = [ln for key in (new.canonical_url, new.link_key) if key
               for ln in by_target.pop(key, [])]
        groups.append(([new], own))
    groups.append(([], [ln for group in by_target.values() for ln in group]))
    out = Stored()
    systemic: list[Exception] = []
    took_rows = False  # the database stored some group: it works, refusals are the rows'
    for group_articles, group_links in groups:
        try:
            with session.begin_nested():
                out.add(_store_entries(session, feed_id, group_links, group_articles, now,
                                       due_at))
            took_rows = took_rows or bool(group_articles or group_links)
        except REFUSALS as exc:
            if not _refused(exc):
                raise
            if group_articles and _systemic(exc):
                systemic.append(exc)
            what = group_articles[0].url if group_articles else "links to stored articles"
            log.error("the database refused an article feed=%d url=%s error=%r", feed_id,
                      what, _reason(exc))
            out.skipped.append(f"{what[:200]}: {_reason(exc)}")
    if systemic and len(systemic) == len(groups) - 1 and not took_rows:
        # Every article refused, not for its data (a missing table, a trigger, a bug), and
        # nothing else went in: not the rows' fault. Nothing is kept and the error raised: the
        # feed is polled again. (When the entries linking stored articles did go in, the
        # database works and the refused article is the one to skip, whichever feed stored
        # the shared ones first.)
        raise systemic[0]
    return out


# What a refused value raises: SQLAlchemy's errors, or the driver's own when it cannot even
# encode a value (psycopg raises UnicodeEncodeError for a lone surrogate, unwrapped).
REFUSALS = (SQLAlchemyError, ValueError, TypeError, OverflowError)


def _refused(exc: Exception) -> bool:
    """Whether the database refused these values (so other rows may still go in): bad data,
    a trigger, a value its driver cannot send. Not a unique constraint (another instance
    was faster: the caller retries) nor a lost or locked connection (nothing would go in)."""
    if not isinstance(exc, SQLAlchemyError) or isinstance(
            exc, DataError | InternalError | ProgrammingError):  # PL/pgSQL RAISE: Programming
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


def _systemic(exc: Exception) -> bool:
    """A refusal that may not be about the values: SQL the database would not run (which is
    also how PostgreSQL reports a trigger's RAISE), or an error of the code, not the driver's
    encoding."""
    if isinstance(exc, SQLAlchemyError):
        return isinstance(exc, ProgrammingError)
    return not isinstance(exc, UnicodeError)


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(clean_value(_table(Feed), "last_error", f"{type(orig).__name__}: {orig}"))[:300]


def _begin(session: Session) -> None:
    """Make sure a transaction is open: on SQLite, pysqlite opens none before the first
    write, and releasing a savepoint outside one would commit it."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", True):
            conn.exec_driver_sql("BEGIN")


def _clean_article(new: NewArticle) -> None:
    table = _table(Article)
    for name in ("canonical_url", "url", "title", "summary", "text", "text_source",
                 "published_at", "author", "site_name", "language", "meta"):
        setattr(new, name, clean_value(table, name, getattr(new, name)))
    if new.link_key:
        new.link_key = clean_value(table, "canonical_url", new.link_key)


def _store_entries(session: Session, feed_id: int, links: Sequence[EntryLink],
                   articles: Sequence[NewArticle], now: datetime,
                   due_at: Callable[[str], datetime] | None) -> Stored:
    existing = article_ids_by_url(session, [a.canonical_url for a in articles])
    aliases = {a.link_key: a.canonical_url for a in articles
               if a.link_key and a.link_key != a.canonical_url}
    out = Stored()
    fresh: dict[str, NewArticle] = {}
    for new in articles:
        if new.canonical_url not in existing:
            fresh.setdefault(new.canonical_url, new)
    # Bulk INSERTs (Core, with RETURNING in parameter order for the ids), one per kind of
    # row: the ORM's unit of work cost ~1 ms a row in a 10,000-feed profile.
    starting = [new for new in fresh.values() if new.story_id is None]
    for new, story_id in zip(starting, _insert(session, Story, [
            {"title": new.title, "created_at": now} for new in starting]), strict=True):
        new.story_id = story_id
    article_ids = _insert(session, Article, [
        {"canonical_url": new.canonical_url, "url": new.url, "title": new.title,
         "summary": new.summary, "text": new.text, "text_source": new.text_source,
         "published_at": new.published_at, "author": new.author, "site_name": new.site_name,
         "language": new.language, "meta": new.meta, "story_id": new.story_id,
         "created_at": now} for new in fresh.values()])
    hits: list[tuple[NewArticle, NewHit, int]] = []
    for new, article_id in zip(fresh.values(), article_ids, strict=True):
        existing[new.canonical_url] = article_id
        assert new.story_id is not None
        out.new_articles.append((new.story_id, article_id, new))
        hits += [(new, h, article_id) for h in new.hits]
    hit_ids = _insert(session, Hit, [
        {"article_id": article_id, "rule": h.rule, "severity": h.severity, "score": h.score,
         "evidence": h.evidence, "created_at": now} for _, h, article_id in hits])
    out.articles = len(fresh)
    out.hits = len(hits)
    out.alerts = _queue_alerts(session, [(new, h, hit_id) for (new, h, _), hit_id
                                         in zip(hits, hit_ids, strict=True)], now, due_at)
    targets = [aliases.get(ln.canonical_url, ln.canonical_url) for ln in links]
    existing.update(article_ids_by_url(session, [t for t in targets if t not in existing]))
    seen_keys: set[str] = set()
    entries = []
    for link, target in zip(links, targets, strict=True):
        if link.entry_key in seen_keys or target not in existing:
            continue
        seen_keys.add(link.entry_key)
        entries.append({"feed_id": feed_id, "entry_key": link.entry_key,
                        "article_id": existing[target], "seen_at": now})
    if entries:
        session.execute(insert(_table(FeedEntry)), [clean_row(_table(FeedEntry), e)
                                                    for e in entries])
    return out


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
    """INSERT ``rows``; their new ids in the order of ``rows``."""
    if not rows:
        return []
    table = _table(model)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in session.execute(
        stmt, [clean_row(table, row) for row in rows]).scalars()]


def _queue_alerts(session: Session, hits: Sequence[tuple[NewArticle, NewHit, int]],
                  now: datetime, due_at: Callable[[str], datetime] | None) -> int:
    """Outbox rows for new hits: the first of a (story, rule, channel) is its alert, later
    ones follow-ups pointing at it. Returns how many rows were queued."""
    table = _table(Alert)
    wanted = [(str(clean_value(table, "story_key", f"{new.story_id}:{h.rule}:{channel}")),
               hit_id, channel) for new, h, hit_id in hits for channel in h.channels]
    keys = sorted({key for key, _, _ in wanted})
    parents: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        parents.update({k: aid for k, aid in session.execute(
            select(Alert.story_key, Alert.id).where(Alert.story_key.in_(keys[i:i + 500])))
            if k is not None})

    def row(hit_id: int, channel: str, kind: str, key: str | None,
            parent: int | None) -> dict[str, Any]:
        return {"hit_id": hit_id, "channel": channel, "status": "pending", "attempts": 0,
                "kind": kind, "story_key": key, "parent_id": parent,
                "next_attempt_at": due_at(channel) if due_at else now, "created_at": now}

    firsts: dict[str, dict[str, Any]] = {}
    later: list[tuple[str, int, str]] = []
    for key, hit_id, channel in wanted:
        if key in parents or key in firsts:
            later.append((key, hit_id, channel))
        else:
            firsts[key] = row(hit_id, channel, "alert", key, None)
    parents.update(zip(firsts, _insert(session, Alert, list(firsts.values())), strict=True))
    _insert(session, Alert, [row(hit_id, channel, "followup", None, parents[key])
                             for key, hit_id, channel in later])
    return len(wanted)
