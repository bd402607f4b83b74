"""Entry identity and URL canonicalisation. Pure.

An entry is known by its GUID, else its canonical link, else a hash of title + content. An
article is known by its canonical URL (courlan: lower-cased host, no fragment, tracking
parameters such as ``utm_*`` stripped), so the same story carried by two feeds is one article.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urldefrag

from courlan import normalize_url

from monitor.ingest.feeds import Entry

MAX_KEY = 500


def canonical_url(url: str) -> str:
    """The URL normalised for identity; falls back to the stripped input if courlan rejects it."""
    url = url.strip()
    try:
        url = str(normalize_url(url))
    except (ValueError, TypeError):
        return url
    return urldefrag(url).url


def content_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _bounded(key: str) -> str:
    return key if len(key) <= MAX_KEY else key[:400] + "#" + content_hash(key)


def entry_key(entry: Entry) -> str:
    """The entry's identity inside its feed."""
    if entry.guid and entry.guid.strip():
        return _bounded("guid:" + entry.guid.strip())
    if entry.link:
        return _bounded("url:" + canonical_url(entry.link))
    return "hash:" + content_hash(entry.title, entry.content or entry.summary)


def article_key(entry: Entry) -> str:
    """The article's identity across feeds: its canonical URL, or a content-hash URN."""
    if entry.link:
        return _bounded(canonical_url(entry.link))
    return "urn:monitor:" + content_hash(entry.title, entry.content or entry.summary)
