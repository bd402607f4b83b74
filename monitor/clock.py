"""The wall clock, read in one place: the shells call ``utcnow()`` and pass ``now`` on."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
