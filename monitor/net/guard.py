"""What may be fetched: URL validation and the address policy (the SSRF guard).

``validate_url`` says whether a URL can be requested at all (http/https, a host that is an IP
address or a valid DNS name, no whitespace or control characters). ``is_public_address``
says whether an address is globally routable, after unwrapping the IPv6 forms that carry an
IPv4 address. ``GlobalOnlyResolver`` applies that policy where aiohttp resolves a name for a
connection, so the address checked is the address connected to (a rebinding DNS answer
cannot slip a second, private answer in between). Pure except the resolver.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Any
from urllib.parse import SplitResult, urlsplit

import idna
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from monitor.errors import BlockedAddressError, InvalidURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-purpose ranges that Python 3.11's ``is_global`` still calls global (IANA registry).
_NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in (
    "192.0.0.0/24",      # IETF protocol assignments (DS-Lite, NAT64 discovery…)
    "fec0::/10",         # deprecated site-local
    "64:ff9b:1::/48",    # local-use NAT64
    "3fff::/20",         # documentation
    "5f00::/16",         # SRv6 SIDs
))
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPAT = ipaddress.ip_network("::/96")  # IPv4-compatible (deprecated), also :: and ::1

_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")  # whitespace, controls, NUL, C1 controls


def _embedded(addr: IPAddress) -> list[IPAddress]:
    """The addresses a packet to ``addr`` really reaches: the IPv4 inside mapped, 6to4,
    Teredo (server and client), NAT64 and IPv4-compatible forms, or ``addr`` itself."""
    if isinstance(addr, ipaddress.IPv4Address):
        return [addr]
    if addr.ipv4_mapped is not None:
        return [addr.ipv4_mapped]
    if addr.teredo is not None:
        return list(addr.teredo)
    if addr.sixtofour is not None:
        return [addr.sixtofour]
    if addr in _NAT64 or addr in _COMPAT:
        return [ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)]
    return [addr]


def _global(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr not in _GLOBAL_UNICAST_V6:
        return False
    return (addr.is_global and not addr.is_multicast and not addr.is_reserved
            and not any(addr in net for net in _NOT_GLOBAL))


def is_public_address(ip: str) -> bool:
    """Whether ``ip`` is globally routable (not private, loopback, link-local, shared
    100.64/10, reserved, multicast, documentation…), looking through IPv4-in-IPv6 forms.
    Anything that is not an IP address is not public."""
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    return all(_global(a) for a in _embedded(addr))


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None


def _check_dns_name(url: str, host: str) -> None:
    name = host[:-1] if host.endswith(".") else host
    if not name or len(name) > 253:
        raise InvalidURLError(url, f"invalid host name {host[:80]!r}")
    labels = name.split(".")
    if labels[-1].isdigit() or labels[-1].startswith("0x"):
        # 127.1, 2130706433, 0x7f.1: what resolvers read as an IPv4 address in disguise
        raise InvalidURLError(url, f"invalid host {host[:80]!r}: not a valid IP address")
    for label in labels:
        if not label:
            raise InvalidURLError(url, f"invalid host name {host[:80]!r}: empty label")
        if len(label) > 63:
            raise InvalidURLError(url, f"invalid host name {host[:80]!r}: a label is longer "
                                       "than 63 characters")
        if label.isascii() and not label.startswith("xn--"):
            if not _ASCII_LABEL.fullmatch(label):
                raise InvalidURLError(url, f"invalid host name {host[:80]!r}: bad label "
                                           f"{label[:63]!r}")
            continue
        try:  # an internationalized label, or an A-label that must decode
            if label.startswith("xn--"):
                idna.decode(label)
            else:
                idna.encode(label, uts46=True)
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise InvalidURLError(url, f"invalid host name {host[:80]!r}: {exc}") from None


def validate_url(url: str) -> SplitResult:
    """The parts of ``url`` if it can be requested; raises ``InvalidURLError`` saying why not:
    not http/https, whitespace or control characters, no host, a host that is neither an IP
    address nor a valid DNS name (labels of 1-63 characters, IDNA-encodable), a bad port."""
    if _BAD_CHARS.search(url):
        raise InvalidURLError(url, "URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise InvalidURLError(url, f"unparseable URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidURLError(url, f"not an HTTP URL (scheme {parts.scheme[:20]!r})")
    host = parts.hostname
    if not host:
        raise InvalidURLError(url, "URL has no host")
    literal = _ip_literal(host)
    if "[" in parts.netloc:
        if not isinstance(literal, ipaddress.IPv6Address):
            raise InvalidURLError(url, f"invalid IPv6 address {host[:80]!r}")
    elif literal is None:
        _check_dns_name(url, host)
    return parts


def check_ip_literal(url: str, host: str) -> None:
    """Raise ``BlockedAddressError`` when ``host`` is an IP address that is not public (names
    are checked by ``GlobalOnlyResolver`` when they are resolved for the connection)."""
    addr = _ip_literal(host)
    if addr is not None and not is_public_address(str(addr)):
        raise BlockedAddressError(url, f"{host} is a non-public address")


class BlockedResolution(OSError):
    """A name resolved only to addresses the policy refuses (raised inside aiohttp's
    connector, which wraps it; ``fetch`` turns it into ``BlockedAddressError``)."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        self.host = host
        self.addresses = addresses
        super().__init__(f"{host} resolves to non-public address {', '.join(addresses[:3])}")


class GlobalOnlyResolver(AbstractResolver):
    """aiohttp's resolver, keeping only globally routable answers: the connection is made to
    one of the addresses checked here, nothing is resolved twice."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        kept = [a for a in answers if is_public_address(a["host"])]
        if not kept:
            raise BlockedResolution(host, [a["host"] for a in answers])
        return kept

    async def close(self) -> None:
        await self._inner.close()


def blocked_in(exc: BaseException) -> BlockedResolution | None:
    """The ``BlockedResolution`` behind an exception (through causes and contexts), if any."""
    seen: set[int] = set()
    cur: Any = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, BlockedResolution):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None
