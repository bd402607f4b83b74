"""Ingestion on real parts: feed parsing, identity, scheduling, and fetching from loopback."""

from __future__ import annotations

import asyncio
import csv
import gzip
import importlib.abc
import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from monitor import api
from monitor.config import FetchConfig
from monitor.errors import BlockedAddressError, FeedParseError, FetchError
from monitor.ingest.decide import Failed, FeedSnapshot, Fetched, decide_poll
from monitor.ingest.extract import extract_article
from monitor.ingest.feeds import Entry, parse_feed
from monitor.ingest.fetch import Fetcher, Response, fetch, parse_retry_after
from monitor.ingest.identity import article_key, canonical_url, entry_key
from monitor.ingest.schedule import Limits
from tests.conftest import shared
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


# ---- pure functions ---------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.Example.com/a/b?utm_source=rss&id=3#top", "https://www.example.com/a/b?id=3"),
    ("http://example.com:80/story?fbclid=abc", "http://example.com/story"),
    ("https://example.com/x?b=2&a=1", "https://example.com/x?a=1&b=2"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def _entry(guid: str | None = None, link: str | None = None, title: str = "t") -> Entry:
    return Entry(guid=guid, link=link, title=title, summary="s", content="", published=None)


@pytest.mark.parametrize(("entry", "key"), [
    (_entry(guid="abc", link="http://x.org/1"), "guid:abc"),
    (_entry(link="http://x.org/1?utm_medium=feed"), "url:http://x.org/1"),
    (_entry(title="Only a title"), None),
])
def test_entry_identity(entry: Entry, key: str | None) -> None:
    got = entry_key(entry)
    if key is None:
        assert got.startswith("hash:") and got == entry_key(_entry(title="Only a title"))
        assert got != entry_key(_entry(title="Another title"))
    else:
        assert got == key


def test_same_link_from_two_feeds_is_one_article() -> None:
    a = _entry(guid="feed-a-1", link="https://news.example/story?utm_source=a")
    b = _entry(guid="feed-b-77", link="https://NEWS.example/story?utm_campaign=b")
    assert article_key(a) == article_key(b) == "https://news.example/story"


@pytest.mark.parametrize(("interval", "per_week", "failures", "retry_after", "wait"), [
    (900, None, 0, None, 900),       # the feed's interval
    (None, 7000, 0, None, 300),      # a busy feed: clamped up to min_interval
    (None, 1, 0, None, 21600),       # a quiet one: clamped down to max_interval
    (900, None, 1, None, 300),       # first failure: min_interval
    (900, None, 3, None, 1200),      # doubles per failure
    (900, None, 40, None, 86400),    # capped at a day, never given up
    (900, None, 1, 3600, 3600),      # the server's Retry-After is waited
])
def test_next_check(interval: float | None, per_week: float | None, failures: int,
                    retry_after: float | None, wait: float) -> None:
    """The next check as a poll decides it (an unchanged feed, or its n-th failure in a row),
    without jitter."""
    known = FeedSnapshot("f", "https://news.example/f", error_count=max(failures - 1, 0),
                         interval=interval, entries_per_week=per_week)
    fetched = (Fetched.of(Response(known.url, 304, {}, b"")) if not failures
               else Failed("HTTP 429", 429, retry_after) if retry_after
               else Failed("HTTP 500", 500))
    plan = decide_poll(known, fetched, None, Limits(300, 21600), NOW, 0.5)
    assert plan.state.next_check_at - NOW == timedelta(seconds=wait)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), ("Mon, 05 Jan 2026 12:01:00 GMT", 60.0), ("garbage", None), (None, None),
])
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_feed(b"<html><head><title>403 ERROR</title></head><body>denied</body></html>")
    with pytest.raises(FeedParseError, match="empty"):
        parse_feed(b"   ")


class _ImportLookups(importlib.abc.MetaPathFinder):
    """Every module the import system is asked to find (it finds none of them itself)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        self.names.append(fullname)


def test_a_parse_does_not_search_for_a_sax_driver_that_is_not_installed() -> None:
    """feedparser asks for its preferred SAX driver (libxml2's) before the standard one at
    every parse; where it is not installed, no parse searches the import path for it again."""
    if importlib.util.find_spec("drv_libxml2") is not None:
        pytest.skip("libxml2's SAX driver is installed here: feedparser uses it")
    body = rss([{"title": "One", "guid": "a-1", "link": "http://127.0.0.1/1"}])
    parse_feed(body, "http://127.0.0.1/feed.xml", "application/rss+xml")
    lookups = _ImportLookups()
    sys.meta_path.insert(0, lookups)
    try:
        parsed = parse_feed(body, "http://127.0.0.1/feed.xml", "application/rss+xml")
    finally:
        sys.meta_path.remove(lookups)
    assert [e.title for e in parsed.entries] == ["One"] and parsed.warning is None
    assert "drv_libxml2" not in lookups.names


_FIRST_PARSES = """
import sys, threading
from feedparser import api
from monitor.ingest import feeds
body = sys.argv[1].encode()
errors = []
for _ in range(30):  # each round: a process's first parses, made by four threads at once
    feeds._feedparser.cache_clear()
    if "drv_libxml2" not in api.PREFERRED_XML_PARSERS:
        api.PREFERRED_XML_PARSERS.insert(0, "drv_libxml2")
    start = threading.Barrier(4)
    def parse():
        start.wait()
        try:
            feeds.parse_feed(body, "http://127.0.0.1/feed.xml", "application/rss+xml")
        except Exception as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=parse) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
print(errors[:3] or "ok")
"""


def test_threads_making_a_process_first_parses_at_once_all_parse() -> None:
    """In thread mode (``extract_workers: 0``) and the desk's feed probe, a process's first
    parses can come from several threads at once: each parses (the set-up of feedparser on
    first use races with nothing)."""
    if importlib.util.find_spec("drv_libxml2") is not None:
        pytest.skip("libxml2's SAX driver is installed here: nothing is dropped")
    body = rss([{"title": "One", "guid": "a-1", "link": "http://127.0.0.1/1"}])
    out = subprocess.run([sys.executable, "-c", _FIRST_PARSES, body.decode()],
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "ok", out.stdout + out.stderr


def test_news_snapshots_parse() -> None:
    """Every real snapshot parses to the entry count feedparser's manifest records."""
    root = shared("feeds/news-snapshots")
    with (root / "manifest.csv").open() as f:
        rows = list(csv.DictReader(f))
    for row in rows[::10]:  # a sample here; the poller test below takes them all
        body = (root / row["file"]).read_bytes()
        if int(row["n_entries"]) == 0:
            with pytest.raises(FeedParseError):
                parse_feed(body)
            continue
        assert len(parse_feed(body).entries) == int(row["n_entries"]), row["file"]


def test_extraction_of_a_real_page() -> None:
    bench = shared("articles/extraction-benchmark")
    page = gzip.decompress(next(iter(sorted((bench / "html").glob("*.html.gz")))).read_bytes())
    got = extract_article(page)
    assert got.error is None and len(got.text) > 500


# ---- fetching from a real loopback server ----------------------------------------------------

def _fetch(url: str, *, total: float = 3.0, etag: str | None = None,
           allow_private: bool = True) -> Response:
    async def go() -> Response:
        async with Fetcher(FetchConfig(timeout=2)) as client:
            return await fetch(client, url, max_bytes=100_000, total_timeout=total, etag=etag,
                               allow_private=allow_private)
    return asyncio.run(go())


def test_no_cookie_is_kept_between_requests_and_headers_read_as_sent(web: HTTPServer) -> None:
    """A poller visits thousands of sites for months: a shared cookie jar would track it
    across them and grow without bound."""
    seen: list[str | None] = []

    def handler(req: Request) -> WResponse:
        seen.append(req.headers.get("Cookie"))
        resp = WResponse(b"<rss/>", headers={"Link": "<a>; rel=hub"})
        resp.headers.add("Link", "<b>; rel=self")
        resp.set_cookie("session", "abc")
        return resp
    web.expect_request("/feed").respond_with_handler(handler)

    async def twice() -> list[Response]:
        async with Fetcher(FetchConfig(timeout=2)) as client:
            return [await fetch(client, web.url_for("/feed"), max_bytes=1000,
                                total_timeout=3, allow_private=True) for _ in range(2)]
    first, _second = asyncio.run(twice())
    assert seen == [None, None]
    assert first.headers["link"] == "<a>; rel=hub, <b>; rel=self"
    assert "session=abc" in first.headers["set-cookie"]


def test_conditional_get(web: HTTPServer) -> None:
    def handler(req: Request) -> WResponse:
        if req.headers.get("If-None-Match") == '"v1"':
            return WResponse(status=304)
        return WResponse(b"<rss/>", headers={"ETag": '"v1"'})
    web.expect_request("/feed").respond_with_handler(handler)
    first = _fetch(web.url_for("/feed"))
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    again = _fetch(web.url_for("/feed"), etag='"v1"')
    assert again.not_modified


def test_body_limit_and_http_errors(web: HTTPServer) -> None:
    web.expect_request("/big").respond_with_data(b"x" * 200_000)
    web.expect_request("/gone").respond_with_data("gone", status=410)
    web.expect_request("/busy").respond_with_data("slow down", status=429,
                                                   headers={"Retry-After": "120"})
    with pytest.raises(FetchError, match="limit"):
        _fetch(web.url_for("/big"))
    with pytest.raises(FetchError) as gone:
        _fetch(web.url_for("/gone"))
    assert gone.value.status == 410
    with pytest.raises(FetchError) as busy:
        _fetch(web.url_for("/busy"))
    assert busy.value.status == 429 and busy.value.retry_after == 120


def test_slow_server_is_cut_at_the_total_timeout(web: HTTPServer) -> None:
    def slow(_req: Request) -> WResponse:
        def drip() -> Iterator[bytes]:
            for _ in range(50):
                time.sleep(0.2)
                yield b"x"
        return WResponse(drip())
    web.expect_request("/drip").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        _fetch(web.url_for("/drip"), total=1.0)
    assert time.monotonic() - started < 5  # bounded: the drip alone would take 10 s


def test_private_addresses_are_refused_unless_allowed(web: HTTPServer) -> None:
    web.expect_request("/page").respond_with_data("<html>hi</html>")
    with pytest.raises(BlockedAddressError, match="non-public"):
        _fetch(web.url_for("/page"), allow_private=False)
    assert _fetch(web.url_for("/page"), allow_private=True).status == 200


def test_article_links_into_the_network_are_not_fetched(sqlite_url: str,
                                                        web: HTTPServer) -> None:
    """With allow_private_addresses off, a feed linking to a loopback page keeps the feed's
    own text and records why."""
    web.expect_request("/feed.xml").respond_with_data(rss([{
        "title": "Putin and Xi meet", "link": web.url_for("/internal"), "guid": "1",
        "description": "The Kremlin hosted Beijing's leader; Washington objected."}]))
    config = make_config(sqlite_url, [{"name": "f", "url": web.url_for("/feed.xml")}],
                         extra={"fetch": {"allow_private_addresses": False}})
    api.poll_once(config, now=NOW, workers=0)
    assert all(req.path != "/internal" for req, _ in web.log)
    (hit,) = api.recent_hits(config)
    assert set(hit["evidence"]["about"]) == {"RU", "CN", "US"}


# ---- the poller over every real snapshot --------------------------------------------------------

def test_every_news_snapshot_goes_through_the_poller(sqlite_url: str, web: HTTPServer) -> None:
    root = shared("feeds/news-snapshots")
    with (root / "manifest.csv").open() as f:
        rows = list(csv.DictReader(f))
    feeds = []
    for i, row in enumerate(rows):
        path = f"/snap/{i}.xml"
        web.expect_request(path).respond_with_data((root / row["file"]).read_bytes(),
                                                   content_type="application/xml")
        feeds.append({"name": f"snap-{i}", "url": web.url_for(path)})
    config = make_config(sqlite_url, feeds, full_text=False, extra={"fetch": {"concurrency": 4}})
    report = api.poll_once(config, now=NOW, workers=2)
    assert report.cycle.polled == len(rows)
    health = {f["name"]: f for f in api.feeds_health(config)}
    for i, row in enumerate(rows):
        feed = health[f"snap-{i}"]
        if int(row["n_entries"]) > 0:
            assert feed["articles"] > 0 and feed["error_count"] == 0, (row["file"], feed)
        else:
            assert feed["error_count"] == 1 and "not a feed" in feed["last_error"], row["file"]
