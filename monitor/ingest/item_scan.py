"""The item scan behind ``ingest.incremental``: a feed body's items, their byte ranges and
identities, read with expat instead of feedparser. Pure: no network, no clock, no database.

``scan`` finds each item's identity exactly as ``identity.entry_key`` would after a full
parse: its GUID, resolved against the feed's URL as feedparser resolves it, and its date as
``feeds`` reads it. It also marks the channel's own elements that a parse of the new items
needs for the feed's title (see ``Scan.channel``).

The scan gives up (``None``: a full parse) whenever it is not sure to agree with feedparser:
anything but RSS 2.0 or Atom 1.0 in their own namespaces, a DTD or entities, ``xml:base``,
a processing instruction inside the feed,
an encoding other than UTF-8 or ASCII (declared, by the HTTP charset or by a byte order
mark), a media type feedparser would warn about (or none), malformed XML, an item without exactly
one GUID (identity by link or by content hash needs feedparser's reading), an identity or
a date in a namespace it does not know, nested sources, text between items.

Inside an item (most of a feed's elements) the handlers only count depth and look at the
elements named like identities, dates and sources; the usual shapes of GUIDs and dates are
read without feedparser's functions, exactly as those read them (``as_feedparser``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.parsers import expat

from monitor.ingest.as_feedparser import read_date, resolve_guid, valid_base
from monitor.ingest.feeds import _LONG_TAG, MAX_ATTRIBUTES, _int
from monitor.ingest.identity import guid_key
from monitor.sanitize import clean_text

ATOM = "http://www.w3.org/2005/Atom"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_SY = "http://purl.org/rss/1.0/modules/syndication/"
# Item elements feedparser reads as dates, by (namespace, local name): its _when order.
_DATES = {
    ("", "pubDate"): "published", ("", "published"): "published", ("", "issued"): "published",
    ("", "updated"): "updated", ("", "modified"): "updated", ("", "lastBuildDate"): "updated",
    ("", "created"): "created", (_DC, "date"): "updated", (_DCTERMS, "issued"): "published",
    (_DCTERMS, "modified"): "updated", (_DCTERMS, "created"): "created",
}
_DATE_NAMES = {local for _, local in _DATES} | {"date"}
_ID_NAMES = {"guid", "id"}
_WATCHED = _ID_NAMES | _DATE_NAMES | {"source"}  # item elements the scan looks at
_XML_BASE = "http://www.w3.org/XML/1998/namespace base"
_HINTS = {("", "ttl"): "ttl", (_SY, "updatePeriod"): "period",
          (_SY, "updateFrequency"): "frequency"}
# Channel elements with one of these inside (or named so) take part in feedparser's reading
# of the feed's title: a title, and what resets its memory of one (an image, a text input,
# a source). Any other channel element leaves the title and the entries as they are.
_TITLE_STATE = {"title", "image", "textinput", "textInput", "source", "item", "entry"}
_DECLARATION = re.compile(rb"\A<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}  # declared: expat refuses other bytes
_XML_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml"}


class Unsure(Exception):
    """The scan cannot promise to agree with feedparser: parse the whole body."""


@dataclass(frozen=True)
class ScannedItem:
    start: int  # byte offsets of the item element in the body
    end: int
    key: str  # ``entry_key`` of its entry
    published: datetime | None  # the entry's date, as ``feeds`` reads it


@dataclass(frozen=True)
class Scan:
    """A body's items in order, its header (``body[:first.start]``) and end.

    ``channel``: the byte ranges of the channel's own elements that bear on the feed's
    title, in order, those after ``opening`` (the body up to the channel's first element)
    and before ``closing`` (the offset of the channel's end tag); None when the scan cannot
    tell (a self-closing one): a parse of the new items then keeps the whole channel."""

    items: tuple[ScannedItem, ...]
    version: str  # feedparser's name of the format
    ttl_minutes: int | None = None
    update_period: str | None = None
    update_frequency: int | None = None
    opening: int = 0
    channel: tuple[tuple[int, int], ...] | None = None
    closing: int = 0


def _split(name: str) -> tuple[str, str]:
    ns, _, local = name.rpartition(" ")
    return ns, local


def _encoding_ok(body: bytes, content_type: str | None) -> bool:
    """UTF-8 (or ASCII, declared) by every account, and a media type feedparser reads without
    warning."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] == b"\x00\x00\xfe\xff":
        return False
    unmarked = body.removeprefix(b"\xef\xbb\xbf")
    if not unmarked.startswith(b"<") or content_type is None:
        return False  # anything before the root, no media type: feedparser's business
    found = _DECLARATION.match(unmarked)
    declared = found.group(1).decode().lower() if found else None
    if declared is not None and declared not in _UTF8:
        return False
    mime, *params = (p.strip().lower() for p in content_type.split(";"))
    charset = next((p.split("=", 1)[1].strip("\"' ") for p in params
                    if p.startswith("charset=")), None)
    if charset is not None and (charset not in ("utf-8", "utf8") or declared not in (
            None, "utf-8", "utf8")):
        return False  # feedparser would read the body as the header says, and warn
    return mime in _XML_TYPES or (mime == "text/xml" and charset is not None)


class _Channel:
    """The channel's own elements (outside the items): which bear on the feed's title."""

    def __init__(self) -> None:
        self.depth = 0  # of the channel element's children: 1 for RSS, 0 for Atom
        self.opening = -1  # where the channel's first element starts
        self.closing = -1
        self.kept: list[tuple[int, int]] | None = []
        self.start = 0  # the current channel element's start, and whether it is kept
        self.keep = False

    def element(self, depth: int, local: str, index: int, *, inside: bool) -> None:
        """An element opened at ``depth`` outside the items (``inside`` the channel, or
        beside it: then the whole channel is kept)."""
        if not inside:
            self.kept = None
            return
        if depth == self.depth + 1:
            if self.opening < 0:
                self.opening = index
            self.start, self.keep = index, False
        if depth > self.depth and local in _TITLE_STATE:
            self.keep = True

    def ended(self, depth: int, index: int, body: bytes) -> None:
        """An element of ``depth`` closed, its end tag at ``index``."""
        if depth == self.depth:
            if self.closing >= 0:  # a second channel
                self.kept = None
            self.closing = index
        elif depth == self.depth + 1 and self.keep and self.kept is not None:
            if index <= self.start:  # self-closing: where it ends is not told
                self.kept = None
            else:
                self.kept.append((self.start, body.index(b">", index) + 1))


class _Scanner:
    """expat's handlers: the items' byte ranges, GUIDs and dates; ``Unsure`` on surprises."""

    def __init__(self, body: bytes, url: str) -> None:
        self.body, self.url = body, url
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse
        self.parser.ProcessingInstructionHandler = self.instruction
        self.stack: list[tuple[str, str]] = []
        self.names: dict[str, tuple[str, str]] = {}  # expat's names, split once
        self.atom = False
        self.rss_version = ""
        self.depth = 0  # inside an item: the depth below it (1: the item itself)
        self.watched: dict[str, tuple[str, str] | None] = {}  # names in items: watched?
        self.ends: Any = None  # the end handler a capture gives back
        self.item_start = 0
        self.guids: list[tuple[str, bool]] = []  # (text, is a permalink)
        self.dates: dict[str, str] = {}
        self.hints: dict[str, str] = {}
        self.capture: str | None = None  # what the current text is for
        self.buffer: list[str] = []
        self.items: list[ScannedItem] = []
        self.last_end = -1
        self.plain_base = valid_base(url)
        self.channel = _Channel()

    def refuse(self, *_: Any) -> None:
        raise Unsure("a DTD or an entity")

    def instruction(self, *_: Any) -> None:
        if self.stack:  # a style sheet before the root is nothing to feedparser
            raise Unsure("a processing instruction inside the feed")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element outside the items (the header, the root, an item's own start)."""
        if attrs and _XML_BASE in attrs:
            raise Unsure("xml:base")
        split = self.names.get(name)
        if split is None:
            split = self.names[name] = _split(name)
        ns, local = split
        depth = len(self.stack)
        self.stack.append(split)
        if depth == 0:
            self.rss_version = attrs.get("version", "").strip()
            self.root(ns, local)
        elif self.is_item(ns, local, depth):
            self.open_item(attrs)
        else:
            self.channel.element(depth, local, self.parser.CurrentByteIndex,
                                 inside=self.atom or self.stack[1] == ("", "channel"))
            self.in_header(ns, local, depth)

    def start_in_item(self, name: str, attrs: dict[str, str]) -> None:
        """An element inside an item: most of a feed's, so only counted unless watched."""
        self.depth += 1
        if attrs and _XML_BASE in attrs:
            raise Unsure("xml:base")
        try:
            split = self.watched[name]
        except KeyError:
            ns, local = _split(name)
            split = self.watched[name] = (ns, local) if local in _WATCHED else None
        if split is not None:
            self.in_item(split[0], split[1], attrs, direct=self.depth == 2)

    def end_in_item(self, _name: str) -> None:
        self.depth -= 1
        if not self.depth:
            self.close_item()
            self.stack.pop()
            self.parser.StartElementHandler = self.start
            self.parser.EndElementHandler = self.end

    def root(self, ns: str, local: str) -> None:
        if (ns, local) == (ATOM, "feed"):
            self.atom = True
        elif (ns, local) != ("", "rss") or self.rss_version != "2.0":
            raise Unsure(f"root element {local!r} in {ns!r}")
        self.channel.depth = 0 if self.atom else 1

    def is_item(self, ns: str, local: str, depth: int) -> bool:
        if self.atom:
            return (ns, local, depth) == (ATOM, "entry", 1)
        if local in ("item", "entry"):
            if (ns, local, depth, self.stack[1]) != ("", "item", 2, ("", "channel")):
                raise Unsure("an item outside the channel")
            return True
        return False

    def open_item(self, attrs: dict[str, str]) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise Unsure("a CDF item")
        index = self.parser.CurrentByteIndex
        if self.last_end >= 0 and self.body[self.last_end:index].strip():
            raise Unsure("text between items")
        if self.channel.opening < 0:
            self.channel.opening = index
        self.item_start, self.depth = index, 1
        self.guids, self.dates = [], {}
        self.parser.StartElementHandler = self.start_in_item
        self.parser.EndElementHandler = self.end_in_item

    def in_item(self, ns: str, local: str, attrs: dict[str, str], *, direct: bool) -> None:
        own = ns in ("", ATOM) if self.atom else ns == ""
        if local == "source" and own:
            raise Unsure("a nested source")
        if local in _ID_NAMES:
            if not own or not direct or self.guids or (
                    local != ("id" if self.atom else "guid")):
                raise Unsure("an identity other than one GUID")
            self.capturing("guid")
            lowered = {k.lower(): v for k, v in attrs.items()}  # as feedparser reads them
            self.guids.append(("", lowered.get("ispermalink", "true") == "true"))
        elif local in _DATE_NAMES:
            kind = _DATES.get(("" if ns in ("", ATOM) and own else ns, local))
            if kind is None and (ns not in ("", ATOM) or local != "date"):
                raise Unsure(f"a date in {ns!r}")
            if kind is not None:
                self.capturing(kind)

    def in_header(self, ns: str, local: str, depth: int) -> None:
        hint = _HINTS.get((ns, local))
        if hint is not None:
            if depth != (1 if self.atom else 2):
                raise Unsure("a hint outside the channel")
            self.capturing("hint:" + hint)
        elif local in ("item", "entry") or (self.atom and depth > 1 and local == "feed"):
            raise Unsure("an item where none is expected")

    def capturing(self, what: str) -> None:
        """The text of the element just opened is kept, for ``what``, until it ends."""
        self.capture = what
        parser = self.parser
        parser.CharacterDataHandler = self.buffer.append
        self.ends = parser.EndElementHandler
        parser.StartElementHandler = self.markup_in_capture
        parser.EndElementHandler = self.end_capture

    def markup_in_capture(self, *_: Any) -> None:
        raise Unsure("markup inside an identity or a date")

    def end_capture(self, name: str) -> None:
        self.store("".join(self.buffer).strip())
        self.capture = None
        self.buffer.clear()
        parser = self.parser
        parser.CharacterDataHandler = None
        parser.EndElementHandler = self.ends
        parser.StartElementHandler = (self.start_in_item if self.ends == self.end_in_item
                                      else self.start)
        self.ends(name)

    def end(self, _name: str) -> None:
        self.stack.pop()
        self.channel.ended(len(self.stack), self.parser.CurrentByteIndex, self.body)

    def store(self, value: str) -> None:
        capture = self.capture or ""
        if capture == "guid":
            self.guids[-1] = (value, self.guids[-1][1])
        elif capture.startswith("hint:"):
            self.hints[capture[5:]] = value
        else:
            self.dates[capture] = value

    def close_item(self) -> None:
        index = self.parser.CurrentByteIndex
        if index <= self.item_start or not self.guids:
            raise Unsure("an empty item, or one without a GUID")
        end = self.body.index(b">", index) + 1
        self.items.append(ScannedItem(self.item_start, end, self.key(), self.date()))
        self.last_end = end

    def key(self) -> str:
        guid, permalink = self.guids[0]
        if permalink and guid:  # feedparser's base: the Content-Location ``parse_feed`` gives
            guid = resolve_guid(self.url, guid, plain_base=self.plain_base)
        key = guid_key(guid)  # (``entry_key`` of its entry, without making one)
        if key is None:
            raise Unsure("an empty GUID")
        return key

    def date(self) -> datetime | None:
        """The item's date as ``feeds._when`` reads feedparser's (published, updated,
        created: the first that is plausible)."""
        for kind in ("published", "updated", "created"):
            value = self.dates.get(kind)
            if value:
                when = read_date(value)
                if when is not None:
                    return when
        return None

    def result(self) -> Scan:
        hints, channel = self.hints, self.channel
        kept = channel.kept
        if channel.closing < 0 or kept is None:
            kept = None
        return Scan(tuple(self.items), "atom10" if self.atom else "rss20",
                    ttl_minutes=_int(hints.get("ttl")),
                    update_period=clean_text(hints.get("period", "")) or None,
                    update_frequency=_int(hints.get("frequency")),
                    opening=channel.opening, channel=None if kept is None else tuple(kept),
                    closing=channel.closing)


def _may_have_too_many_attributes(body: bytes) -> bool:
    """Whether a full parse might refuse the body for an element's attributes (each has an
    ``=``: counting them is a tenth of the cost of looking for long elements)."""
    return body.count(b"=") > MAX_ATTRIBUTES and _LONG_TAG.search(body) is not None


def scan(body: bytes, url: str = "", content_type: str | None = None) -> Scan | None:
    """The body's items and identities, or None when a full parse must decide."""
    if not _encoding_ok(body, content_type) or _may_have_too_many_attributes(body):
        return None
    scanner = _Scanner(body, url)
    try:
        scanner.parser.Parse(body, True)
    except (Unsure, expat.ExpatError, ValueError, UnicodeError):
        return None
    if not scanner.items:
        return None
    return scanner.result()
