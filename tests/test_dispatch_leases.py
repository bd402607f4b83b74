"""Two dispatchers on one PostgreSQL outbox, a lease far shorter than a delivery round: every
alert is delivered exactly once. A dispatcher re-confirms its claim of the rows it is about to
send, so rows whose lease ran out and were taken over are the other dispatcher's to send."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api, dispatch
from monitor.app import open_app
from monitor.clock import utcnow
from monitor.config import parse_config
from tests.helpers import rss

ALERTS = 10


def test_a_round_outlasting_its_lease_delivers_each_alert_once(pg_url: str, web: HTTPServer,
                                                               slack: HTTPServer) -> None:
    received: list[str] = []
    down = [True]

    def hook(req: Request) -> Response:
        if down[0]:
            return Response("unavailable", status=503)
        received.append(json.loads(req.get_data())["text"])
        return Response("ok")

    slack.expect_request("/hook", method="POST").respond_with_handler(hook)
    stories = [{"title": f"Story {i}: Putin and Xi meet in Moscow on topic {i * 7919}",
                "guid": f"s{i}", "link": f"http://127.0.0.1:9/s{i}",
                "description": f"Subject {i * 104729} was discussed in the Kremlin."}
               for i in range(ALERTS)]
    web.expect_request("/feed.xml").respond_with_data(rss(stories),
                                                      content_type="application/rss+xml")
    config = parse_config({
        "database": {"url": pg_url},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        "scheduler": {"lease": "1s"},
        "feeds": [{"name": "wire", "url": web.url_for("/feed.xml")}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        # Slack paced at one message per 0.4 s: ten alerts take 4 s, four leases.
        "alerts": {"channels": [{"name": "slack", "type": "slack", "batch_max": 1,
                                 "min_gap": "0.4s", "webhook_url": slack.url_for("/hook")}]},
    }, env={})
    api.poll_once(config, workers=0)  # Slack is down: the alerts wait in the outbox
    pending = api.alerts(config, status="pending")
    assert len(pending) == ALERTS
    down[0] = False
    for alert in pending:
        assert api.retry_alerts(config, alert["id"]) == 1

    async def main() -> None:
        async with open_app(config, workers=0) as one, open_app(config, workers=0) as other:
            one.instance, other.instance = "instance-one", "instance-other"
            first = asyncio.create_task(dispatch.dispatch_due(one, utcnow()))
            while not first.done():  # the other instance's rounds, every 0.3 s
                await asyncio.sleep(0.3)
                await dispatch.dispatch_due(other, utcnow())
            await first

    asyncio.run(asyncio.wait_for(main(), 120))
    counts = Counter(received)
    print(f"{len(counts)} of {ALERTS} delivered, {sum(counts.values()) - len(counts)} twice")
    assert len(counts) == ALERTS  # nothing lost
    assert max(counts.values()) == 1  # nothing delivered twice
    assert {a["status"] for a in api.alerts(config)} == {"sent"}
