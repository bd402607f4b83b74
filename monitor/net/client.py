"""The HTTP clients and transports, built from ``fetch:`` settings: the alert channels' shared
client (``make_client``) and the transports the fetcher sends through, one of them connecting
to public addresses only (``guard.GlobalOnlyResolver``). The TLS context honours
``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as httpx does; one that names no readable bundle is a
configuration error, said as one, not a traceback from inside httpx.
"""

from __future__ import annotations

import os
import ssl

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver
from aiohttp.connector import Connection
from httpx_aiohttp import AiohttpTransport

from monitor.config import FetchConfig
from monitor.errors import ConfigError
from monitor.net.guard import GlobalOnlyResolver

CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def limits(cfg: FetchConfig) -> httpx.Limits:
    return httpx.Limits(max_connections=cfg.concurrency * 2, max_keepalive_connections=100)


def transport(cfg: FetchConfig) -> httpx.AsyncBaseTransport:
    if cfg.transport == "aiohttp":
        return _aiohttp_transport(cfg, None)
    return httpx.AsyncHTTPTransport(verify=ssl_context(), limits=limits(cfg))


def ssl_context() -> ssl.SSLContext:
    """httpx's default context (certifi, or the bundle ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
    name); a bundle that cannot be read, or a ``SSL_CERT_DIR`` that is no directory (which
    OpenSSL would take for an empty one: every HTTPS fetch failing verification), raises
    ``ConfigError`` naming the variable."""
    cert_dir = os.environ.get("SSL_CERT_DIR")
    if cert_dir and not os.environ.get("SSL_CERT_FILE") \
            and not any(os.path.isdir(d) for d in cert_dir.split(os.pathsep)):
        raise ConfigError([("", f"cannot load TLS certificates from SSL_CERT_DIR={cert_dir}: "
                                "not a directory")])
    try:
        return httpx.create_ssl_context()
    except (OSError, ssl.SSLError) as exc:
        used = next((name for name in CA_VARIABLES if os.environ.get(name)), None)  # as httpx
        where = f"{used}={os.environ[used]}" if used else "the default CA bundle"
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise ConfigError([("", f"cannot load TLS certificates from {where}: {reason}")]) \
            from exc


class _ClientResponse(aiohttp.ClientResponse):
    """aiohttp's response with a reason phrase that encodes: a server's Latin-1 or binary
    reason ("HTTP/1.1 200 Tr\xe8s bien") reaches aiohttp as surrogate escapes, which
    httpx-aiohttp cannot encode (a UnicodeEncodeError for a response that was fine, and a
    webhook's delivered message taken for a failure)."""

    async def start(self, connection: Connection) -> aiohttp.ClientResponse:
        response = await super().start(connection)
        if self.reason:
            self.reason = self.reason.encode("utf-8", "surrogateescape").decode(
                "utf-8", "replace")
        return response


def _aiohttp_transport(cfg: FetchConfig,
                       resolver: AbstractResolver | None) -> httpx.AsyncBaseTransport:
    """httpx-aiohttp's transport on our own connector and response class (the session is
    built lazily, inside the event loop, as httpx-aiohttp does its own); with ``resolver``
    (``GlobalOnlyResolver``) only public addresses are connected to."""
    pool = limits(cfg)
    context = ssl_context()

    def session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=pool.max_connections or 100,
                                         keepalive_timeout=pool.keepalive_expiry,
                                         ssl=context, resolver=resolver)
        return aiohttp.ClientSession(connector=connector, response_class=_ClientResponse)
    return AiohttpTransport(limits=pool, client=session)


def guarded_transport(cfg: FetchConfig) -> httpx.AsyncBaseTransport:
    """The transport whose resolver keeps only public addresses."""
    return _aiohttp_transport(cfg, GlobalOnlyResolver())


def default_headers(cfg: FetchConfig) -> dict[str, str]:
    return {"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"}


def timeout_of(cfg: FetchConfig) -> httpx.Timeout:
    return httpx.Timeout(cfg.timeout, connect=min(cfg.timeout, 10.0))


def make_client(cfg: FetchConfig) -> httpx.AsyncClient:
    """The shared HTTP client for the alert channels (built once by the app)."""
    return httpx.AsyncClient(follow_redirects=False, timeout=timeout_of(cfg),
                             headers=default_headers(cfg), limits=limits(cfg),
                             transport=transport(cfg))
