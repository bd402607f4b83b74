"""Hostile feeds and poison entries: one bad entry (or one bad feed) never costs the others.

Feeds are served by a real HTTP server on 127.0.0.1 and stored in a real SQLite file and a
real PostgreSQL database."""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from monitor import api
from monitor.db.engine import make_engine, upgrade
from monitor.db.entries import store_entries
from monitor.db.models import Article, Feed, FeedEntry
from monitor.db.session import unit_of_work
from monitor.errors import FeedParseError
from monitor.ingest.feeds import Entry, parse_feed
from monitor.ingest.identity import article_key, canonical_url, entry_key
from monitor.model import EntryLink, NewArticle
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
JSON_FEED = "https://jsonfeed.org/version/1.1"
NORMAL = {"title": "Ordinary local news", "guid": "ok-1", "link": "http://127.0.0.1:9/ok-1",
          "description": "Nothing to see."}
BAD_LINKS = ["http://news..example/a", "http://" + "a" * 70 + ".example/b", "http://xn--/c",
             "http://xn--zz.example/d", "http://127.0.0.1:9/e\nf", "http://127.0.0.1:9/g\x00h",
             "http://127.0.0.1:9/\ud800i", "http://[::1/j", "http://127.0.0.1:99999/k",
             "http://127.0.0.1:9/" + "l" * 3000]


def _json_feed(items: list[Any]) -> bytes:
    return json.dumps({"version": JSON_FEED, "title": "Hostile JSON", "items": items}).encode()


def _serve(web: HTTPServer, path: str, body: bytes, content_type: str) -> str:
    web.expect_request(path).respond_with_data(body, content_type=content_type)
    return web.url_for(path)


def _clean(value: str) -> bool:
    """Storable anywhere: encodable as UTF-8 (no lone surrogates), no NUL or C0 controls."""
    value.encode("utf-8")
    return not any(ord(c) < 32 and c not in "\t\n" for c in value)


# ---- parsing and identity (pure) ---------------------------------------------------------------

def test_hostile_json_feed_items_cost_only_themselves() -> None:
    huge_id = "9" * 5000
    body = (b'{"version": "' + JSON_FEED.encode() + b'", "title": "t", "items": ['
            b'{"id": "ok", "title": "Fine", "url": "http://127.0.0.1:9/fine"},'
            b'{"id": "authors", "title": "A", "authors": 5, "author": "bob"},'
            b'{"id": "tags", "title": "T", "tags": 5},'
            b'{"id": "title", "title": {"nested": [1, [2, [3]]]}, "url": 7},'
            b'{"id": ' + huge_id.encode() + b', "title": "Huge id"},'
            b'{"id": "\\ud800", "title": "lone \\udc00 surrogate", "url": "http://x/\\ud800"},'
            b'{"id": "nul", "title": "a\\u0000b", "url": "http://127.0.0.1:9/n\\nl\\u0000"},'
            b'{"id": "y1", "title": "Year 1", "date_published": "0001-01-01T00:00:00+14:00"},'
            b'{"id": "y9", "title": "Year 9999", "date_published": "9999-12-31T23:59:59-14:00"},'
            b'{"id": "y9b", "title": "Year 9999b", "date_modified": "9999-12-31T23:59:59+14:00"},'
            b'"not an item", 5, null'
            b']}')
    parsed = parse_feed(body, "http://127.0.0.1:9/feed.json", "application/feed+json")
    by_title = {e.title: e for e in parsed.entries}
    assert {"Fine", "A", "T", "Huge id", "Year 1", "Year 9999", "Year 9999b"} <= set(by_title)
    assert len(parsed.entries) == 10
    assert by_title["Huge id"].guid == huge_id
    assert by_title["A"].author is None or isinstance(by_title["A"].author, str)
    assert by_title["T"].tags == ()
    for entry in parsed.entries:
        for value in (entry.guid or "", entry.link or "", entry.title, entry.summary,
                      entry.content, entry.author or "", *entry.tags):
            assert _clean(value), entry
        if entry.published is not None:
            assert entry.published.tzinfo is not None
            assert datetime(1970, 1, 1, tzinfo=UTC) <= entry.published <= datetime(
                2100, 12, 31, tzinfo=UTC)
        assert _clean(entry_key(entry)) and len(entry_key(entry)) <= 512
        assert _clean(article_key(entry)) and len(article_key(entry)) <= 2048


def test_relative_json_feed_links_resolve_against_the_feed_url() -> None:
    body = _json_feed([{"id": "1", "url": "/news/1"}, {"id": "2", "url": "item/2"},
                       {"id": "3", "url": "http://127.0.0.1:9/abs?"}])
    parsed = parse_feed(body, "http://127.0.0.1:9/feeds/main.json", "application/feed+json")
    assert [e.link for e in parsed.entries] == [
        "http://127.0.0.1:9/news/1", "http://127.0.0.1:9/feeds/item/2", "http://127.0.0.1:9/abs?"]


@pytest.mark.parametrize("body", [
    b'{"version": "' + JSON_FEED.encode() + b'", "items": [{"id": 1, "title": '
    + b"[" * 100_000 + b"]" * 100_000 + b"}]}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"version": "' + JSON_FEED.encode() + b'", "items": [{"id": ' + b"1" * 5000 + b"}",
], ids=["deep-item", "deep-document", "truncated"])
def test_hopeless_json_bodies_raise_only_feed_parse_error(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body, "http://127.0.0.1:9/feed.json", "application/feed+json")


def test_xml_dates_out_of_range_and_nul_titles_are_cleaned() -> None:
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><guid>1</guid><title>a&#0;b</title>"
            b"<pubDate>Mon, 01 Jan 0001 00:00:00 +1400</pubDate></item>"
            b"<item><guid>2</guid><title>c\x00d</title>"
            b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1400</pubDate></item>"
            b"<item><guid>3</guid><title>fine</title>"
            b"<pubDate>Mon, 05 Jan 2026 10:00:00 +0000</pubDate></item>"
            b"</channel></rss>")
    parsed = parse_feed(body, "http://127.0.0.1:9/feed", "application/rss+xml")
    assert [e.title for e in parsed.entries] == ["ab", "cd", "fine"]
    for entry in parsed.entries:
        assert _clean(entry.title)
        assert entry.published is None or entry.published.year in range(1970, 2101)
    assert parsed.entries[2].published == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_identity_of_a_bad_link_never_raises_and_is_storable() -> None:
    for link in BAD_LINKS:
        entry = Entry(guid=None, link=link, title="t", summary="s", content="", published=None)
        for key in (canonical_url(link), entry_key(entry), article_key(entry)):
            assert isinstance(key, str) and key, link
            assert _clean(key), (link, key)
        assert len(entry_key(entry)) <= 512 and len(article_key(entry)) <= 2048
        as_guid = Entry(guid=link, link=None, title="t", summary="s", content="", published=None)
        assert _clean(entry_key(as_guid)) and len(entry_key(as_guid)) <= 512, link


# ---- polling: the rest of the cycle goes on -----------------------------------------------------

def _counts(db_url: str) -> dict[str, tuple[int, int, str | None]]:
    """feed name -> (feed_entries rows, error_count, last_error)."""
    engine = make_engine(db_url)
    with unit_of_work(engine) as s:
        rows = {f.name: (f.id, f.error_count, f.last_error) for f in s.scalars(select(Feed))}
        entries = dict(s.execute(select(FeedEntry.feed_id, func.count())
                                 .group_by(FeedEntry.feed_id)).all())
    engine.dispose()
    return {name: (entries.get(fid, 0), errors, last) for name, (fid, errors, last)
            in rows.items()}


def _titles(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    with unit_of_work(engine) as s:
        titles = list(s.scalars(select(Article.title)))
    engine.dispose()
    return titles


def test_poison_entries_are_sanitised_and_stored_beside_their_siblings(
        db_url: str, web: HTTPServer) -> None:
    xml = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
           b"<item><guid>n1</guid><title>Raw\x00NUL title</title></item>"
           b"<item><guid>n2</guid><title>Entity &#0; NUL title</title></item>"
           b"<item><guid>long</guid><title>Long link</title><link>http://127.0.0.1:9/"
           + b"x" * 3000 + b"</link></item>"
           b"<item><guid>y1</guid><title>Year one</title>"
           b"<pubDate>Mon, 01 Jan 0001 00:00:00 +1400</pubDate></item>"
           b"<item><guid>y9</guid><title>Year 9999</title>"
           b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1400</pubDate></item>"
           b"<item><guid>ok</guid><title>Normal XML entry</title>"
           b"<link>http://127.0.0.1:9/ok</link></item>"
           b"</channel></rss>")
    jf = (b'{"version": "' + JSON_FEED.encode() + b'", "title": "j", "items": ['
          b'{"id": "j1", "title": "JSON \\u0000 NUL", "url": "http://127.0.0.1:9/j1"},'
          b'{"id": ' + b"7" * 5000 + b', "title": "Huge id", "url": "http://127.0.0.1:9/j2"},'
          b'{"id": "j3", "title": "lone \\ud800 surrogate", "url": "http://127.0.0.1:9/\\udc00"},'
          b'{"id": "j4", "title": "Year one", "date_published": "0001-01-01T00:00:00+14:00"},'
          b'{"id": "j5", "title": "Year 9999", "date_published": "9999-12-31T23:59:59+14:00"},'
          b'{"id": "j6", "title": "Bad types", "authors": 5, "tags": 5},'
          b'{"id": "j7", "title": "Newline link", "url": "http://127.0.0.1:9/a\\nb\\u0000c"},'
          b'{"id": "j8", "title": "Normal JSON entry", "url": "http://127.0.0.1:9/j8"}'
          b"]}")
    feeds = {"xml": _serve(web, "/x.xml", xml, "application/rss+xml"),
             "json": _serve(web, "/j.json", jf, "application/feed+json"),
             "healthy": _serve(web, "/h.xml", rss([NORMAL]), "application/rss+xml")}
    config = make_config(db_url, [{"name": n, "url": u} for n, u in feeds.items()],
                         full_text=False)
    api.poll_once(config, now=NOW, workers=0)
    counts = _counts(db_url)
    assert counts["healthy"][:2] == (1, 0)
    assert counts["xml"][:2] == (6, 0), counts["xml"]
    assert counts["json"][:2] == (8, 0), counts["json"]
    titles = _titles(db_url)
    assert {"Normal XML entry", "Normal JSON entry", "Ordinary local news"} <= set(titles)
    assert all(_clean(t) for t in titles)
    # Nothing new the second time: the sanitised entries are known by the same keys.
    api.poll_once(config, now=NOW + timedelta(days=2), workers=0)
    assert {k: v[0] for k, v in _counts(db_url).items()} == {"xml": 6, "json": 8, "healthy": 1}


def test_article_links_with_bad_hosts_do_not_stop_the_feed(sqlite_url: str,
                                                           web: HTTPServer) -> None:
    """Full text on: the links are fetched (and fail). Each such entry is kept with the feed's
    text, the other entries and feeds stored, nothing escapes the poll."""
    items = [{"title": f"Bad link {i}", "guid": f"b{i}", "link": link,
              "description": "Summary of the story."}
             for i, link in enumerate(BAD_LINKS[:5])]
    page = b"<html><head><title>Fine</title></head><body><p>A page.</p></body></html>"
    web.expect_request("/page").respond_with_data(page, content_type="text/html")
    items.append({"title": "Good link", "guid": "g", "link": web.url_for("/page"),
                  "description": "Fine."})
    feeds = {"bad": _serve(web, "/bad.xml", rss(items), "application/rss+xml"),
             "healthy": _serve(web, "/h.xml", rss([NORMAL]), "application/rss+xml")}
    config = make_config(sqlite_url, [{"name": n, "url": u} for n, u in feeds.items()],
                         full_text=True)
    api.poll_once(config, now=NOW, workers=0)
    counts = _counts(sqlite_url)
    assert counts["healthy"][:2] == (1, 0)
    assert counts["bad"][:2] == (len(items), 0), counts["bad"]


def test_a_temporary_redirect_with_a_token_does_not_change_entry_identity(
        sqlite_url: str, web: HTTPServer) -> None:
    """/feed 302-redirects to a URL with a fresh token each time; guids and links are
    relative. Polling three times stores each entry once."""
    tokens = itertools.count()
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>t</title><id>urn:t</id>" + "".join(
                f'<entry><id>#e{i}</id><title>Entry {i}</title><link href="?p={i}"/>'
                f"<updated>2026-01-0{i + 1}T00:00:00Z</updated></entry>" for i in range(3))
            + "</feed>")
    rss_relative = rss([{"title": f"Item {i}", "guid": f"item/{i}", "link": f"item/{i}"}
                        for i in range(4)])

    def redirect(target: str) -> Any:
        def handler(_req: Request) -> Response:
            return Response("", status=302,
                            headers={"Location": target.format(token=next(tokens))})
        return handler

    web.expect_request("/feed").respond_with_handler(redirect("/served?token={token}"))
    web.expect_request("/served").respond_with_handler(lambda req: Response(
        atom + f"<!-- {req.args['token']} -->", content_type="application/atom+xml"))
    web.expect_request("/path").respond_with_handler(redirect("/s/{token}/rss"))
    for n in range(10):
        web.expect_request(f"/s/{n}/rss").respond_with_data(
            rss_relative + f"<!-- {n} -->".encode(), content_type="application/rss+xml")
    config = make_config(sqlite_url, [{"name": "query", "url": web.url_for("/feed")},
                                      {"name": "path", "url": web.url_for("/path")}],
                         full_text=False)
    for poll in range(3):
        api.poll_once(config, now=NOW + timedelta(days=2 * poll), workers=0)
    counts = _counts(sqlite_url)
    assert counts["query"][:2] == (3, 0)
    assert counts["path"][:2] == (4, 0)


# ---- storing: sanitised at the edge, a refused row costs only itself -----------------------------

def _article(url: str, **kw: Any) -> NewArticle:
    fields: dict[str, Any] = {"canonical_url": url, "url": url, "title": "A title",
                              "summary": "", "text": "body", "text_source": "feed"}
    return NewArticle(**{**fields, **kw})


def test_store_sanitises_every_value_and_skips_only_a_refused_row(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        feed = Feed(name="f", url="http://127.0.0.1:9/f", tags=[], enabled=True,
                    error_count=0, created_at=NOW)
        s.add(feed)
        s.flush()
        feed_id = feed.id
    long_url = "http://127.0.0.1:9/" + "u" * 3000
    articles = [
        _article("http://127.0.0.1:9/normal", title="Normal"),
        _article("http://127.0.0.1:9/lang", title="Long language", language="x" * 300),
        _article("http://127.0.0.1:9/nul", title="NUL\x00 in \x07title \ud800",
                 summary="s\x00", text="t\x00", author="a\x00", site_name="\x00s",
                 meta={"tags": ["x\x00y", "\udc00"], "k\x00": "v"}),
        _article(long_url, title="Long URL", link_key=long_url + "/link"),
        _article("http://127.0.0.1:9/y1", title="Year one",
                 published_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))),
        _article("http://127.0.0.1:9/y9", title="Year 9999",
                 published_at=datetime(9999, 12, 31, 23, 59, tzinfo=timezone(
                     timedelta(hours=-14)))),
        _article("http://127.0.0.1:9/naive", title="Naive date",
                 published_at=datetime(2026, 1, 1)),
        # The database refuses this one whatever is sanitised (its meta is not JSON).
        _article("http://127.0.0.1:9/poison", title="Poison", meta={"raw": b"bytes"}),
    ]
    links = [EntryLink(f"guid:{i}", a.link_key or a.canonical_url)
             for i, a in enumerate(articles)]
    with unit_of_work(engine) as s:
        stored = store_entries(s, feed_id, links, articles, NOW)
    assert stored.articles == len(articles) - 1
    assert len(stored.skipped) == 1 and "poison" in stored.skipped[0]
    with unit_of_work(engine) as s:
        rows = {a.title: a for a in s.scalars(select(Article))}
        entries = s.scalar(select(func.count()).select_from(FeedEntry))
    engine.dispose()
    assert "Poison" not in rows and entries == len(articles) - 1
    assert rows["Long language"].language is not None
    assert len(rows["Long language"].language) <= 16
    nul = next(a for t, a in rows.items() if t.startswith("NUL"))
    for value in (nul.title, nul.summary, nul.text or "", nul.author or "", nul.site_name or "",
                  json.dumps(nul.meta, ensure_ascii=False)):
        assert _clean(value)
    assert len(rows["Long URL"].canonical_url) <= 2048
    assert rows["Long URL"].url == long_url  # the link itself is kept whole
    for title in ("Year one", "Year 9999", "Naive date"):
        published = rows[title].published_at
        assert published is not None and published.tzinfo is not None
        assert 1970 <= published.year <= 2100


# ---- the last line of defence: whatever breaks for one feed is recorded on it ------------------

def test_what_breaks_in_a_poll_is_recorded_on_the_feed_and_the_cycle_goes_on(
        sqlite_url: str, web: HTTPServer) -> None:
    """Real spawned parse workers: a hopeless body's FeedParseError comes back from the
    worker and is recorded; then the worker process is killed (as the OOM killer would), the
    pool breaks, and each feed that needed it records the failure with back-off instead of
    the cycle raising."""
    import asyncio
    import signal
    import time

    from monitor import pipeline
    from monitor.app import open_app

    deep = b'{"version": "' + JSON_FEED.encode() + b'", "items": [' + b"[" * 100_000
    served = itertools.count()

    def changing(_req: Request) -> Response:  # a new body each time: parsed every poll
        return Response(rss([NORMAL]) + f"<!-- {next(served)} -->".encode(),
                        content_type="application/rss+xml")

    web.expect_request("/h.xml").respond_with_handler(changing)
    web.expect_request("/o.xml").respond_with_handler(changing)
    feeds = {"deep": _serve(web, "/deep.json", deep, "application/feed+json"),
             "healthy": web.url_for("/h.xml"), "other": web.url_for("/o.xml")}
    config = make_config(sqlite_url, [{"name": n, "url": u} for n, u in feeds.items()],
                         full_text=False)
    api.prepare_database(config)

    async def main() -> list[str]:
        async with open_app(config, workers=1) as app:
            pipeline.sync_feeds(app, NOW)
            first = await pipeline.poll_cycle(app, NOW, until_empty=True)
            # Break the pool: kill its worker process, then poll the feeds again.
            workers = app.pool.pids()
            assert workers, "a process pool has worker processes"
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            later = NOW + timedelta(days=2)
            second = await asyncio.wait_for(
                pipeline.poll_cycle(app, later, until_empty=True), 60)
            return [o.error or "" for o in first.outcomes + second.outcomes if not o.ok]

    errors = asyncio.run(main())
    counts = _counts(sqlite_url)
    assert "not a feed" in (counts["deep"][2] or "") or any("not a feed" in e for e in errors)
    assert counts["healthy"][0] == 1 and counts["other"][0] == 1  # the first poll's entries
    health = {f["name"]: f for f in api.feeds_health(config)}
    for name in ("healthy", "other"):
        _entries, error_count, last_error = counts[name]
        # Either the pool came back and the feed was parsed, or the failure is recorded on
        # the feed, with back-off: never an exception out of the cycle.
        if error_count:
            assert error_count == 1 and last_error, (name, last_error)
            assert "BrokenProcessPool" in last_error or "pool" in last_error.lower()
            next_check = datetime.fromisoformat(health[name]["next_check_at"])
            assert next_check > NOW + timedelta(days=2), name


def test_long_rule_and_channel_names_still_give_one_alert_per_story(db_url: str) -> None:
    """The outbox key (story, rule, channel) is longer than its column: it is cut with a
    hash, and a later article of the same story is still its follow-up."""
    from monitor.db.models import Alert
    from monitor.evidence_model import Evidence
    from monitor.model import NewHit

    engine = make_engine(db_url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        feed = Feed(name="f", url="http://127.0.0.1:9/f", tags=[], enabled=True,
                    error_count=0, created_at=NOW)
        s.add(feed)
        s.flush()
        feed_id = feed.id
    rule, channel = "r" * 200, "c" * 200

    def hit() -> NewHit:
        return NewHit(rule=rule, severity="high", score=1.0, evidence=Evidence(),
                      channels=[channel])

    first = _article("http://127.0.0.1:9/first", hits=[hit()])
    with unit_of_work(engine) as s:
        stored = store_entries(s, feed_id, [EntryLink("guid:1", first.canonical_url)], [first],
                               NOW)
    story_id = stored.new_articles[0][0]
    second = _article("http://127.0.0.1:9/second", hits=[hit()], story_id=story_id)
    with unit_of_work(engine) as s:
        store_entries(s, feed_id, [EntryLink("guid:2", second.canonical_url)], [second], NOW)
    with unit_of_work(engine) as s:
        kinds = sorted(s.scalars(select(Alert.kind)))
    engine.dispose()
    assert kinds == ["alert", "followup"]


def test_a_row_the_database_refuses_costs_only_its_entry(pg_url: str, web: HTTPServer) -> None:
    """PostgreSQL refuses one article (a trigger raising an error: what a check, an
    extension or a bad value would do). Its siblings are stored, the refusal is recorded on
    the feed, and the feed is not counted as failing."""
    import psycopg

    poison = {"title": "Poisoned story", "guid": "p1", "link": "http://127.0.0.1:9/p1",
              "description": "The database will refuse this one."}
    feeds = {"mixed": _serve(web, "/m.xml", rss([NORMAL, poison]), "application/rss+xml"),
             "healthy": _serve(web, "/h.xml", rss([{**NORMAL, "guid": "h"}]),
                               "application/rss+xml")}
    config = make_config(pg_url, [{"name": n, "url": u} for n, u in feeds.items()],
                         full_text=False)
    api.upgrade_database(config)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("create function refuse() returns trigger language plpgsql as $$ begin "
                     "if new.title like 'Poisoned%' then raise exception 'refused by a trigger';"
                     " end if; return new; end $$")
        conn.execute("create trigger refuse before insert on articles for each row "
                     "execute function refuse()")
    api.poll_once(config, now=NOW, workers=0)
    counts = _counts(pg_url)
    assert counts["healthy"][:2] == (1, 0)
    entries, error_count, last_error = counts["mixed"]
    assert (entries, error_count) == (1, 0), last_error
    assert last_error and "not stored" in last_error and "refused by a trigger" in last_error
    assert "Poisoned story" not in _titles(pg_url)


def test_an_article_redirected_to_an_overlong_url_is_stored(db_url: str,
                                                           web: HTTPServer) -> None:
    """Full text on: the entry's link redirects to a URL of 3,000 characters (longer than
    the canonical URL column). The article is kept, under a key cut to the column with a
    hash of the whole URL; its URL is kept whole."""
    long_path = "/story/" + "s" * 3000
    page = (b"<html lang='en'><head><title>Long</title></head><body><article><p>"
            + b"A long enough paragraph of a story. " * 20 + b"</p></article></body></html>")
    web.expect_request("/go").respond_with_data("", status=302,
                                                headers={"Location": long_path})
    web.expect_request(long_path).respond_with_data(page, content_type="text/html")
    items = [{"title": "Redirected story", "guid": "r", "link": web.url_for("/go"),
              "description": "Summary."}, {**NORMAL, "link": web.url_for("/missing")}]
    feed_url = _serve(web, "/f.xml", rss(items), "application/rss+xml")
    config = make_config(db_url, [{"name": "f", "url": feed_url}], full_text=True)
    api.poll_once(config, now=NOW, workers=0)
    counts = _counts(db_url)
    assert counts["f"][:2] == (2, 0), counts["f"]
    engine = make_engine(db_url)
    with unit_of_work(engine) as s:
        urls = {a.title: (a.canonical_url, a.url) for a in s.scalars(select(Article))}
    engine.dispose()
    canonical, url = urls["Redirected story"]
    assert len(canonical) <= 2048 and url.endswith(long_path)


def _alive(pid: int) -> bool:
    """Whether a (child) process still runs; reaped or gone counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:  # a zombie is dead, awaiting its reaper
            return f.read().split(") ", 1)[1][0] != "Z"
    except (ProcessLookupError, FileNotFoundError):  # it went between the two looks
        return False
