"""Crash safety: the poller killed with SIGKILL mid-cycle and started again stores every entry
exactly once (a feed's validators are saved only with its entries)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import rss

FEEDS, ITEMS = 12, 8


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def test_sigkill_mid_cycle_then_restart_stores_each_entry_once(tmp_path: Path,
                                                               web: HTTPServer) -> None:
    def page(req: Request) -> Response:
        time.sleep(0.15)  # slow pages: the cycle takes a few seconds
        n = req.path.rsplit("/", 1)[-1]
        return Response(f"<html><body><article><h1>Story {n}</h1><p>{'Words. ' * 80}</p>"
                        "</article></body></html>", content_type="text/html")

    web.expect_request(re.compile(r"^/page/.*")).respond_with_handler(page)
    for f in range(FEEDS):
        items = [{"title": f"Story {f}-{i}", "guid": f"{f}-{i}",
                  "link": web.url_for(f"/page/{f}-{i}")} for i in range(ITEMS)]
        web.expect_request(f"/feed/{f}").respond_with_data(rss(items),
                                                           content_type="application/rss+xml")
    db = tmp_path / "crash.db"
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{db}"},
        "fetch": {"allow_private_addresses": True, "concurrency": 4, "per_host": 4,
                  "extract_workers": 0},
        "scheduler": {"batch_size": 100},
        "feeds": [{"name": f"feed-{f}", "url": web.url_for(f"/feed/{f}")} for f in range(FEEDS)],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
    }))
    cmd = [sys.executable, "-m", "monitor", "--config", str(config), "--log-level", "WARNING",
           "poll", "--once"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(db, "select count(*) from feed_entries") == 0:
        assert first.poll() is None, "the poller finished before it could be killed"
        assert time.monotonic() < deadline, "no entry was stored in time"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    stored_before = _count(db, "select count(*) from feed_entries")
    assert 0 < stored_before < FEEDS * ITEMS, "killed mid-cycle"

    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert _count(db, "select count(*) from feed_entries") == FEEDS * ITEMS
    assert _count(db, "select count(distinct feed_id || ':' || entry_key) from feed_entries"
                  ) == FEEDS * ITEMS
    assert _count(db, "select count(*) from articles") == FEEDS * ITEMS
    assert _count(db, "select count(*) from feeds where etag is null and body_hash is null"
                  ) == 0  # every feed finished with its validators saved
    print(f"killed after {stored_before} of {FEEDS * ITEMS} entries; after restart all "
          f"{FEEDS * ITEMS} stored once")
