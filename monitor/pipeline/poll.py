"""One feed poll, the shell around the pure decider (``ingest.decide``):

    fetch → decide → build the new entries' articles → store them with the feed's state

What a poll leaves to record is returned: a failure's state, written by the caller (the cycle
first checks a group of failures for a network outage). A success is recorded here, with its
entries, in one group-writer job.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from monitor import model
from monitor.app import App
from monitor.db import articles, entries
from monitor.db.writer import Job, Record
from monitor.db_work import read_sql
from monitor.errors import FeedParseError, FetchError, StoreError
from monitor.ingest import decide, schedule
from monitor.ingest.decide import Failed, FeedSnapshot, Fetched, PollPlan, Verdict
from monitor.ingest.feeds import Entry, ParsedFeed
from monitor.ingest.fetch import feed_may_be_private, fetch
from monitor.ingest.identity import article_key
from monitor.ingest.probe import FEED_ACCEPT
from monitor.ingest.workers import parse_in_pool
from monitor.model import PolledFeed
from monitor.net.log_url import public_url
from monitor.pipeline.articles import (
    article_once,
    articles_or_fallbacks,
    build_from_feed,
    due_at,
    story_signature,
)
from monitor.rules.engine import Context
from monitor.stories import Signature

log = logging.getLogger("monitor.pipeline")
# The entry keys of a feed handed to its parse (``ingest.incremental``): a feed lists far
# fewer; an older entry listed again is parsed, then found known by ``_unseen``.
KNOWN_KEYS = 500

Polled = tuple["PollOutcome", model.FeedState | None]  # the outcome, and a state left to record


@dataclass
class PollOutcome:
    feed: str
    ok: bool
    status: int | None = None
    error: str | None = None
    entries: int = 0
    new_entries: int = 0
    articles: int = 0
    hits: int = 0
    alerts: int = 0
    unreachable: bool = False  # the host could not be reached at all


@dataclass(frozen=True)
class _Batch:
    """A poll's new entries: every link to record, the articles built, what failed."""

    links: list[model.EntryLink] = field(default_factory=list)
    articles: list[model.NewArticle] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    new: int = 0


def limits(app: App) -> schedule.Limits:
    return schedule.Limits(app.config.scheduler.min_interval, app.config.scheduler.max_interval)


def answered_at(cycle_now: datetime, cycle_started: float | None) -> datetime:
    """When the feed answered, on the cycle's clock: the next check counts from then, not
    from the start of a cycle that may have lasted longer than the feed's interval (another
    instance would otherwise find it due again a moment after it was polled)."""
    if cycle_started is None:
        return cycle_now
    return cycle_now + timedelta(seconds=time.monotonic() - cycle_started)


def snapshot(feed: PolledFeed) -> FeedSnapshot:
    return FeedSnapshot(name=feed.name, url=feed.url, last_status=feed.last_status,
                        error_count=feed.error_count, body_hash=feed.body_hash,
                        interval=feed.interval_seconds, entries_per_week=feed.entries_per_week)


async def timed_poll(app: App, feed: PolledFeed, now: datetime, cycle_started: float) -> Polled:
    started = time.perf_counter()
    try:
        return await poll_feed(app, feed, now, cycle_started)
    finally:
        app.metrics.poll_seconds.observe(time.perf_counter() - started)


async def poll_feed(app: App, feed: PolledFeed, now: datetime, cycle_started: float | None = None
                    ) -> Polled:
    """Poll one feed and store what is new. Never raises (but for cancellation): a failure is
    returned as the state to record (poll_cycle writes those of a batch together, after
    checking for a network outage); a success records its state through the group writer,
    with the entries it brought. An error nobody foresaw (a bug) is logged with its
    traceback and recorded on this feed, with back-off, instead of ending the cycle."""
    try:
        return await _poll(app, feed, now, cycle_started)
    except StoreError as exc:  # the database, not the feed: polled again soon, not counted
        log.warning("poll not recorded feed=%s error=%r", feed.name, str(exc))
        state = decide.not_stored(str(exc), None, answered_at(now, cycle_started), limits(app))
        return PollOutcome(feed.name, ok=False, error=state.error), state
    except Exception as exc:
        log.exception("poll failed unexpectedly feed=%s url=%s", feed.name,
                      public_url(feed.url))
        failed = Failed(f"internal error: {type(exc).__name__}: {exc}")
        plan = decide.decide_poll(snapshot(feed), failed, None, limits(app),
                                  answered_at(now, cycle_started), random.random())
        _log_plan(feed, plan)
        return _failed(feed, plan)


async def _poll(app: App, feed: PolledFeed, now: datetime, cycle_started: float | None) -> Polled:
    known = snapshot(feed)
    fetched = await _fetch(app, feed)
    # The feed's schedule counts from when it answered; what it brings is stored at ``now``.
    answered = answered_at(now, cycle_started)
    parsed, keys = None, frozenset[str]()
    if decide.needs_parse(fetched, known):
        keys = await read_sql(app, articles.recent_entry_keys, feed.id, KNOWN_KEYS)
        parsed = await _parse(app, known, fetched, keys)
    plan = decide.decide_poll(known, fetched, parsed, limits(app), answered, random.random())
    _log_plan(feed, plan)
    if not plan.ok:
        return _failed(feed, plan)
    # Fewer keys than asked for: they are all the feed's, and say which entries are new.
    every_key = keys if len(keys) < KNOWN_KEYS else None
    batch = (await _build(app, feed, plan, every_key) if plan.verdict is Verdict.ENTRIES
             else _Batch())
    return await _submit(app, feed, plan, batch, now)


async def _fetch(app: App, feed: PolledFeed) -> Fetched | Failed:
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            resp = await fetch(app.fetcher, feed.url, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2, etag=feed.etag,
                               last_modified=feed.last_modified, accept=FEED_ACCEPT,
                               max_redirects=cfg.max_redirects, gate=app.gate,
                               allow_private=feed_may_be_private(feed.source, cfg))
    except FetchError as exc:
        return Failed.of(exc)
    if resp.moved_to:
        log.info("feed moved permanently feed=%s from=%s to=%s", feed.name,
                 public_url(feed.url), public_url(resp.moved_to))
    return Fetched.of(resp)


async def _parse(app: App, known: FeedSnapshot, fetched: Fetched, keys: frozenset[str]
                 ) -> ParsedFeed | FeedParseError:
    """The body's new entries parsed (those whose key is not among ``keys``, the feed's
    known entries), or why it is not a feed."""
    resp = fetched.response
    try:
        return await parse_in_pool(app.pool, resp.body, decide.parse_base(known, fetched),
                                   resp.headers.get("content-type"),
                                   app.config.fetch.parse_timeout, keys)
    except FeedParseError as exc:
        return exc


def _log_plan(feed: PolledFeed, plan: PollPlan) -> None:
    status, error = plan.state.status, plan.state.error
    if plan.verdict is Verdict.THROTTLED:
        log.info("feed throttled feed=%s status=%s wait_seconds=%.0f", feed.name, status,
                 plan.wait)
    elif plan.verdict is Verdict.UNCHANGED:
        # DEBUG: a 10,000-feed list answers 304 all day; the cycle's summary counts every poll.
        log.debug("feed unchanged feed=%s status=%s", feed.name, status)
    elif not plan.ok:
        dead = plan.state.dead_reason
        log.warning("poll failed feed=%s url=%s status=%s error=%r", feed.name,
                    public_url(feed.url), status, error,
                    extra={"fields": {"dead": dead}} if dead else None)


def _failed(feed: PolledFeed, plan: PollPlan) -> Polled:
    outcome = PollOutcome(feed.name, ok=False, status=plan.state.status,
                          error=plan.state.error, unreachable=plan.unreachable)
    return outcome, plan.state


def _unseen(s: Connection, feed_id: int, by_key: dict[str, Entry], every_key: frozenset[str] | None
            ) -> tuple[dict[str, Entry], dict[str, str], set[str]]:
    """The entries this feed has not brought before (those not among ``every_key``, the
    feed's entry keys when all are known already), their article keys, and those keys
    already stored as articles (brought by another feed)."""
    known = every_key if every_key is not None else articles.known_entry_keys(
        s, feed_id, list(by_key))
    new = {k: e for k, e in by_key.items() if k not in known}
    urls = {k: article_key(e) for k, e in new.items()}
    return new, urls, set(articles.article_ids_by_url(s, list(urls.values())))


async def _build(app: App, feed: PolledFeed, plan: PollPlan, every_key: frozenset[str] | None
                 ) -> _Batch:
    """The articles of the entries this feed had not brought, built (or shared) at once."""
    new, urls, existing = await read_sql(app, _unseen, feed.id, dict(plan.entries), every_key)
    to_build = {urls[k]: e for k, e in new.items() if urls[k] not in existing}
    cfg = app.config.fetch
    full_text = cfg.full_text if feed.full_text is None else feed.full_text
    context = Context(feeds=(feed.name,), tags=feed.tags)
    built = (await asyncio.gather(*(article_once(app, url, e, True, plan.feed_title, context)
                                    for url, e in to_build.items()), return_exceptions=True)
             if full_text else await build_from_feed(app, to_build, plan.feed_title, context))
    made, failed = await articles_or_fallbacks(app, feed, to_build, built,
                                               plan.feed_title, context)
    return _Batch([model.EntryLink(k, urls[k]) for k in new], made, failed, len(new))


async def _submit(app: App, feed: PolledFeed, plan: PollPlan, batch: _Batch, now: datetime
                  ) -> Polled:
    """Store the batch and record the poll (an unchanged feed: the poll only), at once in
    the writer's next group commit: the feed's lease is released as soon as it is done."""
    job = _StoreJob(app, feed, plan, batch, now,
                    {a.canonical_url: story_signature(a, app) for a in batch.articles})
    try:
        stored = await app.writer.submit(Job(job.work, job.committed, job.undo, job.records))
    except StoreError as exc:
        # Another instance stored the same article a moment earlier (a unique constraint),
        # or the database refused this feed's rows: nothing of it was kept, its validators
        # included, so the next poll fetches it again. Not the feed's fault: not counted.
        state = decide.refused(plan, str(exc), limits(app))
        if not state.success:
            log.warning("storing failed feed=%s error=%r; polled again soon", feed.name,
                        str(exc))
        return PollOutcome(feed.name, ok=state.success, status=plan.state.status,
                           error=state.error), state
    if plan.verdict is Verdict.ENTRIES:
        log.info("feed polled feed=%s entries=%d new=%d articles=%d hits=%d alerts=%d",
                 feed.name, plan.entry_count, batch.new, stored.articles, stored.hits,
                 stored.alerts)
    return PollOutcome(feed.name, ok=True, status=plan.state.status, entries=plan.entry_count,
                       new_entries=batch.new, articles=stored.articles, hits=stored.hits,
                       alerts=stored.alerts), None


@dataclass
class _StoreJob:
    """The writer job of a successful poll: its entries and its state in one transaction
    (a crash before the commit loses both, and the next poll fetches the feed again). The
    state is left to the transaction (``records``), written with the other polls' at once."""

    app: App
    feed: PolledFeed
    plan: PollPlan
    batch: _Batch
    now: datetime
    signatures: dict[str, Signature | None]  # by canonical URL
    staged: list[int] = field(default_factory=list)  # story index entries added

    def work(self, s: Session) -> model.Stored:
        # In the writer's thread, one job at a time: stories are matched against everything
        # stored before, including earlier jobs of the same transaction. The built articles
        # stay as they are (another feed's task may share one): the story goes in a copy.
        app, now, stored = self.app, self.now, model.Stored()
        if self.plan.verdict is Verdict.ENTRIES:
            joining = [replace(art, story_id=app.stories.find(sig, now) if (
                sig := self.signatures[art.canonical_url]) else None)
                for art in self.batch.articles]
            stored = entries.store_entries(s, self.feed.id, self.batch.links, joining,
                                           now, due_at=lambda channel: due_at(app, channel, now))
        for story_id, _article_id, art in stored.new_articles:
            if (sig := self.signatures.get(art.canonical_url)) and (
                    entry := app.stories.add(story_id, sig, now)) is not None:
                self.staged.append(entry)
        return stored

    def records(self, stored: model.Stored) -> list[Record]:
        """The feed's poll record, written with the others of the transaction at its end."""
        return [(self.feed.id, decide.stored_state(self.plan, self.batch.failed,
                                                   stored.skipped))]

    def undo(self) -> None:
        for entry in self.staged:
            self.app.stories.remove(entry)
        self.staged.clear()

    def committed(self, stored: model.Stored) -> None:
        for story_id, article_id, art in stored.new_articles:
            for hit in art.hits:
                self.app.metrics.hits.labels(hit.rule).inc()
                log.info("hit stored feed=%s article=%d story=%d rule=%s score=%.1f",
                         self.feed.name, article_id, story_id, hit.rule, hit.score)
