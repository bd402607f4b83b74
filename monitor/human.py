"""Numbers, sizes, times and untrusted text as people read them on a terminal. Pure."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

_BREAKS = {"\u2028", "\u2029", "\x85"}


def duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h 5 min``, ``2 d 4 h``: rounded to the minute past a minute."""
    if seconds < 59.5:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def until(at: datetime, now: datetime) -> str:
    """``in 12 min``, ``12 min ago`` (a time passed), ``now`` (within a second)."""
    seconds = (at - now).total_seconds()
    if abs(seconds) < 1:
        return "now"
    return f"in {duration(seconds)}" if seconds > 0 else f"{duration(-seconds)} ago"


def moment(at: datetime) -> str:
    """``2026-12-02 14:05 UTC``: to the minute, in UTC."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def megabytes(size: int) -> str:
    """``12.3 MB`` (one decimal)."""
    return f"{size / 1e6:.1f} MB"


def _unsafe(ch: str) -> bool:
    return ch in _BREAKS or (unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d")


def one_line(text: str | None) -> str:
    """Untrusted text (a feed's name, an error, a title) on one line: each control or format
    character (newlines, escape sequences, bidi overrides; not U+200D, the emoji joiner) and
    each line separator becomes a space, one for one (a snippet's offsets stay valid)."""
    if not text:
        return ""
    return "".join(" " if _unsafe(ch) else ch for ch in text)
