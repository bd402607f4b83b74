"""HTTP fetching for feeds and article pages: conditional GET, redirects, limits, politeness and
the SSRF guard.

The only module that talks HTTP for ingestion. Redirects are followed here, hop by hop, so
that every hop is checked against the address policy, counted against the limit, and a chain
of permanent redirects (301/308) is reported so the feed's URL can be updated. Bodies are read
raw and decoded by ``net.decode`` layer by layer, each layer cut at ``max_bytes`` as it streams (a
gzip bomb, even wrapped twice, stops there), and the whole download at ``total_timeout`` (a
server that drips bytes forever is cut). Every URL, the first and each redirect hop, is
validated first (``net.guard.validate_url``). Whatever the server or the URL can cause (httpx and
aiohttp errors, ``ValueError``, ``UnicodeError``, OS errors) becomes a ``FetchError`` with a
readable, truthful reason ("connection reset", "server closed the connection"; only real
timeouts say "timed out"), the HTTP status and any Retry-After.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import SplitResult, urljoin

import aiohttp
import httpx

from monitor.config import FetchConfig
from monitor.errors import FetchError, InvalidURLError
from monitor.ingest.sources import feed_may_be_private
from monitor.net.client import default_headers, guarded_transport, timeout_of, transport
from monitor.net.decode import DecodeError, Decoder, TooLarge, encodings
from monitor.net.faults import translate
from monitor.net.guard import check_ip_literal, is_public_address, validate_url
from monitor.net.log_url import public_url

__all__ = ["Fetcher", "HostGate", "Response", "feed_may_be_private", "fetch",
           "is_public_address", "parse_retry_after"]

log = logging.getLogger(__name__)

URL_CACHE = 8192  # URLs whose parsing a Fetcher keeps (about 1 KB each: 8 MB at most)
MAX_RETRY_AFTER = 1e9  # seconds; the scheduler clamps it further
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    moved_to: str | None = None  # set when every redirect on the way was permanent

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class HostGate:
    """Politeness: at most ``per_host`` requests in flight to one host, and at least
    ``spacing`` seconds between the starts of two requests to it."""

    per_host: int = 2
    spacing: float = 0.0
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _next_start: dict[str, float] = field(default_factory=dict)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        sem = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with sem:
            if self.spacing > 0:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.spacing
                if start > now:
                    await asyncio.sleep(start - now)
            yield


class Fetcher:
    """Feed and page fetching: httpx requests sent straight to an httpx transport (by default
    httpx-aiohttp's), without ``httpx.AsyncClient`` around it.

    The client adds what a poller does not want — a cookie jar shared by every site (and
    growing for months), auth and redirect machinery (redirects are followed here, hop by
    hop) — and measured at half the CPU of a request on loopback; a 10,000-feed cycle is
    bound by that CPU. Requests, responses and errors are still httpx's.

    Requests that must reach public addresses only go through a second transport, always
    httpx-aiohttp's, whose resolver drops every non-public answer (``net.guard``).

    The URLs polled again and again (a feed's, every cycle) are parsed once: their checked
    parts (``validate_url``, pure) and their ``httpx.URL`` are kept for the last
    ``URL_CACHE`` URLs, which took a third of building a request (httpx parses a URL string
    in Python)."""

    def __init__(self, cfg: FetchConfig) -> None:
        self.cfg = cfg
        self.transport = transport(cfg)  # for the operator's own feeds: may be on the LAN
        self._guarded: httpx.AsyncBaseTransport | None = None  # public addresses only
        self.headers = default_headers(cfg)
        self.timeout = timeout_of(cfg).as_dict()
        self.parts: Callable[[str], SplitResult] = functools.lru_cache(URL_CACHE)(validate_url)
        self._url: Callable[[str], httpx.URL] = functools.lru_cache(URL_CACHE)(httpx.URL)

    @property
    def guarded(self) -> httpx.AsyncBaseTransport:
        """The transport that connects to public addresses only: the address checked is the
        one connected to. Its connection pool is its own, so a connection made for an
        unguarded request is never reused for a guarded one."""
        if self._guarded is None:
            self._guarded = guarded_transport(self.cfg)
        return self._guarded

    @asynccontextmanager
    async def get(self, url: str, headers: dict[str, str], *,
                  allow_private: bool = False) -> AsyncIterator[httpx.Response]:
        request = httpx.Request("GET", self._url(url), headers={**self.headers, **headers},
                                extensions={"timeout": self.timeout})
        if allow_private:
            transport = self.transport
        else:
            check_ip_literal(url, request.url.host)  # names are checked as they are resolved
            transport = self.guarded
        response = await transport.handle_async_request(request)
        try:
            yield response
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()
        if self._guarded is not None:
            await self._guarded.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds in ``[0, MAX_RETRY_AFTER]``: either ASCII digits or an HTTP
    date; anything else (a date past year 9999, ``"\u00b2"``, garbage) is None. Pure."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = (when - now).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, wait), MAX_RETRY_AFTER)


def _validator(value: str | None) -> str | None:
    """A stored ETag or Last-Modified if it can be sent back as it came: printable ASCII,
    at most 1,024 characters. One a server sent with other bytes (a Latin-1 date, a control
    character) would make every later request fail; the request goes unconditional instead."""
    if value and len(value) <= 1024 and value.isascii() and value.isprintable():
        return value
    return None


async def fetch(
    client: Fetcher,
    url: str,
    *,
    max_bytes: int,
    total_timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = False,
    accept: str = "*/*",
    max_redirects: int = 5,
    gate: HostGate | None = None,
) -> Response:
    """GET ``url`` (conditionally when validators are given). Raises ``FetchError``, and
    nothing else, for whatever the server or the URL can cause. Unless ``allow_private``,
    only public addresses are connected to (``BlockedAddressError`` otherwise)."""
    headers = {"Accept": accept}
    if etag := _validator(etag):
        headers["If-None-Match"] = etag
    if last_modified := _validator(last_modified):
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _follow(client, url, headers, max_bytes, allow_private,
                                 max_redirects, gate)
    except FetchError:
        raise
    except TimeoutError as exc:
        if isinstance(exc, aiohttp.ClientError):  # aiohttp's own timeouts are TimeoutErrors
            raise translate(url, exc) from None
        raise FetchError(url, f"timed out after {total_timeout:g}s") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, aiohttp.ClientError,
            OSError, ValueError, UnicodeError, LookupError) as exc:
        raise translate(url, exc) from None
    except Exception as exc:  # a library raising something new must not stop a poll cycle
        log.exception("unexpected error fetching url=%s", public_url(url))
        raise FetchError(url, f"unexpected error: {type(exc).__name__}: {exc}"[:300]) from None


def _next_hop(url: str, current: str, location: str) -> str:
    try:
        return urljoin(current, location)
    except ValueError as exc:
        raise InvalidURLError(url, f"redirect to an unparseable URL: {exc}") from None


def _validated(client: Fetcher, url: str, current: str) -> SplitResult:
    """``current``'s parts; a bad URL reached by a redirect is reported as such."""
    try:
        return client.parts(current)
    except InvalidURLError as exc:
        if current == url:
            raise
        raise InvalidURLError(url, f"redirect to a bad URL ({current[:100]!r}): "
                                   f"{exc.reason}") from None


async def _follow(client: Fetcher, url: str, headers: dict[str, str], max_bytes: int,
                  allow_private: bool, max_redirects: int, gate: HostGate | None) -> Response:
    current, permanent = url, True
    for _hop in range(max_redirects + 1):
        host = _validated(client, url, current).hostname or ""
        if gate is None:
            result = await _get(client, current, headers, max_bytes, allow_private)
        else:
            async with gate.slot(host):
                result = await _get(client, current, headers, max_bytes, allow_private)
        if isinstance(result, Response):
            moved = current if permanent and current != url else None
            return Response(result.url, result.status, result.headers, result.body, moved)
        status, location = result
        permanent = permanent and status in PERMANENT
        current = _next_hop(url, current, location)
    raise FetchError(url, f"too many redirects (more than {max_redirects})")


async def _get(client: Fetcher, url: str, headers: dict[str, str], max_bytes: int,
               allow_private: bool) -> Response | tuple[int, str]:
    """One request: a Response, or (status, location) for a redirect to follow."""
    async with client.get(url, headers, allow_private=allow_private) as resp:
        if resp.status_code in REDIRECTS and resp.headers.get("location"):
            return resp.status_code, resp.headers["location"]
        if resp.status_code == 304:
            return Response(url, 304, _header_dict(resp), b"")
        if resp.status_code >= 400:
            retry = parse_retry_after(resp.headers.get("retry-after"), datetime.now(UTC))
            raise FetchError(url, f"HTTP {resp.status_code}", status=resp.status_code,
                             retry_after=retry)
        declared = resp.headers.get("content-length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(url, f"body of {declared} bytes exceeds the {max_bytes}-byte limit")
        return Response(url, resp.status_code, _header_dict(resp),
                        await _read_body(url, resp, max_bytes))


async def _read_body(url: str, resp: httpx.Response, max_bytes: int) -> bytes:
    """The body, decoded here layer by layer, every layer bounded by ``max_bytes``."""
    try:
        decoder = Decoder(encodings(resp.headers.get("content-encoding")), max_bytes)
    except DecodeError as exc:
        raise FetchError(url, f"undecodable body: {exc}") from None
    chunks: list[bytes] = []
    raw = size = 0
    try:
        async for chunk in resp.aiter_raw():
            raw += len(chunk)
            if raw > max_bytes:  # also the compressed size: nothing is read past the limit
                raise FetchError(url, f"body exceeds the {max_bytes}-byte limit")
            for piece in decoder.decode(chunk):
                size += len(piece)
                if size > max_bytes:
                    raise FetchError(url, f"body exceeds the {max_bytes}-byte limit")
                chunks.append(piece)
        decoder.finish()
    except TooLarge as exc:
        raise FetchError(url, f"body exceeds the {max_bytes}-byte limit ({exc})") from None
    except DecodeError as exc:
        raise FetchError(url, f"undecodable body: {exc}") from None
    return b"".join(chunks)


def _header_dict(resp: httpx.Response) -> dict[str, str]:
    """The response headers as a dict with lower-case names, repeated ones joined by commas
    (what ``dict(resp.headers)`` gives, without its per-item encoding detection)."""
    out: dict[str, str] = {}
    for raw_key, raw_value in resp.headers.raw:
        key = raw_key.decode("latin-1").lower()
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = raw_value.decode("latin-1")
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out
