"""The story list's Python API (monitor.desk.stories, monitor.desk.filters) over a database
filled by a real poll of feeds on loopback: one row per story, facets, the rule-language
query, keyset pages, the review state from marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from monitor.db.engine import make_engine
from monitor.db.models import Article, Mark, Story
from monitor.db.session import unit_of_work
from monitor.desk.filters import Cursor, FilterError, StoryFilter, from_query, to_query
from monitor.desk.stories import facet_counts, list_stories
from monitor.desk.textquery import QueryTools
from monitor.errors import RuleError
from tests.desk_list_data import NOW, OTHERS, fill

TOOLS = QueryTools()


@pytest.fixture()
def engine(tmp_path: Path, web: HTTPServer, db_url: str):  # type: ignore[no-untyped-def]
    config = fill(tmp_path, web, db_url)  # SQLite and PostgreSQL
    engine = make_engine(config.database.url)
    yield engine
    engine.dispose()


def _seed_story(s) -> int:  # type: ignore[no-untyped-def]
    """The story two outlets carried (found by SQL, independently of the list)."""
    return int(s.scalar(select(Article.story_id).group_by(Article.story_id)
                        .having(func.count(Article.id) == 2)))


def test_one_row_per_story_newest_first_with_outlets_rules_and_countries(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        seed = _seed_story(s)
        page = list_stories(s, StoryFilter(), now=NOW, tools=TOOLS)
        assert len(page.rows) == 1 + len(OTHERS) == s.scalar(select(func.count(Story.id)))
        assert page.next is None
        firsts = [r.first_seen for r in page.rows]
        assert firsts == sorted(firsts, reverse=True)
        (row,) = [r for r in page.rows if r.id == seed]
        assert (row.articles, row.outlets) == (2, 2)
        assert row.rules == ("kremlin", "russia-china-us")
        assert row.severity == "high" and row.review == "unreviewed"
        assert {c for c, _ in row.countries} >= {"RU", "CN", "US"}
        assert row.countries == tuple(sorted(row.countries, key=lambda cs: -cs[1]))


def test_the_seed_story_is_found_by_countries_entity_tag_and_query(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        seed = _seed_story(s)

        def ids(query: str) -> list[int]:
            return [r.id for r in list_stories(s, from_query(query), now=NOW, tools=TOOLS).rows]

        both = ids("country=RU&country=CN")
        assert seed in both and len(both) == 2  # and the navies' drills
        assert ids("country=RU&country=CN&entity=Q15031") == [seed]  # Xi Jinping
        assert ids("tag=state+media") == [seed]
        assert ids("outlet=outlet-b") == [seed]
        assert ids("country=RU&outlet=outlet-a") == [seed]
        assert set(ids("q=sanction*+NEAR/10+@RU")) >= {seed}
        assert seed not in ids("q=Taiwan")
        assert len(ids("q=Taiwan")) == 1
        assert ids("q=%22one-sided%22+AND+@CN") == [seed]
        assert ids("since=2026-01-06") == []
        assert ids("until=2026-01-05T11:50Z") == []  # the first poll found them all at 11:50
        assert ids("until=2026-01-05T11:51Z") == ids("") == ids("since=24h")


def test_facet_counts_are_stories_under_the_current_filter(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        everything = facet_counts(s, StoryFilter(), now=NOW, tools=TOOLS)
        assert dict(everything.rule) == {"russia-china-us": 6, "kremlin": 4}
        assert dict(everything.outlet) == {"outlet-c": 5, "outlet-a": 1, "outlet-b": 1}
        assert dict(everything.tag) == {"wire": 6, "state media": 1}
        assert dict(everything.review) == {"unreviewed": 6}
        assert dict(everything.entity)["Q15031"] == 1
        assert everything.entity_names["Q15031"] == "Xi Jinping"
        narrowed = facet_counts(s, from_query("country=CN"), now=NOW, tools=TOOLS)
        assert narrowed.stories == dict(everything.country)["CN"] == 3
        assert dict(narrowed.country)["CN"] == 3
        assert dict(narrowed.outlet) == {"outlet-c": 2, "outlet-a": 1, "outlet-b": 1}
        assert not narrowed.capped


def test_keyset_pages_walk_every_story_once(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        everything = [r.id for r in list_stories(s, StoryFilter(), now=NOW, tools=TOOLS).rows]
        seen: list[int] = []
        after: Cursor | None = None
        while True:
            page = list_stories(s, StoryFilter(), after=after, limit=2, now=NOW, tools=TOOLS)
            seen += [r.id for r in page.rows]
            if page.next is None:
                break
            after = Cursor.decode(page.next.encode())  # through its URL form
        assert seen == everything


def test_the_review_state_is_the_latest_mark_not_undone(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        seed = _seed_story(s)
        at = datetime(2026, 1, 5, 12, 30, tzinfo=UTC)
        s.add(Mark(story_id=seed, kind="relevant", user="ana", created_at=at))
        s.add(Mark(story_id=seed, kind="starred", user="ana", created_at=at + timedelta(1),
                   undone_at=at + timedelta(2), undone_by="ana"))  # undone: does not count
        s.add(Mark(story_id=seed, kind="note", note="check", user="ana",
                   created_at=at + timedelta(3)))  # a note is no verdict
    with unit_of_work(engine) as s:
        relevant = list_stories(s, from_query("review=relevant"), now=NOW, tools=TOOLS)
        assert [(r.id, r.review) for r in relevant.rows] == [(seed, "relevant")]
        assert list_stories(s, from_query("review=starred"), now=NOW, tools=TOOLS).rows == ()
        unreviewed = list_stories(s, from_query("review=unreviewed"), now=NOW, tools=TOOLS)
        assert seed not in [r.id for r in unreviewed.rows] and len(unreviewed.rows) == 5
        assert dict(facet_counts(s, StoryFilter(), now=NOW, tools=TOOLS).review) == {
            "unreviewed": 5, "relevant": 1}
        s.add(Mark(story_id=seed, kind="false_positive", reason="off_topic", user="bo",
                   created_at=at + timedelta(4)))
    with unit_of_work(engine) as s:
        fp = list_stories(s, from_query("review=false_positive"), now=NOW, tools=TOOLS)
        assert [r.id for r in fp.rows] == [seed]


def test_a_filter_round_trips_through_its_query_string() -> None:
    flt = from_query("country=RU&country=CN&entity=Q15031&tag=state+media&review=starred"
                     "&since=7d&until=2026-01-05&q=sanction*+NEAR%2F10+%40RU&after=xyz")
    assert flt.country == ("RU", "CN") and flt.since == timedelta(days=7)
    assert flt.until == datetime(2026, 1, 5, tzinfo=UTC)
    assert from_query(to_query(flt)) == flt
    assert flt.window(NOW)[0] == NOW - timedelta(days=7)


@pytest.mark.parametrize(("query", "says"), [
    ("review=maybe", "review='maybe' is not a review state"),
    ("since=yesterday", "since='yesterday' is not a time"),
    ("until=soon", "until='soon' is not a time"),
    ("country=russia", "not a country code"),
])
def test_a_wrong_parameter_is_a_clear_error(query: str, says: str) -> None:
    with pytest.raises(FilterError, match=says.replace("(", r"\(").replace("'", "'")):
        from_query(query)
    with pytest.raises(FilterError, match="not a page cursor"):
        Cursor.decode("not-a-cursor")


def test_a_query_that_does_not_parse_says_where(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s, pytest.raises(RuleError, match="column"):
        list_stories(s, from_query("q=%28sanction*+OR"), now=NOW, tools=TOOLS)


def test_the_query_scan_is_bounded_and_says_so(engine) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        small = QueryTools(scan_limit=3)
        page = list_stories(s, from_query("q=Putin+OR+Kremlin"), now=NOW, tools=small)
        assert page.scan is not None and page.scan.truncated and page.scan.scanned == 3
        full = list_stories(s, from_query("q=Putin+OR+Kremlin"), now=NOW, tools=TOOLS)
        assert full.scan is not None and not full.scan.truncated
        assert len(full.rows) > len(page.rows) > 0
