"""No database call on the event loop: a daemon with an alert channel, whose feed brings a new
story while PostgreSQL has gone silent (no FIN, no RST) in the middle of the poll, keeps
answering ``/healthz``, stops on SIGTERM, and once the database answers again stores the story
and delivers it exactly once."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import free_port
from tests.daemon_support import daemon, http_status, stop, wait_for
from tests.helpers import rss
from tests.proxy import TcpProxy
from tests.test_hostile_db import (
    HEALTH_TIMEOUT,
    PROBE_TIMEOUT,
    SHUTDOWN_TIMEOUT,
    STORIES,
    _config,
    _hit_titles,
)


class _Feed:
    """The feed: its stories can change, and its answers can be held at a gate (the poll
    then waits between its claim and its look-up of the entries already seen)."""

    def __init__(self) -> None:
        self.stories = STORIES[:1]
        self.open = threading.Event()
        self.open.set()
        self.waiting = threading.Event()  # a request is held at the closed gate

    def handle(self, _request: Request) -> Response:
        if not self.open.is_set():
            self.waiting.set()
            self.open.wait(60)
        items = [{"title": t, "guid": str(i), "link": f"http://127.0.0.1:9/{i}",
                  "description": d} for i, (t, d) in enumerate(self.stories)]
        return Response(rss(items), content_type="application/rss+xml")


def test_a_silent_postgresql_mid_poll_and_mid_dispatch_does_not_freeze_the_daemon(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer, pg_url: str) -> None:
    feed = _Feed()
    web.expect_request("/feed.xml").respond_with_handler(feed.handle)
    posts: list[str] = []

    def hook(request: Request) -> Response:
        posts.append(request.get_data(as_text=True))
        return Response("ok")

    slack.expect_request("/hook", method="POST").respond_with_handler(hook)

    def delivered(title: str) -> int:
        return sum(title in json.dumps(json.loads(p)) for p in list(posts))

    proxy = TcpProxy("127.0.0.1", 5432)
    try:
        url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        port = free_port()
        config = _config(
            tmp_path, url,
            server={"enabled": True, "port": port, "health_timeout": f"{HEALTH_TIMEOUT:g}s"},
            # No pool processes: a daemon killed on a failed check leaves no child holding
            # its output open.
            fetch={"full_text": False, "timeout": "3s", "extract_workers": 0},
            feeds=[{"name": "wire", "url": web.url_for("/feed.xml"), "interval": "1s"}],
            scheduler={"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                       "shutdown_timeout": f"{SHUTDOWN_TIMEOUT:g}s"},
            alerts={"channels": [{"name": "slack", "type": "slack", "min_gap": "0.1s",
                                  "webhook_url": slack.url_for("/hook")}]})
        health = f"http://127.0.0.1:{port}/healthz"
        first, second = STORIES[0][0], STORIES[1][0]
        with daemon(config) as proc:
            wait_for(lambda: http_status(health, timeout=15) == 200
                     and len(_hit_titles(pg_url)) == 1 and delivered(first) == 1,
                     timeout=60, what="healthy, the first story sent", proc=proc)
            # The next poll is held at the feed after its claim; the database goes silent
            # meanwhile, and the feed then brings a new story (its entries are looked up).
            feed.waiting.clear()
            feed.open.clear()
            feed.stories = STORIES[:2]
            assert feed.waiting.wait(30), "the feed was not polled again"
            proxy.freeze()
            feed.open.set()
            # /healthz keeps answering (each time within its own database timeout and a
            # margin), while the poll and the dispatch rounds wait on the database in their
            # threads.
            wait_for(lambda: http_status(health, timeout=PROBE_TIMEOUT) == 503, timeout=20,
                     what="503 while silent", proc=proc)
            for _ in range(4):
                assert http_status(health, timeout=PROBE_TIMEOUT) == 503
            proxy.thaw()
            wait_for(lambda: http_status(health, timeout=15) == 200
                     and len(_hit_titles(pg_url)) == 2 and delivered(second) >= 1, timeout=90,
                     what="recovery: the new story stored and sent", proc=proc)

            proxy.freeze()  # silent again, and the daemon is asked to stop meanwhile
            wait_for(lambda: http_status(health, timeout=10) == 503, timeout=20,
                     what="503 while silent", proc=proc)
            started = time.monotonic()
            _out, err = stop(proc, timeout=SHUTDOWN_TIMEOUT + 40)  # a generous margin
            assert proc.returncode == 0, err[-3000:]
            assert time.monotonic() - started < SHUTDOWN_TIMEOUT + 40
    finally:
        proxy.thaw()
        proxy.close()
    assert _hit_titles(pg_url) == sorted([first, second])
    assert (delivered(first), delivered(second)) == (1, 1), posts
