"""When to check a feed next. Pure: ``now`` is passed in.

After a success the feed's interval (its own, else the default) is clamped to
``[min_interval, max_interval]``. After a failure the wait grows with the number of consecutive
failures (``min_interval × 2^(n-1)``), capped at a day, and a feed is never given up on. A server
that asked for a delay (Retry-After) gets at least that.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_BACKOFF_SECONDS = 86400.0


def next_check(
    now: datetime,
    *,
    interval: float,
    min_interval: float,
    max_interval: float,
    failures: int = 0,
    retry_after: float | None = None,
) -> datetime:
    """The next time to poll a feed (see module docstring)."""
    if failures > 0:
        wait = min(min_interval * 2 ** min(failures - 1, 30), MAX_BACKOFF_SECONDS)
    else:
        wait = min(max(interval, min_interval), max_interval)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_BACKOFF_SECONDS))
    return now + timedelta(seconds=wait)
