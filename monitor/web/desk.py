"""What the desk's handlers share, built once at start-up and passed in (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web
from sqlalchemy import Engine

from monitor.clock import utcnow
from monitor.config import Config
from monitor.web.limits import LoginLimiter


@dataclass
class Desk:
    """The config, the database, the key that signs session cookies, the clock, the login
    limiter (in memory: per client address and per user name) and the sessions logged out."""

    config: Config
    engine: Engine
    secret: bytes
    clock: Callable[[], datetime] = utcnow
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    secure_cookies: bool = False  # set when served behind HTTPS
    # Session cookies logged out, with when they would have expired (time.time()): a copy of
    # one opens nothing. In memory: a restart forgets them (and, without server.secret, every
    # session ends at a restart anyway).
    ended_sessions: dict[str, float] = field(default_factory=dict)


DESK = web.AppKey("desk", Desk)
USER = web.RequestKey("user", str)  # who is asking (set by ``auth``)
CSRF_TOKEN = web.RequestKey("csrf_token", str)  # the session's (or login form's) CSRF token


def desk_of(request: web.Request) -> Desk:
    """The desk the request's application serves."""
    return request.app[DESK]
