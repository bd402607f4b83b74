"""Polling against real local servers, with time passed in: throttling, failures, dead feeds,
moved feeds, outages, conditional GET and adaptive intervals."""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import sqlalchemy
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from monitor.config import Config
from monitor.ingest.feeds import parse_feed
from monitor.pipeline import PollOutcome
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
ITEM = {"title": "Local news", "guid": "1", "link": "http://127.0.0.1:9/1",
        "description": "Nothing to see."}


def _health(config: Config) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in api.feeds_health(config)}


def _next(feed: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(feed["next_check_at"]) - NOW


def _config(sqlite_url: str, feeds: dict[str, str], **extra: Any) -> Config:
    return make_config(sqlite_url, [{"name": n, "url": u} for n, u in feeds.items()],
                       full_text=False, extra=extra)


def test_429_and_503_with_retry_after_are_waited_not_counted(sqlite_url: str,
                                                            web: HTTPServer) -> None:
    web.expect_request("/busy").respond_with_data("slow down", status=429,
                                                  headers={"Retry-After": "1200"})
    web.expect_request("/maint").respond_with_data("maintenance", status=503,
                                                   headers={"Retry-After": "900"})
    config = _config(sqlite_url, {"busy": web.url_for("/busy"), "maint": web.url_for("/maint")})
    api.poll_once(config, now=NOW, workers=0)
    health = _health(config)
    for name, wait in (("busy", 1200), ("maint", 900)):
        assert health[name]["error_count"] == 0, name
        assert _next(health[name]) >= timedelta(seconds=wait * 0.9)


def test_flapping_server_backs_off_then_recovers(sqlite_url: str, web: HTTPServer) -> None:
    answers = [500, 502, 200]

    def flap(_req: Request) -> Response:
        status = answers.pop(0)
        return Response(rss([ITEM]) if status == 200 else b"oops", status=status,
                        content_type="application/rss+xml")

    web.expect_request("/flap").respond_with_handler(flap)
    config = _config(sqlite_url, {"flap": web.url_for("/flap")})
    at = NOW
    waits = []
    for _ in range(3):
        api.poll_once(config, now=at, workers=0)
        feed = _health(config)["flap"]
        waits.append((feed["error_count"], feed["status"]))
        at = datetime.fromisoformat(feed["next_check_at"]) + timedelta(seconds=1)
    assert waits == [(1, 500), (2, 502), (0, 200)]
    assert _health(config)["flap"]["articles"] == 1


def test_410_kills_a_feed_and_404_only_when_persistent(sqlite_url: str,
                                                       web: HTTPServer) -> None:
    web.expect_request("/gone").respond_with_data("gone", status=410)
    web.expect_request("/missing").respond_with_data("not found", status=404)
    config = _config(sqlite_url, {"gone": web.url_for("/gone"),
                                  "missing": web.url_for("/missing")})
    at = NOW
    for _ in range(5):
        api.poll_once(config, now=at, workers=0)
        at += timedelta(days=2)  # past any back-off
    health = _health(config)
    assert "410" in health["gone"]["dead_reason"]
    assert "404" in health["missing"]["dead_reason"]
    gone_requests = sum(1 for req, _ in web.log if req.path == "/gone")
    assert gone_requests == 1  # a dead feed is not polled again
    # Changing the feed's URL in the config revives it.
    revived = _config(sqlite_url, {"gone": web.url_for("/gone") + "?v=2",
                                   "missing": web.url_for("/missing")})
    api.poll_once(revived, now=at, workers=0)
    assert _health(revived)["gone"]["error_count"] == 1  # polled again (and 410 again)


def test_permanent_redirect_updates_the_url(sqlite_url: str, web: HTTPServer) -> None:
    web.expect_request("/old").respond_with_data("", status=301,
                                                 headers={"Location": "/new"})
    web.expect_request("/temp").respond_with_data("", status=302,
                                                  headers={"Location": "/new"})
    web.expect_request("/new").respond_with_data(rss([ITEM]),
                                                 content_type="application/rss+xml")
    config = _config(sqlite_url, {"moved": web.url_for("/old"), "temp": web.url_for("/temp")})
    api.poll_once(config, now=NOW, workers=0)
    health = _health(config)
    assert health["moved"]["url"] == web.url_for("/new")
    assert health["temp"]["url"] == web.url_for("/temp")  # temporary: keep asking the old one
    # The next poll goes straight to the new URL, although the config still names the old one.
    web.clear_log()
    api.poll_once(config, now=NOW + timedelta(hours=7), workers=0)
    paths = [req.path for req, _ in web.log]
    assert paths.count("/old") == 0 and paths.count("/temp") == 1


def test_redirect_loop_and_too_many_redirects_fail_cleanly(sqlite_url: str,
                                                          web: HTTPServer) -> None:
    web.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    config = _config(sqlite_url, {"loop": web.url_for("/a")})
    api.poll_once(config, now=NOW, workers=0)
    feed = _health(config)["loop"]
    assert "too many redirects" in feed["last_error"] and feed["error_count"] == 1


def test_network_outage_does_not_penalise_feeds(sqlite_url: str) -> None:
    # Nothing listens on these ports: every feed fails to connect, as when the network is down.
    config = _config(sqlite_url, {f"f{i}": f"http://127.0.0.1:{9 + i}/feed" for i in range(4)})
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.failed == 4
    for feed in _health(config).values():
        assert feed["error_count"] == 0 and "outage" in feed["last_error"]
        assert _next(feed) == timedelta(minutes=5)


def _etagged(body: bytes) -> Callable[[Request], Response]:
    """A feed with ETag "v1": 304 to a request that names it, the body otherwise."""
    def answer(req: Request) -> Response:
        if req.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, headers={"ETag": '"v1"'}, content_type="application/rss+xml")
    return answer


def test_conditional_get_and_unchanged_body_skip_parsing(sqlite_url: str,
                                                         web: HTTPServer) -> None:
    body = rss([ITEM])

    web.expect_request("/etag").respond_with_handler(_etagged(body))
    web.expect_request("/plain").respond_with_data(body, content_type="application/rss+xml")
    config = _config(sqlite_url, {"etag": web.url_for("/etag"), "plain": web.url_for("/plain")})
    api.poll_once(config, now=NOW, workers=0)
    second = api.poll_once(config, now=NOW + timedelta(hours=7), workers=0)
    statuses = sorted(o.status or 0 for o in second.cycle.outcomes)
    assert statuses == [200, 304]
    assert all(o.entries == 0 for o in second.cycle.outcomes)  # nothing parsed again
    assert _health(config)["etag"]["status"] == 304


def test_an_unchanged_feed_is_not_an_info_line_each_poll(sqlite_url: str, web: HTTPServer,
                                                        caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    """10,000 feeds answering 304 every cycle must not write 10,000 INFO lines: the unchanged
    poll is said at DEBUG (``--log-level DEBUG`` shows it), the cycle's summary stays."""
    body = rss([ITEM])

    web.expect_request("/etag").respond_with_handler(_etagged(body))
    config = _config(sqlite_url, {"etag": web.url_for("/etag")})
    api.poll_once(config, now=NOW, workers=0)
    with caplog.at_level(logging.DEBUG, logger="monitor"):
        second = api.poll_once(config, now=NOW + timedelta(hours=7), workers=0)
    assert [o.status for o in second.cycle.outcomes] == [304]
    unchanged = [r for r in caplog.records if "feed unchanged" in r.getMessage()]
    assert [r.levelno for r in unchanged] == [logging.DEBUG]
    assert "feed=etag" in unchanged[0].getMessage()


def test_busy_feed_is_polled_more_often(sqlite_url: str, web: HTTPServer) -> None:
    busy = [{"title": f"Story {i}", "guid": f"b{i}", "link": f"http://127.0.0.1:9/b{i}",
             "pubDate": format_datetime(NOW - timedelta(hours=2 * i), usegmt=True)}
            for i in range(70)]  # 70 entries in the last 6 days
    web.expect_request("/busy").respond_with_data(rss(busy), content_type="application/rss+xml")
    web.expect_request("/quiet").respond_with_data(rss([ITEM]),
                                                   content_type="application/rss+xml")
    config = _config(sqlite_url, {"busy": web.url_for("/busy"), "quiet": web.url_for("/quiet")})
    api.poll_once(config, now=NOW, workers=0)
    health = _health(config)
    assert health["busy"]["entries_per_week"] == 70
    assert timedelta(hours=2.1) <= _next(health["busy"]) <= timedelta(hours=2.7)
    assert timedelta(hours=5.3) <= _next(health["quiet"]) <= timedelta(hours=6.7)


# ---- hostile servers: each ends within its bound and the other feeds are still polled -----

def _drip(_req: Request) -> Response:
    def forever() -> Iterator[bytes]:
        while True:
            time.sleep(0.2)
            yield b"<"
    return Response(forever(), content_type="application/rss+xml")


def _endless(_req: Request) -> Response:
    def forever() -> Iterator[bytes]:
        chunk = b"<item>" + b"x" * 65536 + b"</item>"
        while True:
            yield chunk
    return Response(forever(), content_type="application/rss+xml")


def _laughs() -> bytes:
    """The billion-laughs document: nine levels of ten-fold entity expansion."""
    defs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 2 else "") + ";") * 10}">'
        for i in range(2, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(defs)}]>'
            '<rss version="2.0"><channel><title>&lol9;</title>'
            "<item><title>&lol9;</title></item></channel></rss>").encode()


def test_hostile_servers(sqlite_url: str, web: HTTPServer) -> None:
    web.expect_request("/drip").respond_with_handler(_drip)
    web.expect_request("/endless").respond_with_handler(_endless)
    bomb = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=1)  # 64 MB inside
    web.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml")
    web.expect_request("/html").respond_with_data(
        "<html><head><title>Welcome</title></head><body>Not a feed</body></html>",
        content_type="text/html")
    web.expect_request("/charset").respond_with_data(
        rss([{**ITEM, "title": "Café Zürich – “quotes”"}]),
        content_type="application/rss+xml; charset=iso-8859-1")  # bytes are UTF-8
    web.expect_request("/laughs").respond_with_data(_laughs(), content_type="application/xml")
    web.expect_request("/good").respond_with_data(rss([ITEM]),
                                                  content_type="application/rss+xml")
    names = ["drip", "endless", "bomb", "html", "charset", "laughs", "good"]
    config = make_config(sqlite_url, [{"name": n, "url": web.url_for(f"/{n}")} for n in names],
                         full_text=False, extra={"fetch": {"timeout": "2s",
                                                           "max_body_bytes": 2_000_000}})
    started = time.monotonic()
    api.poll_once(config, now=NOW, workers=0)
    elapsed = time.monotonic() - started
    health = _health(config)
    assert "timed out" in health["drip"]["last_error"]          # cut at 2 x 2 s
    assert "limit" in health["endless"]["last_error"]           # cut at 2 MB
    assert "limit" in health["bomb"]["last_error"]              # 2 MB after decompression
    assert "not a feed" in health["html"]["last_error"]
    assert health["charset"]["articles"] == 1                   # wrong charset: still parsed
    laughs = health["laughs"]                                    # no entity expansion blow-up
    assert laughs["articles"] <= 1 and (laughs["error_count"] or laughs["status"] == 200)
    assert health["good"]["articles"] == 1 and health["good"]["error_count"] == 0
    assert elapsed < 30  # the whole cycle is bounded by the slowest limit, not the servers


def test_redirecting_links_are_one_article_with_the_direct_link(sqlite_url: str,
                                                                web: HTTPServer) -> None:
    """An aggregator's link (a redirect, Google News style) and a direct link to the same
    story from another feed are one article carried by both feeds, stored under the real URL."""
    page = ("<html><head><title>Putin meets Xi</title></head><body><article><h1>Putin meets "
            "Xi</h1>" + "<p>The Kremlin and Beijing signed a long agreement today. " * 20
            + "</p></article></body></html>")
    web.expect_request("/go/123").respond_with_data(
        "", status=302, headers={"Location": "/news/putin-xi.html?utm_source=aggregator"})
    web.expect_request("/news/putin-xi.html").respond_with_data(page, content_type="text/html")
    web.expect_request("/aggregator.xml").respond_with_data(rss([
        {"title": "Putin meets Xi", "guid": "agg-1", "link": web.url_for("/go/123")}]),
        content_type="application/rss+xml")
    web.expect_request("/publisher.xml").respond_with_data(rss([
        {"title": "Putin meets Xi", "guid": "pub-1", "link": web.url_for("/news/putin-xi.html")}]),
        content_type="application/rss+xml")
    config = make_config(sqlite_url, [{"name": "aggregator", "url": web.url_for("/aggregator.xml")},
                                      {"name": "publisher", "url": web.url_for("/publisher.xml")}],
                         extra={"scheduler": {"batch_size": 1}})  # one feed after the other
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.total("articles") == 1
    health = _health(config)
    assert health["aggregator"]["articles"] == 1 and health["publisher"]["articles"] == 1
    (hit,) = api.recent_hits(config)
    assert hit["url"] == web.url_for("/news/putin-xi.html") + "?utm_source=aggregator"
    assert sorted(hit["feeds"]) == ["aggregator", "publisher"]


def test_a_feed_whose_rows_the_database_refuses_does_not_stop_the_others(
        sqlite_url: str, web: HTTPServer) -> None:
    """The database refuses one feed's article (here a trigger; in production a unique
    constraint raced by another instance): that feed is retried without penalty, the others
    are stored in the same cycle."""
    import sqlite3

    bad = {"title": "Poisoned story", "guid": "p1", "link": "http://127.0.0.1:9/p1",
           "description": "The database will refuse this one."}
    web.expect_request("/good").respond_with_data(rss([ITEM]), content_type="application/rss+xml")
    web.expect_request("/bad").respond_with_data(rss([bad]), content_type="application/rss+xml")
    config = _config(sqlite_url, {"good": web.url_for("/good"), "bad": web.url_for("/bad")})
    api.upgrade_database(config)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("create trigger refuse before insert on articles when new.title like "
                     "'Poisoned%' begin select raise(abort, 'refused by a trigger'); end")
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.polled == 2 and report.cycle.failed == 1
    health = _health(config)
    assert health["good"]["articles"] == 1 and health["good"]["error_count"] == 0
    assert health["bad"]["articles"] == 0 and health["bad"]["error_count"] == 0
    assert "refused by a trigger" in health["bad"]["last_error"]
    assert _next(health["bad"]) < timedelta(minutes=6)  # min_interval after it answered
    with sqlite3.connect(path) as conn:
        conn.execute("drop trigger refuse")
    api.poll_once(config, now=NOW + timedelta(minutes=6), workers=0)
    assert _health(config)["bad"]["articles"] == 1


def test_the_next_check_counts_from_when_the_feed_answered(sqlite_url: str,
                                                           web: HTTPServer) -> None:
    """A cycle can outlast a feed's interval; counting from the cycle's start would make the
    feed due again (for another instance) a moment after it was polled."""
    def slow(_req: Request) -> Response:
        time.sleep(1.5)
        return Response(rss([ITEM]), content_type="application/rss+xml")

    web.expect_request("/slow").respond_with_handler(slow)
    config = make_config(sqlite_url, [{"name": "slow", "url": web.url_for("/slow"),
                                       "interval": "10m"}], full_text=False)
    api.poll_once(config, now=NOW, workers=0)
    feed = _health(config)["slow"]
    answered = datetime.fromisoformat(feed["last_checked_at"]) - NOW
    assert timedelta(seconds=1.5) <= answered < timedelta(seconds=30)
    assert _next(feed) >= answered + timedelta(minutes=9)  # 10 minutes ± 10% jitter


def _poll_twice(db_url: str, web: HTTPServer, first: bytes,
                second: bytes) -> tuple[Config, PollOutcome]:
    """Feed "news" serves ``first``, then ``second``: polled twice, seven hours apart; the
    config and the second poll's outcome."""
    bodies = iter([first, second])
    web.expect_request("/news").respond_with_handler(
        lambda _req: Response(next(bodies), content_type="application/rss+xml"))
    config = _config(db_url, {"news": web.url_for("/news")})
    api.poll_once(config, now=NOW, workers=0)
    report = api.poll_once(config, now=NOW + timedelta(hours=7), workers=0)
    (outcome,) = report.cycle.outcomes
    return config, outcome


def test_a_changed_feed_stores_only_its_new_entries_as_a_full_parse_reads_them(
        db_url: str, web: HTTPServer) -> None:
    def item(i: int, title: str = "") -> dict[str, str]:
        return {"title": title or f"Story {i}", "guid": f"s{i}",
                "link": f"http://127.0.0.1:9/s{i}", "description": f"<p>Text {i} &amp; more</p>",
                "pubDate": format_datetime(NOW - timedelta(hours=3 * i), usegmt=True)}

    first = rss([item(i) for i in range(3, 13)])
    # Three new entries on top, two dropped at the end, one known entry retitled.
    second = rss([item(i) for i in range(3)] + [item(3, "Story 3, updated")]
                 + [item(i) for i in range(4, 11)])
    config, outcome = _poll_twice(db_url, web, first, second)
    assert (outcome.entries, outcome.new_entries, outcome.articles) == (11, 3, 3)
    engine = sqlalchemy.create_engine(db_url)
    with engine.connect() as db:
        rows = db.execute(sqlalchemy.text(
            "select title, summary, url, published_at from articles order by id")).all()
    engine.dispose()
    full = parse_feed(second, web.url_for("/news"), "application/rss+xml").entries
    assert [tuple(r)[:3] for r in rows[10:]] == [(e.title, e.summary, e.link)
                                                 for e in full[:3]]
    assert rows[0][0] == "Story 3"  # a known entry is not stored again
    # The publishing rate counts every entry listed, as a full parse of the body would.
    assert _health(config)["news"]["entries_per_week"] == 11


def test_an_entry_brought_long_ago_and_listed_again_is_not_new(db_url: str,
                                                               web: HTTPServer) -> None:
    # Past the newest keys a changed poll reads first (poll.KNOWN_KEYS), the feed's other
    # entries are still known: only the one new entry is stored.
    from monitor.pipeline.poll import KNOWN_KEYS

    def item(i: int) -> dict[str, str]:
        return {"title": f"Story {i}", "guid": f"s{i}", "link": f"http://127.0.0.1:9/s{i}",
                "description": f"Text {i}"}

    first = rss([item(i) for i in range(KNOWN_KEYS + 5)])
    second = rss([item(-1), item(0), item(KNOWN_KEYS + 4)])
    _, outcome = _poll_twice(db_url, web, first, second)
    assert (outcome.entries, outcome.new_entries, outcome.articles) == (3, 1, 1)
