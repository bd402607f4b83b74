"""SQLAlchemy 2 typed tables: feeds, articles, the entries that carried them, hits, alert outbox.

Constraint names follow one naming convention so that Alembic migrations are identical on SQLite
and PostgreSQL. Times are stored as timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from monitor.db.dialect import naive_datetimes
from monitor.evidence_model import Evidence
from monitor.sanitize import clean_json

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive text otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if naive_datetimes(dialect) else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class EvidenceJSON(TypeDecorator[Evidence]):
    """A hit's ``Evidence`` stored as its JSON (``Evidence.to_json``, every string cleaned as
    in any JSON column) and read back typed (``Evidence.from_json``)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Evidence | None, dialect: Dialect) -> Any:
        return None if value is None else clean_json(value.to_json())

    def process_result_value(self, value: Any, dialect: Dialect) -> Evidence | None:
        return None if value is None else Evidence.from_json(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Feed(Base):
    """A polled feed and its poll state (conditional-GET validators, errors, next check)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)  # where it is polled (follows permanent redirects)
    config_url: Mapped[str | None] = mapped_column(Text)  # what the config says
    source: Mapped[str] = mapped_column(String(16), default="config")  # config|opml*|added*
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    interval_seconds: Mapped[float | None] = mapped_column(Float)
    full_text: Mapped[bool | None] = mapped_column(Boolean)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_checked_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    dead_reason: Mapped[str | None] = mapped_column(Text)  # set: not polled until reset
    entries_per_week: Mapped[float | None] = mapped_column(Float)
    # A poller claims a feed by writing a lease; an expired lease may be taken over.
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Story(Base):
    """Articles that report the same story (near-duplicate title and lead, or the same URL)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Article(Base):
    """One article, whatever the number of feeds that carried it (keyed by canonical URL)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None]
    # "full" (page extracted), "feed" (feed content/summary used) and why, e.g. "feed: http 403".
    text_source: Mapped[str] = mapped_column(Text, default="feed")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    entries: Mapped[list[FeedEntry]] = relationship(back_populates="article")


class FeedEntry(Base):
    """A feed's entry (its identity within the feed: GUID, canonical link or content hash)."""

    __tablename__ = "feed_entries"
    # (feed_id, id): a feed's newest entries without a sort (parse only what is new).
    __table_args__ = (UniqueConstraint("feed_id", "entry_key"),
                      Index("ix_feed_entries_feed_id_id", "feed_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(String(512))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    seen_at: Mapped[datetime]

    article: Mapped[Article] = relationship(back_populates="entries")


class Hit(Base):
    """An article matched a rule; ``evidence`` says why (entities, counts, snippets)."""

    __tablename__ = "hits"
    __table_args__ = (UniqueConstraint("article_id", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[Evidence] = mapped_column(EvidenceJSON())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    article: Mapped[Article] = relationship()


class StoryFacet(Base):
    """What a hit says a story is about, as indexed rows (``monitor.db.facets``): its rule,
    each country it is about and each entity counted, with the story's first-seen time, so
    the desk filters and counts facets in SQL instead of reading evidence JSON. Written with
    the hit (same transaction), back-filled by migration 0006; never edited on its own."""

    __tablename__ = "story_facets"
    __table_args__ = (
        Index("ix_story_facets_kind_value_first_seen", "kind", "value", "first_seen",
              "story_id"),
        Index("ix_story_facets_story_id_kind", "story_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # rule | country | entity
    value: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")  # an entity's name
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())


class Alert(Base):
    """The outbox: one row per hit and channel, delivered at least once by the dispatcher.

    The first hit of a story for a rule and channel is its ``alert`` (``story_key`` makes it
    unique); later articles of the same story are ``followup`` rows pointing at it (a thread
    reply, a line in a digest, or ``folded`` where the channel can do neither)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("hit_id", "channel"),
        Index("ix_alerts_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="alert")  # alert | followup
    story_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    remote_id: Mapped[str | None] = mapped_column(Text)  # e.g. the Slack message ts
    lease_owner: Mapped[str | None] = mapped_column(String(100))  # the dispatcher sending it
    lease_expires_at: Mapped[datetime | None]
    # pending | sent | failed | folded (a follow-up the channel cannot show on its own)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    hit: Mapped[Hit] = relationship()


class User(Base):
    """A person who may use the web desk: a name, an argon2 hash of the password (never the
    password) and, optionally, the SHA-256 of an API token for the JSON endpoints."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Mark(Base):
    """An analyst's judgement of a story (``hit_id`` null) or of one hit: ``relevant``,
    ``false_positive`` (with a ``reason``), ``starred`` or ``note``. Marks are never deleted:
    undoing one sets ``undone_at``/``undone_by``, so who judged what, and when, is kept."""

    __tablename__ = "marks"
    __table_args__ = (Index("ix_marks_story_id_kind", "story_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    hit_id: Mapped[int | None] = mapped_column(
        ForeignKey("hits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # relevant|false_positive|starred|note
    # for false_positive: wrong_entity|passing_mention|off_topic|duplicate|bad_source
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(100))


class SavedSearch(Base):
    """A search of the desk kept by name (the story list's query string: facets and query);
    each one is also an Atom feed and a JSON endpoint of its hits."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    params: Mapped[str] = mapped_column(Text, default="")  # URL query string, e.g. rule=x&q=…
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class StoredRule(Base):
    """A rule saved from the rule workbench, in the same schema as a ``rules:`` item of
    ``config.yaml``; enabled ones run beside the config's rules and are reloaded without a
    restart (``version`` grows at every save)."""

    __tablename__ = "stored_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
