"""A cycle's poll records, written together by the group writer: every feed of a round keeps
exactly the state its own poll gave it (a 304 its validators, a new body its new ones and its
entries, a failure its error and back-off), whatever the other feeds of its batch did."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FEEDS = 30  # n % 3: 0 answers 304 the second time, 1 a new body, 2 fails with HTTP 500


def _serve(web: HTTPServer) -> None:
    served: dict[int, int] = {}

    def feed(req: Request) -> Response:
        n = int(req.path.rsplit("/", 1)[-1])
        served[n] = version = served.get(n, 0) + 1
        if version > 1 and n % 3 == 2:
            return Response("down", status=500)
        if version > 1 and n % 3 == 0:
            assert req.headers.get("If-None-Match") == f'"{n}-1"'
            return Response(status=304, headers={"ETag": f'"{n}-1"'})
        body_version = 1 if n % 3 == 0 else version
        items = [{"title": f"Feed {n} story {k}", "guid": f"{n}-{k}",
                  "link": f"http://127.0.0.1:9/{n}/{k}"} for k in range(body_version)]
        return Response(rss(items), headers={"ETag": f'"{n}-{body_version}"'},
                        content_type="application/rss+xml")

    web.expect_request(re.compile(r"^/feed/\d+$")).respond_with_handler(feed)


def _rows(db_url: str) -> dict[str, dict[str, Any]]:
    engine = sqlalchemy.create_engine(db_url)
    with engine.connect() as db:
        rows = db.execute(sqlalchemy.text(
            "select f.name, f.etag, f.last_status, f.error_count, f.last_error, "
            "f.last_checked_at, f.last_success_at, f.next_check_at, f.lease_owner, "
            "(select count(*) from feed_entries e where e.feed_id = f.id) as entries "
            "from feeds f")).mappings().all()
    engine.dispose()
    return {r["name"]: dict(r) for r in rows}


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_round_records_each_feeds_own_state(db_url: str, web: HTTPServer) -> None:
    _serve(web)
    config = make_config(db_url, [{"name": f"f{n}", "url": web.url_for(f"/feed/{n}")}
                                  for n in range(FEEDS)], full_text=False,
                         extra={"scheduler": {"batch_size": 7}})
    first = api.poll_once(config, now=NOW, workers=0)
    assert first.cycle.polled == FEEDS and first.cycle.failed == 0
    later = NOW + timedelta(hours=7)
    second = api.poll_once(config, now=later, workers=0)
    assert second.cycle.polled == FEEDS and second.cycle.failed == FEEDS // 3
    rows = _rows(db_url)
    for n in range(FEEDS):
        row = rows[f"f{n}"]
        assert row["lease_owner"] is None, n  # every lease released
        assert _utc(row["last_checked_at"]) >= later, n
        assert _utc(row["next_check_at"]) > later + timedelta(minutes=4), n
        if n % 3 == 0:  # unchanged: the validators kept, nothing new
            assert (row["last_status"], row["etag"], row["error_count"]) == (304, f'"{n}-1"', 0)
            assert row["entries"] == 1 and _utc(row["last_success_at"]) >= later
        elif n % 3 == 1:  # a new body: its validators and its new entry
            assert (row["last_status"], row["etag"], row["error_count"]) == (200, f'"{n}-2"', 0)
            assert row["entries"] == 2 and _utc(row["last_success_at"]) >= later
        else:  # failed: counted, backed off, the last good validators kept
            assert (row["last_status"], row["etag"], row["error_count"]) == (500, f'"{n}-1"', 1)
            assert row["last_error"] == "HTTP 500" and row["entries"] == 1
            assert _utc(row["last_success_at"]) < later
