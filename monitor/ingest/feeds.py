"""Feed bytes + response headers → entries, with feedparser (JSON Feed by hand: feedparser 6.0
does not read it). Pure: no network, no clock.

feedparser is told the response's Content-Type (and so its charset) and the URL, but never
fetches anything itself. A body that yields no entries and is not a feed (an HTML error page,
garbage) raises ``FeedParseError``; a well-formed feed with zero entries is a valid empty result.
Nothing else is raised: an entry that cannot be read (fields of the wrong type, anything the
code did not foresee) is skipped, its reason kept in ``ParsedFeed.skipped`` and the warning,
and its siblings kept. Every string of an entry is cleaned (no NUL or C0 controls, no lone
surrogates); a date outside 1970..2100 is no date.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.util import find_spec
from typing import Any
from urllib.parse import urljoin

from monitor.errors import FeedParseError
from monitor.ingest import feedparser_bases, feedparser_dict
from monitor.sanitize import clean_text, clean_url, plausible_date

# Real HTML tags and comments only: "<!channel>" or "<@U123>" in a headline are text.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_SPACE = re.compile(r"\s+")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # has a scheme (RFC 3986)
_CHARREF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
_REPLACEMENT_REF = b"&#xFFFD;"
_BOM = b"\xef\xbb\xbf"
# feedparser looks each attribute up by a linear scan (quadratic in one element's attributes:
# 100,000 of them in a 1 MB item took minutes); an element this long is checked by count.
_LONG_TAG = re.compile(rb"<[A-Za-z][^<>]{4000,}>")
_ATTRIBUTE = re.compile(rb"""[^\s=<>"']+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""")
MAX_ATTRIBUTES = 1000
_LIBXML2_DRIVER = "drv_libxml2"  # feedparser's preferred SAX driver (libxml2's bindings)


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
    warning: str | None = None  # feedparser's "bozo" reason, entries skipped
    skipped: list[str] = field(default_factory=list)  # why each unreadable entry was skipped
    # A parse of the new entries only (``ingest.incremental``): how many entries the feed
    # lists and the date of each, for its publishing rate; None: ``entries`` are all of them.
    listed: int | None = None
    published_all: tuple[datetime | None, ...] | None = None


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
                when = plausible_date(datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC))
            except (OverflowError, ValueError, OSError, TypeError):
                continue
            if when is not None:
                return when
    return None


def _str(value: Any) -> str:
    """A text field as a string: numbers are written out, anything else (an object, a list)
    is no text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _clean(entry: Entry) -> Entry:
    """The entry with every string storable (see ``monitor.sanitize``)."""
    return Entry(
        guid=clean_text(entry.guid).strip() or None if entry.guid else None,
        link=clean_url(entry.link) or None if entry.link else None,
        title=clean_text(entry.title), summary=clean_text(entry.summary),
        content=clean_text(entry.content), published=entry.published,
        author=clean_text(entry.author) or None if entry.author else None,
        tags=tuple(t for t in (clean_text(t) for t in entry.tags) if t))


def _entry(raw: Any) -> Entry:
    content = ""
    blocks = raw.get("content") or []
    if blocks:
        content = html_to_text(max((_str(b.get("value")) for b in blocks), key=len))
    link = _str(raw.get("link")) or None
    if not link:
        for candidate in raw.get("links") or []:
            if _str(candidate.get("href")):
                link = _str(candidate["href"])
                break
    tags = tuple(_str(t.get("term")) for t in raw.get("tags") or [] if _str(t.get("term")))
    return Entry(
        guid=_str(raw.get("id")) or None,
        link=link,
        title=html_to_text(_str(raw.get("title"))),
        summary=html_to_text(_str(raw.get("summary"))),
        content=content,
        published=_when(raw),
        author=_str(raw.get("author")) or None,
        tags=tags,
    )


def _int(value: Any) -> int | None:
    """A small non-negative integer (a TTL, an update frequency), or None."""
    text = _str(value).strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _start(body: bytes) -> bytes:
    """The first character of the body, past white space and a UTF-8 byte order mark."""
    return body.lstrip().removeprefix(_BOM).lstrip()[:1]


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    return _start(body) == b"{" or "json" in (content_type or "").lower()


def _charref(match: re.Match[bytes]) -> bytes:
    """A numeric character reference, or U+FFFD's when it names no character (past
    U+10FFFF, a surrogate): feedparser's loose parser raises on those, losing the feed."""
    hexa, decimal = match.group(1), match.group(2)
    digits = (hexa if hexa is not None else decimal).lstrip(b"0")
    if len(digits) > 7:
        return _REPLACEMENT_REF
    value = int(digits or b"0", 16 if hexa is not None else 10)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return _REPLACEMENT_REF
    return match.group(0)


def _check_attributes(body: bytes) -> None:
    """Raise ``FeedParseError`` for an element with more than ``MAX_ATTRIBUTES``
    attributes, which would keep the parser busy for minutes."""
    for tag in _LONG_TAG.finditer(body):
        count = sum(1 for _ in _ATTRIBUTE.finditer(tag.group()))
        if count > MAX_ATTRIBUTES:
            raise FeedParseError(f"an element has {count} attributes (at most "
                                 f"{MAX_ATTRIBUTES} are read)")


def _safe_charrefs(body: bytes) -> bytes:
    return _CHARREF.sub(_charref, body) if b"&#" in body else body


def _json_date(item: dict[str, Any]) -> datetime | None:
    for key in ("date_published", "date_modified"):
        value = _str(item.get(key))
        if not value:
            continue
        try:
            when = plausible_date(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            continue
        if when is not None:
            return when
    return None


def _json_author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = [item.get("author"), *(authors if isinstance(authors, list) else [authors])]
    for author in candidates:
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str) and name:
            return name
    return None


def _json_item(item: dict[str, Any], base: str) -> Entry:
    html_body = _str(item.get("content_html"))
    text_body = _str(item.get("content_text")) or html_to_text(html_body)
    link = next((u for u in (item.get("url"), item.get("external_url"))
                 if isinstance(u, str) and u), "")
    if link and base and not _ABSOLUTE.match(link.strip()):
        with suppress(ValueError):  # "http://[::1/" is kept as it is: identity copes
            link = urljoin(base, clean_url(link))  # JSON Feed URLs may be relative
    tags = item.get("tags")
    return Entry(
        guid=_str(item.get("id")) or None,
        link=link or None,
        title=html_to_text(_str(item.get("title"))),
        summary=html_to_text(_str(item.get("summary"))),
        content=text_body,
        published=_json_date(item),
        author=_json_author(item),
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
    )


def _entries(raws: list[Any], read: Callable[[Any], Entry]) -> tuple[list[Entry], list[str]]:
    """Each raw entry read and cleaned; one that cannot be read is skipped with its reason."""
    entries: list[Entry] = []
    skipped: list[str] = []
    for n, raw in enumerate(raws):
        try:
            entries.append(_clean(read(raw)))
        except Exception as exc:  # an entry must never cost its feed
            skipped.append(clean_text(f"entry {n + 1}: {type(exc).__name__}: {exc}")[:300])
    return entries, skipped


def _warning(reason: str | None, skipped: list[str]) -> str | None:
    parts = [reason] if reason else []
    if skipped:
        parts.append(f"{len(skipped)} entries skipped ({skipped[0]})")
    return clean_text("; ".join(parts)) if parts else None


def parse_json_feed(body: bytes, url: str = "") -> ParsedFeed:
    """JSON Feed 1.0/1.1 (jsonfeed.org), written here because feedparser 6.0 does not read it.
    Raises ``FeedParseError`` for JSON that is not a JSON Feed. Integers are read as text (an
    id of 5,000 digits is an id, not an error)."""
    try:
        doc = json.loads(body.decode("utf-8-sig"), parse_int=str)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedParseError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise FeedParseError("invalid JSON: nested too deeply") from None
    if not isinstance(doc, dict) or not _str(doc.get("version")).startswith(
            "https://jsonfeed.org/version/") or not isinstance(doc.get("items", []), list):
        raise FeedParseError("JSON that is not a JSON Feed")
    items = doc.get("items") or []
    entries, skipped = _entries([i for i in items if isinstance(i, dict)],
                                lambda item: _json_item(item, url))
    return ParsedFeed(title=clean_text(html_to_text(_str(doc.get("title")))), version="json1",
                      entries=entries, skipped=skipped, warning=_warning(None, skipped))


@cache
def _feedparser() -> Any:  # feedparser has no type hints
    """feedparser, imported on first use (the daemon's own process never parses: its workers
    do; 10 MB), with its base-URI work memoized (``feedparser_bases``). Its first choice of
    SAX driver, libxml2's, is dropped when not installed, as its list of them says to:
    otherwise every parse searches the import path for it again (a tenth of a millisecond)
    before taking the standard one, which it takes all the same."""
    import feedparser
    from feedparser import api

    if _LIBXML2_DRIVER in api.PREFERRED_XML_PARSERS and find_spec(_LIBXML2_DRIVER) is None:
        # (in place, in one step: threads making their first parse at once may all get here)
        api.PREFERRED_XML_PARSERS[:] = [
            p for p in api.PREFERRED_XML_PARSERS if p != _LIBXML2_DRIVER]
    feedparser_bases.install()  # the same results, a fifth of the parse less
    feedparser_dict.install()  # the same again, a sixth less
    return feedparser


def parse_feed(body: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body (RSS, Atom, RDF or JSON Feed); relative links and ids resolve against
    ``url``. Raises ``FeedParseError`` (and nothing else) when the body is not a feed at all."""
    try:
        return _parse(body, url, content_type)
    except FeedParseError:
        raise
    except Exception as exc:  # not foreseen: still this feed's problem only, and picklable
        raise FeedParseError(clean_text(f"feed parser failed: {type(exc).__name__}: {exc}")
                             [:500]) from None


def _parse(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if not body.strip():
        raise FeedParseError("empty body")
    if _looks_like_json(body, content_type) and _start(body) in (b"{", b"["):
        return parse_json_feed(body, url)
    feedparser = _feedparser()
    _check_attributes(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(
            _safe_charrefs(body),
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
        raise FeedParseError(clean_text(f"body is {kind}{reason}"))
    feed = parsed.get("feed", {})
    entries, skipped = _entries(list(parsed.entries), _entry)
    return ParsedFeed(
        title=clean_text(html_to_text(_str(feed.get("title")))),
        version=version,
        entries=entries,
        ttl_minutes=_int(feed.get("ttl")),
        update_period=clean_text(_str(feed.get("sy_updateperiod"))) or None,
        update_frequency=_int(feed.get("sy_updatefrequency")),
        warning=_warning(f"{type(bozo).__name__}: {bozo}" if bozo else None, skipped),
        skipped=skipped,
    )
