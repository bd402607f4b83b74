"""The HTTP endpoint of a running daemon: ``/healthz`` and ``/metrics`` (Prometheus).

``/healthz`` answers 200 when the scheduler ticked recently, the database answers and the
worker pool is not failing task after task (dead workers, overruns), 503 otherwise, with a
JSON body saying which and when a feed was last polled successfully.
Gauges that describe the database are refreshed before each ``/metrics`` scrape.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from sqlalchemy import text

from monitor.app import App
from monitor.db import outbox, store
from monitor.errors import StoreError

DB_TIMEOUT = 5.0


def _database_ok(app: App) -> bool:
    """Whether the database answers, and takes writes: on SQLite (WAL) readers go on while
    another process holds the write lock, so the probe asks for the write lock too."""
    try:
        with store.unit_of_work(app.engine) as s:
            if app.engine.dialect.name == "sqlite":
                s.execute(text("update feeds set id = id where 0"))  # takes the write lock
            else:
                s.execute(text("select 1"))
        return True
    except StoreError:
        return False


def _refresh_gauges(app: App) -> None:
    with store.unit_of_work(app.engine) as s:
        counts = outbox.alert_counts(s)
        app.metrics.outbox_depth.set(counts.get("pending", 0))
        app.metrics.alerts_failed.set(counts.get("failed", 0))
        app.metrics.feeds_in_error.set(store.feeds_in_error(s))


async def health(app: App) -> tuple[bool, dict[str, object]]:
    stale_after = max(3 * app.config.scheduler.tick, 60.0)
    beat_age = time.monotonic() - app.heartbeat
    try:
        db_ok = await asyncio.wait_for(asyncio.to_thread(_database_ok, app), DB_TIMEOUT)
    except TimeoutError:
        db_ok = False
    app.metrics.up.set(1 if db_ok else 0)
    extraction = app.pool.health
    ok = db_ok and beat_age < stale_after and extraction.ok
    return ok, {
        "status": "ok" if ok else "unhealthy",
        "scheduler": {"alive": beat_age < stale_after, "last_tick_seconds_ago": round(beat_age, 1)},
        "database": {"reachable": db_ok},
        "extraction": extraction.report(time.monotonic()),
        "last_successful_poll": app.last_poll_ok.isoformat() if app.last_poll_ok else None,
        "instance": app.instance,
    }


def make_web_app(app: App) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health(app)
        return web.Response(status=200 if ok else 503, text=json.dumps(body),
                            content_type="application/json")

    async def metrics(_request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(asyncio.to_thread(_refresh_gauges, app), DB_TIMEOUT)
        except (TimeoutError, StoreError):
            app.metrics.up.set(0)
        return web.Response(body=app.metrics.render(),
                            headers={"Content-Type": "text/plain; version=0.0.4"})

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[str | None]:
    """Serve the endpoint while the block runs, when ``server.enabled``; yields its URL."""
    cfg = app.config.server
    if not cfg.enabled:
        yield None
        return
    runner = web.AppRunner(make_web_app(app), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, cfg.host, cfg.port)
    await site.start()
    try:
        yield f"http://{cfg.host}:{cfg.port}"
    finally:
        await runner.cleanup()
