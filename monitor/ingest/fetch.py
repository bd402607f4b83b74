"""HTTP fetching for feeds and article pages: conditional GET, redirects, limits, politeness and
the SSRF guard.

The only module that talks HTTP for ingestion. Redirects are followed here, hop by hop, so
that every hop is checked against the address policy, counted against the limit, and a chain
of permanent redirects (301/308) is reported so the feed's URL can be updated. Bodies are read
as a stream and cut at ``max_bytes`` *after* decompression (a gzip bomb stops there) and at
``total_timeout`` (a server that drips bytes forever is cut). httpx errors become
``FetchError`` with a readable reason, the HTTP status and any Retry-After.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from monitor.config import FetchConfig
from monitor.errors import BlockedAddressError, FetchError

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


def _limits(cfg: FetchConfig) -> httpx.Limits:
    return httpx.Limits(max_connections=cfg.concurrency * 2, max_keepalive_connections=100)


def _transport(cfg: FetchConfig) -> httpx.AsyncBaseTransport:
    if cfg.transport == "aiohttp":
        return AiohttpTransport(limits=_limits(cfg))
    return httpx.AsyncHTTPTransport(limits=_limits(cfg))


def _headers(cfg: FetchConfig) -> dict[str, str]:
    return {"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"}


def _timeout(cfg: FetchConfig) -> httpx.Timeout:
    return httpx.Timeout(cfg.timeout, connect=min(cfg.timeout, 10.0))


def make_client(cfg: FetchConfig) -> httpx.AsyncClient:
    """The shared HTTP client for the alert channels (built once by the app)."""
    return httpx.AsyncClient(follow_redirects=False, timeout=_timeout(cfg),
                             headers=_headers(cfg), limits=_limits(cfg),
                             transport=_transport(cfg))


class Fetcher:
    """Feed and page fetching: httpx requests sent straight to an httpx transport (by default
    httpx-aiohttp's), without ``httpx.AsyncClient`` around it.

    The client adds what a poller does not want — a cookie jar shared by every site (and
    growing for months), auth and redirect machinery (redirects are followed here, hop by
    hop) — and measured at half the CPU of a request on loopback; a 10,000-feed cycle is
    bound by that CPU. Requests, responses and errors are still httpx's."""

    def __init__(self, cfg: FetchConfig) -> None:
        self.transport = _transport(cfg)
        self.headers = _headers(cfg)
        self.timeout = _timeout(cfg).as_dict()

    @asynccontextmanager
    async def get(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        request = httpx.Request("GET", url, headers={**self.headers, **headers},
                                extensions={"timeout": self.timeout})
        response = await self.transport.handle_async_request(request)
        try:
            yield response
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date. Pure."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def is_public_address(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
                or addr.is_multicast or addr.is_unspecified)


async def check_public(url: str) -> None:
    """Raise ``BlockedAddressError`` if ``url``'s host resolves to a non-public address."""
    host = urlsplit(url).hostname
    if not host:
        raise FetchError(url, "URL has no host")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(url, f"DNS lookup failed: {exc.strerror}", unreachable=True) from None
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise BlockedAddressError(url, f"{host} resolves to non-public address {info[4][0]}")


async def fetch(
    client: Fetcher,
    url: str,
    *,
    max_bytes: int,
    total_timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = True,
    accept: str = "*/*",
    max_redirects: int = 5,
    gate: HostGate | None = None,
) -> Response:
    """GET ``url`` (conditionally when validators are given). Raises ``FetchError``."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _follow(client, url, headers, max_bytes, allow_private,
                                 max_redirects, gate)
    except TimeoutError:
        raise FetchError(url, f"timed out after {total_timeout:g}s") from None
    except httpx.TimeoutException as exc:
        if isinstance(exc.__cause__, aiohttp.ClientConnectorError):
            # httpx-aiohttp maps a refused connection to ConnectTimeout; it is not a timeout.
            raise FetchError(url, f"ConnectError: {_connect_reason(str(exc.__cause__))}",
                             unreachable=True) from None
        raise FetchError(url, f"timed out ({type(exc).__name__})") from None
    except httpx.DecodingError as exc:
        raise FetchError(url, f"undecodable body: {exc}") from None
    except httpx.ConnectError as exc:
        raise FetchError(url, f"ConnectError: {_connect_reason(str(exc))}",
                         unreachable=True) from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"{type(exc).__name__}: {exc or 'request failed'}") from None


def _connect_reason(text: str) -> str:
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "DNS lookup failed"
    return text or "connection failed"


async def _follow(client: Fetcher, url: str, headers: dict[str, str], max_bytes: int,
                  allow_private: bool, max_redirects: int, gate: HostGate | None) -> Response:
    current, permanent = url, True
    for _hop in range(max_redirects + 1):
        if not current.startswith(("http://", "https://")):
            raise FetchError(url, f"redirect to a non-HTTP URL: {current[:100]}")
        if not allow_private:
            await check_public(current)
        host = urlsplit(current).hostname or ""
        if gate is None:
            result = await _get(client, current, headers, max_bytes)
        else:
            async with gate.slot(host):
                result = await _get(client, current, headers, max_bytes)
        if isinstance(result, Response):
            moved = current if permanent and current != url else None
            return Response(result.url, result.status, result.headers, result.body, moved)
        status, location = result
        permanent = permanent and status in PERMANENT
        current = urljoin(current, location)
    raise FetchError(url, f"too many redirects (more than {max_redirects})")


async def _get(client: Fetcher, url: str, headers: dict[str, str],
               max_bytes: int) -> Response | tuple[int, str]:
    """One request: a Response, or (status, location) for a redirect to follow."""
    async with client.get(url, headers) as resp:
        if resp.status_code in REDIRECTS and resp.headers.get("location"):
            return resp.status_code, resp.headers["location"]
        if resp.status_code == 304:
            return Response(url, 304, _header_dict(resp), b"")
        if resp.status_code >= 400:
            retry = parse_retry_after(resp.headers.get("retry-after"), datetime.now(UTC))
            raise FetchError(url, f"HTTP {resp.status_code}", status=resp.status_code,
                             retry_after=retry)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes \
                and not resp.headers.get("content-encoding"):
            raise FetchError(url, f"body of {declared} bytes exceeds the {max_bytes}-byte limit")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():  # decompressed: a gzip bomb is cut here
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, f"body exceeds the {max_bytes}-byte limit")
            chunks.append(chunk)
        return Response(url, resp.status_code, _header_dict(resp), b"".join(chunks))


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
