"""Storing what a poll brings: new articles with their stories, hits and outbox rows, and the
feed entries that link to them, in bulk; a row the database refuses costs only its article.

Every value is made storable first (``monitor.db.clean``), in copies: the articles given are
frozen and may be shared by two feeds' tasks, and what storing assigns (story and article
ids) comes back in ``Stored``. The rows of a feed go in with one bulk INSERT per kind of row
inside one savepoint; only when the database refuses one are they stored article by article,
each in a savepoint of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    InternalError,
    ProgrammingError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm import Session

from monitor.db import dialect
from monitor.db.articles import article_ids_by_url
from monitor.db.bulk import insert_rows, table_of
from monitor.db.clean import clean_value
from monitor.db.hits import insert_hits
from monitor.db.models import Article, Feed, FeedEntry
from monitor.db.outbox import queue_alerts
from monitor.db.stories import start_stories
from monitor.model import EntryLink, NewArticle, Stored, StoredArticle

log = logging.getLogger("monitor.store")

# An article as given (reported back in ``Stored``) and its storable copy (what is written).
Pair = tuple[NewArticle, NewArticle]
DueAt = Callable[[str], datetime]


def store_entries(session: Session, feed_id: int, links: Sequence[EntryLink],
                  articles: Sequence[NewArticle], now: datetime,
                  due_at: DueAt | None = None) -> Stored:
    """Store new articles (with their stories, hits and outbox rows) and link every entry to
    its article. An article that already exists (same canonical URL) is linked, not
    duplicated. An article without ``story_id`` starts a story. The first hit of a story for
    a rule and channel is queued as its alert; later ones as follow-ups of it. ``due_at``
    says when a channel wants its rows (a digest's next send time).

    Values are cleaned first (into copies: nothing given is written to). The rows go in bulk,
    inside one savepoint; when the database refuses one (bad data, a trigger: not a unique
    constraint, which is raised, nor a lost connection), the articles are stored one by one,
    each in its own savepoint, and the refused ones are listed in ``Stored.skipped`` instead
    of costing their siblings. When every article is refused for something other than its
    data (``_systemic``), the error is raised: nothing is kept."""
    pairs = [(given, _cleaned(given)) for given in articles]
    links = [EntryLink(clean_value(table_of(FeedEntry), "entry_key", ln.entry_key),
                       clean_value(table_of(Article), "canonical_url", ln.canonical_url))
             for ln in links]
    dialect.ensure_transaction(session.connection())
    try:
        with session.begin_nested():
            return _store_entries(session, feed_id, links, pairs, now, due_at)
    except REFUSALS as exc:
        if not _refused(exc):
            raise
        log.warning("the database refused a row of feed %d, storing its articles one by one "
                    "error=%r", feed_id, _reason(exc))
    return _store_one_by_one(session, feed_id, links, pairs, now, due_at)


def _groups(links: Sequence[EntryLink], pairs: Sequence[Pair]
            ) -> list[tuple[list[Pair], list[EntryLink]]]:
    """Each distinct article with its entries; the entries of articles already stored last,
    together."""
    aliases = {a.link_key: a.canonical_url for _, a in pairs
               if a.link_key and a.link_key != a.canonical_url}
    by_target: dict[str, list[EntryLink]] = {}
    for ln in links:
        by_target.setdefault(aliases.get(ln.canonical_url, ln.canonical_url), []).append(ln)
    unique: dict[str, Pair] = {}
    for pair in pairs:
        unique.setdefault(pair[1].canonical_url, pair)
    groups: list[tuple[list[Pair], list[EntryLink]]] = []
    for pair in unique.values():
        new = pair[1]
        own = [ln for key in (new.canonical_url, new.link_key) if key
               for ln in by_target.pop(key, [])]
        groups.append(([pair], own))
    groups.append(([], [ln for group in by_target.values() for ln in group]))
    return groups


def _store_one_by_one(session: Session, feed_id: int, links: Sequence[EntryLink],
                      pairs: Sequence[Pair], now: datetime, due_at: DueAt | None) -> Stored:
    """Each article with its entries in a savepoint of its own; the entries of articles
    already stored go last, together."""
    groups = _groups(links, pairs)
    out = Stored()
    systemic: list[Exception] = []
    took_rows = False  # the database stored some group: it works, refusals are the rows'
    for group_pairs, group_links in groups:
        try:
            with session.begin_nested():
                out.add(_store_entries(session, feed_id, group_links, group_pairs, now,
                                       due_at))
            took_rows = took_rows or bool(group_pairs or group_links)
        except REFUSALS as exc:
            if not _refused(exc):
                raise
            if group_pairs and _systemic(exc):
                systemic.append(exc)
            what = group_pairs[0][1].url if group_pairs else "links to stored articles"
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
    return str(clean_value(table_of(Feed), "last_error", f"{type(orig).__name__}: {orig}"))[:300]


def _cleaned(new: NewArticle) -> NewArticle:
    """A copy of ``new`` with every value as its column can store it."""
    table = table_of(Article)
    values = {name: clean_value(table, name, getattr(new, name))
              for name in ("canonical_url", "url", "title", "summary", "text", "text_source",
                           "published_at", "author", "site_name", "language", "meta")}
    if new.link_key:
        values["link_key"] = clean_value(table, "canonical_url", new.link_key)
    return replace(new, **values)


def _store_entries(session: Session, feed_id: int, links: Sequence[EntryLink],
                   pairs: Sequence[Pair], now: datetime, due_at: DueAt | None) -> Stored:
    existing = article_ids_by_url(session, [a.canonical_url for _, a in pairs])
    fresh: dict[str, Pair] = {}
    for given, new in pairs:
        if new.canonical_url not in existing:
            fresh.setdefault(new.canonical_url, (given, new))
    # Bulk INSERTs (Core, with RETURNING in parameter order for the ids), one per kind of
    # row: the ORM's unit of work cost ~1 ms a row in a 10,000-feed profile.
    stored = _insert_articles(session, list(fresh.values()), now)
    existing.update(zip(fresh, (a.article_id for a in stored), strict=True))
    hits = [(a.story_id, a.article_id, h) for a in stored for h in a.article.hits]
    hit_ids = insert_hits(session, [(article_id, h) for _, article_id, h in hits], now)
    out = Stored(articles=len(stored), hits=len(hits), new_articles=stored)
    out.alerts = queue_alerts(session, [(story_id, h, hit_id) for (story_id, _, h), hit_id
                                        in zip(hits, hit_ids, strict=True)], now, due_at)
    aliases = {a.link_key: a.canonical_url for _, a in pairs
               if a.link_key and a.link_key != a.canonical_url}
    _link_entries(session, feed_id, links, aliases, existing, now)
    return out


def _insert_articles(session: Session, fresh: Sequence[Pair], now: datetime
                     ) -> list[StoredArticle]:
    """Insert the articles (the cleaned copies), starting a story for each that joins none;
    what was stored, reported with the articles as given."""
    starting = [new for _, new in fresh if new.story_id is None]
    started = iter(start_stories(session, [new.title for new in starting], now))
    story_ids = [new.story_id if new.story_id is not None else next(started)
                 for _, new in fresh]
    created = clean_value(table_of(Article), "created_at", now)
    # The copies are cleaned already (``_cleaned``): cleaning their long texts twice showed.
    article_ids = insert_rows(session, Article, [
        {"canonical_url": new.canonical_url, "url": new.url, "title": new.title,
         "summary": new.summary, "text": new.text, "text_source": new.text_source,
         "published_at": new.published_at, "author": new.author, "site_name": new.site_name,
         "language": new.language, "meta": new.meta, "story_id": story_id,
         "created_at": created} for (_, new), story_id in zip(fresh, story_ids, strict=True)],
        storable=True)
    return [StoredArticle(story_id, article_id, given) for (given, _), story_id, article_id
            in zip(fresh, story_ids, article_ids, strict=True)]


def _link_entries(session: Session, feed_id: int, links: Sequence[EntryLink],
                  aliases: dict[str, str], existing: dict[str, int], now: datetime) -> None:
    """Link each entry to its article (stored now or before); one row per entry key."""
    targets = [aliases.get(ln.canonical_url, ln.canonical_url) for ln in links]
    existing.update(article_ids_by_url(session, [t for t in targets if t not in existing]))
    seen_keys: set[str] = set()
    entries: list[dict[str, Any]] = []
    seen_at = clean_value(table_of(FeedEntry), "seen_at", now)
    for link, target in zip(links, targets, strict=True):
        if link.entry_key in seen_keys or target not in existing:
            continue
        seen_keys.add(link.entry_key)
        # (the keys were cleaned by ``store_entries``)
        entries.append({"feed_id": feed_id, "entry_key": link.entry_key,
                        "article_id": existing[target], "seen_at": seen_at})
    if entries:
        session.execute(insert(table_of(FeedEntry)), entries)
