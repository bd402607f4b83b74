"""Feeds of ``config.yaml`` beside the feeds table: which configured feeds the database does
not hold yet (they are added by the first `poll --once` or `monitor run`), so that listings
show them before the first poll. Pure: names in, configured feeds out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from monitor.config import FeedConfig


def not_stored(configured: Sequence[FeedConfig], stored_names: Iterable[str]
               ) -> list[FeedConfig]:
    """The configured feeds no row of the feeds table has yet, in config order."""
    known = set(stored_names)
    return [f for f in configured if f.name not in known]
