"""A changed feed's known entries are read from the database before its parse: when that read
fails, the database failed, not the feed. The poll is not stored and not counted against the
feed (polled again soon), and the next poll stores the new entries. Real SQLite file, real
HTTP server."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug import Request, Response

from monitor import api, pipeline
from monitor.app import open_app
from monitor.clock import utcnow
from monitor.config import parse_config
from monitor.db.models import Feed
from monitor.model import FeedState
from monitor.pipeline.poll import PollOutcome
from tests.helpers import rss

_ONE = {"title": "Markets steady", "guid": "k-1", "link": "http://127.0.0.1:9/k1"}
_TWO = {"title": "Harvest early", "guid": "k-2", "link": "http://127.0.0.1:9/k2"}


def test_a_failed_read_of_known_entries_is_the_databases_failure(tmp_path: Path,
                                                                  web: HTTPServer) -> None:
    bodies = [rss([_ONE])]

    def serve(_req: Request) -> Response:
        return Response(bodies[-1], content_type="application/rss+xml")

    web.expect_request("/k.xml").respond_with_handler(serve)
    db = tmp_path / "monitor.db"
    config = parse_config({
        "database": {"url": f"sqlite:///{db}"},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        "feeds": [{"name": "k", "url": web.url_for("/k.xml")}],
        "alerts": {"channels": []},
    }, env={})
    api.upgrade_database(config)

    async def main() -> tuple[PollOutcome, PollOutcome, FeedState | None, PollOutcome]:
        async with open_app(config, workers=0) as app:
            now = utcnow()
            pipeline.sync_feeds(app, now)

            def feed() -> Feed:
                with Session(app.engine, expire_on_commit=False) as s:
                    return s.scalars(select(Feed)).one()

            first, _ = await pipeline.poll_feed(app, feed(), now)
            bodies.append(rss([_TWO, _ONE]))  # a changed body: one new entry
            other = sqlite3.connect(db, isolation_level=None)
            other.execute("alter table feed_entries rename to feed_entries_away")
            failed, state = await pipeline.poll_feed(app, feed(), now)
            other.execute("alter table feed_entries_away rename to feed_entries")
            other.close()
            again, _ = await pipeline.poll_feed(app, feed(), now)
            return first, failed, state, again

    first, failed, state, again = asyncio.run(main())
    assert first.new_entries == 1
    assert not failed.ok and (failed.error or "").startswith("not stored: database error")
    assert state is not None and not state.count_failure  # not the feed's fault
    assert again.ok and again.new_entries == 1
