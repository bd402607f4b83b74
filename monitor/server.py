"""The HTTP endpoint of a running daemon: ``/healthz`` and ``/metrics`` (Prometheus).

``/healthz`` answers 200 when the scheduler ticked recently, the database answers and the
worker pool is not failing task after task (dead workers, overruns), 503 otherwise, with a
JSON body saying which and when a feed was last polled successfully.
Gauges that describe the database are refreshed before each ``/metrics`` scrape.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from monitor.app import App
from monitor.config import ServerConfig
from monitor.db import dialect, feeds, outbox
from monitor.db.session import unit_of_work
from monitor.errors import EndpointError, StoreError

MAX_CONNECTIONS = 64  # open at once; a scraper needs one, a flood gets no more
IDLE_TIMEOUT = 5.0  # a connection without a request in progress is closed after this
MAX_LIFETIME = 60.0  # and any connection after this

log = logging.getLogger("monitor.server")


def _database_ok(app: App) -> bool:
    """Whether the database answers, and takes writes (``dialect.probe_writes``)."""
    try:
        with unit_of_work(app.engine) as s:
            dialect.probe_writes(s)
        return True
    except StoreError:
        return False


def _refresh_gauges(app: App) -> None:
    with unit_of_work(app.engine) as s:
        counts = outbox.alert_counts(s)
        app.metrics.outbox_depth.set(counts.get("pending", 0))
        app.metrics.alerts_failed.set(counts.get("failed", 0))
        app.metrics.feeds_in_error.set(feeds.feeds_in_error(s))


async def health(app: App) -> tuple[bool, dict[str, object]]:
    stale_after = max(3 * app.config.scheduler.tick, 60.0)
    beat_age = time.monotonic() - app.lifecycle.heartbeat
    try:
        db_ok = await asyncio.wait_for(asyncio.to_thread(_database_ok, app),
                                       app.config.server.health_timeout)
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
        "last_successful_poll": (app.polling.last_ok.isoformat() if app.polling.last_ok
                                 else None),
        "instance": app.instance,
    }


UiFactory = Callable[[App], web.Application]  # the desk, given by the CLI (a later stage)


def make_web_app(app: App, base: web.Application | None = None) -> web.Application:
    """/healthz and /metrics, on ``base`` when given (the desk: they stay public there)."""
    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health(app)
        return web.Response(status=200 if ok else 503, text=json.dumps(body),
                            content_type="application/json")

    async def metrics(_request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(asyncio.to_thread(_refresh_gauges, app),
                                   app.config.server.health_timeout)
        except (TimeoutError, StoreError):
            app.metrics.up.set(0)
        return web.Response(body=app.metrics.render(),
                            headers={"Content-Type": "text/plain; version=0.0.4"})

    web_app = base if base is not None else web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


class _Refused(asyncio.Protocol):
    """A connection beyond the cap when every open one is busy: closed at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class _Counted(asyncio.Protocol):
    """aiohttp's protocol for one connection, known to the cap while it is open."""

    def __init__(self, inner: asyncio.Protocol, cap: _Capped) -> None:
        self.inner, self.cap = inner, cap
        self.transport: asyncio.BaseTransport | None = None
        self.spoke = False  # the client sent something: a request, not a held socket
        self.expiry: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        # Whatever the client does, the connection ends after MAX_LIFETIME (a scraper
        # opens another one).
        self.expiry = asyncio.get_running_loop().call_later(MAX_LIFETIME, transport.close)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.spoke = True
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.cap.open.pop(self, None)
        if self.expiry is not None:
            self.expiry.cancel()
        self.inner.connection_lost(exc)


class _Capped:
    """The protocol factory of the endpoint: at most ``limit`` connections are open, so that
    idle clients cannot take the file descriptors the poller needs. A new connection beyond
    that closes the oldest one that never sent a byte (a held socket), so that a new client
    is still served; when every open one is talking, the new one is closed at once."""

    def __init__(self, server: web.Server, limit: int) -> None:
        self.server, self.limit, self.dropped = server, limit, 0
        self.open: dict[_Counted, None] = {}  # oldest first

    def __call__(self) -> asyncio.Protocol:
        if len(self.open) >= self.limit:
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 1000 == 0:
                log.warning("endpoint at its connection limit open=%d dropped=%d",
                            len(self.open), self.dropped)
            silent = next((c for c in self.open if not c.spoke and c.transport), None)
            if silent is None:
                return _Refused()
            del self.open[silent]
            assert silent.transport is not None
            silent.transport.close()
        conn = _Counted(self.server(), self)
        self.open[conn] = None
        return conn


def _listen_error(host: str, port: int, exc: OSError) -> EndpointError:
    """Why the endpoint cannot listen, naming the key to change."""
    if exc.errno == errno.EADDRINUSE:
        return EndpointError("server.port", f"{host}:{port} is already in use (another "
                             "program listens there; pick a free port or stop it)")
    if exc.errno == errno.EACCES:
        return EndpointError("server.port", f"{host}:{port}: permission denied (ports below "
                             "1024 need privileges)")
    return EndpointError("server.host", f"cannot listen on {host}:{port}: "
                         f"{exc.strerror or exc}")


def check_can_listen(cfg: ServerConfig) -> None:
    """Bind ``server.host``:``server.port`` for a moment (when ``server.enabled``), so that a
    busy port stops `monitor run` before it starts any work; raises ``EndpointError``."""
    if not cfg.enabled:
        return
    try:
        addresses = socket.getaddrinfo(cfg.host, cfg.port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise EndpointError("server.host", f"cannot resolve {cfg.host!r}: {exc.strerror}"
                            ) from None
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server
            try:
                probe.bind(address)
            except OSError as exc:
                raise _listen_error(cfg.host, cfg.port, exc) from None


@asynccontextmanager
async def serving(app: App, ui: UiFactory | None = None) -> AsyncIterator[str | None]:
    """Serve the endpoint while the block runs, when ``server.enabled``; yields its URL.
    With ``ui`` (when ``server.ui``), the application it builds serves there too (its
    ``DeskError`` ends the start).
    At most ``MAX_CONNECTIONS`` connections are open at once (see ``_Capped``), and one that
    has no request in progress is closed after ``IDLE_TIMEOUT``
    seconds, from its start too: a client that never completes its request is dropped (and
    any connection after ``MAX_LIFETIME``)."""
    cfg = app.config.server
    if not cfg.enabled:
        yield None
        return
    base = await asyncio.to_thread(ui, app) if ui is not None else None
    runner = web.AppRunner(make_web_app(app, base), access_log=None,
                           keepalive_timeout=IDLE_TIMEOUT)
    await runner.setup()
    assert runner.server is not None
    try:
        listener = await asyncio.get_running_loop().create_server(
            _Capped(runner.server, MAX_CONNECTIONS), cfg.host, cfg.port, reuse_address=True,
            backlog=MAX_CONNECTIONS)
    except OSError as exc:
        await runner.cleanup()
        raise _listen_error(cfg.host, cfg.port, exc) from None
    try:
        yield f"http://{cfg.host}:{cfg.port}"
    finally:
        listener.close()
        await runner.cleanup()
