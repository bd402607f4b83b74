"""The Python API behind every CLI command: each daemon job, runnable once.

Functions take a loaded ``Config`` and return values; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor import clock, dispatch, heap, pipeline, scheduler
from monitor.app import App, open_app
from monitor.config import Config
from monitor.config_api import check_rule_sources
from monitor.db import due, outbox
from monitor.db.articles import feeds_of_articles, prune_article_text
from monitor.db.dialect import database_size
from monitor.db.engine import (
    abort_connections,
    check_schema,
    current_revision,
    make_engine,
    missing_folder,
    no_folder_message,
    normalise_url,
    sqlite_file,
    timeouts_of,
    upgrade,
)
from monitor.db.feeds import article_counts_by_feed, list_feeds
from monitor.db.hits import list_hits
from monitor.db.session import unit_of_work
from monitor.errors import MonitorError, NotFoundError, StoreError
from monitor.poll_report import NextDue
from monitor.server import UiFactory

log = logging.getLogger("monitor.api")


def _engine(config: Config, *, read_only: bool = False) -> Engine:
    return make_engine(config.database.url, timeouts_of(config.database), read_only=read_only)


@contextmanager
def _session(config: Config, *, read_only: bool = False) -> Iterator[Session]:
    """A unit of work on the configured database, for one CLI command (``read_only``: for
    commands that only look, which then work on a file they cannot write)."""
    if read_only and (folder := missing_folder(config.database.url)):
        raise StoreError(no_folder_message(folder))
    if read_only and (path := sqlite_file(config.database.url)) and not path.exists():
        raise StoreError(f"no database at {path}: run `monitor db upgrade` (or check "
                         "database.url)")
    engine = _engine(config, read_only=read_only)
    try:
        # Never migrated, or a newer monitor's database: say so, not a table or column error.
        check_schema(engine, require_migrated=True)
        with unit_of_work(engine) as session:
            yield session
    finally:
        engine.dispose()


def upgrade_database(config: Config) -> str | None:
    """Apply pending migrations; returns the revision the database is at."""
    engine = _engine(config)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def prepare_database(config: Config) -> None:
    """Upgrade when ``database.auto_upgrade``; otherwise refuse to run on an old schema."""
    if config.database.auto_upgrade:
        upgrade_database(config)
        return
    engine = _engine(config)
    try:
        check_schema(engine, require_head=True)
    finally:
        engine.dispose()


def run_daemon(config: Config, ui: UiFactory | None = None) -> None:
    """Run until SIGINT/SIGTERM. On SQLite, one instance per database file (a lock file next
    to it says so clearly); on PostgreSQL, any number share the work. ``ui``: the desk, served
    beside /healthz and /metrics (the CLI passes it when ``server.ui``)."""
    from monitor.server import check_can_listen

    heap.limit_arenas()  # before any thread allocates: two malloc arenas, not 8 per core
    with single_instance(config):
        check_can_listen(config.server)  # a busy server.port: said before any work starts
        prepare_database(config)
        check_rule_sources(config)  # rules naming feeds or tags that no feed has

        async def main() -> None:
            async with open_app(config) as app:
                try:
                    await asyncio.to_thread(pipeline.sync_feeds, app, clock.utcnow())
                    await scheduler.run_forever(app, ui=ui)
                finally:
                    # What polls handed to the writer is stored first; then what still waits
                    # on a database that does not answer is cut off.
                    await app.writer.close(timeout=config.scheduler.shutdown_timeout)
                    _abort_stuck_connections(app)

        asyncio.run(main())


def _lock_path(config: Config) -> Path | None:
    """``<database>.lock`` for a SQLite file database (None otherwise)."""
    from sqlalchemy.engine import make_url

    url = make_url(normalise_url(config.database.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    name = url.database.removeprefix("file:") if url.query.get("uri") else url.database
    path = Path(name).resolve()
    return path.with_name(path.name + ".lock")


def daemon_running(config: Config) -> bool:
    """Whether a `monitor run` holds this SQLite database's lock file right now."""
    path = _lock_path(config)
    if path is None or not path.exists():
        return False
    try:
        with path.open("r") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
    except OSError:
        return False
    return False


def _abort_stuck_connections(app: App) -> None:
    """At shutdown: close the idle connections, then cut those still in use by a thread
    waiting on a database that stopped answering, so the process can exit."""
    app.engine.dispose()
    if aborted := abort_connections(app.engine):
        log.warning("stopping: cut database connections that were not answering count=%d",
                    aborted)


@contextmanager
def single_instance(config: Config) -> Iterator[None]:
    """Hold an exclusive lock on ``<database>.lock`` for a SQLite database."""
    path = _lock_path(config)
    if path is None:
        yield
        return
    lock = path.open("a+")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MonitorError(
                f"another `monitor run` is using {path.with_suffix('')}: SQLite mode runs a "
                "single instance; use PostgreSQL (database.url) to run several") from None
        yield
    finally:
        lock.close()


def prune(config: Config) -> int:
    prepare_database(config)
    before = clock.utcnow() - timedelta(days=config.retention.article_text_days)
    with _session(config) as s:
        return prune_article_text(s, before)


def status(config: Config, now: datetime | None = None) -> dict[str, Any]:
    """What `monitor status` shows. The config's feeds that no poll has stored yet are
    counted (and named in ``not_polled``) as enabled feeds never checked."""
    from sqlalchemy import func, select

    from monitor.configured_feeds import not_yet_stored
    from monitor.db.models import Article, Story

    now = now or clock.utcnow()
    with _session(config, read_only=True) as s:
        feeds = list_feeds(s)
        waiting = not_yet_stored(config.feeds, {f.name for f in feeds})
        bad = sorted((f for f in feeds if f.enabled and (f.error_count or f.dead_reason)),
                     key=lambda f: -f.error_count)
        last = max((f.last_success_at for f in feeds if f.last_success_at), default=None)
        never = sorted([f.name for f in feeds if f.enabled and f.last_checked_at is None]
                       + [f.name for f in waiting])
        return {
            "feeds": {"total": len(feeds) + len(waiting),
                      "enabled": sum(f.enabled for f in feeds) + len(waiting),
                      "in_error": sum(1 for f in bad if not f.dead_reason),
                      "dead": sum(1 for f in bad if f.dead_reason),
                      "not_polled": never,
                      "last_success": _iso(last),
                      "worst": [{"name": f.name, "error_count": f.error_count,
                                 "last_error": f.last_error, "dead_reason": f.dead_reason}
                                for f in bad[:5]]},
            "articles": s.scalar(select(func.count()).select_from(Article)),
            "stories": s.scalar(select(func.count()).select_from(Story)),
            "hits_24h": len(list_hits(s, now - timedelta(hours=24), limit=10_000)),
            "latest_hits": [{"id": h.id, "rule": h.rule, "title": h.article.title,
                             "created_at": _iso(h.created_at)}
                            for h in list_hits(s, limit=5)],
            "outbox": outbox.alert_counts(s),
            "database": _shown_url(config),
            "database_bytes": database_size(s),
        }


def _shown_url(config: Config) -> str:
    """The configured database URL, its password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(normalise_url(config.database.url)).render_as_string(hide_password=True)


@dataclass
class OnceReport:
    cycle: pipeline.CycleReport
    dispatch: dispatch.DispatchReport
    next_due: NextDue | None = None  # when nothing was polled: the feed checked next
    at: datetime | None = None  # the cycle's time


class Progress(Protocol):
    """Told how many feeds are due, then of each poll as it ends."""

    def start(self, total: int) -> None: ...

    def polled(self, outcome: pipeline.PollOutcome) -> None: ...


def poll_once(config: Config, out: TextIO | None = None, workers: int | None = None,
              now: datetime | None = None, progress: Progress | None = None) -> OnceReport:
    """One poll cycle over every feed due at ``now`` (default: the current time), then one
    dispatch of the alerts that are due."""
    prepare_database(config)
    check_rule_sources(config)

    async def main() -> OnceReport:
        async with open_app(config, out=out, workers=workers) as app:
            at = now or clock.utcnow()
            await asyncio.to_thread(pipeline.sync_feeds, app, at,
                                    daemon_running=daemon_running(config))
            if progress is not None:
                progress.start(await pipeline.run_db(app, due.count_due, at))
            cycle = await pipeline.poll_cycle(
                app, at, until_empty=True,
                on_polled=progress.polled if progress is not None else None)
            sent = await dispatch.dispatch_due(app, at)
            following = None
            if not cycle.polled:
                found = await pipeline.run_db(app, due.next_due, at)
                following = NextDue(*found) if found else None
            return OnceReport(cycle, sent, following, at)

    return asyncio.run(main())


def dispatch_once(config: Config, out: TextIO | None = None,
                  now: datetime | None = None) -> dispatch.DispatchReport:
    """Deliver the alerts due at ``now`` (default: the current time), once."""
    prepare_database(config)

    async def main() -> dispatch.DispatchReport:
        async with open_app(config, out=out, workers=0) as app:
            await asyncio.to_thread(pipeline.release_stale_leases, app,
                                    daemon_running=daemon_running(config))
            return await dispatch.dispatch_due(app, now or clock.utcnow())

    return asyncio.run(main())


def send_test_alert(config: Config, channel: str, out: TextIO | None = None) -> None:
    """Send a sample hit through one configured channel, rendered as a real delivery and
    marked as a test (raises ``DeliveryError``, or ``NotFoundError`` for a channel that is not
    enabled)."""
    from monitor.sample_alert import sample_view

    async def main() -> None:
        async with open_app(config, out=out, workers=0) as app:
            target = app.channels.get(channel)
            if target is None:
                raise NotFoundError("enabled channel named", channel, app.channel_names,
                                    hint="no channel is enabled (alerts.channels)")
            await target.send(sample_view(app.rules, clock.utcnow()))

    asyncio.run(main())


def retry_alerts(config: Config, alert_id: int | None = None, failed: bool = False) -> int:
    """Requeue one alert, or every failed one; returns how many."""
    prepare_database(config)
    with _session(config) as s:
        return outbox.requeue(s, clock.utcnow(), alert_id, failed)


def feeds_health(config: Config) -> list[dict[str, Any]]:
    """Every feed by name: the database's, and config.yaml's not polled yet."""
    from monitor.configured_feeds import health_row, not_yet_stored

    with _session(config, read_only=True) as s:
        counts = article_counts_by_feed(s)
        rows: list[dict[str, Any]] = [{
            "name": f.name, "url": f.url, "enabled": f.enabled, "status": f.last_status,
            "last_error": f.last_error, "error_count": f.error_count,
            "last_checked_at": _iso(f.last_checked_at), "next_check_at": _iso(f.next_check_at),
            "articles": counts.get(f.id, 0), "entries_per_week": f.entries_per_week,
            "dead_reason": f.dead_reason, "source": f.source, "tags": list(f.tags or []),
        } for f in list_feeds(s)]
    rows += [health_row(f) for f in not_yet_stored(config.feeds, {r["name"] for r in rows})]
    return sorted(rows, key=lambda r: r["name"])


def export_opml(config: Config) -> str:
    """Every enabled feed (from the config and imported) as OPML."""
    from monitor.ingest.opml import OpmlFeed, write_opml

    prepare_database(config)
    with _session(config) as s:
        listed = [OpmlFeed(f.name, f.url, list(f.tags or []))
                          for f in list_feeds(s) if f.enabled]
    known = {f.name for f in listed}
    listed += [OpmlFeed(f.name, f.url, list(f.tags)) for f in config.feeds
                       if f.name not in known]  # configured but never polled yet
    return write_opml(listed)


def recent_hits(config: Config, since: timedelta | None = None, rule: str | None = None,
                now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or clock.utcnow()
    with _session(config, read_only=True) as s:
        hits = list_hits(s, now - since if since else None, rule)
        feeds = feeds_of_articles(s, sorted({h.article_id for h in hits}))
        return [{
            "id": h.id, "rule": h.rule, "severity": h.severity, "score": h.score,
            "created_at": _iso(h.created_at), "title": h.article.title, "url": h.article.url,
            "feeds": feeds.get(h.article_id, []), "evidence": h.evidence.to_json(),
        } for h in hits]


def alerts(config: Config, status: str | None = None) -> list[dict[str, Any]]:
    with _session(config, read_only=True) as s:
        return [{
            "id": a.id, "channel": a.channel, "status": a.status, "attempts": a.attempts,
            "kind": a.kind, "parent_id": a.parent_id,
            "story_id": a.hit.article.story_id,
            "next_attempt_at": _iso(a.next_attempt_at), "sent_at": _iso(a.sent_at),
            "last_error": a.last_error, "rule": a.hit.rule, "title": a.hit.article.title,
            "url": a.hit.article.url,
        } for a in outbox.list_alerts(s, status)]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


