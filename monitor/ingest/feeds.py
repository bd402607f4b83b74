"""Feed bytes + response headers → entries, with feedparser. Pure: no network, no clock.

feedparser is told the response's Content-Type (and so its charset) and the URL, but never
fetches anything itself. A body that yields no entries and is not a feed (an HTML error page,
garbage) raises ``FeedParseError``; a well-formed feed with zero entries is a valid empty result.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from monitor.errors import FeedParseError

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    """One feed entry, reduced to what monitor uses."""

    guid: str | None
    link: str | None
    title: str
    summary: str  # plain text
    content: str  # plain text of the richest content block, may be empty
    published: datetime | None
    author: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    version: str
    entries: list[Entry] = field(default_factory=list)
    ttl_minutes: int | None = None
    update_period: str | None = None  # sy:updatePeriod (hourly, daily, ...)
    update_frequency: int | None = None  # sy:updateFrequency
    warning: str | None = None  # feedparser's "bozo" reason for a feed that still parsed


def html_to_text(value: str) -> str:
    """Strip tags and entities from a feed's HTML snippet."""
    if "<" in value:
        value = _TAG.sub(" ", value)
    return _SPACE.sub(" ", html.unescape(value)).strip()


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry(raw: Any) -> Entry:
    content = ""
    blocks = raw.get("content") or []
    if blocks:
        content = html_to_text(max((b.get("value") or "" for b in blocks), key=len))
    link = raw.get("link") or None
    if not link:
        for candidate in raw.get("links") or []:
            if candidate.get("href"):
                link = candidate["href"]
                break
    tags = tuple(t.get("term") for t in raw.get("tags") or [] if t.get("term"))
    return Entry(
        guid=(raw.get("id") or None),
        link=link,
        title=html_to_text(raw.get("title") or ""),
        summary=html_to_text(raw.get("summary") or ""),
        content=content,
        published=_when(raw),
        author=raw.get("author") or None,
        tags=tags,
    )


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_feed(body: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body. Raises ``FeedParseError`` when the body is not a feed at all."""
    if not body.strip():
        raise FeedParseError("empty body")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(
            body,
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser raises a wide range on hostile input
        raise FeedParseError(f"feed parser failed: {type(exc).__name__}: {exc}") from None
    version = parsed.get("version") or ""
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not version and not parsed.entries:
        reason = f": {type(bozo).__name__}: {bozo}" if bozo else ""
        kind = "an HTML page" if b"<html" in body[:2048].lower() else "not a feed"
        raise FeedParseError(f"body is {kind}{reason}")
    feed = parsed.get("feed", {})
    return ParsedFeed(
        title=html_to_text(feed.get("title") or ""),
        version=version,
        entries=[_entry(e) for e in parsed.entries],
        ttl_minutes=_int(feed.get("ttl")),
        update_period=str(feed.get("sy_updateperiod") or "") or None,
        update_frequency=_int(feed.get("sy_updatefrequency")),
        warning=f"{type(bozo).__name__}: {bozo}" if bozo else None,
    )
