"""Making hostile values storable: text, URLs, keys, JSON and dates. Pure.

Every database refuses something a feed can carry: PostgreSQL a NUL in text or JSON, both
drivers a lone surrogate (``"\\ud800"`` from a JSON escape), PostgreSQL a string longer than
its column, and the UTC conversion a date near year 1 or 9999 with an offset. These functions
turn such values into ones every backend stores, and never raise for a value of the right type.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# C0 controls except tab and newline (NUL included), and lone UTF-16 surrogates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_URL_BREAKS = re.compile(r"[\t\n]")  # WHATWG URL parsing removes them anywhere

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)

# Longer than this, a key is cut and ends with "#" + the SHA-256 of the whole value, so that
# two long keys that differ only past the cut stay two keys.
_HASHED_SUFFIX = 65
_MIN_HASHED = 128


def clean_text(value: str) -> str:
    """``value`` without NUL and other C0 controls (tab and newline kept), lone surrogates
    replaced by U+FFFD."""
    if value.isascii():
        return _CONTROLS.sub("", value) if _CONTROLS.search(value) else value
    value = _SURROGATES.sub("\ufffd", value)
    return _CONTROLS.sub("", value)


def clean_url(value: str) -> str:
    """A link as a browser reads it: trimmed, without tabs, newlines or control characters
    anywhere (WHATWG URL parsing drops them), lone surrogates replaced."""
    return _URL_BREAKS.sub("", clean_text(value)).strip()


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def bounded(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters: a long one (a key or URL column) keeps a hash of
    the whole value, so it stays unique and the same value always gives the same result; a
    short column (a language code) is simply cut."""
    if len(value) <= limit:
        return value
    if limit < _MIN_HASHED:
        return value[:limit]
    return value[:limit - _HASHED_SUFFIX] + "#" + digest(value)


def clean_json(value: Any, depth: int = 0) -> Any:
    """JSON-like data with every string (keys included) cleaned; nesting past 64 levels is cut
    to ``None``."""
    if isinstance(value, str):
        return clean_text(value)
    if depth > 64:
        return None
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v, depth + 1) for v in value]
    return value


def _utc(value: datetime) -> datetime | None:
    """``value`` in UTC (naive taken as UTC), or None when the conversion overflows."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def plausible_date(value: datetime | None) -> datetime | None:
    """A publication date in UTC, or None when it is outside 1970..2100 (a feed's "year 1"
    or "year 9999" says nothing about when the story appeared)."""
    if value is None:
        return None
    utc = _utc(value)
    return utc if utc is not None and EARLIEST <= utc <= LATEST else None


def clamp_date(value: datetime) -> datetime:
    """``value`` in UTC, clamped to 1970..2100 (what the database is given)."""
    utc = _utc(value)
    if utc is None:
        return EARLIEST if value.year < 2000 else LATEST
    return min(max(utc, EARLIEST), LATEST)
