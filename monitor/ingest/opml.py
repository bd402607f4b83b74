"""OPML reading and writing (feed lists exchanged with other readers). Pure.

Reading takes every ``<outline>`` with an ``xmlUrl``; its name comes from ``title`` or
``text``, its tags from ``category`` and from the folders (parent outlines) it sits in.
Imported feeds are fetched through the SSRF guard unless imported with ``--allow-private``.
ElementTree is safe here: the expat bundled with Python 3.11 refuses entity-expansion bombs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from monitor.errors import MonitorError


@dataclass(frozen=True)
class OpmlFeed:
    name: str
    url: str
    tags: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "feed"


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds listed in an OPML document; raises ``MonitorError`` for a document that is not
    OPML."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MonitorError(f"not an OPML file: {exc}") from None
    if root.tag.lower() != "opml":
        raise MonitorError("not an OPML file: the root element is not <opml>")
    out: list[OpmlFeed] = []
    names: set[str] = set()

    def walk(node: ET.Element, folders: list[str]) -> None:
        for child in node:
            if child.tag.lower() != "outline":
                continue
            label = (child.get("title") or child.get("text") or "").strip()
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            if url.startswith(("http://", "https://")):
                cats = [c.strip().strip("/") for c in (child.get("category") or "").split(",")]
                tags = list(dict.fromkeys(
                    [_slug(f) for f in folders] + [_slug(c) for c in cats if c]))
                name = base = _slug(label or url)
                n = 2
                while name in names:
                    name, n = f"{base}-{n}", n + 1
                names.add(name)
                out.append(OpmlFeed(name, url, tags))
            walk(child, [*folders, label] if not url and label else folders)

    body = root.find("body")
    try:
        walk(body if body is not None else root, [])
    except RecursionError:  # thousands of nested folders: a clear error, not a traceback
        raise MonitorError("not an OPML file we can read: outlines nested too deeply") from None
    return out


OPML = "opml"  # imported: fetched through the SSRF guard
OPML_LAN = "opml-lan"  # imported with --allow-private: may be on private addresses


def import_source(allow_private: bool) -> str:
    """The ``source`` imported feeds are stored with."""
    return OPML_LAN if allow_private else OPML


def write_opml(feeds: list[OpmlFeed], title: str = "monitor feeds") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
