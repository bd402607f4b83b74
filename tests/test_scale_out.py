"""Several instances on one PostgreSQL database share the work: three `monitor run` processes
and 500 local feeds; each feed is polled once per interval, nothing is stored or alerted twice,
and when one instance is killed its feeds are polled by the others once its leases expire."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psycopg
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import rss

FEEDS = 500
INTERVAL = 4.0
LEASE = 5.0


def test_three_instances_share_500_feeds(tmp_path: Path, web: HTTPServer, slack: HTTPServer,
                                         pg_url: str) -> None:
    polls: dict[int, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def feed(req: Request) -> Response:
        n = int(req.path.rsplit("/", 1)[-1])
        now = time.monotonic()
        with lock:
            polls[n].append(now)
        bucket = int(time.time() // 10)  # a new story every 10 s in every tenth feed
        items = [{"title": f"Feed {n} standing item", "guid": f"{n}-standing",
                  "link": f"http://127.0.0.1:9/{n}/standing"}]
        if n % 10 == 0:
            items.append({"title": f"Putin and Xi meet on matter {n}-{bucket} {n * 7919}",
                          "guid": f"{n}-{bucket}", "link": f"http://127.0.0.1:9/{n}/{bucket}",
                          "description": f"Kremlin and Beijing topic {bucket * 104729 + n}."})
        return Response(rss(items), content_type="application/rss+xml")

    delivered: list[str] = []

    def hook(req: Request) -> Response:
        delivered.extend(a["title"] for a in json.loads(req.get_data()).get("alerts", []) or
                         [json.loads(req.get_data())])
        return Response("ok")

    web.expect_request(re.compile(r"^/feed/\d+$")).respond_with_handler(feed)
    slack.expect_request("/hook", method="POST").respond_with_handler(hook)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": pg_url},
        "fetch": {"full_text": False, "timeout": "5s", "concurrency": 16, "per_host": 16,
                  "extract_workers": 0},
        "scheduler": {"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                      "batch_size": 100, "lease": f"{LEASE:g}s", "shutdown_timeout": "5s"},
        "feeds": [{"name": f"f{i}", "url": web.url_for(f"/feed/{i}"),
                   "interval": f"{INTERVAL:g}s"} for i in range(FEEDS)],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [{"name": "hook", "type": "webhook", "batch_max": 1,
                                 "min_gap": "0.01s", "webhook_url": slack.url_for("/hook")}]},
    }))
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "db", "upgrade"],
                   check=True, capture_output=True, timeout=120)
    procs = [subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config),
                               "--log-level", "WARNING", "run"], stdout=subprocess.DEVNULL,
                              stderr=(tmp_path / f"instance-{i}.log").open("w"),
                              env={**os.environ, "PYTHONUNBUFFERED": "1"}) for i in range(3)]
    try:
        time.sleep(12)
        procs[0].send_signal(signal.SIGKILL)  # mid-cycle: its leases stay behind
        procs[0].wait(timeout=10)
        killed_at = time.monotonic()
        time.sleep(LEASE + 2 * INTERVAL + 4)
        for proc in procs[1:]:
            proc.send_signal(signal.SIGTERM)
        for i, proc in enumerate(procs[1:], 1):
            assert proc.wait(timeout=30) == 0, (tmp_path / f"instance-{i}.log").read_text()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()

    # Every feed was polled again after the kill: the dead instance's feeds were taken over.
    assert all(any(t > killed_at + LEASE for t in polls[n]) for n in range(FEEDS))
    # No feed was polled twice in one interval: two instances taking the same feed would show
    # as requests a moment apart. (The next check is counted from when the cycle claimed the
    # feed, ±10% jitter, while the request itself may come a little later under load.)
    gaps = [b - a for times in polls.values() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= INTERVAL * 0.5, sorted(gaps)[:5]
    assert sorted(gaps)[len(gaps) // 2] >= INTERVAL * 0.9  # typically a whole interval
    with psycopg.connect(pg_url) as conn:
        rows = dict(conn.execute(
            "select 'articles', count(*) - count(distinct canonical_url) from articles union all "
            "select 'entries', count(*) - count(distinct (feed_id, entry_key)) from feed_entries "
            "union all select 'hits', count(*) - count(distinct (article_id, rule)) from hits "
            "union all select 'alerts', count(*) - count(distinct (hit_id, channel)) from alerts"
        ).fetchall())
        hits = conn.execute("select count(*) from hits").fetchone()[0]
        leased = conn.execute("select count(*) from feeds where lease_owner is not null "
                              "and lease_expires_at > now()").fetchone()[0]
    assert rows == {"articles": 0, "entries": 0, "hits": 0, "alerts": 0}
    assert hits > 0 and leased == 0
    duplicates = sum(n - 1 for n in Counter(delivered).values())
    print(f"3 instances, {FEEDS} feeds: {sum(map(len, polls.values()))} polls, {hits} hits, "
          f"{len(delivered)} alerts delivered, {duplicates} delivered twice")
    assert duplicates <= 1  # at most the one in flight when the instance was killed
