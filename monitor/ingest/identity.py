"""Entry identity and URL canonicalisation. Pure.

An entry is known by its GUID, else its canonical link, else a hash of title + content. An
article is known by its canonical URL (courlan: lower-cased host, no fragment, tracking
parameters such as ``utm_*`` stripped), so the same story carried by two feeds is one article.
None of these raise, whatever the link: a URL courlan rejects is kept as written (cleaned of
control characters and lone surrogates, so it can be stored), and a key longer than ``MAX_KEY``
is cut and ends with a hash of the whole key.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urldefrag

from courlan import normalize_url

from monitor.ingest.feeds import Entry
from monitor.sanitize import clean_text, clean_url

MAX_KEY = 500


def canonical_url(url: str) -> str:
    """The URL normalised for identity; falls back to the cleaned input if courlan rejects it."""
    url = clean_url(url)
    try:
        return clean_url(urldefrag(str(normalize_url(url))).url) or url
    except Exception:  # courlan and urllib raise a range of errors on hostile URLs
        return url


def content_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _bounded(key: str) -> str:
    return key if len(key) <= MAX_KEY else key[:400] + "#" + content_hash(key)


def guid_key(guid: str) -> str | None:
    """The identity of an entry with this GUID; None for a blank one (the entry is then
    known by its link, else its content)."""
    guid = clean_text(guid).strip()
    return _bounded("guid:" + guid) if guid else None


def entry_key(entry: Entry) -> str:
    """The entry's identity inside its feed."""
    if entry.guid and (key := guid_key(entry.guid)) is not None:
        return key
    link = canonical_url(entry.link) if entry.link else ""
    if link:
        return _bounded("url:" + link)
    return "hash:" + content_hash(entry.title, entry.content or entry.summary)


def article_key(entry: Entry) -> str:
    """The article's identity across feeds: its canonical URL, or a content-hash URN."""
    link = canonical_url(entry.link) if entry.link else ""
    if link:
        return _bounded(link)
    return "urn:monitor:" + content_hash(entry.title, entry.content or entry.summary)
