"""Whether a new feed may join the list (``feeds add``, ``feeds import``). Pure.

A feed is refused when its URL cannot be requested (``guard.validate_url``: not http(s),
whitespace, a bad host), when it is on a private address and private addresses are not
allowed (an IP literal that is not public, or ``localhost``; other names are checked when
they are resolved for the connection, by the fetch guard), and when its URL is already a
feed's. A name already taken gets a numbered suffix (an import) or is refused (``add``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.errors import InvalidURLError
from monitor.ingest.opml import OpmlFeed, Skipped
from monitor.net.guard import is_public_address, validate_url


@dataclass(frozen=True)
class Known:
    """The feeds there are already: URL → name (config.yaml's and the database's, their
    configured and their current URLs), and every name."""

    urls: Mapping[str, str]
    names: frozenset[str]


def private_host(host: str) -> bool:
    """Whether ``host`` names a non-public address without resolving it."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return not is_public_address(name)


def refusal(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot be a feed's (None when it can)."""
    try:
        parts = validate_url(url)
    except InvalidURLError as exc:
        if exc.reason.startswith("not an HTTP URL"):
            return f"not http(s): {exc.reason}"
        return f"invalid URL: {exc.reason}"
    if not allow_private and private_host(parts.hostname or ""):
        return (f"private address: {parts.hostname} is not public (import with "
                "--allow-private to allow it)")
    return None


def unique_name(name: str, taken: set[str] | frozenset[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def plan_import(feeds: Sequence[OpmlFeed], known: Known, *, allow_private: bool
                ) -> tuple[list[OpmlFeed], list[Skipped]]:
    """The feeds of an import to add (renamed where a name is taken), and those skipped."""
    add: list[OpmlFeed] = []
    skipped: list[Skipped] = []
    in_file: dict[str, str] = {}
    names = set(known.names)
    for feed in feeds:
        if feed.url in known.urls:
            reason: str | None = (f"already configured (feed {known.urls[feed.url]!r} has "
                                  "this URL)")
        elif feed.url in in_file:
            reason = f"duplicate URL (listed before as {in_file[feed.url]!r})"
        else:
            reason = refusal(feed.url, allow_private=allow_private)
        if reason is not None:
            skipped.append(Skipped(feed.label or feed.name, feed.url, reason))
            continue
        name = unique_name(feed.name, names)
        names.add(name)
        in_file[feed.url] = name
        add.append(OpmlFeed(name, feed.url, feed.tags))
    return add, skipped
