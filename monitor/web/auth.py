"""Who is asking: sessions in signed cookies, CSRF tokens on every form, API tokens for the
JSON endpoints, the login and logout pages, and the security headers of every response.

A session cookie holds ``{"u": user name, "c": CSRF token}`` signed with the desk's secret
(itsdangerous); a POST, PUT, PATCH or DELETE made with a session must carry that token (form
field ``csrf`` or header ``X-CSRF-Token``). A request with ``Authorization: Bearer TOKEN``
is the token's user, on ``TOKEN_PATHS`` only, and needs no CSRF token (no cookie is used).
Only ``PUBLIC`` paths answer without either.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote

from aiohttp import web
from itsdangerous import BadSignature, URLSafeTimedSerializer

from monitor.db.session import unit_of_work
from monitor.db.users import find_user, user_by_token
from monitor.web.desk import CSRF_TOKEN, USER, Desk, desk_of
from monitor.web.passwords import DUMMY_HASH, verify_password
from monitor.web.render import render

log = logging.getLogger("monitor.web")
SESSION_COOKIE = "monitor_session"
LOGIN_COOKIE = "monitor_login"  # the login form's CSRF token (double-submit), before a session
SESSION_MAX_AGE = 12 * 3600  # seconds
# /favicon.ico (a 404): a browser asks for it beside the login form, and sent to /login it would
# replace the form's CSRF cookie, so that no browser could log in at the first try.
PUBLIC = frozenset({"/login", "/healthz", "/metrics", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)
TOKEN_PATHS = ("/api/", "/saved/")  # answered 401 (not the login redirect) without a session
API_PREFIX = "/api/"  # the JSON endpoints: an API token is accepted there, errors are JSON
FEED_TOKEN_PATH = re.compile(r"^/saved/[^/]+\.atom$")  # also as ?token= (feed readers)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
routes = web.RouteTableDef()


def _serializer(desk: Desk) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(desk.secret, salt="monitor-desk-session")


def session_cookie(desk: Desk, user: str) -> str:
    """A new session's cookie value for ``user``, with a fresh CSRF token."""
    return _serializer(desk).dumps({"u": user, "c": secrets.token_urlsafe(24)})


def read_session(desk: Desk, cookie: str | None) -> tuple[str, str] | None:
    """(user, CSRF token) of a valid, unexpired session cookie, or None."""
    if not cookie or cookie in desk.ended_sessions:
        return None
    try:
        data = _serializer(desk).loads(cookie, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) \
            or not isinstance(data.get("c"), str):
        return None
    return data["u"], data["c"]


def is_public(path: str) -> bool:
    """Whether ``path`` answers without a session or token."""
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return query_token(request)


def query_token(request: web.Request) -> str | None:
    """``?token=`` on a GET of a saved search's Atom feed, and nowhere else: a feed reader
    cannot always send a header (the token is then in the reader's URL; use one per reader)."""
    if request.method == "GET" and FEED_TOKEN_PATH.match(request.path):
        return request.query.get("token") or None
    return None


def token_allowed(request: web.Request) -> bool:
    """Where an API token opens the desk: the JSON endpoints and a GET of a saved search's
    Atom feed; never a page or a form's action (``/saved/NAME/delete`` is one)."""
    return request.path.startswith(API_PREFIX) or (
        request.method == "GET" and FEED_TOKEN_PATH.match(request.path) is not None)


def _enabled(desk: Desk, name: str) -> bool:
    """Whether the session's user still exists and is not disabled."""
    with unit_of_work(desk.engine) as s:
        return find_user(s, name) is not None


def _token_user(desk: Desk, token: str) -> str | None:
    with unit_of_work(desk.engine) as s:
        user = user_by_token(s, token)
        return user.name if user else None


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in ("application/x-www-form-urlencoded",
                                                  "multipart/form-data"):
        value = (await request.post()).get("csrf")
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given, expected)


def _unauthorized(request: web.Request) -> web.HTTPException:
    if request.method in SAFE_METHODS and not request.path.startswith(TOKEN_PATHS):
        return web.HTTPFound("/login?next=" + quote(request.path_qs, safe=""))
    return web.HTTPUnauthorized(text="log in, or send an API token", headers={
        "WWW-Authenticate": 'Bearer realm="monitor"'})


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sets ``request[USER]`` (and ``request[CSRF_TOKEN]`` for a session) or refuses."""
    if is_public(request.path):
        return await handler(request)
    desk = desk_of(request)
    token = _bearer(request)
    if token is not None:
        if not token_allowed(request):
            raise web.HTTPUnauthorized(text="API tokens are for the JSON endpoints")
        user = await asyncio.to_thread(_token_user, desk, token)
        if user is None:
            raise web.HTTPUnauthorized(text="unknown API token")
        request[USER] = user
        return await handler(request)
    session = read_session(desk, request.cookies.get(SESSION_COOKIE))
    if session is None or not await asyncio.to_thread(_enabled, desk, session[0]):
        raise _unauthorized(request)
    request[USER], request[CSRF_TOKEN] = session
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, session[1]):
        raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page and retry")
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A strict Content-Security-Policy (no inline script or style) and friends, on every
    response, errors included; a JSON endpoint's error (or one asked for as JSON) is JSON
    (``{"error": ...}``); an unexpected failure is logged and answered 500 without a word of
    the inside."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and wants_json(request):
            response = _json_error(exc.status, exc.text or exc.reason, exc.headers)
        else:
            _headers(exc, request)
            raise
    except Exception:
        log.exception("desk: %s %s failed", request.method, request.path)
        message = "the desk failed on this request (the log says why)"
        response = (_json_error(500, message) if wants_json(request)
                    else web.Response(status=500, text=message))
    _headers(response, request)
    return response


def wants_json(request: web.Request) -> bool:
    """A JSON endpoint, or a request that asks for JSON (the pages' script does)."""
    return request.path.startswith(API_PREFIX) \
        or "application/json" in request.headers.get("Accept", "")


def _json_error(status: int, message: str,
                headers: Mapping[str, str] | None = None) -> web.Response:
    kept = {k: v for k, v in (headers or {}).items()
            if k.lower() in ("allow", "www-authenticate", "retry-after")}
    return web.json_response({"error": message}, status=status, headers=kept)


def _headers(response: web.StreamResponse, request: web.Request) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def _safe_next(target: str) -> str:
    """Only a path on this site (no ``//host`` or scheme): an open redirect otherwise. No
    control character either: a browser drops a tab or a line feed, ``/<TAB>/host`` is
    ``//host``."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return target
    return "/"


def _login_page(request: web.Request, *, error: str = "", status: int = 200,
                next_url: str = "/") -> web.Response:
    # The browser's login token is kept when it has one: a second login page (another tab,
    # or the browser's own /favicon.ico sent here) must not void the form already shown.
    kept = request.cookies.get(LOGIN_COOKIE, "")
    token = kept if re.fullmatch(r"[A-Za-z0-9_-]{32}", kept) else secrets.token_urlsafe(24)
    request[CSRF_TOKEN] = token
    response = render(request, "login.html", status=status, error=error, next_url=next_url)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict",
                        secure=desk_of(request).secure_cookies, max_age=3600)
    return response


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    """The login form (its CSRF token in a cookie of its own)."""
    return _login_page(request, next_url=_safe_next(request.query.get("next", "/")))


def _check_password(desk: Desk, name: str, password: str) -> bool:
    with unit_of_work(desk.engine) as s:
        user = find_user(s, name)
        stored = user.password_hash if user else DUMMY_HASH
    return verify_password(stored, password) and user is not None


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    """Check the form's token, the rate limit and the password; a new session on success."""
    desk = desk_of(request)
    form = await request.post()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "/")))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the login page")
    address = request.remote or "?"
    wait = desk.limiter.wait(address, name, time.monotonic())
    if wait > 0:
        response = _login_page(request, status=429, next_url=next_url,
                               error=f"too many failed logins: try again in {wait:.0f} s")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    if not await asyncio.to_thread(_check_password, desk, name, password):
        desk.limiter.failed(address, name, time.monotonic())
        return _login_page(request, status=401, next_url=next_url,
                           error="wrong user name or password")
    desk.limiter.succeeded(address, name)
    response = web.HTTPSeeOther(next_url)
    response.set_cookie(SESSION_COOKIE, session_cookie(desk, name), httponly=True,
                        samesite="Lax", secure=desk.secure_cookies, max_age=SESSION_MAX_AGE)
    response.del_cookie(LOGIN_COOKIE)
    raise response


def end_session(desk: Desk, cookie: str, now: float) -> None:
    """``cookie`` opens nothing any more (logged out); the ended ones that expired anyway
    are forgotten."""
    for old in [c for c, until in desk.ended_sessions.items() if until <= now]:
        del desk.ended_sessions[old]
    desk.ended_sessions[cookie] = now + SESSION_MAX_AGE


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    """Ends the session: the cookie is removed, and a copy of it is refused from now on."""
    end_session(desk_of(request), request.cookies.get(SESSION_COOKIE, ""), time.time())
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE)
    raise response
