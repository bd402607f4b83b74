"""The daemon's clock: APScheduler jobs that poll due feeds and dispatch due alerts.

APScheduler 3.x only ticks; what is due lives in our tables (``feeds.next_check_at``,
``alerts.next_attempt_at``), so a restart loses nothing. Each job runs at most once at a time.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor import dispatch, pipeline
from monitor.app import App
from monitor.errors import MonitorError

log = logging.getLogger("monitor.scheduler")


async def poll_job(app: App) -> None:
    try:
        report = await pipeline.poll_cycle(app, pipeline.utcnow())
    except MonitorError as exc:  # e.g. the database is unreachable: log, retry next tick
        log.error("poll cycle failed error=%r", str(exc))
        return
    if report.polled:
        log.info("poll cycle done feeds=%d failed=%d articles=%d hits=%d", report.polled,
                 report.failed, report.total("articles"), report.total("hits"))


async def dispatch_job(app: App) -> None:
    try:
        report = await dispatch.dispatch_due(app, pipeline.utcnow())
    except MonitorError as exc:
        log.error("dispatch failed error=%r", str(exc))
        return
    if report.sent or report.retrying or report.failed:
        log.info("dispatch done sent=%d retrying=%d failed=%d", report.sent, report.retrying,
                 report.failed)


async def run_forever(app: App, stop: asyncio.Event | None = None) -> None:
    """Run the jobs until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sched_cfg = app.config.scheduler
    scheduler = AsyncIOScheduler(timezone="UTC")
    now = pipeline.utcnow()
    scheduler.add_job(poll_job, "interval", args=[app], seconds=sched_cfg.tick,
                      next_run_time=now, max_instances=1, coalesce=True, id="poll")
    scheduler.add_job(dispatch_job, "interval", args=[app], seconds=sched_cfg.dispatch_every,
                      next_run_time=now, max_instances=1, coalesce=True, id="dispatch")
    scheduler.start()
    log.info("daemon started feeds=%d rules=%d channels=%s", len(app.config.feeds),
             len(app.config.rules), ",".join(app.channel_names) or "none")
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        scheduler.shutdown(wait=False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
