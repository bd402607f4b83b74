"""Page HTML → article text and metadata, with trafilatura. Pure (run it in a process pool).

``extract_article`` never raises for bad HTML: it returns an ``Extracted`` with empty ``text``
and the reason, so the caller can fall back to the feed's own content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import trafilatura

MIN_TEXT_CHARS = 200  # below this the page is treated as not extracted (paywall, stub, error)


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site_name: str | None = None
    language: str | None = None
    error: str | None = None


def extract_article(html: bytes | str, url: str | None = None) -> Extracted:
    """Extract the main text and metadata of an article page."""
    try:
        raw = trafilatura.extract(
            html, url=url, output_format="json", with_metadata=True,
            include_comments=False, include_tables=True,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile pages
        return Extracted(text="", error=f"extraction failed: {type(exc).__name__}: {exc}")
    if not raw:
        return Extracted(text="", error="no article text found")
    data = json.loads(raw)
    text = (data.get("text") or "").strip()
    error = None if len(text) >= MIN_TEXT_CHARS else f"extracted text too short ({len(text)} chars)"
    return Extracted(
        text=text,
        title=data.get("title") or None,
        author=data.get("author") or None,
        date=data.get("date") or None,
        site_name=data.get("sitename") or data.get("hostname") or None,
        language=data.get("language") or None,
        error=error,
    )
