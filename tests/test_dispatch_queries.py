"""A delivery round reads the database a fixed number of times, however many alerts it
delivers: what rendering them needs (the feeds that carried each article) is one query for
all of them. Counted on a real SQLite engine with SQLAlchemy's ``before_cursor_execute``."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from sqlalchemy import event
from werkzeug import Request, Response

from monitor import api, dispatch
from monitor.app import open_app
from monitor.clock import utcnow
from monitor.config import Config, parse_config
from tests.helpers import rss


def _stories(n: int) -> list[dict[str, str]]:
    return [{"title": f"Story {i}: Putin and Xi meet in Moscow on topic {i * 7919}",
             "guid": f"s{i}", "link": f"http://127.0.0.1:9/s{i}",
             "description": f"Subject {i * 104729} was discussed in the Kremlin."}
            for i in range(n)]


def _config(folder: Path, web: HTTPServer, slack: HTTPServer, n: int) -> Config:
    feed = f"/{n}.xml"
    web.expect_request(feed).respond_with_data(rss(_stories(n)),
                                               content_type="application/rss+xml")
    folder.mkdir()
    return parse_config({
        "database": {"url": f"sqlite:///{folder / 'monitor.db'}"},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        # Two feeds carry every story: each alert names both.
        "feeds": [{"name": "wire-b", "url": web.url_for(feed)},
                  {"name": "wire-a", "url": web.url_for(feed) + "?copy"}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [{"name": "hook", "type": "webhook", "batch_max": 50,
                                 "min_gap": "10ms", "webhook_url": slack.url_for(f"/hook{n}")}]},
    }, env={})


def _round(config: Config) -> list[str]:
    """The statements of one delivery round over the alerts due."""
    statements: list[str] = []

    async def main() -> None:
        async with open_app(config, workers=0) as app:
            def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                statements.append(statement)

            event.listen(app.engine, "before_cursor_execute", count)
            report = await dispatch.dispatch_due(app, utcnow() + timedelta(hours=1))
            event.remove(app.engine, "before_cursor_execute", count)
            assert report.sent >= 2

    asyncio.run(main())
    return statements


def _selects(tmp_path: Path, web: HTTPServer, slack: HTTPServer, n: int,
             received: list[dict[str, Any]]) -> int:
    down = [True]

    def hook(req: Request) -> Response:
        if down[0]:
            return Response("unavailable", status=503)
        received.append(json.loads(req.get_data()))
        return Response("ok")

    slack.expect_request(f"/hook{n}", method="POST").respond_with_handler(hook)
    config = _config(tmp_path / f"n{n}", web, slack, n)
    api.poll_once(config, workers=0)  # the webhook is down: the alerts wait in the outbox
    assert len(api.alerts(config, status="pending")) == n
    down[0] = False
    statements = _round(config)
    assert {a["status"] for a in api.alerts(config)} == {"sent"}
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def test_a_round_reads_the_same_whatever_the_number_of_alerts(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    few: list[dict[str, Any]] = []
    many: list[dict[str, Any]] = []
    assert _selects(tmp_path, web, slack, 3, few) == _selects(tmp_path, web, slack, 12, many)
    # Each alert still names the feeds that carried its article, in order.
    alerts = [a for message in few + many for a in message["alerts"]]
    assert len(alerts) == 15
    assert all(a["feeds"] == ["wire-a", "wire-b"] for a in alerts)
