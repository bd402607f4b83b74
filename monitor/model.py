"""The values the stages hand each other, owned by no stage: the feed a poll is of
(``PolledFeed``), what the poll learned about it (``FeedState``), what it brings to store
(``NewArticle`` with its ``NewHit``s, ``EntryLink``), and what storing it did (``Stored``,
``StoredArticle``).

An article and its hits are frozen: one built article may be shared by the tasks of two feeds
that bring the same URL, and storing never writes into it; the story an article joins is set
with ``dataclasses.replace`` by the caller, and the ids storage assigns come back in
``Stored``. ``FeedState`` is still filled in step by step by the poll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from monitor.evidence_model import Evidence


@dataclass(frozen=True, slots=True)
class PolledFeed:
    """A feed as a poll reads it: its row's columns that say what to fetch, how to fetch it
    and what is known of it, read by ``monitor.db.feeds.claim_due_feeds`` with the lease (a
    plain row, no ORM object: a 304's poll reads these and nothing else)."""

    id: int
    name: str
    url: str
    source: str  # config|opml*|added* (``ingest.sources``: who may reach private addresses)
    tags: tuple[str, ...]
    full_text: bool | None  # None: ``fetch.full_text``
    interval_seconds: float | None  # None: adaptive
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    last_status: int | None
    error_count: int
    entries_per_week: float | None


@dataclass
class FeedState:
    """What a poll learned about a feed; written by ``monitor.db.feeds.record_poll``."""

    status: int | None
    error: str | None
    next_check_at: datetime
    checked_at: datetime
    success: bool
    count_failure: bool = True  # False for throttling and network outages
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    url: str | None = None  # a permanent redirect's target
    validators: bool = False  # whether etag/last_modified/body_hash are to be stored
    dead_reason: str | None = None
    entries_per_week: float | None = None


@dataclass(frozen=True)
class NewHit:
    """A rule's hit on an article about to be stored, and the channels to alert."""

    rule: str
    severity: str
    score: float
    evidence: Evidence
    channels: Sequence[str]


@dataclass(frozen=True)
class NewArticle:
    """An article built from a feed entry, about to be stored."""

    canonical_url: str
    url: str
    title: str
    summary: str
    text: str | None
    text_source: str
    published_at: datetime | None = None
    author: str | None = None
    site_name: str | None = None
    language: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    hits: Sequence[NewHit] = ()
    link_key: str | None = None  # the entry's own canonical link, when a redirect changed it
    story_id: int | None = None  # the story it joins; None starts a new one


@dataclass(frozen=True)
class EntryLink:
    """A feed entry and the canonical URL of the article it links to."""

    entry_key: str
    canonical_url: str


class StoredArticle(NamedTuple):
    """An article that was stored: the story it is in (joined or started), its new id, and
    the article as the caller gave it (the row holds its values made storable)."""

    story_id: int
    article_id: int
    article: NewArticle


@dataclass
class Stored:
    """What storing a feed's entries did (a result, added up over a feed's groups)."""

    articles: int = 0
    hits: int = 0
    alerts: int = 0
    new_articles: list[StoredArticle] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # articles the database refused, and why

    def add(self, other: Stored) -> None:
        self.articles += other.articles
        self.hits += other.hits
        self.alerts += other.alerts
        self.new_articles += other.new_articles
        self.skipped += other.skipped
