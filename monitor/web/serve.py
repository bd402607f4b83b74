"""Serving the desk: a ``Desk`` built from the config (its session key from ``server.secret``
or random), the refusal to serve it on a public address without users, the sub-application
factory the daemon's endpoint mounts, and `monitor web` (the desk alone, until a signal)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import signal
import socket
from collections.abc import Callable

from aiohttp import web
from sqlalchemy import Engine

from monitor.api import prepare_database
from monitor.app import App
from monitor.config import Config
from monitor.db.engine import make_engine, timeouts_of
from monitor.db.session import unit_of_work
from monitor.db.users import count_users
from monitor.errors import DeskError
from monitor.web.app import make_desk_app
from monitor.web.desk import Desk

log = logging.getLogger("monitor.web")


def session_key(config: Config) -> bytes:
    """``server.secret``; unset or empty: a random key for this process (logged: every
    session ends when the process does)."""
    given = config.server.secret.get_secret_value() if config.server.secret else ""
    if given:
        return given.encode("utf-8")
    log.warning("server.secret is not set: desk sessions are signed with a random key and end "
                "at restart (set MONITOR_DESK_SECRET to keep them)")
    return secrets.token_bytes(32)


def build_desk(config: Config, engine: Engine) -> Desk:
    """The desk's shared state for ``config``, on ``engine``."""
    return Desk(config=config, engine=engine, secret=session_key(config))


def is_loopback(host: str) -> bool:
    """Whether ``host`` only reaches this machine (``127.0.0.1``, ``::1``, ``localhost``, a
    name that resolves to loopback addresses only); ``0.0.0.0`` and ``::`` are every address."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(str(a[4][0]).split("%")[0]).is_loopback
                               for a in found)


def check_can_serve(engine: Engine, host: str) -> None:
    """``DeskError`` when the desk would listen beyond loopback with nobody able to log in."""
    if is_loopback(host):
        return
    with unit_of_work(engine) as s:
        users = count_users(s)
    if not users:
        raise DeskError(f"refusing to serve the desk on {host} without users: add one with "
                        "`monitor users add NAME` (or listen on 127.0.0.1)")


def desk_factory(config: Config) -> Callable[[App], web.Application]:
    """What `monitor run` hands the daemon's endpoint when ``server.ui``: builds the desk on the
    daemon's engine (after the check above), to serve beside /healthz and /metrics."""
    def make(app: App) -> web.Application:
        check_can_serve(app.engine, config.server.host)
        return make_desk_app(build_desk(config, app.engine))
    return make


async def _serve(desk: Desk, host: str, port: int, announce: Callable[[str], None]) -> None:
    runner = web.AppRunner(make_desk_app(desk), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise DeskError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        bound = runner.addresses[0][1] if runner.addresses else port
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{bound}/")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def serve_desk(config: Config, host: str, port: int, announce: Callable[[str], None]) -> None:
    """`monitor web`: the desk alone on ``host``:``port`` (0: a free port) until SIGINT or
    SIGTERM; ``announce`` is given its URL once it listens."""
    prepare_database(config)
    engine = make_engine(config.database.url, timeouts_of(config.database))
    try:
        check_can_serve(engine, host)
        asyncio.run(_serve(build_desk(config, engine), host, port, announce))
    finally:
        engine.dispose()
