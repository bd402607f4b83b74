"""Parse only what is new. Pure: no network, no clock, no database.

A changed feed body usually brings two or three new entries among thirty; feedparser would
read all of them. ``item_scan.scan`` reads the body with expat instead (no Python objects per
entry beyond its byte range, identity and date). ``parse_new`` then skips feedparser
altogether when every entry is known, and otherwise gives it a document made of the feed's
opening (up to the channel's first element), the channel's elements that bear on the feed's
title, the new items and the channel's end: the new entries and the title come out as a
full parse gives them, and the publisher's hints are the scan's (read as feedparser reads
them). When the scan is unsure, or its reading and feedparser's disagree, the whole body is
parsed.

The new items are read without the feed's URL as their base first: feedparser joins each
element's base to it (a quarter of this parse's cost), and nothing comes of it when every
entry's link is an absolute URL that any base gives back as it is (its GUID, which the scan
resolved against the feed's URL, is checked through its key). Otherwise they are read again
against the feed's URL.
"""

from __future__ import annotations

from dataclasses import replace

from monitor.ingest.as_feedparser import plain_url, valid_base
from monitor.ingest.feeds import ParsedFeed, parse_feed
from monitor.ingest.identity import entry_key
from monitor.ingest.item_scan import Scan, ScannedItem, scan

__all__ = ["parse_new", "scan"]


def _document(body: bytes, found: Scan, new: list[ScannedItem]) -> bytes:
    """What feedparser is given for the ``new`` items: the channel without its other items
    (and without the elements that bear on nothing it is asked for)."""
    items = [body[i.start:i.end] for i in new]
    first, last = found.items[0], found.items[-1]
    if found.channel is None:
        return b"".join([body[:first.start], *items, body[last.end:]])
    before = [body[a:b] for a, b in found.channel if b <= first.start]
    after = [body[a:b] for a, b in found.channel if a >= last.end]
    return b"".join([body[:found.opening], *before, *items, *after, body[found.closing:]])


def _parse_items(document: bytes, url: str, content_type: str | None, keys: list[str]
                 ) -> ParsedFeed | None:
    """feedparser's reading of the new items' ``document`` (its entries keyed ``keys``, as
    the scan found them), or None when its entries are not those."""
    if valid_base(url):  # else every link is empty against it: read against it
        parsed = parse_feed(document, "", content_type)
        if [entry_key(e) for e in parsed.entries] == keys and all(
                e.link and plain_url(e.link) for e in parsed.entries):
            return parsed
    parsed = parse_feed(document, url, content_type)
    return parsed if [entry_key(e) for e in parsed.entries] == keys else None


def parse_new(body: bytes, url: str, content_type: str | None, known: frozenset[str]
              ) -> ParsedFeed:
    """``parse_feed``'s result for the entries whose key is not in ``known`` (all of the
    feed's entries when the scan is unsure); ``listed`` and ``published_all`` say how many
    entries the feed lists and their dates, for its publishing rate."""
    found = scan(body, url, content_type) if known else None  # a first poll: all is new
    if found is None:
        return parse_feed(body, url, content_type)
    new = [item for item in found.items if item.key not in known]
    if len(new) == len(found.items):
        return parse_feed(body, url, content_type)
    listed, dates = len(found.items), tuple(item.published for item in found.items)
    if not new:
        return ParsedFeed(title="", version=found.version, entries=[],
                          ttl_minutes=found.ttl_minutes, update_period=found.update_period,
                          update_frequency=found.update_frequency, listed=listed,
                          published_all=dates)
    parsed = _parse_items(_document(body, found, new), url, content_type, [i.key for i in new])
    if parsed is None:
        return parse_feed(body, url, content_type)  # the scan misread: feedparser decides
    return replace(parsed, listed=listed, published_all=dates, ttl_minutes=found.ttl_minutes,
                   update_period=found.update_period,
                   update_frequency=found.update_frequency)
