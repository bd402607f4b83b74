"""OPML reading and writing (feed lists exchanged with other readers). Pure.

Reading takes every ``<outline>`` with an http(s) ``xmlUrl``; its name comes from ``title`` or
``text``, its tags from ``category`` and from the folders (parent outlines) it sits in. An
outline that is neither a feed nor a folder (no ``xmlUrl``, no children), or whose ``xmlUrl``
is not http(s), is reported as skipped, with why.
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
    label: str = field(default="", compare=False)  # as the OPML file names it


@dataclass(frozen=True)
class Skipped:
    """A listed feed that was not added, and why."""

    name: str
    url: str
    reason: str


@dataclass(frozen=True)
class OpmlRead:
    feeds: list[OpmlFeed]
    skipped: list[Skipped]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "feed"


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds listed in an OPML document; raises ``MonitorError`` for a document that is not
    OPML."""
    return read_opml_items(data).feeds


def read_opml_items(data: bytes) -> OpmlRead:
    """The feeds of an OPML document, and the outlines skipped (no ``xmlUrl``, not http(s));
    raises ``MonitorError`` for a document that is not OPML."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MonitorError(f"not an OPML file: {exc}") from None
    if root.tag.lower() != "opml":
        raise MonitorError("not an OPML file: the root element is not <opml>")
    out: list[OpmlFeed] = []
    skipped: list[Skipped] = []
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
                out.append(OpmlFeed(name, url, tags, label))
            elif url:
                skipped.append(Skipped(label, url, "not http(s)"))
            elif len(child) == 0:
                skipped.append(Skipped(label, "", "missing xmlUrl"))
            walk(child, [*folders, label] if not url and label else folders)

    body = root.find("body")
    try:
        walk(body if body is not None else root, [])
    except RecursionError:  # thousands of nested folders: a clear error, not a traceback
        raise MonitorError("not an OPML file we can read: outlines nested too deeply") from None
    return OpmlRead(out, skipped)


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
