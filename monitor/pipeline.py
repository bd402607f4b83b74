"""Orchestration: one feed poll end to end, one article end to end, one dispatch round.

    fetch feed → parse → drop seen entries → fetch + extract article → rules → store → outbox
    outbox → render → channel

No SQL, HTTP or parsing lives here: only the order of the stages and what happens on failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from monitor.alerts.outbox import next_attempt
from monitor.alerts.render import AlertView
from monitor.app import App
from monitor.db import store
from monitor.db.models import Alert, Feed
from monitor.errors import BlockedAddressError, DeliveryError, FeedParseError, FetchError
from monitor.ingest import schedule
from monitor.ingest.extract import Extracted, extract_article
from monitor.ingest.feeds import Entry, ParsedFeed, parse_feed
from monitor.ingest.fetch import fetch
from monitor.ingest.identity import article_key, entry_key
from monitor.rules.engine import Context

log = logging.getLogger("monitor.pipeline")

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


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

def sync_feeds(app: App, now: datetime) -> None:
    with store.unit_of_work(app.engine) as s:
        store.sync_feeds(s, app.config.feeds, now)


async def poll_cycle(app: App, now: datetime, *, until_empty: bool = False) -> CycleReport:
    """Poll the feeds that are due at ``now`` (all of them in batches if ``until_empty``)."""
    report = CycleReport()
    polled: set[int] = set()
    while True:
        with store.unit_of_work(app.engine) as s:
            due = [f for f in store.due_feeds(s, now, app.config.scheduler.batch_size)
                   if f.id not in polled]
        if not due:
            break
        polled.update(f.id for f in due)
        report.outcomes += await asyncio.gather(*(poll_feed(app, f, now) for f in due))
        if not until_empty:
            break
    return report


def _interval(app: App, feed: Feed) -> float:
    return feed.interval_seconds or app.config.scheduler.default_interval


def _next(app: App, feed: Feed, now: datetime, failures: int = 0,
          retry_after: float | None = None) -> datetime:
    sched = app.config.scheduler
    return schedule.next_check(now, interval=_interval(app, feed), min_interval=sched.min_interval,
                               max_interval=sched.max_interval, failures=failures,
                               retry_after=retry_after)


def _fail(app: App, feed: Feed, now: datetime, error: str, status: int | None = None,
          retry_after: float | None = None) -> PollOutcome:
    log.warning("poll failed feed=%s url=%s status=%s error=%r", feed.name, feed.url, status,
                error)
    state = store.FeedState(status=status, error=error, checked_at=now, success=False,
                            next_check_at=_next(app, feed, now, feed.error_count + 1, retry_after))
    with store.unit_of_work(app.engine) as s:
        store.record_poll(s, feed.id, state)
    return PollOutcome(feed.name, ok=False, status=status, error=error)


async def poll_feed(app: App, feed: Feed, now: datetime) -> PollOutcome:
    """Poll one feed and store what is new. Never raises for feed-side problems."""
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            resp = await fetch(app.http, feed.url, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2, etag=feed.etag,
                               last_modified=feed.last_modified, accept=FEED_ACCEPT)
    except FetchError as exc:
        return _fail(app, feed, now, exc.reason, exc.status, exc.retry_after)

    state = store.FeedState(status=resp.status, error=None, checked_at=now, success=True,
                            next_check_at=_next(app, feed, now))
    body_hash = hashlib.sha256(resp.body).hexdigest() if not resp.not_modified else None
    if resp.not_modified or body_hash == feed.body_hash:
        with store.unit_of_work(app.engine) as s:
            store.record_poll(s, feed.id, state)
        log.info("feed unchanged feed=%s status=%s", feed.name, resp.status)
        return PollOutcome(feed.name, ok=True, status=resp.status)

    loop = asyncio.get_running_loop()
    try:
        parsed: ParsedFeed = await loop.run_in_executor(
            app.pool, parse_feed, resp.body, resp.url, resp.headers.get("content-type"))
    except FeedParseError as exc:
        return _fail(app, feed, now, f"not a feed: {exc}", resp.status)

    state.etag = resp.headers.get("etag")
    state.last_modified = resp.headers.get("last-modified")
    state.body_hash = body_hash
    state.validators = True
    state.error = f"parsed with warning: {parsed.warning}" if parsed.warning else None

    by_key: dict[str, Entry] = {}
    for entry in parsed.entries:
        by_key.setdefault(entry_key(entry), entry)
    with store.unit_of_work(app.engine) as s:
        known = store.known_entry_keys(s, feed.id, list(by_key))
        new = {k: e for k, e in by_key.items() if k not in known}
        existing = store.article_ids_by_url(s, [article_key(e) for e in new.values()])

    links = [store.EntryLink(k, article_key(e)) for k, e in new.items()]
    to_build = {article_key(e): e for e in new.values() if article_key(e) not in existing}
    full_text = cfg.full_text if feed.full_text is None else feed.full_text
    context = Context(feeds=(feed.name,), tags=tuple(feed.tags or ()))
    articles = await asyncio.gather(*(_article_once(app, url, e, full_text, parsed.title,
                                                    context)
                                      for url, e in to_build.items()))
    async with app.store_lock:
        with store.unit_of_work(app.engine) as s:
            n_art, n_hits, n_alerts = store.store_entries(s, feed.id, links, articles, now)
            # Validators are saved with the entries, in one transaction: a crash before the
            # commit loses both, and the next poll fetches the feed again.
            store.record_poll(s, feed.id, state)
    log.info("feed polled feed=%s entries=%d new=%d articles=%d hits=%d alerts=%d", feed.name,
             len(parsed.entries), len(new), n_art, n_hits, n_alerts)
    return PollOutcome(feed.name, ok=True, status=resp.status, entries=len(parsed.entries),
                       new_entries=len(new), articles=n_art, hits=n_hits, alerts=n_alerts)


async def _article_once(app: App, url: str, entry: Entry, full_text: bool,
                        feed_title: str, context: Context) -> store.NewArticle:
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
                        ) -> store.NewArticle:
    """Fetch and extract the page (when asked), fall back to the feed's text, run the rules."""
    feed_text = entry.content if len(entry.content) > len(entry.summary) else entry.summary
    extracted = Extracted(text="", error="full text not requested")
    if full_text and entry.link:
        extracted = await _fetch_and_extract(app, entry.link)
    if extracted.error is None:
        text, source = extracted.text, "full"
    else:
        text, source = feed_text, f"feed: {extracted.error}"
    title = entry.title or extracted.title or ""
    ctx = replace(context or Context(), language=extracted.language)
    analysis = app.rules.analyse(title, text, ctx)
    hits = [store.NewHit(rule=r.rule, severity=r.severity, score=r.score, evidence=r.evidence,
                         channels=[c for c in (r.channels or app.channel_names)
                                   if c in app.channels])
            for r in analysis.hits]
    return store.NewArticle(
        canonical_url=canonical, url=entry.link or canonical, title=title,
        summary=entry.summary[:5000], text=text, text_source=source,
        published_at=entry.published, author=entry.author or extracted.author,
        site_name=extracted.site_name or feed_title or None, language=extracted.language,
        meta={"date": extracted.date, "tags": list(entry.tags)} if extracted.date or entry.tags
        else {},
        hits=hits)


async def _fetch_and_extract(app: App, link: str) -> Extracted:
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            page = await fetch(app.http, link, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2,
                               allow_private=cfg.allow_private_addresses,
                               accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    except BlockedAddressError as exc:
        return Extracted(text="", error=f"not fetched: {exc.reason}")
    except FetchError as exc:
        log.info("article fetch failed url=%s error=%r", link, exc.reason)
        return Extracted(text="", error=f"page fetch failed: {exc.reason}")
    loop = asyncio.get_running_loop()
    result: Extracted = await loop.run_in_executor(app.pool, extract_article, page.body, page.url)
    return result


# ---- alert dispatch ---------------------------------------------------------------------------

@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _view(alert: Alert, feeds: list[str]) -> AlertView:
    hit, art = alert.hit, alert.hit.article
    return AlertView(alert_id=alert.id, rule=hit.rule, severity=hit.severity, title=art.title,
                     url=art.url, site=art.site_name, published_at=art.published_at,
                     feeds=feeds, evidence=hit.evidence, score=hit.score)


async def dispatch_due(app: App, now: datetime, limit: int = 500) -> DispatchReport:
    """Deliver every alert that is due; channels work in parallel, alerts in order per channel.
    Each outcome is written as soon as it is known, so a crash re-sends at most the alert that
    was in flight (the one window for a duplicate)."""
    with store.unit_of_work(app.engine) as s:
        due = store.due_alerts(s, now, limit)
        views = {a.id: _view(a, store.feeds_of_article(s, a.hit.article_id)) for a in due}
    by_channel: dict[str, list[Alert]] = {}
    for alert in due:
        by_channel.setdefault(alert.channel, []).append(alert)
    report = DispatchReport()
    await asyncio.gather(*(_deliver(app, name, alerts, views, now, report)
                           for name, alerts in by_channel.items()))
    return report


async def _deliver(app: App, name: str, alerts: list[Alert], views: dict[int, AlertView],
                   now: datetime, report: DispatchReport) -> None:
    channel = app.channels.get(name)
    for alert in alerts:
        try:
            if channel is None:
                raise DeliveryError(name, "channel is not configured or not enabled",
                                    permanent=True)
            await channel.send(views[alert.id])
        except DeliveryError as exc:
            attempts = alert.attempts + 1
            retry_at = next_attempt(now, attempts, app.config.alerts.retry,
                                    jitter=random.random(), retry_after=exc.retry_after,
                                    permanent=exc.permanent)
            log.warning("alert delivery failed alert=%d channel=%s attempt=%d error=%r "
                        "retry_at=%s", alert.id, name, attempts, exc.reason,
                        retry_at.isoformat() if retry_at else "never")
            with store.unit_of_work(app.engine) as s:
                store.mark_attempt_failed(s, alert.id, exc.reason, retry_at)
            if retry_at is None:
                report.failed += 1
                continue
            # The channel is struggling (down, throttling): leave its other alerts for the
            # next round instead of hammering it; other channels carry on in parallel.
            report.retrying += 1
            break
        with store.unit_of_work(app.engine) as s:
            store.mark_sent(s, alert.id, utcnow())
        report.sent += 1
        log.info("alert sent alert=%d channel=%s rule=%s", alert.id, name,
                 views[alert.id].rule)
