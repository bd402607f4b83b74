"""Retry decisions for the alert outbox. Pure: ``now`` and the random jitter are passed in.

Attempt n (1-based) that failed is retried after ``base × 2^(n-1)`` seconds, capped at
``max_seconds``, times a jitter factor in [0.5, 1.0] so that retries of many alerts spread out.
A server's Retry-After is a floor (at most a day). After ``max_attempts`` the alert is failed
(None).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.alerts.retry_after import MAX_RETRY_AFTER
from monitor.config import RetryConfig


def next_attempt(now: datetime, attempts: int, retry: RetryConfig, *, jitter: float,
                 retry_after: float | None = None, permanent: bool = False) -> datetime | None:
    """When to try again after the ``attempts``-th failure; None means give up."""
    if permanent or attempts >= retry.max_attempts:
        return None
    delay = min(retry.base_seconds * 2 ** min(attempts - 1, 30), retry.max_seconds)
    delay *= 0.5 + 0.5 * min(max(jitter, 0.0), 1.0)
    if retry_after is not None and retry_after == retry_after:  # a floor, NaN ignored
        delay = max(delay, min(max(retry_after, 0.0), MAX_RETRY_AFTER))
    return now + timedelta(seconds=delay)


def next_digest(now: datetime, digest: str, digest_at: str = "08:00") -> datetime:
    """When a digest channel next sends: the next full hour, or the next ``digest_at`` (UTC)."""
    if digest == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if digest == "daily":
        hour, minute = (int(x) for x in digest_at.split(":"))
        at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return at if at > now else at + timedelta(days=1)
    return now
