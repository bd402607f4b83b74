"""An Atom 1.0 document (RFC 4287) of a saved search's hits, built with ElementTree (every
text escaped by it; control characters XML cannot carry removed). Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from monitor.alerts.safe_text import link_url
from monitor.desk.saved import FeedHit, Saved
from monitor.sanitize import clean_text

NS = "http://www.w3.org/2005/Atom"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = clean_text(text).replace("\r", "")
    return node


def _when(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def atom_feed(saved: Saved, hits: Sequence[FeedHit], base_url: str, now: datetime) -> bytes:
    """The feed: one entry per hit, newest first; ``base_url`` is the desk's
    (``http://host:port``), for ids and links."""
    feed = ET.Element("feed", {"xmlns": NS})
    _text(feed, "id", f"{base_url}/saved/{saved.name}.atom")
    _text(feed, "title", f"monitor: {saved.name}")
    _text(feed, "updated", _when(hits[0].created_at if hits else now))
    author = ET.SubElement(feed, "author")
    _text(author, "name", saved.created_by)
    ET.SubElement(feed, "link", {"rel": "self", "href": f"{base_url}/saved/{saved.name}.atom"})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                 "href": f"{base_url}/?{saved.params}"})
    for hit in hits:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", f"{base_url}/hits/{hit.id}")
        _text(entry, "title", f"[{hit.rule}] {hit.title}")
        _text(entry, "updated", _when(hit.created_at))
        url = link_url(hit.url)
        ET.SubElement(entry, "link", {"rel": "alternate",
                                      "href": url or f"{base_url}/stories/{hit.story_id}"})
        ET.SubElement(entry, "link", {"rel": "related",
                                      "href": f"{base_url}/stories/{hit.story_id}"})
        ET.SubElement(entry, "category", {"term": hit.rule})
        summary = hit.why + ("\n" + hit.snippet if hit.snippet else "")
        _text(entry, "summary", summary, type="text")
    body: bytes = ET.tostring(feed, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
