"""Backtest re-runs rules over stored articles on SQLite and PostgreSQL, without alerting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytest_httpserver import HTTPServer

from monitor import api, rules_api
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
ITEMS = [
    {"title": "Kremlin and Beijing agree gas deal", "guid": "1", "link": "http://127.0.0.1:9/1",
     "description": "Putin and Xi signed the accord in Moscow."},
    {"title": "New sanctions on Russian banks", "guid": "2", "link": "http://127.0.0.1:9/2",
     "description": "The European Union announced sanctions on Moscow lenders."},
    {"title": "Harvest festival opens", "guid": "3", "link": "http://127.0.0.1:9/3",
     "description": "Pumpkins everywhere."},
]


def test_backtest_lists_and_applies_without_alerting(db_url: str, web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss(ITEMS),
                                                      content_type="application/rss+xml")
    feeds = [{"name": "wire", "url": web.url_for("/feed.xml"), "tags": ["state"]}]
    first = make_config(db_url, feeds, full_text=False)
    api.poll_once(first, now=NOW, workers=0)
    assert [h["title"] for h in api.recent_hits(first)] == ["Kremlin and Beijing agree gas deal"]
    alerts_before = api.alerts(first)

    second = make_config(db_url, feeds, full_text=False, extra={"rules": [
        {"name": "sanctions", "query": "sanction* AND @RU", "tags": ["state"]},
        {"name": "russia-china-us", "countries": {"at_least": 2}},
    ]})
    found = rules_api.backtest(second, timedelta(days=30), now=NOW + timedelta(hours=1))
    by_rule = {(h.rule, h.title, h.stored) for h in found}
    assert by_rule == {("sanctions", "New sanctions on Russian banks", False),
                       ("russia-china-us", "Kremlin and Beijing agree gas deal", True)}

    only = rules_api.backtest(second, timedelta(days=30), rule="sanctions", apply=True,
                        now=NOW + timedelta(hours=1))
    assert [(h.rule, h.stored) for h in only] == [("sanctions", False)]
    again = rules_api.backtest(second, timedelta(days=30), rule="sanctions",
                         now=NOW + timedelta(hours=2))
    assert [(h.rule, h.stored) for h in again] == [("sanctions", True)]
    assert {h["rule"] for h in api.recent_hits(second)} == {"sanctions", "russia-china-us"}
    assert api.alerts(second) == alerts_before  # backtest never alerts

    # --since excludes older articles.
    assert rules_api.backtest(second, timedelta(minutes=1), now=NOW + timedelta(days=2)) == []
