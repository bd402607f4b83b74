"""Feed bytes + response headers → entries, with feedparser (JSON Feed by hand: feedparser 6.0
does not read it). Pure: no network, no clock.

feedparser is told the response's Content-Type (and so its charset) and the URL, but never
fetches anything itself. A body that yields no entries and is not a feed (an HTML error page,
garbage) raises ``FeedParseError``; a well-formed feed with zero entries is a valid empty result.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor.errors import FeedParseError

# Real HTML tags and comments only: "<!channel>" or "<@U123>" in a headline are text.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
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
        value = _TAG.sub(" ", _SCRIPT.sub(" ", value))
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


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    return body.lstrip()[:1] == b"{" or "json" in (content_type or "").lower()


def parse_json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (jsonfeed.org), written here because feedparser 6.0 does not read it.
    Raises ``FeedParseError`` for JSON that is not a JSON Feed."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedParseError(f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
            "https://jsonfeed.org/version/") or not isinstance(doc.get("items", []), list):
        raise FeedParseError("JSON that is not a JSON Feed")
    entries = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        html_body = str(item.get("content_html") or "")
        text_body = str(item.get("content_text") or "") or html_to_text(html_body)
        when = None
        for key in ("date_published", "date_modified"):
            if item.get(key):
                try:
                    when = datetime.fromisoformat(str(item[key]).replace("Z", "+00:00"))
                    when = when if when.tzinfo else when.replace(tzinfo=UTC)
                    break
                except ValueError:
                    continue
        author = item.get("author") or (item.get("authors") or [None])[0]
        entries.append(Entry(
            guid=str(item["id"]) if item.get("id") is not None else None,
            link=str(item.get("url") or item.get("external_url") or "") or None,
            title=html_to_text(str(item.get("title") or "")),
            summary=html_to_text(str(item.get("summary") or "")),
            content=text_body,
            published=when,
            author=str(author.get("name")) if isinstance(author, dict) and author.get("name")
            else None,
            tags=tuple(str(t) for t in item.get("tags") or [] if isinstance(t, str)),
        ))
    return ParsedFeed(title=html_to_text(str(doc.get("title") or "")), version="json1",
                      entries=entries)


def parse_feed(body: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body (RSS, Atom, RDF or JSON Feed). Raises ``FeedParseError`` when the
    body is not a feed at all."""
    if not body.strip():
        raise FeedParseError("empty body")
    if _looks_like_json(body, content_type) and body.lstrip()[:1] in (b"{", b"["):
        return parse_json_feed(body)
    import feedparser  # here: the daemon's own process never parses (its workers do); 10 MB

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
