"""Orchestration: one feed poll end to end, one article end to end, one dispatch round.

    fetch feed → parse → drop seen entries → fetch + extract article → rules → store → outbox
    outbox → render → channel

No SQL, HTTP or parsing lives here: only the order of the stages and what happens on failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from monitor import model
from monitor.alerts.outbox import next_digest
from monitor.app import App
from monitor.db import articles, dialect, entries, feeds, outbox, stories
from monitor.db.models import Article, Feed
from monitor.db.session import unit_of_work
from monitor.db.writer import Job
from monitor.errors import BlockedAddressError, FeedParseError, FetchError, StoreError
from monitor.ingest import schedule
from monitor.ingest.extract import Extracted
from monitor.ingest.feeds import Entry, ParsedFeed
from monitor.ingest.fetch import feed_may_be_private, fetch
from monitor.ingest.identity import article_key, canonical_url, entry_key
from monitor.ingest.probe import FEED_ACCEPT
from monitor.ingest.workers import extract_in_pool, parse_in_pool
from monitor.rules.engine import Context
from monitor.stories import Signature, signature

log = logging.getLogger("monitor.pipeline")
R = TypeVar("R")


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


@dataclass
class CycleReport:
    outcomes: list[PollOutcome] = field(default_factory=list)

    @property
    def polled(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)

    def total(self, attr: str) -> int:
        return sum(int(getattr(o, attr)) for o in self.outcomes)


def utcnow() -> datetime:
    return datetime.now(UTC)


# ---- polling ----------------------------------------------------------------------------------

def sync_feeds(app: App, now: datetime, *, daemon_running: bool = False) -> None:
    """Bring the feeds table in line with the config (at start-up). ``daemon_running``: a
    one-shot command beside a running daemon (SQLite), which must leave its leases alone."""
    with unit_of_work(app.engine) as s:
        feeds.sync_feeds(s, app.config.feeds, now)
    release_stale_leases(app, daemon_running=daemon_running)
    if not len(app.stories):
        load_stories(app, now)


def release_stale_leases(app: App, *, daemon_running: bool = False) -> int:
    """SQLite runs a single daemon: a lease found at start-up whose owner is no longer
    running is a dead process's, and is given back. Nothing is released while a daemon runs
    elsewhere (a one-shot command beside it), nor the leases of processes still alive on this
    host (a one-shot command beside a daemon starting). Returns the owners released."""
    if not dialect.single_writer(app.engine) or daemon_running:
        return 0
    released = 0
    with unit_of_work(app.engine) as s:
        for owner in feeds.lease_owners(s):
            if owner != app.instance and _owner_alive(owner):
                continue
            feeds.release_leases(s, owner)
            outbox.release_alert_leases(s, owner)
            log.info("released stale leases owner=%s", owner)
            released += 1
    return released


def _owner_alive(owner: str) -> bool:
    """Whether the process an instance id (``host:pid``) names still runs on this host; an
    owner from another host counts as gone (SQLite is one host's file)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def poll_cycle(app: App, now: datetime, *, until_empty: bool = False,
                     on_polled: Callable[[PollOutcome], None] | None = None) -> CycleReport:
    """Claim the feeds due at ``now`` and poll them: one batch, or (``until_empty``) every due
    feed through a sliding window of ``scheduler.batch_size`` polls in flight, claiming more
    as slots free up, so a slow feed holds one slot, never the cycle. Failures are written in
    groups of ``batch_size`` results (see ``_Group``): when every feed of a group fails to
    connect, the network is down and no feed is penalised for it. ``on_polled`` hears of each
    poll as it ends (a progress display)."""
    report = CycleReport()
    sched = app.config.scheduler
    started = time.monotonic()
    # Cycles do not overlap within an instance: a lease it still holds is left over from a
    # cycle that failed half-way (the database went away); take it back now. The database
    # work runs in a thread: a database that stops answering must not stop the event loop.
    await run_db(app, feeds.release_leases, app.instance)
    group = _Group(app, now, started, sched.batch_size, report)
    running: dict[asyncio.Task[tuple[PollOutcome, model.FeedState | None]], Feed] = {}
    claiming = True
    refill = max(1, sched.batch_size // 4)  # free slots worth a claim (a claim is a query)
    try:
        while True:
            free = sched.batch_size - len(running)
            if claiming and not app.stopping and (free >= refill or not running):
                # The lease counts from the claim, not from the start of a cycle that may
                # have lasted longer than it (another instance would take the feed at once).
                lease = sched.lease + (time.monotonic() - started)
                try:
                    due = await run_db(app, feeds.claim_due_feeds, now, free, app.instance,
                                       lease)
                except StoreError as exc:
                    if not running:
                        raise
                    # The polls in flight are finished (their records may still get through).
                    log.error("claiming more feeds failed; finishing the polls in flight "
                              "feeds=%d error=%r", len(running), str(exc))
                    due = []
                for feed in due:
                    task = asyncio.create_task(_timed_poll(app, feed, now, started),
                                               name=f"poll:{feed.name}")
                    running[task] = feed
                claiming = bool(due) and until_empty
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                outcome, state = task.result()
                group.add(running.pop(task), outcome, state)
                if on_polled is not None:
                    on_polled(outcome)
            if group.full() or not running:
                await group.flush()
        await group.flush()
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
    return report


@dataclass
class _Group:
    """The results of a cycle's polls in the order they end, judged and written in groups of
    ``size``: a group of at least three feeds that all failed to connect is a network outage
    (their failures are not counted, and they are retried at the shortest interval). Once
    the window slides, a group is the ``size`` polls that ended one after another: what an
    outage makes fail together. Successes were recorded already, by the group writer."""
    app: App
    now: datetime
    started: float  # the cycle's start (monotonic)
    size: int
    report: CycleReport
    results: list[tuple[Feed, PollOutcome, model.FeedState | None]] = field(
        default_factory=list)

    def add(self, feed: Feed, outcome: PollOutcome, state: model.FeedState | None) -> None:
        self.results.append((feed, outcome, state))

    def full(self) -> bool:
        return len(self.results) >= self.size

    async def flush(self) -> None:
        if not self.results:
            return
        results, self.results = self.results, []
        app, sched = self.app, self.app.config.scheduler
        outcomes = [o for _, o, _ in results]
        failed = [o for o in outcomes if not o.ok]
        outage = len(results) >= 3 and len(failed) == len(results) and all(
            o.unreachable for o in failed)
        records: list[tuple[int, model.FeedState]] = []
        # Retried min_interval after the cycle's start, or after this moment once a long
        # cycle has passed that (or another instance would take them again at once).
        wait, clock = timedelta(seconds=sched.min_interval), _answered_at(self.now, self.started)
        retry_at = self.now + wait if self.now + wait > clock else clock + wait
        for feed, outcome, state in results:
            if state is None:
                continue
            if outage:
                state.count_failure = False
                state.error = f"network outage? every feed failed: {state.error}"
                state.next_check_at = retry_at
                outcome.error = state.error
            records.append((feed.id, state))
        if records:
            await run_db(app, feeds.record_polls, records)
        if outage:
            log.error("every feed of the batch failed to connect; not counting it against "
                      "them feeds=%d error=%r", len(results), failed[0].error)
        for outcome in outcomes:
            kind = ("ok" if outcome.ok else "outage" if outage
                    else "throttled" if outcome.status in (429, 503) else "error")
            app.metrics.polls.labels(kind).inc()
            app.metrics.articles.inc(outcome.articles)
        if any(o.ok for o in outcomes):
            app.last_poll_ok = self.now
            app.metrics.last_poll.set(time.time())
        self.report.outcomes += outcomes


async def run_db(app: App, fn: Callable[..., R], *args: Any) -> R:
    """``fn(session, *args)`` in a unit of work of its own, in a worker thread. A caller
    cancelled meanwhile (shutdown) still waits for the transaction to end, so that a claim
    never lands after the shutdown released this instance's leases.

    On SQLite the work goes to the group writer's thread instead, within its transactions:
    one writer at a time is all SQLite allows, and a write made beside the writer's would
    fail its transactions (their snapshot is stale: "database is locked" at once)."""
    work: asyncio.Future[R]
    if dialect.single_writer(app.engine):
        work = asyncio.ensure_future(app.writer.submit(Job(lambda s: fn(s, *args))))
    else:
        work = asyncio.ensure_future(asyncio.to_thread(_in_unit, app, fn, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait({work})
        raise


async def read_db(app: App, fn: Callable[..., R], *args: Any) -> R:
    """``fn(session, *args)`` in a unit of work of its own, in a worker thread, for reads: a
    caller cancelled meanwhile does not wait for it (its result is dropped)."""
    return await asyncio.to_thread(_in_unit, app, fn, *args)


def _in_unit(app: App, fn: Callable[..., R], *args: Any) -> R:
    with unit_of_work(app.engine) as s:
        return fn(s, *args)


def _unseen(s: Session, feed_id: int, by_key: dict[str, Entry]
            ) -> tuple[dict[str, Entry], dict[str, str], set[str]]:
    """The entries this feed has not brought before, their article keys, and those keys
    already stored as articles (brought by another feed)."""
    known = articles.known_entry_keys(s, feed_id, list(by_key))
    new = {k: e for k, e in by_key.items() if k not in known}
    urls = {k: article_key(e) for k, e in new.items()}
    return new, urls, set(articles.article_ids_by_url(s, list(urls.values())))


async def _timed_poll(app: App, feed: Feed, now: datetime, cycle_started: float
                      ) -> tuple[PollOutcome, model.FeedState | None]:
    started = time.perf_counter()
    try:
        return await poll_feed(app, feed, now, cycle_started)
    finally:
        app.metrics.poll_seconds.observe(time.perf_counter() - started)


def _limits(app: App) -> schedule.Limits:
    return schedule.Limits(app.config.scheduler.min_interval, app.config.scheduler.max_interval)


def _answered_at(cycle_now: datetime, cycle_started: float | None) -> datetime:
    """When the feed answered, on the cycle's clock: the next check counts from then, not
    from the start of a cycle that may have lasted longer than the feed's interval (another
    instance would otherwise find it due again a moment after it was polled)."""
    if cycle_started is None:
        return cycle_now
    return cycle_now + timedelta(seconds=time.monotonic() - cycle_started)


def _success_next(app: App, feed: Feed, now: datetime, per_week: float | None,
                  hint: float | None) -> datetime:
    wait = schedule.success_interval(_limits(app), override=feed.interval_seconds,
                                     per_week=per_week, hint=hint)
    return schedule.jittered(now, wait, random.random())


def _failure(app: App, feed: Feed, now: datetime, error: str, status: int | None = None,
             retry_after: float | None = None) -> tuple[PollOutcome, model.FeedState]:
    """The outcome and the state to record for a failed poll (written by poll_cycle)."""
    limits = _limits(app)
    throttled = status == 429 or (status == 503 and retry_after is not None)
    dead = None if throttled else schedule.is_dead(status, feed.last_status, feed.error_count)
    if throttled:
        wait = schedule.throttled(retry_after, limits)
        log.info("feed throttled feed=%s status=%s wait_seconds=%.0f", feed.name, status, wait)
    else:
        wait = schedule.backoff(limits, feed.error_count + 1)
        log.warning("poll failed feed=%s url=%s status=%s error=%r", feed.name, feed.url,
                    status, error, extra={"fields": {"dead": dead}} if dead else None)
    state = model.FeedState(status=status, error=error, checked_at=now, success=False,
                            count_failure=not throttled, dead_reason=dead,
                            next_check_at=schedule.jittered(now, wait, random.random()))
    return PollOutcome(feed.name, ok=False, status=status, error=error), state


async def poll_feed(app: App, feed: Feed, now: datetime, cycle_started: float | None = None
                    ) -> tuple[PollOutcome, model.FeedState | None]:
    """Poll one feed and store what is new. Never raises (but for cancellation): a failure is
    returned as the state to record (poll_cycle writes those of a batch together, after
    checking for a network outage); a success records its state through the group writer,
    with the entries it brought. An error nobody foresaw (a bug) is logged with its
    traceback and recorded on this feed, with back-off, instead of ending the cycle."""
    try:
        return await _poll_feed(app, feed, now, cycle_started)
    except StoreError as exc:  # the database, not the feed: polled again soon, not counted
        log.warning("poll not recorded feed=%s error=%r", feed.name, str(exc))
        answered = _answered_at(now, cycle_started)
        error = f"not stored: {exc}"
        return PollOutcome(feed.name, ok=False, error=error), model.FeedState(
            status=None, error=error, checked_at=answered, success=False, count_failure=False,
            next_check_at=answered + timedelta(seconds=app.config.scheduler.min_interval))
    except Exception as exc:
        log.exception("poll failed unexpectedly feed=%s url=%s", feed.name, feed.url)
        return _failure(app, feed, _answered_at(now, cycle_started),
                        f"internal error: {type(exc).__name__}: {exc}")


async def _poll_feed(app: App, feed: Feed, now: datetime, cycle_started: float | None
                     ) -> tuple[PollOutcome, model.FeedState | None]:
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            resp = await fetch(app.fetcher, feed.url, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2, etag=feed.etag,
                               last_modified=feed.last_modified, accept=FEED_ACCEPT,
                               max_redirects=cfg.max_redirects, gate=app.gate,
                               allow_private=feed_may_be_private(feed.source, cfg))
    except FetchError as exc:
        answered = _answered_at(now, cycle_started)
        outcome, state = _failure(app, feed, answered, exc.reason, exc.status, exc.retry_after)
        outcome.unreachable = exc.unreachable
        return outcome, state

    # The feed's schedule counts from when it answered; what it brings is stored at ``now``.
    answered = _answered_at(now, cycle_started)
    hint = schedule.publisher_hint(headers=resp.headers, now=answered)
    state = model.FeedState(status=resp.status, error=None, checked_at=answered, success=True,
                            url=resp.moved_to,
                            next_check_at=_success_next(app, feed, answered,
                                                        feed.entries_per_week, hint))
    if resp.moved_to:
        log.info("feed moved permanently feed=%s from=%s to=%s", feed.name, feed.url,
                 resp.moved_to)
    body_hash = hashlib.sha256(resp.body).hexdigest() if not resp.not_modified else None
    if resp.not_modified or body_hash == feed.body_hash:
        log.info("feed unchanged feed=%s status=%s", feed.name, resp.status)
        # Recorded now (in the writer's next group commit), not at the end of the batch: the
        # feed's lease is released as soon as it is done with.
        try:
            await app.writer.submit(Job(lambda s: feeds.record_poll(s, feed.id, state)))
        except StoreError:
            return PollOutcome(feed.name, ok=True, status=resp.status), state  # with the batch
        return PollOutcome(feed.name, ok=True, status=resp.status), None

    # Entries are known, and relative links and ids resolved, by the feed's own URL (or its
    # permanent move), never by a temporary redirect's target: that may carry a token that
    # changes with every request, and every entry would be new at every poll.
    resp = replace(resp, url=resp.moved_to or feed.url)
    try:
        parsed: ParsedFeed = await parse_in_pool(
            app.pool, resp.body, resp.url, resp.headers.get("content-type"), cfg.parse_timeout)
    except FeedParseError as exc:
        return _failure(app, feed, answered, f"not a feed: {exc}", resp.status)

    per_week = schedule.entries_per_week((e.published for e in parsed.entries), now)
    hint = max(filter(None, [hint, schedule.publisher_hint(
        ttl_minutes=parsed.ttl_minutes, update_period=parsed.update_period,
        update_frequency=parsed.update_frequency)]), default=None)
    state.next_check_at = _success_next(app, feed, answered, per_week, hint)
    state.entries_per_week = per_week
    state.etag = resp.headers.get("etag")
    state.last_modified = resp.headers.get("last-modified")
    state.body_hash = body_hash
    state.validators = True
    warnings = [f"parsed with warning: {parsed.warning}"] if parsed.warning else []

    by_key: dict[str, Entry] = {}
    for entry in parsed.entries:
        by_key.setdefault(entry_key(entry), entry)
    new, urls, existing = await read_db(app, _unseen, feed.id, by_key)

    links = [model.EntryLink(k, urls[k]) for k in new]
    to_build = {urls[k]: e for k, e in new.items() if urls[k] not in existing}
    full_text = cfg.full_text if feed.full_text is None else feed.full_text
    context = Context(feeds=(feed.name,), tags=tuple(feed.tags or ()))
    built = await asyncio.gather(*(_article_once(app, url, e, full_text, parsed.title,
                                                 context)
                                   for url, e in to_build.items()), return_exceptions=True)
    articles, failed = await _articles_or_fallbacks(app, feed, to_build, built, parsed.title,
                                                    context)
    warnings += [f"{len(failed)} entries kept with the feed's text ({failed[0]})"] if failed else []
    signatures: dict[str, Signature | None] = {}
    for art in articles:
        if art.canonical_url not in signatures:
            signatures[art.canonical_url] = story_signature(art, app)
    staged: list[int] = []

    def work(s: Session) -> model.Stored:
        # In the writer's thread, one job at a time: stories are matched against everything
        # stored before, including earlier jobs of the same transaction. The built articles
        # stay as they are (another feed's task may share one): the story goes in a copy.
        joining = [replace(art, story_id=app.stories.find(sig, now) if (
            sig := signatures[art.canonical_url]) else None) for art in articles]
        stored = entries.store_entries(s, feed.id, links, joining, now,
                                       due_at=lambda channel: _due_at(app, channel, now))
        refused = ([f"{len(stored.skipped)} entries not stored ({stored.skipped[0]})"]
                   if stored.skipped else [])
        state.error = "; ".join(warnings + refused)[:2000] or None
        # Validators are saved with the entries, in one transaction: a crash before the
        # commit loses both, and the next poll fetches the feed again.
        feeds.record_poll(s, feed.id, state)
        for story_id, _article_id, art in stored.new_articles:
            if (sig := signatures.get(art.canonical_url)) and (
                    entry := app.stories.add(story_id, sig, now)) is not None:
                staged.append(entry)
        return stored

    def undo() -> None:
        for entry in staged:
            app.stories.remove(entry)
        staged.clear()

    def committed(stored: model.Stored) -> None:
        for story_id, article_id, art in stored.new_articles:
            for hit in art.hits:
                app.metrics.hits.labels(hit.rule).inc()
                log.info("hit stored feed=%s article=%d story=%d rule=%s score=%.1f",
                         feed.name, article_id, story_id, hit.rule, hit.score)

    try:
        stored = await app.writer.submit(Job(work, committed, undo))
    except StoreError as exc:
        # Another instance stored the same article a moment earlier (a unique constraint),
        # or the database refused this feed's rows: nothing of it was kept, its validators
        # included, so the next poll fetches it again. Not the feed's fault: not counted.
        log.warning("storing failed feed=%s error=%r; polled again soon", feed.name, str(exc))
        retry = model.FeedState(status=resp.status, error=f"not stored: {exc}",
                                checked_at=answered, success=False, count_failure=False,
                                next_check_at=answered + timedelta(
                                    seconds=app.config.scheduler.min_interval))
        return PollOutcome(feed.name, ok=False, status=resp.status, error=retry.error), retry
    log.info("feed polled feed=%s entries=%d new=%d articles=%d hits=%d alerts=%d", feed.name,
             len(parsed.entries), len(new), stored.articles, stored.hits, stored.alerts)
    return PollOutcome(feed.name, ok=True, status=resp.status, entries=len(parsed.entries),
                       new_entries=len(new), articles=stored.articles, hits=stored.hits,
                       alerts=stored.alerts), None


async def _articles_or_fallbacks(app: App, feed: Feed, to_build: dict[str, Entry],
                                 built: list[model.NewArticle | BaseException],
                                 feed_title: str, context: Context
                                 ) -> tuple[list[model.NewArticle], list[str]]:
    """The articles built; one whose building raised (a bug, a link nothing foresaw) is
    built again from the feed's own text, and dropped only if that fails too. Returns the
    articles and what failed."""
    articles: list[model.NewArticle] = []
    failed: list[str] = []
    for (url, entry), result in zip(to_build.items(), built, strict=True):
        if isinstance(result, model.NewArticle):
            articles.append(result)
            continue
        if not isinstance(result, Exception):  # cancelled, or the process is exiting
            raise result
        log.error("article failed feed=%s url=%s error=%r", feed.name, url, str(result),
                  exc_info=result)
        reason = f"{url[:200]}: {type(result).__name__}: {result}"
        try:
            art = await build_article(app, url, entry, False, feed_title, context)
        except Exception as exc:
            log.error("article dropped feed=%s url=%s", feed.name, url, exc_info=exc)
            failed.append(reason + " (dropped)")
            continue
        articles.append(replace(art, text_source=f"feed: article failed: {type(result).__name__}"))
        failed.append(reason)
    return articles, failed


def story_signature(article: model.NewArticle | Article, app: App) -> Signature | None:
    """What identifies an article's story: the words of its title and lead, and the
    catalogue entities they name (for other languages)."""
    lead = (article.text or article.summary or "")[:400]
    mentions = (app.rules.matcher.find_in(article.title, "title")
                + app.rules.matcher.find_in(lead, "lead"))
    entities = frozenset(e for m in mentions for e in m.entity_ids)
    return signature(article.title, lead, entities, article.language)


def _due_at(app: App, channel: str, now: datetime) -> datetime:
    cfg = app.channel_configs.get(channel)
    return next_digest(now, cfg.digest, cfg.digest_at) if cfg else now


def load_stories(app: App, now: datetime) -> None:
    """Fill the story index with the recent stories, so a restart keeps grouping."""
    with unit_of_work(app.engine) as s:
        recent = stories.recent_story_articles(s, now - app.stories.window)
    for art in recent:
        if art.story_id is not None and (sig := story_signature(art, app)):
            app.stories.add(art.story_id, sig, art.created_at)


async def _article_once(app: App, url: str, entry: Entry, full_text: bool,
                        feed_title: str, context: Context) -> model.NewArticle:
    """Build an article, sharing the work when several feeds bring the same URL at once."""
    running = app.inflight.get(url)
    if running is not None:
        return await asyncio.shield(running)
    task = asyncio.ensure_future(build_article(app, url, entry, full_text, feed_title, context))
    app.inflight[url] = task
    try:
        return await task
    finally:
        app.inflight.pop(url, None)


async def build_article(app: App, canonical: str, entry: Entry, full_text: bool,
                        feed_title: str = "", context: Context | None = None
                        ) -> model.NewArticle:
    """Fetch and extract the page (when asked), fall back to the feed's text, run the rules.
    ``canonical`` is the entry's article key (its canonical link)."""
    link_key = canonical
    feed_text = entry.content if len(entry.content) > len(entry.summary) else entry.summary
    extracted = Extracted(text="", error="full text not requested")
    url = entry.link or canonical
    meta: dict[str, Any] = {}
    if full_text and entry.link:
        extracted, final = await _fetch_and_extract(app, entry.link)
        if final and canonical_url(final) != canonical:
            # A redirector (an aggregator such as Google News, a link shortener): the article
            # is known by where the link led, so other feeds linking it directly share it.
            meta["via"] = entry.link
            url, canonical = final, canonical_url(final)
    if extracted.error is None:
        text, source = extracted.text, "full"
    else:
        text, source = feed_text, f"feed: {extracted.error}"
    title = entry.title or extracted.title or ""
    ctx = replace(context or Context(), language=extracted.language)
    analysis = await app.pool.run_rules(app.rules.analyse, title, text, ctx)
    hits = [model.NewHit(rule=r.rule, severity=r.severity, score=r.score, evidence=r.evidence,
                         channels=[c for c in (r.channels or app.channel_names)
                                   if c in app.channels])
            for r in analysis.hits]
    if extracted.date:
        meta["date"] = extracted.date
    if entry.tags:
        meta["tags"] = list(entry.tags)
    return model.NewArticle(
        canonical_url=canonical, url=url, title=title,
        summary=entry.summary[:5000], text=text, text_source=source,
        published_at=entry.published, author=entry.author or extracted.author,
        site_name=extracted.site_name or feed_title or None, language=extracted.language,
        meta=meta, hits=hits, link_key=link_key)


async def _fetch_and_extract(app: App, link: str) -> tuple[Extracted, str | None]:
    """The extracted page and the URL it was finally served from (None if not fetched)."""
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            page = await fetch(app.fetcher, link, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2, gate=app.gate,
                               allow_private=cfg.allow_private_addresses,
                               max_redirects=cfg.max_redirects,
                               accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    except BlockedAddressError as exc:
        return Extracted(text="", error=f"not fetched: {exc.reason}"), None
    except FetchError as exc:
        log.info("article fetch failed url=%s error=%r", link, exc.reason)
        return Extracted(text="", error=f"page fetch failed: {exc.reason}"), None
    result = await extract_in_pool(app.pool, page.body, page.url, cfg.extract_timeout)
    return result, page.url
