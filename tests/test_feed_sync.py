"""The feeds table brought in line with config.yaml at start-up (``db.feeds.sync_feeds``), on a
real SQLite file: what a user editing the config relies on, and a large feed list read once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from monitor import api
from monitor.config import FeedConfig
from monitor.db import feeds
from monitor.db.engine import make_engine
from monitor.db.models import Feed
from monitor.db.session import unit_of_work
from tests.helpers import make_config

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def _engine(sqlite_url: str) -> Any:
    api.upgrade_database(make_config(sqlite_url, []))
    return make_engine(sqlite_url)


def _rows(engine: Any) -> dict[str, Feed]:
    with unit_of_work(engine) as s:
        return {f.name: f for f in s.scalars(select(Feed))}


def _sync(engine: Any, configured: list[FeedConfig], now: datetime) -> None:
    with unit_of_work(engine) as s:
        feeds.sync_feeds(s, configured, now)


def test_new_feeds_are_added_due_at_once_and_changes_are_applied(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss", tags=["x"], interval=600),
                   FeedConfig(name="b", url="http://b.test/rss")], NOW)
    rows = _rows(engine)
    assert {n: (r.url, r.config_url, r.tags, r.interval_seconds, r.enabled, r.next_check_at,
                r.source) for n, r in rows.items()} == {
        "a": ("http://a.test/rss", "http://a.test/rss", ["x"], 600, True, NOW, "config"),
        "b": ("http://b.test/rss", "http://b.test/rss", [], None, True, NOW, "config")}
    # Polled once: validators and a schedule. New tags, interval and full text are taken; the
    # schedule and validators stay while the URL is the same.
    with unit_of_work(engine) as s:
        for feed in s.scalars(select(Feed)):
            feed.etag, feed.next_check_at = '"v1"', LATER
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss", tags=["y"], interval=900,
                              full_text=True),
                   FeedConfig(name="b", url="http://b.test/rss")], NOW)
    a = _rows(engine)["a"]
    assert (a.tags, a.interval_seconds, a.full_text, a.etag, a.next_check_at) == (
        ["y"], 900, True, '"v1"', LATER)


def test_a_changed_url_forgets_validators_errors_and_death(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss")], NOW)
    with unit_of_work(engine) as s:
        feed = s.scalars(select(Feed)).one()
        feed.etag, feed.body_hash, feed.error_count = '"v1"', "h", 3
        feed.dead_reason, feed.next_check_at = "gone (410)", None
    _sync(engine, [FeedConfig(name="a", url="http://a.test/new")], LATER)
    a = _rows(engine)["a"]
    assert (a.url, a.config_url, a.etag, a.body_hash, a.error_count, a.dead_reason,
            a.next_check_at) == ("http://a.test/new", "http://a.test/new", None, None, 0,
                                 None, LATER)


def test_a_feed_moved_permanently_keeps_its_new_url_while_the_config_names_the_old(
        sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    _sync(engine, [FeedConfig(name="a", url="http://a.test/old")], NOW)
    with unit_of_work(engine) as s:
        s.scalars(select(Feed)).one().url = "http://a.test/moved"
    _sync(engine, [FeedConfig(name="a", url="http://a.test/old")], LATER)
    assert _rows(engine)["a"].url == "http://a.test/moved"


def test_feeds_removed_from_the_config_are_disabled_and_come_back_due(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss"),
                   FeedConfig(name="b", url="http://b.test/rss")], NOW)
    with unit_of_work(engine) as s:
        feeds.import_feeds(s, [("opml", "http://o.test/rss", [])], NOW)
        for feed in s.scalars(select(Feed)):
            feed.next_check_at = LATER
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss")], NOW)
    rows = _rows(engine)
    # Its history stays; an imported feed is not the config's to disable.
    assert {n: r.enabled for n, r in rows.items()} == {"a": True, "b": False, "opml": True}
    _sync(engine, [FeedConfig(name="a", url="http://a.test/rss"),
                   FeedConfig(name="b", url="http://b.test/rss")], NOW)
    b = _rows(engine)["b"]
    assert (b.enabled, b.next_check_at) == (True, NOW)


def test_an_imported_feed_named_in_the_config_becomes_the_configs(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    with unit_of_work(engine) as s:
        feeds.import_feeds(s, [("o", "http://o.test/rss", ["t"])], NOW)
    _sync(engine, [FeedConfig(name="o", url="http://o.test/rss")], NOW)
    o = _rows(engine)["o"]
    assert (o.source, o.tags) == ("config", [])
    _sync(engine, [], NOW)
    assert not _rows(engine)["o"].enabled


def test_twenty_thousand_feeds_are_added_and_synced_again(sqlite_url: str) -> None:
    # A large list, added in bulk and read again: every feed stored once, due at once.
    engine = _engine(sqlite_url)
    configured = [FeedConfig(name=f"f{i}", url=f"http://h{i % 50}.test/{i}")
                  for i in range(20_000)]
    _sync(engine, configured, NOW)
    _sync(engine, configured, LATER)
    with unit_of_work(engine) as s:
        due = s.execute(select(Feed.next_check_at, Feed.enabled)).all()
    assert len(due) == 20_000 and set(due) == {(NOW, True)}
