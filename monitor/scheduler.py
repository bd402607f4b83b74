"""The daemon's clock and lifecycle: APScheduler jobs that poll due feeds, dispatch due alerts,
prune old text, beat the heart and hand the C heap's free pages back to the system once a
minute (``heap``: the RSS then follows what the daemon uses, not each thread's allocator
arena's high-water mark); graceful shutdown on SIGTERM/SIGINT.

APScheduler 3.x only ticks; what is due lives in our tables (``feeds.next_check_at``,
``alerts.next_attempt_at``) and is claimed with leases, so a restart loses nothing and several
instances can share one PostgreSQL database. Each job runs at most once at a time. On a stop
signal the jobs stop being started, in-flight work gets ``scheduler.shutdown_timeout`` to
finish, the alerts that work queued get one delivery round in what is left of that time (a
story found just before the stop is not held back until the next start), what is still running
is cancelled (a pool worker still busy with it is killed when the app closes, two seconds
later: ``ProcessPoolExecutor.shutdown`` would wait for it), and this instance's leases are
released so that its feeds and alerts are picked up at once (by itself after a restart, or by
the others). At start the open files soft limit is raised to the hard one.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor import clock, dispatch, heap, pipeline
from monitor.app import App
from monitor.db import articles, feeds, outbox
from monitor.db.session import unit_of_work
from monitor.errors import MonitorError
from monitor.server import UiFactory, serving

log = logging.getLogger("monitor.scheduler")
CANCEL_GRACE = 5.0  # seconds cancelled work gets to end at shutdown
TRIM_EVERY = 60.0  # seconds between two returns of the C heap's free pages


async def poll_job(app: App) -> None:
    if app.lifecycle.stopping:
        return
    try:
        # Every due feed, batch after batch (cycles never overlap; a stop ends it early).
        report = await pipeline.poll_cycle(app, clock.utcnow(), until_empty=True)
    except MonitorError as exc:  # e.g. the database is unreachable: log, retry next tick
        log.error("poll cycle failed error=%r", str(exc))
        return
    if report.polled:
        log.info("poll cycle done feeds=%d failed=%d articles=%d hits=%d", report.polled,
                 report.failed, report.total("articles"), report.total("hits"))


async def dispatch_job(app: App) -> None:
    if app.lifecycle.stopping:
        return
    try:
        # Does not wait for a channel still sending: it must not hold back the others.
        report = await dispatch.dispatch_due(app, clock.utcnow(), wait=False)
    except MonitorError as exc:
        log.error("dispatch failed error=%r", str(exc))
        return
    if report.sent or report.retrying or report.failed:
        log.info("dispatch done sent=%d retrying=%d failed=%d folded=%d", report.sent,
                 report.retrying, report.failed, report.folded)


async def prune_job(app: App) -> None:
    try:
        n = await asyncio.to_thread(prune, app)
    except MonitorError as exc:
        log.error("prune failed error=%r", str(exc))
        return
    log.info("pruned article text articles=%d", n)


async def heartbeat_job(app: App) -> None:
    app.lifecycle.heartbeat = time.monotonic()


async def trim_job(app: App) -> None:
    # In a thread: malloc_trim walks every arena's free chunks (milliseconds for a daemon of
    # some hundred MB), which the event loop need not wait for.
    started = time.monotonic()
    if await asyncio.to_thread(heap.trim) is not None:
        app.metrics.heap_trims.inc()
        log.debug("heap trimmed seconds=%.3f", time.monotonic() - started)


def prune(app: App) -> int:
    """Drop article text older than ``retention.article_text_days``."""
    before = clock.utcnow() - timedelta(days=app.config.retention.article_text_days)
    with unit_of_work(app.engine) as s:
        return articles.prune_article_text(s, before)


def raise_fd_limit() -> None:
    """Raise the soft limit of open files to the hard one: a poller of thousands of feeds
    holds many sockets, and the default soft limit (often 1024) is soon reached."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        log.warning("could not raise the open files limit soft=%d hard=%d error=%r", soft,
                    hard, str(exc))
        return
    log.info("open files limit raised from=%d to=%d", soft, target)


async def run_forever(app: App, stop: asyncio.Event | None = None,
                      ui: UiFactory | None = None) -> None:
    """Run the jobs until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly; the
    endpoint serves ``ui`` too when given."""
    raise_fd_limit()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running: set[asyncio.Task[None]] = set()

    def tracked(job: Callable[[App], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            running.add(task)
            try:
                await job(app)
            finally:
                running.discard(task)
        return run

    cfg = app.config.scheduler
    scheduler = AsyncIOScheduler(timezone="UTC")
    now = clock.utcnow()
    common = {"max_instances": 1, "coalesce": True, "next_run_time": now}
    scheduler.add_job(tracked(poll_job), "interval", seconds=cfg.tick, id="poll", **common)
    scheduler.add_job(tracked(dispatch_job), "interval", seconds=cfg.dispatch_every,
                      id="dispatch", **common)
    scheduler.add_job(tracked(heartbeat_job), "interval", seconds=min(cfg.tick, 10.0),
                      id="heartbeat", **common)
    scheduler.add_job(tracked(prune_job), "interval", hours=24, id="prune", **common)
    scheduler.add_job(tracked(trim_job), "interval", seconds=TRIM_EVERY, id="trim", **common)
    async with serving(app, ui) as url:
        scheduler.start()
        log.info("daemon started instance=%s feeds=%d rules=%d channels=%s endpoint=%s",
                 app.instance, len(app.config.feeds), len(app.config.rules),
                 ",".join(app.channel_names) or "none", url or "off")
        try:
            await stop.wait()
        finally:
            await _shutdown(app, scheduler, running, cfg.shutdown_timeout)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


async def _shutdown(app: App, scheduler: AsyncIOScheduler, running: set[asyncio.Task[None]],
                    timeout: float) -> None:
    app.lifecycle.stopping = True
    # Paused, not shut down yet: APScheduler's asyncio executor cancels the jobs still running
    # when it shuts down, and they are to get ``timeout`` seconds to finish.
    scheduler.pause()
    log.info("stopping: waiting for in-flight work jobs=%d timeout_seconds=%.0f", len(running),
             timeout)
    deadline = time.monotonic() + timeout
    if running:
        _done, pending = await asyncio.wait(set(running), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=CANCEL_GRACE)
            log.warning("cancelled unfinished work jobs=%d", len(pending))
    scheduler.shutdown(wait=False)
    if app.channels and (left := deadline - time.monotonic()) > 0:
        await _last_dispatch(app, left)
    try:  # in a thread, bounded: a database that stopped answering must not hold the exit
        feeds, alerts = await asyncio.wait_for(asyncio.to_thread(_release_leases, app), 10)
        log.info("stopped instance=%s released_feed_leases=%d released_alert_leases=%d",
                 app.instance, feeds, alerts)
    except TimeoutError:
        log.error("could not release leases (they expire on their own) error='timed out'")
    except MonitorError as exc:
        log.error("could not release leases (they expire on their own) error=%r", str(exc))


def _release_leases(app: App) -> tuple[int, int]:
    with unit_of_work(app.engine) as s:
        return feeds.release_leases(s, app.instance), outbox.release_alert_leases(s, app.instance)


async def _last_dispatch(app: App, timeout: float) -> None:
    """One delivery round for what is due now, cut off after ``timeout`` seconds; what it
    does not send stays in the outbox for the next start."""
    task = asyncio.ensure_future(dispatch.dispatch_due(app, clock.utcnow()))
    await asyncio.wait({task}, timeout=timeout)
    if not task.done():
        # Cancelled, and waited for a little: a round waiting on a database that stopped
        # answering (its writes wait for their transaction) is left behind, not waited on.
        task.cancel()
        await asyncio.wait({task}, timeout=CANCEL_GRACE)
        log.warning("stopping: last dispatch round cut off after %.1fs; the rest stays queued",
                    timeout)
        return
    try:
        report = task.result()
    except MonitorError as exc:
        log.error("stopping: last dispatch round failed error=%r", str(exc))
    else:
        if report.sent or report.retrying or report.failed:
            log.info("stopping: last dispatch round sent=%d retrying=%d failed=%d", report.sent,
                     report.retrying, report.failed)
