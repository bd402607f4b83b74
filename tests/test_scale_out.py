"""Several instances on one PostgreSQL database share the work: three `monitor run` processes
and 200 local feeds (claimed 40 at a time: five batches a round for three instances); each
feed is polled once per interval, nothing is stored or alerted twice, and when one instance is
killed mid-cycle its feeds are polled by the others once its leases expire."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import socket
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

from tests.daemon_support import wait_for
from tests.helpers import rss

FEEDS = 200
BATCH = 40
INTERVAL = 4.0
LEASE = 5.0


def _wait_for_leases_held(pg_url: str, owner: str, timeout: float) -> None:
    """Until ``owner`` holds a feed's lease (looked at every 10 ms: a round holds its leases
    only while it polls)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(pg_url, connect_timeout=5, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute("select count(*) from feeds where lease_owner = %s",
                               (owner,)).fetchone()
            if row and row[0]:
                return
            time.sleep(0.01)
    raise AssertionError(f"{owner} held no lease in {timeout:g} s")


def test_three_instances_share_200_feeds(tmp_path: Path, web: HTTPServer, slack: HTTPServer,
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
                      "batch_size": BATCH, "lease": f"{LEASE:g}s", "shutdown_timeout": "5s"},
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
    first = f"{socket.gethostname()}:{procs[0].pid}"  # the instance name in lease_owner

    def polled(times: int, after: float = 0.0) -> bool:
        with lock:
            return all(sum(t > after for t in polls[n]) >= times for n in range(FEEDS))

    try:
        # Every feed polled twice (the three share the rounds), then the first instance is
        # killed while it holds leases (mid-cycle: they stay behind).
        wait_for(lambda: polled(2), timeout=60, what="every feed polled twice")
        _wait_for_leases_held(pg_url, first, timeout=30)
        procs[0].send_signal(signal.SIGKILL)
        procs[0].wait(timeout=10)
        killed_at = time.monotonic()
        # Every feed polled again once the dead instance's leases have expired, then another
        # interval of the two sharing its feeds (a feed taken twice would be polled twice).
        wait_for(lambda: polled(1, after=killed_at + LEASE), timeout=60,
                 what="every feed polled after the leases expired")
        time.sleep(INTERVAL)
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
