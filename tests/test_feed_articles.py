"""A feed's new articles built from the feed's own text (full text off): their rules run in one
hop for the whole feed, and one article that fails costs only itself. Real local servers and a
real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_httpserver import HTTPServer

from monitor import api
from monitor.pipeline.articles import analyse_each
from monitor.rules.engine import Analysis, Context, RuleEngine
from monitor.rules.user_entities import catalogue_for
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FLAGGED = ("Xi and Putin pledge deeper ties in Moscow",
           "Chinese President Xi Jinping met Vladimir Putin in the Kremlin on Monday as "
           "Washington warned against a one-sided ceasefire.")
LOCAL = ("Council repaves the high street", "The works start on Monday and last a week.")


def _engine(sqlite_url: str) -> RuleEngine:
    config = make_config(sqlite_url, [])
    return RuleEngine(config.rules, catalogue_for(config))


def test_one_article_whose_analysis_raises_costs_only_itself(sqlite_url: str) -> None:
    """Of a feed's articles analysed together, the one whose analysis raises is its error, in
    its place; those before and after it are analysed as if alone."""
    engine = _engine(sqlite_url)

    def analyse(title: str, text: str, context: Context) -> Analysis:
        if title == "boom":
            raise ValueError("a text nothing foresaw")
        return engine.analyse(title, text, context)

    ctx = Context(feeds=("wire",))
    got = analyse_each(analyse, [(*FLAGGED, ctx), ("boom", "text", ctx), (*LOCAL, ctx)])
    assert isinstance(got[1], ValueError) and str(got[1]) == "a text nothing foresaw"
    flagged, local = got[0], got[2]
    assert isinstance(flagged, Analysis) and isinstance(local, Analysis)
    assert [r.rule for r in flagged.hits] == [r.rule for r in engine.analyse(*FLAGGED, ctx).hits]
    assert [r.rule for r in flagged.hits] == ["russia-china-us"]
    assert local.hits == []


def test_a_feeds_articles_are_stored_with_their_hits_and_shared_with_another_feed(
        sqlite_url: str, web: HTTPServer) -> None:
    """Two feeds polled together bring the same story (one link) beside their own: one article,
    carried by both, with its hit; each feed's own articles stored with their rules' verdicts."""
    shared = {"title": FLAGGED[0], "guid": "s1", "link": "http://127.0.0.1:9/story",
              "description": FLAGGED[1]}
    for name in ("a", "b"):
        items = [shared] + [{"title": f"{LOCAL[0]} {name}{n}", "guid": f"{name}{n}",
                             "link": f"http://127.0.0.1:9/{name}/{n}", "description": LOCAL[1]}
                            for n in range(3)]
        web.expect_request(f"/{name}.xml").respond_with_data(
            rss(items), content_type="application/rss+xml")
    config = make_config(sqlite_url, [{"name": n, "url": web.url_for(f"/{n}.xml")}
                                      for n in ("a", "b")], full_text=False)
    report = api.poll_once(config, now=NOW, workers=0)
    assert all(o.ok for o in report.cycle.outcomes)
    assert report.cycle.total("articles") == 7
    health = {f["name"]: f for f in api.feeds_health(config)}
    assert health["a"]["articles"] == 4 and health["b"]["articles"] == 4
    (hit,) = api.recent_hits(config, now=NOW)
    assert hit["url"] == "http://127.0.0.1:9/story" and sorted(hit["feeds"]) == ["a", "b"]
    assert hit["rule"] == "russia-china-us"

