"""All SQL of monitor: feeds and their poll state, articles, hits and the alert outbox.

Functions take a ``Session`` (or an ``Engine`` for whole units of work) and plain values, and
return plain values or ORM rows. SQLAlchemy errors are translated to ``StoreError`` by
``unit_of_work``. Every value written is first made storable (``monitor.db.clean``): NUL and
control characters stripped, lengths fitted to the columns, dates clamped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from monitor.config import FeedConfig
from monitor.db.clean import clean_row
from monitor.db.entries import (  # re-exported: callers know them as store.*
    EntryLink,
    NewArticle,
    NewHit,
    Stored,
    article_ids_by_url,
    known_entry_keys,
    store_entries,
)
from monitor.db.models import Alert, Article, Base, Feed, FeedEntry, Hit, Story
from monitor.errors import StoreError

# Re-exported from monitor.db.entries (the functions defined here are public as well).
__all__ = ["EntryLink", "NewArticle", "NewHit", "Stored", "article_ids_by_url",
           "known_entry_keys", "store_entries"]


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session committed on success, rolled back on error; DB errors become ``StoreError``."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database error: {type(exc).__name__}: {exc.args[0] if exc.args else exc}"
                         ) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# ---- feeds ------------------------------------------------------------------------------------

def sync_feeds(session: Session, feeds: Sequence[FeedConfig], now: datetime) -> None:
    """Make the feeds table match the config: add new feeds, update changed ones, disable the
    ones no longer configured (their history stays). A feed whose stored URL came from a
    permanent redirect keeps it while the config still names the old URL. On PostgreSQL an
    advisory lock serialises instances starting together."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("select pg_advisory_xact_lock(7310420001)"))
    existing = {f.name: f for f in session.scalars(select(Feed))}
    for cfg in feeds:
        row = existing.pop(cfg.name, None)
        if row is None:
            session.add(Feed(name=cfg.name, url=cfg.url, config_url=cfg.url, tags=list(cfg.tags),
                             interval_seconds=cfg.interval, full_text=cfg.full_text,
                             enabled=True, error_count=0, created_at=now, next_check_at=now))
            continue
        if (row.config_url or row.url) != cfg.url:  # the user changed the URL
            row.url, row.config_url = cfg.url, cfg.url
            row.etag, row.last_modified, row.body_hash = None, None, None
            row.next_check_at, row.dead_reason, row.error_count = now, None, 0
        row.tags, row.interval_seconds, row.full_text = list(cfg.tags), cfg.interval, cfg.full_text
        row.source = "config"
        if not row.enabled:
            row.enabled, row.next_check_at = True, now
    for row in existing.values():
        if row.source == "config":  # imported feeds are managed with `monitor feeds import`
            row.enabled = False


def import_feeds(session: Session, feeds: Sequence[tuple[str, str, list[str]]],
                 now: datetime, source: str = "opml") -> list[str]:
    """Add feeds (name, url, tags) not known by name or URL; returns the names added."""
    rows = list(session.scalars(select(Feed)))
    names = {f.name for f in rows}
    urls = {u for f in rows for u in (f.url, f.config_url) if u}
    added = []
    for name, url, tags in feeds:
        if name in names or url in urls:
            continue
        session.add(Feed(name=name, url=url, config_url=url, tags=list(tags), source=source,
                         enabled=True, error_count=0, created_at=now, next_check_at=now))
        names.add(name)
        urls.add(url)
        added.append(name)
    session.flush()
    return added


def feed_by_name(session: Session, name: str) -> Feed | None:
    return session.scalars(select(Feed).where(Feed.name == name)).one_or_none()


def delete_feed(session: Session, name: str) -> bool:
    """Delete a feed and its entry links (its articles, hits and alerts stay)."""
    feed = feed_by_name(session, name)
    if feed is None:
        return False
    session.execute(delete(FeedEntry).where(FeedEntry.feed_id == feed.id))
    session.delete(feed)
    session.flush()
    return True


def set_feed_enabled(session: Session, name: str, enabled: bool, now: datetime) -> Feed | None:
    """Turn a feed off, or on again: due at once, its errors forgotten, revived if dead."""
    feed = feed_by_name(session, name)
    if feed is None:
        return None
    feed.enabled = enabled
    if enabled:
        feed.next_check_at, feed.error_count, feed.dead_reason = now, 0, None
    session.flush()
    return feed


def claim_feed(session: Session, name: str, now: datetime, owner: str,
               lease_seconds: float) -> Feed | None:
    """Lease one feed to poll now, whatever its schedule; None while another instance holds
    a lease on it."""
    stmt = select(Feed).where(Feed.name == name)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    feed = session.scalars(stmt).one_or_none()
    if feed is None or (feed.lease_owner not in (None, owner) and feed.lease_expires_at
                        and feed.lease_expires_at > now):
        return None
    feed.lease_owner, feed.lease_expires_at = owner, now + timedelta(seconds=lease_seconds)
    session.flush()
    return feed


def claim_due_feeds(session: Session, now: datetime, limit: int, owner: str,
                    lease_seconds: float) -> list[Feed]:
    """Claim up to ``limit`` feeds whose next check has come (the longest-waiting first) by
    writing a lease; feeds leased by someone else are skipped until the lease expires. On
    PostgreSQL the rows are locked with SKIP LOCKED so concurrent pollers never wait on or
    take each other's feeds."""
    stmt = (select(Feed)
            .where(Feed.enabled.is_(True), Feed.dead_reason.is_(None),
                   (Feed.next_check_at.is_(None)) | (Feed.next_check_at <= now),
                   (Feed.lease_expires_at.is_(None)) | (Feed.lease_expires_at <= now))
            .order_by(Feed.next_check_at.asc().nulls_first(), Feed.id)
            .limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    feeds = list(session.scalars(stmt))
    until = now + timedelta(seconds=lease_seconds)
    for feed in feeds:
        feed.lease_owner, feed.lease_expires_at = owner, until
    session.flush()
    return feeds


def release_leases(session: Session, owner: str | None) -> int:
    """Give back every lease ``owner`` holds (on shutdown), or every lease (owner None)."""
    stmt = update(Feed).where(Feed.lease_owner.is_not(None))
    if owner is not None:
        stmt = stmt.where(Feed.lease_owner == owner)
    result = session.execute(stmt.values(lease_owner=None, lease_expires_at=None))
    return int(getattr(result, "rowcount", 0) or 0)


def lease_owners(session: Session) -> set[str]:
    """Every instance holding a lease on a feed or an alert."""
    feeds = session.scalars(select(Feed.lease_owner).where(Feed.lease_owner.is_not(None)))
    alerts = session.scalars(select(Alert.lease_owner).where(Alert.lease_owner.is_not(None)))
    return {o for o in (*feeds, *alerts) if o}


def list_feeds(session: Session) -> list[Feed]:
    return list(session.scalars(select(Feed).order_by(Feed.name)))


def article_counts_by_feed(session: Session) -> dict[int, int]:
    rows = session.execute(select(FeedEntry.feed_id, func.count()).group_by(FeedEntry.feed_id))
    return {feed_id: n for feed_id, n in rows}


@dataclass
class FeedState:
    """What a poll learned about a feed; written by ``record_poll``."""

    status: int | None
    error: str | None
    next_check_at: datetime
    checked_at: datetime
    success: bool
    count_failure: bool = True  # False for throttling and network outages
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    url: str | None = None  # a permanent redirect's target
    validators: bool = False  # whether etag/last_modified/body_hash are to be stored
    dead_reason: str | None = None
    entries_per_week: float | None = None


def record_poll(session: Session, feed_id: int, state: FeedState) -> None:
    """Write a poll's outcome and release the feed's lease."""
    record_polls(session, [(feed_id, state)])


def record_polls(session: Session, polls: Sequence[tuple[int, FeedState]]) -> None:
    """Write the outcomes of many polls and release their leases: one executemany per shape
    of update (a Core statement; the ORM's bulk UPDATE cost ~1 ms a feed in a profile)."""
    groups: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = {}
    for feed_id, state in polls:
        values: dict[str, Any] = {
            "last_status": state.status,
            "last_error": state.error,
            "last_checked_at": state.checked_at,
            "next_check_at": state.next_check_at,
            "lease_owner": None,
            "lease_expires_at": None,
        }
        if state.success:
            values.update(error_count=0, last_success_at=state.checked_at)
        if state.dead_reason:
            values["dead_reason"] = state.dead_reason
        if state.entries_per_week is not None:
            values["entries_per_week"] = state.entries_per_week
        if state.validators:
            values.update(etag=state.etag, last_modified=state.last_modified,
                          body_hash=state.body_hash)
        if state.url:
            values["url"] = state.url
        values = clean_row(_table(Feed), values)
        increment = not state.success and state.count_failure
        groups.setdefault((tuple(sorted(values)), increment), []).append(
            {"feed_id_": feed_id, **{f"{k}_": v for k, v in values.items()}})
    table = _table(Feed)
    for (keys, increment), rows in groups.items():
        stmt = (update(table).where(table.c.id == bindparam("feed_id_"))
                .values({k: bindparam(f"{k}_") for k in keys}))
        if increment:
            stmt = stmt.values(error_count=table.c.error_count + 1)
        session.execute(stmt, rows)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# ---- articles ---------------------------------------------------------------------------------

def recent_story_articles(session: Session, since: datetime) -> list[Article]:
    """Articles of the stories started since ``since`` (to fill the story index at start)."""
    stmt = (select(Article).join(Story, Story.id == Article.story_id)
            .where(Story.created_at >= since).order_by(Article.id))
    return list(session.scalars(stmt))


def articles_since(session: Session, since: datetime | None, limit: int, after_id: int = 0
                   ) -> list[Article]:
    """Stored articles (oldest first) created at or after ``since``, in pages by id."""
    stmt = select(Article).where(Article.id > after_id).order_by(Article.id).limit(limit)
    if since is not None:
        stmt = stmt.where(Article.created_at >= since)
    return list(session.scalars(stmt))


def feeds_and_tags(session: Session, article_ids: Sequence[int]
                   ) -> dict[int, tuple[list[str], list[str]]]:
    """For each article, the names and tags of the feeds that carried it."""
    out: dict[int, tuple[list[str], list[str]]] = {}
    if not article_ids:
        return out
    rows = session.execute(select(FeedEntry.article_id, Feed.name, Feed.tags)
                           .join(Feed, Feed.id == FeedEntry.feed_id)
                           .where(FeedEntry.article_id.in_(article_ids)))
    for article_id, name, tags in rows:
        names, all_tags = out.setdefault(article_id, ([], []))
        if name not in names:
            names.append(name)
        all_tags.extend(t for t in tags or [] if t not in all_tags)
    return out


def existing_hits(session: Session, article_ids: Sequence[int]) -> set[tuple[int, str]]:
    if not article_ids:
        return set()
    rows = session.execute(select(Hit.article_id, Hit.rule)
                           .where(Hit.article_id.in_(article_ids)))
    return {(a, r) for a, r in rows}


def add_hit(session: Session, article_id: int, hit: NewHit, now: datetime) -> None:
    """Store a hit without queueing alerts (used by backtest --apply)."""
    session.add(Hit(article_id=article_id, rule=hit.rule, severity=hit.severity,
                    score=hit.score, evidence=hit.evidence, created_at=now))


# ---- hits --------------------------------------------------------------------------

def list_hits(session: Session, since: datetime | None = None, rule: str | None = None,
              limit: int = 200) -> list[Hit]:
    stmt = select(Hit).options(joinedload(Hit.article)).order_by(Hit.created_at.desc(),
                                                                   Hit.id.desc())
    if since is not None:
        stmt = stmt.where(Hit.created_at >= since)
    if rule:
        stmt = stmt.where(Hit.rule == rule)
    return list(session.scalars(stmt.limit(limit)))


def feeds_of_article(session: Session, article_id: int) -> list[str]:
    stmt = (select(Feed.name).join(FeedEntry, FeedEntry.feed_id == Feed.id)
            .where(FeedEntry.article_id == article_id).distinct().order_by(Feed.name))
    return list(session.scalars(stmt))


def feeds_of_articles(session: Session, article_ids: Sequence[int]) -> dict[int, list[str]]:
    """``feeds_of_article`` for many articles in one query (an article no feed carries is
    not among the keys)."""
    if not article_ids:
        return {}
    rows = session.execute(select(FeedEntry.article_id, Feed.name)
                           .join(Feed, Feed.id == FeedEntry.feed_id)
                           .where(FeedEntry.article_id.in_(article_ids))
                           .distinct().order_by(FeedEntry.article_id, Feed.name))
    out: dict[int, list[str]] = {}
    for article_id, name in rows:
        out.setdefault(article_id, []).append(name)
    return out


def feeds_in_error(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Feed).where(
        Feed.enabled.is_(True), (Feed.error_count > 0) | Feed.dead_reason.is_not(None))) or 0)


def prune_article_text(session: Session, before: datetime) -> int:
    """Drop the text of articles stored before ``before`` (titles, links, hits, evidence and
    alerts stay). Returns how many articles were pruned."""
    result = session.execute(update(Article).where(
        Article.created_at < before, Article.text.is_not(None)).values(text=None))
    return int(getattr(result, "rowcount", 0) or 0)


def database_size(session: Session) -> int | None:
    """Bytes on disk, where the database can tell."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return int(session.scalar(text("select pg_database_size(current_database())")) or 0)
    if dialect == "sqlite":
        pages = session.scalar(text("pragma page_count")) or 0
        size = session.scalar(text("pragma page_size")) or 0
        return int(pages) * int(size)
    return None
