"""Feed discovery on an HTML page: the feeds it announces, and the usual places to try. Pure.

A page announces its feeds with ``<link rel="alternate" type="application/rss+xml"
href="…">`` (Atom, RDF and JSON Feed alike); relative ``href`` values resolve against the
page's URL, or its ``<base href>``; control characters are dropped from links and titles
(they are shown on a terminal). When a page announces none, ``common_feed_urls`` lists
the paths most sites serve their feed at (each still to be fetched and parsed).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from monitor.sanitize import clean_text, clean_url

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
}
COMMON_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml",
                "/feed.json")


@dataclass(frozen=True)
class FeedLink:
    url: str
    kind: str  # rss, atom, rdf or json
    title: str = ""


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str, str]] = []  # (href, kind, title)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "base" and self.base is None and attr.get("href"):
            self.base = attr["href"]
        if tag not in ("link", "a"):
            return
        rels = attr.get("rel", "").lower().split()
        kind = FEED_TYPES.get(attr.get("type", "").split(";")[0].strip().lower())
        if "alternate" in rels and kind and attr.get("href"):
            title = clean_text(" ".join(attr.get("title", "").split()))[:200]
            self.links.append((clean_url(attr["href"]), kind, title))

    handle_startendtag = handle_starttag


def _decode(html: bytes | str) -> str:
    return html if isinstance(html, str) else html.decode("utf-8", errors="replace")


def feed_links(html: bytes | str, page_url: str) -> list[FeedLink]:
    """The feeds a page announces, in page order, each URL once (absolute, http or https)."""
    parser = _LinkParser()
    try:
        parser.feed(_decode(html))
        parser.close()
    except (ValueError, AssertionError):  # hopeless markup: what was read so far counts
        pass
    base = urljoin(page_url, parser.base) if parser.base else page_url
    out: list[FeedLink] = []
    seen: set[str] = set()
    for href, kind, title in parser.links:
        url = urljoin(base, href).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        out.append(FeedLink(url, kind, title))
    return out


def common_feed_urls(page_url: str) -> list[str]:
    """Where a site's feed usually is, on the page's own host, when the page names none."""
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}"
    return [root + path for path in COMMON_PATHS if root + path != page_url]
