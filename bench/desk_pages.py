"""The desk's story list at 100,000 articles: server time per page (through the real aiohttp
app, logged in, rendering included) beside a bare SQL query for the same rows.

``python -m bench.desk_pages [ARTICLES]``. Titles and texts are real (the labeled Reuters,
NYT and multilingual files of ../shared/data, cycled); a hit per article whose labels name a
country of RU/CN/US, with those as its evidence. Skips, saying why, without that data.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import httpx
from aiohttp import web
from sqlalchemy import Engine, insert, text

from bench.common import SHARED
from monitor.config import parse_config
from monitor.db.engine import make_engine, upgrade
from monitor.db.facets import backfill
from monitor.db.models import Article, Feed, FeedEntry, Hit, Story
from monitor.db.session import unit_of_work
from monitor.db.users import add_user
from monitor.evidence_model import CountryEvidence, EntityCount, Evidence
from monitor.web.app import make_desk_app
from monitor.web.desk import Desk
from monitor.web.passwords import hash_password

LABELED = SHARED / "labeled"
FILES = ("reuters21578-dev.jsonl", "nyt-rss-2022-dev.jsonl", "multilingual-dev.jsonl")
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
NAMES = {"RU": "Russia", "CN": "China", "US": "United States"}
ENTITY = {"RU": ("Q159", "Russia"), "CN": ("Q148", "China"), "US": ("Q30", "the United States")}
REPEAT = 15


def _texts() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in FILES:
        with (LABELED / name).open(encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    return rows


def _evidence(countries: list[str], rng: random.Random) -> Evidence:
    found = {c: CountryEvidence(NAMES[c], round(rng.uniform(2, 15), 3), True,
                                (EntityCount(*ENTITY[c], rng.randint(1, 9)),))
             for c in countries}
    return Evidence(clause="countries: at least 1 of RU, CN, US", about=tuple(countries),
                    countries=found)


def build(engine: Engine, count: int) -> int:
    """``count`` articles (about 4 in 5 a story of their own, the rest a second outlet's
    copy), their feed entries, and hits; returns how many hits."""
    rows, rng = _texts(), random.Random(7)
    feeds = [{"id": i + 1, "name": f"outlet-{i}", "url": f"http://127.0.0.1:9/{i}.xml",
              "tags": ["state media"] if i % 5 == 0 else ["wire"], "created_at": NOW}
             for i in range(40)]
    stories: list[dict[str, Any]] = []
    arts: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    hits: list[dict[str, Any]] = []
    for i in range(count):
        row = rows[i % len(rows)]
        at = NOW - timedelta(seconds=30 * (count - i))
        if not stories or i % 5:
            stories.append({"id": len(stories) + 1, "title": row["title"], "created_at": at})
        arts.append({"id": i + 1, "canonical_url": f"http://127.0.0.1:9/a/{i}",
                     "url": f"http://127.0.0.1:9/a/{i}", "title": row["title"],
                     "summary": row["body"][:300], "text": row["body"],
                     "language": row.get("lang") or "en", "story_id": len(stories),
                     "created_at": at, "meta": {}})
        entries.append({"feed_id": 1 + i % 40, "entry_key": str(i), "article_id": i + 1,
                        "seen_at": at})
        countries = [c for c in ("RU", "CN", "US") if c in (row.get("countries") or [])]
        if countries:
            hits.append({"article_id": i + 1, "rule": f"about-{len(countries)}",
                         "severity": "high" if len(countries) > 1 else "medium",
                         "score": 1.0, "evidence": _evidence(countries, rng), "created_at": at})
    with engine.begin() as conn:
        for table, values in ((Feed, feeds), (Story, stories), (Article, arts),
                              (FeedEntry, entries), (Hit, hits)):
            for start in range(0, len(values), 5000):
                conn.execute(insert(table), values[start:start + 5000])
        backfill(conn)  # the facet rows the writer would have stored with the hits
    return len(hits)


BARE = text("""
SELECT s.id, s.title, s.created_at, count(DISTINCT a.id), count(DISTINCT fe.feed_id),
       group_concat(DISTINCT h.rule), max(h.severity)
FROM (SELECT id, title, created_at FROM stories st
      WHERE EXISTS (SELECT 1 FROM hits JOIN articles ON articles.id = hits.article_id
                    WHERE articles.story_id = st.id)
      ORDER BY created_at DESC, id DESC LIMIT 50) s
JOIN articles a ON a.story_id = s.id
LEFT JOIN feed_entries fe ON fe.article_id = a.id
LEFT JOIN hits h ON h.article_id = a.id
GROUP BY s.id, s.title, s.created_at ORDER BY s.created_at DESC, s.id DESC
""")
STORY = text("""
SELECT a.id, a.title, a.text, fe.feed_id, h.id, h.rule, h.evidence
FROM articles a LEFT JOIN feed_entries fe ON fe.article_id = a.id
LEFT JOIN hits h ON h.article_id = a.id WHERE a.story_id = :story ORDER BY a.created_at, a.id
""")


@web.middleware
async def _timed(request: web.Request,
                 handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                 ) -> web.StreamResponse:
    start = time.perf_counter()
    response = await handler(request)
    response.headers["X-Server-Ms"] = f"{(time.perf_counter() - start) * 1000:.3f}"
    return response


def _serve(desk: Desk) -> Iterator[str]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = make_desk_app(desk)
        app.middlewares.insert(0, _timed)  # outermost: authentication included
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["port"] = runner.addresses[0][1]
        ready.set()

    threading.Thread(target=lambda: (asyncio.set_event_loop(loop),
                                     loop.run_until_complete(start()), loop.run_forever()),
                     daemon=True).start()
    ready.wait(30)
    yield f"http://127.0.0.1:{state['port']}"
    loop.call_soon_threadsafe(loop.stop)


def _login(client: httpx.Client) -> None:
    import re

    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    done = client.post("/login", data={"name": "bench", "password": "bench password 1",
                                       "csrf": csrf.group(1), "next": "/"})
    assert done.status_code == 303, done.text


def _page_ms(client: httpx.Client, url: str, runs: int = REPEAT) -> tuple[float, str]:
    times, body = [], ""
    for _ in range(runs):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        times.append(float(response.headers["X-Server-Ms"]))
        body = response.text
    return median(times), body


def _bare_ms(engine: Engine, sql: Any = BARE, runs: int = REPEAT, **params: Any) -> float:
    times, rows = [], []
    for _ in range(runs):
        start = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.execute(sql, params).all()
        times.append((time.perf_counter() - start) * 1000)
    assert rows and (sql is not BARE or len(rows) == 50)
    return median(times)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args and args[0].isdigit() else 100_000
    missing = [name for name in FILES if not (LABELED / name).exists()]
    if missing:
        print(f"desk_pages: skipped, no data at {LABELED} ({', '.join(missing)})",
              file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config({"database": {"url": f"sqlite:///{Path(tmp) / 'desk.db'}"}},
                              env={})
        engine = make_engine(config.database.url)
        upgrade(engine)
        start = time.perf_counter()
        hits = build(engine, count)
        print(f"desk_pages: {count:,} articles, {hits:,} hits, built in "
              f"{time.perf_counter() - start:.1f} s")
        with unit_of_work(engine) as s:
            add_user(s, "bench", hash_password("bench password 1"), NOW)
        desk = Desk(config=config, engine=engine, secret=secrets.token_bytes(32),
                    clock=lambda: NOW)
        _report(desk, engine)
        engine.dispose()


def _report(desk: Desk, engine: Engine) -> None:
    import re

    bare = _bare_ms(engine)
    for base in _serve(desk):
        with httpx.Client(base_url=base, timeout=60) as client:
            _login(client)
            client.get("/")  # the catalogue, templates and caches warm
            first, body = _page_ms(client, "/")
            after = re.search(r'rel="next" href="([^"]+)"', body)
            assert after, "no next page"
            second, _ = _page_ms(client, after.group(1).replace("&amp;", "&"))
            api, _ = _page_ms(client, "/api/stories")
            facet, _ = _page_ms(client, "/?country=RU&country=CN")
            query, _ = _page_ms(client, "/?q=sanction*+NEAR/10+@RU&since=7d", runs=3)
            story = re.search(r'href="/stories/(\d+)"', body)
            assert story, "no story link on the list"
            client.get(f"/stories/{story.group(1)}")  # first use builds the rules once
            detail, _ = _page_ms(client, f"/stories/{story.group(1)}")
    story_bare = _bare_ms(engine, STORY, story=int(story.group(1)))
    print(f"  bare SQL for the first page's 50 rows: {bare:.1f} ms (median of {REPEAT})")
    for name, ms, base_ms in (
            ("/ (list + facets + render)", first, bare), ("/ page 2 (keyset)", second, bare),
            ("/api/stories", api, bare), ("/?country=RU&country=CN", facet, bare),
            ("/?q=sanction* NEAR/10 @RU&since=7d", query, bare),
            (f"/stories/{story.group(1)} (story page)", detail, story_bare)):
        print(f"  {name:<38} {ms:8.1f} ms server time  {ms / base_ms:6.1f}x the bare query "
              f"({base_ms:.2f} ms)")
    print("  bare query: the list's 50 rows (stories, articles, outlets, rules, severity); "
          "for the story page, its articles, entries and hits")
    print("  goal: list <= 3x the query and under 100 ms")
    print("  command: python -m bench.desk_pages [ARTICLES]")


if __name__ == "__main__":
    main()
