"""Storing never writes into what it is given: the ids it assigns come back in ``Stored``, so
one built article can be shared by two feeds' tasks and stored again after a rollback.

Real SQLite file and real PostgreSQL (``db_url``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from monitor.db.engine import make_engine, upgrade
from monitor.db.entries import store_entries
from monitor.db.models import Alert, Article, Feed, Story
from monitor.db.session import unit_of_work
from monitor.evidence_model import Evidence
from monitor.model import EntryLink, NewArticle, NewHit

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
URL = "http://127.0.0.1:9/shared"


class RolledBack(Exception):
    pass


def _feeds(engine: Engine, *names: str) -> list[int]:
    with unit_of_work(engine) as s:
        rows = [Feed(name=n, url=f"http://127.0.0.1:9/{n}", tags=[], enabled=True,
                     error_count=0, created_at=NOW) for n in names]
        s.add_all(rows)
        s.flush()
        return [f.id for f in rows]


def _article() -> NewArticle:
    hit = NewHit(rule="r", severity="high", score=1.0, evidence=Evidence(), channels=["c"])
    return NewArticle(canonical_url=URL, url=URL, title="A title\x00 with a NUL",
                      summary="s", text="body\x07", text_source="feed", hits=[hit])


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = make_engine(db_url)
    upgrade(engine)
    return engine


def test_storing_writes_nothing_into_the_article_and_returns_its_ids(engine: Engine) -> None:
    (feed_id,) = _feeds(engine, "a")
    article = _article()
    before = replace(article)
    with unit_of_work(engine) as s:
        stored = store_entries(s, feed_id, [EntryLink("guid:1", URL)], [article], NOW)
    assert article == before  # not cleaned in place, no story id written into it
    (result,) = stored.new_articles
    assert result.article is article
    with unit_of_work(engine) as s:
        row = s.scalars(select(Article)).one()
        story_ids = list(s.scalars(select(Story.id)))
    engine.dispose()
    assert (row.id, row.story_id) == (result.article_id, result.story_id)
    assert story_ids == [result.story_id]
    assert row.title == "A title with a NUL"  # what is stored is cleaned


def test_an_article_shared_by_two_feeds_is_stored_whole_after_a_rollback(
        engine: Engine) -> None:
    """Feed a's transaction stores the article (starting its story), then rolls back; feed
    b's task stores the very same object next: it starts a story of its own and gets its
    alert, instead of pointing at the story that was rolled back."""
    feed_a, feed_b = _feeds(engine, "a", "b")
    article = _article()
    with pytest.raises(RolledBack), unit_of_work(engine) as s:
        store_entries(s, feed_a, [EntryLink("guid:a", URL)], [article], NOW)
        raise RolledBack
    with unit_of_work(engine) as s:
        stored = store_entries(s, feed_b, [EntryLink("guid:b", URL)], [article], NOW)
    assert (stored.articles, stored.hits, stored.alerts) == (1, 1, 1)
    with unit_of_work(engine) as s:
        row = s.scalars(select(Article)).one()
        stories = list(s.scalars(select(Story.id)))
        kinds = list(s.scalars(select(Alert.kind)))
    engine.dispose()
    assert stories == [row.story_id] == [stored.new_articles[0].story_id]
    assert kinds == ["alert"]
