"""config.yaml's feeds that the database does not hold yet (before the first poll or start
syncs them): listings show them too. Pure; shared by ``feeds`` and ``status``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from monitor.config import FeedConfig


def not_yet_stored(configured: Sequence[FeedConfig], stored_names: Collection[str]
                   ) -> list[FeedConfig]:
    """The configured feeds no database row has the name of, in config order."""
    return [f for f in configured if f.name not in stored_names]


def health_row(feed: FeedConfig) -> dict[str, Any]:
    """A configured feed never polled, shaped as a row of ``monitor feeds --json``."""
    return {
        "name": feed.name, "url": feed.url, "enabled": True, "status": None,
        "last_error": None, "error_count": 0, "last_checked_at": None, "next_check_at": None,
        "articles": 0, "entries_per_week": None, "dead_reason": None, "source": "config",
        "tags": list(feed.tags),
    }
