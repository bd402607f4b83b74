"""A server's Retry-After header read strictly, for the alert channels. Pure.

Only ASCII digits (``"120"``) or an HTTP date are accepted; anything else (``"²"``, ``"-5"``,
``"1e9"``, garbage) is ignored. The wait is clamped to ``[0, MAX_RETRY_AFTER]`` so that a
server asking for ``99999999999999`` seconds cannot push an alert past any date Python can
represent, nor park it for years.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime

MAX_RETRY_AFTER = 86_400.0  # a day: the longest a server may make an alert wait
_SECONDS = re.compile(r"[0-9]+", re.ASCII)


def parse_retry_after(value: str | None, now: datetime,
                      max_seconds: float = MAX_RETRY_AFTER) -> float | None:
    """Retry-After as seconds in ``[0, max_seconds]``, or None when absent or malformed."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isascii():
        return None
    if _SECONDS.fullmatch(value):
        digits = value.lstrip("0") or "0"
        return max_seconds if len(digits) > 15 else min(float(int(digits)), max_seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        wait = (when - now).total_seconds()
    except OverflowError:
        return None
    return min(max(0.0, wait), max_seconds)
