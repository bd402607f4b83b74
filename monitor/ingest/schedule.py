"""When to check a feed next. Pure: ``now`` and randomness are passed in.

* Success: the feed's own ``interval`` if configured, else Miniflux's rule — a week divided by
  the entries published in the last week (a feed with 70 entries a week is checked every
  2.4 h), never less than what the publisher asks for (RSS ``<ttl>``, ``sy:updatePeriod``,
  ``Cache-Control: max-age``, ``Expires``), clamped to ``[min_interval, max_interval]``, with
  ±10% jitter so that feeds drift apart.
* Failure (timeouts, DNS, 5xx, parse errors): ``min_interval × 2^(n-1)`` after the n-th failure
  in a row, capped at a day; a feed is never given up for errors like these.
* Throttled (429, or 503 with Retry-After): wait what the server asked (at least a minute, at
  most a day); this is not a failure.
* Gone (410) or not found (404) ``DEAD_AFTER_404`` times in a row: the feed is dead.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WEEK = 7 * 86400.0
MAX_BACKOFF = 86400.0
MIN_RETRY_AFTER = 60.0
JITTER = 0.1
DEAD_AFTER_404 = 5
_PERIOD_SECONDS = {"hourly": 3600.0, "daily": 86400.0, "weekly": WEEK, "monthly": 30 * 86400.0,
                   "yearly": 365 * 86400.0}


@dataclass(frozen=True)
class Limits:
    min_interval: float
    max_interval: float


def entries_per_week(published: Iterable[datetime | None], now: datetime) -> float:
    """Entries published in the week before ``now`` (undated and future ones ignored)."""
    since = now - timedelta(days=7)
    return float(sum(1 for p in published if p is not None and since <= p <= now))


def publisher_hint(*, ttl_minutes: int | None = None, update_period: str | None = None,
                   update_frequency: int | None = None,
                   headers: Mapping[str, str] | None = None,
                   now: datetime | None = None) -> float | None:
    """The longest wait the publisher asks for, in seconds, from the feed and its headers."""
    hints: list[float] = []
    if ttl_minutes and ttl_minutes > 0:
        hints.append(ttl_minutes * 60.0)
    if update_period and update_period.strip().lower() in _PERIOD_SECONDS:
        per = _PERIOD_SECONDS[update_period.strip().lower()]
        hints.append(per / max(update_frequency or 1, 1))
    headers = headers or {}
    cache = headers.get("cache-control", "")
    for part in cache.split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() in ("max-age", "s-maxage") and value.strip().isdigit():
            hints.append(float(value))
    if (expires := headers.get("expires")) and now is not None:
        try:
            when = email.utils.parsedate_to_datetime(expires)
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            hints.append((when - now).total_seconds())
        except (TypeError, ValueError):
            pass
    positive = [h for h in hints if h > 0]
    return max(positive) if positive else None


def success_interval(limits: Limits, *, override: float | None, per_week: float | None,
                     hint: float | None) -> float:
    """Seconds to wait after a successful poll (before jitter)."""
    if override is not None:
        return override
    base = WEEK / per_week if per_week else limits.max_interval
    if hint is not None:
        base = max(base, hint)
    return min(max(base, limits.min_interval), limits.max_interval)


def backoff(limits: Limits, failures: int) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1-based)."""
    return min(limits.min_interval * 2.0 ** min(max(failures, 1) - 1, 30), MAX_BACKOFF)


def throttled(retry_after: float | None, limits: Limits) -> float:
    """Seconds to wait when the server asked us to slow down."""
    wait = retry_after if retry_after is not None else limits.min_interval
    return min(max(wait, MIN_RETRY_AFTER), MAX_BACKOFF)


def jittered(now: datetime, seconds: float, rand: float) -> datetime:
    """``now + seconds ± 10%``; ``rand`` in [0, 1) comes from the caller."""
    return now + timedelta(seconds=seconds * (1 + JITTER * (2 * rand - 1)))


def is_dead(status: int | None, previous_status: int | None, error_count: int) -> str | None:
    """A reason when this failure makes the feed dead, else None."""
    if status == 410:
        return "HTTP 410 Gone: the publisher removed the feed"
    if status == 404 and previous_status == 404 and error_count + 1 >= DEAD_AFTER_404:
        return f"HTTP 404 Not Found on {DEAD_AFTER_404} polls in a row"
    return None

