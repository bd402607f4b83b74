"""A poll cycle is a sliding window: a feed whose articles are slow to serve holds one slot
of ``scheduler.batch_size``, and the other due feeds are polled (and stored) meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from tests.helpers import make_config, rss

NORMAL = 20
SLOW_ARTICLES = 6
HOLD = 60.0  # the slow pages answer when released by the test, or after this


class _SlowPages:
    """A page server on 127.0.0.1 that holds every request until ``release()``."""

    def __init__(self) -> None:
        released = self.released = threading.Event()
        self.waiting = 0
        lock = threading.Lock()
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    pages.waiting += 1
                released.wait(HOLD)
                with lock:
                    pages.waiting -= 1
                body = (f"<html><head><title>Story {self.path}</title></head><body><article>"
                        f"<h1>Story {self.path}</h1>" + "".join(
                            f"<p>On day {k} the harbour master counted {k * 7} boats, and "
                            f"the market sold {k * 13} crates of fish before noon.</p>"
                            for k in range(1, 30)) + "</article></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_pages() -> Iterator[_SlowPages]:
    pages = _SlowPages()
    try:
        yield pages
    finally:
        pages.close()


def _stored_by_feed(db: Path) -> dict[str, int]:
    if not db.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("select f.name, count(e.id) from feeds f left join "
                                "feed_entries e on e.feed_id = f.id group by f.name").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet, or busy
        return {}
    return {str(name): int(n) for name, n in rows}


def test_a_feed_with_slow_articles_does_not_hold_back_the_other_feeds(
        tmp_path: Path, web: HTTPServer, slow_pages: _SlowPages) -> None:
    db = tmp_path / "monitor.db"
    web.expect_request("/slow.xml").respond_with_data(
        rss([{"title": f"Slow story {i}", "guid": f"s{i}", "link": slow_pages.url(f"/{i}"),
              "description": "A story whose page is slow to come."}
             for i in range(SLOW_ARTICLES)]), content_type="application/rss+xml")
    for n in range(NORMAL):
        web.expect_request(f"/feed/{n}").respond_with_data(
            rss([{"title": f"Local story {n}", "guid": f"n{n}",
                  "link": f"http://127.0.0.1:9/{n}", "description": "Harbour news."}]),
            content_type="application/rss+xml")
    # The slow feed comes first (the first claimed); normal feeds carry no full text.
    feeds = [{"name": "slow", "url": web.url_for("/slow.xml"), "full_text": True}] + [
        {"name": f"n{n}", "url": web.url_for(f"/feed/{n}"), "full_text": False}
        for n in range(NORMAL)]
    config = make_config(f"sqlite:///{db}", feeds, full_text=True, extra={
        "fetch": {"timeout": "30s", "extract_timeout": "20s", "parse_timeout": "10s",
                  "concurrency": 16, "per_host": 16},
        "scheduler": {"batch_size": 4}})

    with ThreadPoolExecutor(1) as ex:
        cycle: Future[api.OnceReport] = ex.submit(api.poll_once, config, workers=0)
        try:
            deadline = time.monotonic() + 45
            while True:  # every normal feed stored while the slow one still waits on pages
                stored = _stored_by_feed(db)
                if stored and all(stored.get(f"n{n}", 0) == 1 for n in range(NORMAL)):
                    break
                assert not cycle.done(), cycle.result()
                assert time.monotonic() < deadline, f"normal feeds not all stored: {stored}"
                time.sleep(0.1)
            assert stored.get("slow") == 0, stored
            assert slow_pages.waiting > 0  # the slow feed is still being worked on
        finally:
            slow_pages.release()
        report = cycle.result(timeout=120)

    assert report.cycle.failed == 0, [o.error for o in report.cycle.outcomes if not o.ok]
    assert report.cycle.polled == NORMAL + 1
    stored = _stored_by_feed(db)
    assert stored["slow"] == SLOW_ARTICLES and all(
        stored[f"n{n}"] == 1 for n in range(NORMAL))
    with sqlite3.connect(db) as conn:  # the slow feed's articles with their pages' text
        sources = [r[0] for r in conn.execute(
            "select text_source from articles where title like 'Slow story%'")]
    assert sources == ["full"] * SLOW_ARTICLES, sources


def test_a_feed_claimed_late_in_a_long_cycle_holds_its_lease_while_it_is_polled(
        tmp_path: Path, web: HTTPServer) -> None:
    """Leases count from the claim, not from the cycle's start: a feed claimed after a slow
    one, in a cycle that has outlasted the lease, must not look free to other instances (on
    PostgreSQL they would poll it a moment later: a feed polled twice)."""
    db = tmp_path / "monitor.db"
    seen: list[tuple[datetime, datetime | None]] = []

    def slow(_request: Request) -> Response:
        time.sleep(LEASE + 1)  # the cycle outlasts the lease before the next claim
        return Response(rss([{"title": "Slow", "guid": "s", "link": "http://127.0.0.1:9/s"}]),
                        content_type="application/rss+xml")

    def later(_request: Request) -> Response:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            (until,), = conn.execute("select lease_expires_at from feeds where name = 'later'")
        finally:
            conn.close()
        seen.append((datetime.now(UTC), _as_utc(until)))
        return Response(rss([{"title": "Later", "guid": "l", "link": "http://127.0.0.1:9/l"}]),
                        content_type="application/rss+xml")

    web.expect_request("/slow.xml").respond_with_handler(slow)
    web.expect_request("/later.xml").respond_with_handler(later)
    config = make_config(f"sqlite:///{db}", [
        {"name": "slow", "url": web.url_for("/slow.xml")},
        {"name": "later", "url": web.url_for("/later.xml")}], full_text=False,
        extra={"scheduler": {"batch_size": 1, "lease": f"{LEASE:g}s"}})
    report = api.poll_once(config, workers=0)
    assert report.cycle.polled == 2 and report.cycle.failed == 0
    [(asked_at, until)] = seen
    assert until is not None and until > asked_at, (asked_at, until)


LEASE = 3.0


def _as_utc(value: str | None) -> datetime | None:
    if value is None:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)
