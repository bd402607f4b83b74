"""What a failed fetch says: any exception from httpx, aiohttp, the OS or the URL, turned into
a ``FetchError`` whose reason is true to the innermost cause ("connection reset by the
server", "server closed the connection…", "invalid HTTP response: …"; only a real timeout
says "timed out"), and ``unreachable`` set when the host could not be reached at all. Pure.
"""

from __future__ import annotations

import errno
import socket

import aiohttp
import httpx

from monitor.errors import BlockedAddressError, FetchError, InvalidURLError
from monitor.net.guard import blocked_in


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what caused it, outermost first."""
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and all(cur is not seen for seen in out):
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


_CLOSED_EARLY = "server closed the connection before the response was complete"


def _first_line(exc: BaseException | str) -> str:
    """The message on one line (aiohttp's parser errors span several), at most 200 chars."""
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:200]


def translate(url: str, exc: BaseException) -> FetchError:
    """The FetchError saying truthfully what happened: the innermost cause decides."""
    if (blocked := blocked_in(exc)) is not None:
        return BlockedAddressError(url, str(blocked))
    for cause in reversed(_chain(exc)):  # innermost first
        if (error := _from_cause(url, cause)) is not None:
            return error
    return _from_outermost(url, exc)


def _from_cause(url: str, cause: BaseException) -> FetchError | None:
    """What one link of the chain says, if it is a cause we know (aiohttp's, the OS's)."""
    if isinstance(cause, aiohttp.ServerTimeoutError | socket.timeout):
        return FetchError(url, f"timed out ({type(cause).__name__})")
    if isinstance(cause, aiohttp.ClientConnectorDNSError | socket.gaierror):
        return FetchError(url, "DNS lookup failed", unreachable=True)
    if isinstance(cause, aiohttp.ClientSSLError):
        return FetchError(url, f"TLS error: {_first_line(cause)}")
    if isinstance(cause, aiohttp.ClientConnectorError):
        return FetchError(url, f"connection failed: {_os_reason(cause.os_error)}",
                          unreachable=True)
    if isinstance(cause, ConnectionResetError) or getattr(cause, "errno", None) in (
            errno.ECONNRESET, errno.EPIPE):
        return FetchError(url, "connection reset by the server")
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return FetchError(url, _CLOSED_EARLY)
    if isinstance(cause, aiohttp.ClientPayloadError):
        return FetchError(url, f"broken response body: {_first_line(cause)}")
    if isinstance(cause, aiohttp.InvalidURL):
        return InvalidURLError(url, f"invalid URL: {_first_line(cause)}")
    if isinstance(cause, aiohttp.ClientResponseError):
        return FetchError(url, "invalid HTTP response: "
                               + _first_line(cause.message or str(cause.status)))
    return None


def _from_outermost(url: str, exc: BaseException) -> FetchError:
    """No known cause in the chain: what the outermost exception (httpx's, the OS's) says."""
    if isinstance(exc, httpx.InvalidURL):
        return InvalidURLError(url, f"invalid URL: {_first_line(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(url, f"timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(url, f"connection failed: {_connect_reason(str(exc))}",
                          unreachable=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        text = _first_line(exc)
        if "disconnected" in text.lower() or "closed" in text.lower():
            return FetchError(url, _CLOSED_EARLY)
        return FetchError(url, f"invalid HTTP response: {text}")
    if isinstance(exc, httpx.DecodingError):
        return FetchError(url, f"undecodable body: {_first_line(exc)}")
    if isinstance(exc, OSError):
        return FetchError(url, f"network error: {_os_reason(exc)}")
    return FetchError(url, f"{type(exc).__name__}: {_first_line(exc)}")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ECONNREFUSED:
        return "connection refused"
    return (exc.strerror or _first_line(exc)).lower()


def _connect_reason(text: str) -> str:
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "DNS lookup failed"
    return text or "connection failed"
