"""Test support for the web desk: a real desk server on 127.0.0.1 (its own event loop in a
thread, so that sync tests, httpx and Playwright can all talk to it), users, and logging in
through the real login form."""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from aiohttp import web

from monitor.config import Config
from monitor.db.engine import make_engine, upgrade
from monitor.db.session import unit_of_work
from monitor.db.users import add_user
from monitor.web.app import make_desk_app
from monitor.web.desk import Desk
from monitor.web.passwords import hash_password

PASSWORD = "correct horse battery"


def make_desk(config: Config, **kwargs: object) -> Desk:
    engine = make_engine(config.database.url)
    upgrade(engine)
    return Desk(config=config, engine=engine, secret=secrets.token_bytes(32), **kwargs)  # type: ignore[arg-type]


def create_user(desk: Desk, name: str = "ana", password: str = PASSWORD) -> None:
    with unit_of_work(desk.engine) as s:
        add_user(s, name, hash_password(password), datetime.now(UTC))


@contextmanager
def desk_server(desk: Desk) -> Iterator[str]:
    """Serve the desk on a free loopback port while the block runs; yields its base URL."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(make_desk_app(desk))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        runner = state["runner"]
        assert isinstance(runner, web.AppRunner)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        desk.engine.dispose()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def desk_client(base: str) -> httpx.Client:
    """A client of the desk at ``base``, patient enough for a loaded CI machine (httpx's default
    of 5 s ran out there on a first page under eight busy processes)."""
    return httpx.Client(base_url=base, timeout=30)


def login(client: httpx.Client, name: str = "ana", password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; returns the session's CSRF token (read from
    the page the login lands on is not always possible, so it is read from any desk page
    that has a form: the login redirect's target)."""
    page = client.get("/login")
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf": csrf_of(page.text), "next": "/"})
    assert response.status_code == 303, (response.status_code, response.text)
    assert "monitor_session" in client.cookies
    return session_csrf(client)


def session_csrf(client: httpx.Client) -> str:
    """The CSRF token of the logged-in session: from the logout form every page carries."""
    from monitor.web.auth import SESSION_COOKIE

    value = client.cookies[SESSION_COOKIE]
    import base64
    import json

    payload = value.split(".")[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    token: str = data["c"]
    return token
