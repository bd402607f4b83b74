"""HTTP fetching for feeds and article pages: conditional GET, size and time limits, SSRF guard.

The only module that talks HTTP for ingestion. httpx errors are translated into ``FetchError``
here; callers get a ``Response`` value or a ``FetchError`` with a readable reason, the HTTP
status and any Retry-After the server sent.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from monitor.config import FetchConfig
from monitor.errors import BlockedAddressError, FetchError


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def make_client(cfg: FetchConfig) -> httpx.AsyncClient:
    """The shared HTTP client for all fetches (built once by the app)."""
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=cfg.max_redirects,
        timeout=httpx.Timeout(cfg.timeout, connect=min(cfg.timeout, 10.0)),
        headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=cfg.concurrency * 2, max_keepalive_connections=50),
    )


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
        raise FetchError(url, f"DNS lookup failed: {exc.strerror}") from None
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise BlockedAddressError(url, f"{host} resolves to non-public address {info[4][0]}")


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    total_timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = True,
    accept: str = "*/*",
) -> Response:
    """GET ``url`` (conditionally when validators are given). Raises ``FetchError``."""
    if not allow_private:
        await check_public(url)
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _get(client, url, headers, max_bytes)
    except TimeoutError:
        raise FetchError(url, f"timed out after {total_timeout:g}s") from None
    except httpx.TooManyRedirects:
        raise FetchError(url, "too many redirects") from None
    except httpx.TimeoutException as exc:
        raise FetchError(url, f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"{type(exc).__name__}: {exc or 'connection failed'}") from None


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str],
               max_bytes: int) -> Response:
    async with client.stream("GET", url, headers=headers) as resp:
        final = str(resp.url)
        if resp.status_code == 304:
            return Response(final, 304, dict(resp.headers), b"")
        if resp.status_code >= 400:
            retry = parse_retry_after(resp.headers.get("retry-after"), datetime.now(UTC))
            raise FetchError(url, f"HTTP {resp.status_code}", status=resp.status_code,
                             retry_after=retry)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(url, f"body of {declared} bytes exceeds the {max_bytes}-byte limit")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, f"body exceeds the {max_bytes}-byte limit")
            chunks.append(chunk)
        return Response(final, resp.status_code, dict(resp.headers), b"".join(chunks))
