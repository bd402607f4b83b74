"""The whole slice on real parts: a feed of the seed story beside 22 real unrelated pages, served
on loopback; a real database; Slack as a local HTTP server; email through aiosmtpd."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from tests.conftest import Mailbox, shared
from tests.helpers import make_config, rss, seed_page, unrelated_pages

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _serve_story_feed(web: HTTPServer, n_pages: int = 22) -> tuple[str, str]:
    """Serve a feed of the seed story followed by ``n_pages`` real unrelated pages."""
    seed = shared("seed/seed-article.txt").read_text("utf-8")
    pages = unrelated_pages(shared("articles/extraction-benchmark"), n_pages)
    title, page = seed_page(seed)
    web.expect_request("/story/xi-putin.html").respond_with_data(page, content_type="text/html")
    items = [{"title": title, "link": web.url_for("/story/xi-putin.html"), "guid": "seed-1"}]
    for page_id, headline, body in pages:
        path = f"/pages/{page_id}.html"
        web.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
        items.append({"title": headline, "link": web.url_for(path), "guid": page_id})
    feed = rss(items, "Loopback news")
    web.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    return title, web.url_for("/story/xi-putin.html")


def _slack_messages(slack: HTTPServer) -> list[dict[str, object]]:
    return [json.loads(req.get_data()) for req, _ in slack.log]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_seed_story_alerts_once_on_slack_and_email(
    backend: str, request: pytest.FixtureRequest, web: HTTPServer, slack: HTTPServer,
    smtp: tuple[Mailbox, int],
) -> None:
    db_url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    box, port = smtp
    title, link = _serve_story_feed(web)
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    config = make_config(db_url, [{"name": "loopback", "url": web.url_for("/feed.xml")}],
                         slack_url=slack.url_for("/hook"), smtp_port=port)

    first = api.poll_once(config, now=NOW)

    assert first.cycle.total("articles") == 23
    hits = api.recent_hits(config)
    assert [(h["rule"], h["url"]) for h in hits] == [("russia-china-us", link)]
    assert set(hits[0]["evidence"]["about"]) == {"RU", "CN", "US"}
    assert first.dispatch.sent == 2

    messages = _slack_messages(slack)
    assert len(messages) == 1
    slack_text = json.dumps(messages[0], ensure_ascii=False)
    for needle in (title, link, "russia-china-us", "Xi Jinping", "Vladimir Putin",
                   "the White House", "John Kirby", "Jake Sullivan"):
        assert needle in slack_text, needle

    assert len(box.messages) == 1
    mail = box.messages[0]
    assert mail["Subject"] == f"[russia-china-us] {title}"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mail.walk()
             if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    for needle in (link, "russia-china-us", "Xi Jinping", "Moscow", "John Kirby"):
        assert needle in parts["text/plain"], needle
        assert needle in parts["text/html"], needle

    # A second cycle once the feed is due again, re-served unchanged: nothing new is alerted.
    second = api.poll_once(config, now=NOW + timedelta(hours=7))  # past max_interval
    assert second.cycle.polled == 1 and second.cycle.total("new_entries") == 0
    assert second.dispatch.sent == 0
    assert len(_slack_messages(slack)) == 1 and len(box.messages) == 1
    assert len(api.alerts(config)) == 2


def test_changed_feed_adds_only_new_entries(sqlite_url: str, web: HTTPServer,
                                            slack: HTTPServer) -> None:
    """A feed whose body changed is parsed again; entries already stored are skipped and the
    seed story is not alerted twice."""
    _serve_story_feed(web)
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    config = make_config(sqlite_url, [{"name": "loopback", "url": web.url_for("/feed.xml")}],
                         slack_url=slack.url_for("/hook"))
    api.poll_once(config, now=NOW, workers=0)

    web.clear()
    _serve_story_feed(web, n_pages=23)  # the same items, and one more at the end

    again = api.poll_once(config, now=NOW + timedelta(hours=7), workers=0)
    assert again.cycle.total("new_entries") == 1
    assert again.cycle.total("articles") == 1
    assert len(api.recent_hits(config)) == 1
    assert len(_slack_messages(slack)) == 1
    assert sum(f["articles"] for f in api.feeds_health(config)) == 24


def test_unreachable_feed_is_recorded_and_others_still_polled(sqlite_url: str,
                                                              web: HTTPServer) -> None:
    web.expect_request("/ok.xml").respond_with_data(
        rss([{"title": "Local council news", "link": "http://127.0.0.1:9/x", "guid": "a"}]),
        content_type="application/rss+xml")

    def broken(_req: Request) -> Response:
        return Response("<html><body>Service Unavailable</body></html>", status=500)

    web.expect_request("/broken.xml").respond_with_handler(broken)
    config = make_config(sqlite_url, [
        {"name": "ok", "url": web.url_for("/ok.xml")},
        {"name": "broken", "url": web.url_for("/broken.xml")},
        {"name": "nowhere", "url": "http://127.0.0.1:9/feed.xml"},  # nothing listens on 9
    ], full_text=False)
    report = api.poll_once(config, now=NOW)
    assert report.cycle.polled == 3 and report.cycle.failed == 2
    health = {f["name"]: f for f in api.feeds_health(config)}
    assert health["ok"]["articles"] == 1 and health["ok"]["error_count"] == 0
    assert health["broken"]["status"] == 500 and health["broken"]["error_count"] == 1
    assert "HTTP 500" in health["broken"]["last_error"]
    assert health["nowhere"]["error_count"] == 1 and health["nowhere"]["last_error"]
    # The failing feeds are retried later, not dropped.
    assert all(f["enabled"] and f["next_check_at"] for f in health.values())
