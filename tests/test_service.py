"""The daemon as a service: /healthz and /metrics while it runs, SIGTERM exits cleanly with
nothing lost, one instance per SQLite file, JSON logs, pruning, and the database going away
and coming back (PostgreSQL behind a proxy the test cuts)."""

from __future__ import annotations

import json
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from monitor import api
from monitor.config import load_config
from tests.conftest import ROOT, free_port
from tests.daemon_support import (
    daemon,
    http_get,
    http_status,
    run_monitor,
    stop,
    wait_for,
    write_daemon_config,
)
from tests.helpers import rss
from tests.proxy import TcpProxy

STORY = {"title": "Putin and Xi meet in Moscow", "guid": "1", "link": "http://127.0.0.1:9/1",
         "description": "The Kremlin hosted Beijing's leader; the White House objected."}


def _serve_story(web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([STORY]),
                                                      content_type="application/rss+xml")


def _write_config(tmp_path: Path, db_url: str, feed_url: str, port: int | None = None,
                  health_timeout: str = "5s", **extra: Any) -> Path:
    server = ({"server": {"enabled": True, "port": port, "health_timeout": health_timeout}}
              if port else {})
    return write_daemon_config(tmp_path, db_url, **{
        "feeds": [{"name": "wire", "url": feed_url, "interval": "2s"}], **server, **extra})


def test_health_metrics_and_clean_sigterm(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    port = free_port()
    db = tmp_path / "m.db"
    config = _write_config(tmp_path, f"sqlite:///{db}", web.url_for("/feed.xml"), port)
    base = f"http://127.0.0.1:{port}"
    with daemon(config) as proc:
        wait_for(lambda: http_status(f"{base}/healthz") == 200, what="/healthz")
        wait_for(lambda: "monitor_hits_total" in http_get(f"{base}/metrics")[1] and
                 'monitor_alerts_total{channel="console",status="sent"} 1.0'
                 in http_get(f"{base}/metrics")[1], what="a hit delivered")
        health = json.loads(http_get(f"{base}/healthz")[1])
        assert health["database"]["reachable"] and health["scheduler"]["alive"]
        assert health["last_successful_poll"]
        metrics = http_get(f"{base}/metrics")[1]
        for name in ("monitor_polls_total", "monitor_poll_duration_seconds_bucket",
                     "monitor_articles_total", "monitor_outbox_depth",
                     "monitor_feeds_in_error"):
            assert name in metrics, name

        # A second instance on the same SQLite file says why it cannot run.
        second = run_monitor(config, "run", timeout=60)
        assert second.returncode == 1 and "single instance" in second.stderr

        started = time.monotonic()
        stop(proc)
        assert proc.returncode == 0
        assert time.monotonic() - started < 30
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from feeds where lease_owner is not null"
                            ).fetchone()[0] == 0
        assert conn.execute("select count(*) from alerts where lease_owner is not null"
                            ).fetchone()[0] == 0
        assert conn.execute("select status, count(*) from alerts group by status"
                            ).fetchall() == [("sent", 1)]


def test_a_story_found_just_before_sigterm_is_delivered_on_the_way_out(
        tmp_path: Path, web: HTTPServer) -> None:
    """The dispatch job runs once at start and then not for an hour: only the stop's last
    delivery round can send the alert for the story the first poll finds."""
    _serve_story(web)
    db = tmp_path / "m.db"
    config = _write_config(tmp_path, f"sqlite:///{db}", web.url_for("/feed.xml"),
                           scheduler={"min_interval": "1s", "tick": "1s",
                                      "dispatch_every": "1h", "shutdown_timeout": "5s"})

    def hits() -> int:
        try:
            with sqlite3.connect(db) as conn:
                return int(conn.execute("select count(*) from hits").fetchone()[0])
        except sqlite3.Error:  # not created yet
            return 0

    with daemon(config) as proc:
        wait_for(lambda: hits() == 1, what="the hit")
        out, err = stop(proc)
        assert proc.returncode == 0, err
    assert "Putin and Xi meet in Moscow" in out  # the console channel's message
    assert "last dispatch round sent=1" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status, count(*) from alerts group by status"
                            ).fetchall() == [("sent", 1)]


def test_json_logs(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    config = _write_config(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", web.url_for("/feed.xml"),
                           logging={"format": "json", "level": "INFO"})
    with daemon(config) as proc:
        wait_for(lambda: web.log, what="a poll")
        time.sleep(1.5)
        _out, err = stop(proc)
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    polled = [r for r in records if r["event"] == "feed polled"]
    assert polled and polled[0]["feed"] == "wire" and polled[0]["level"] == "info"


def test_prune_drops_old_text_and_keeps_hits(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    config = load_config(_write_config(tmp_path, f"sqlite:///{tmp_path / 'm.db'}",
                                       web.url_for("/feed.xml"),
                                       retention={"article_text_days": 7}), env={})
    api.poll_once(config, now=datetime.now(UTC) - timedelta(days=8), workers=0)
    assert api.prune(config) == 1
    assert api.prune(config) == 0
    (hit,) = api.recent_hits(config)
    assert hit["evidence"]["about"] and hit["title"] == STORY["title"]
    assert api.status(config)["articles"] == 1


def test_database_going_away_and_coming_back(tmp_path: Path, web: HTTPServer,
                                             pg_url: str) -> None:
    _serve_story(web)
    proxy = TcpProxy("127.0.0.1", 5432)
    try:
        url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        port = free_port()
        config = _write_config(tmp_path, url, web.url_for("/feed.xml"), port)
        base = f"http://127.0.0.1:{port}"
        with daemon(config) as proc:
            wait_for(lambda: http_status(f"{base}/healthz") == 200, what="healthy")
            proxy.cut()
            wait_for(lambda: http_status(f"{base}/healthz") == 503, what="503 when the db is gone")
            assert json.loads(http_get(f"{base}/healthz")[1])["database"]["reachable"] is False
            assert proc.poll() is None  # still running
            polls_before = len(web.log)
            proxy.restore()
            wait_for(lambda: http_status(f"{base}/healthz") == 200, what="recovery")
            wait_for(lambda: len(web.log) > polls_before, what="polling again")
            stop(proc)
            assert proc.returncode == 0
        final = load_config(config, env={})
        assert [h["title"] for h in api.recent_hits(final)] == [STORY["title"]]
        assert {a["status"] for a in api.alerts(final)} == {"sent"}
    finally:
        proxy.close()


def test_the_systemd_unit_command_line_runs(tmp_path: Path, web: HTTPServer) -> None:
    """deploy/monitor.service's ExecStart, with this checkout's paths, runs the daemon and stops
    cleanly on the unit's KillSignal."""
    unit = (ROOT / "deploy" / "monitor.service").read_text()
    fields = dict(line.split("=", 1) for line in unit.splitlines()
                  if "=" in line and not line.startswith("#"))
    assert fields["KillSignal"] == "SIGTERM" and fields["Type"] == "simple"
    _serve_story(web)
    port = free_port()
    config = _write_config(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", web.url_for("/feed.xml"),
                           port)
    command = (fields["ExecStart"]
               .replace("/opt/monitor/.venv/bin/monitor", str(Path(sys.executable).parent /
                                                               "monitor"))
               .replace("${MONITOR_CONFIG}", str(config)))
    proc = subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        wait_for(lambda: http_status(f"http://127.0.0.1:{port}/healthz") == 200, what="healthy")
        proc.send_signal(getattr(signal, fields["KillSignal"]))
        assert proc.wait(timeout=int(fields["TimeoutStopSec"])) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sqlite_locked_by_another_writer(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    port = free_port()
    db = tmp_path / "m.db"
    # /healthz gives up on the locked database after 1 s (SQLite itself waits 5 s).
    config = _write_config(tmp_path, f"sqlite:///{db}", web.url_for("/feed.xml"), port,
                           health_timeout="1s")
    base = f"http://127.0.0.1:{port}"
    with daemon(config) as proc:
        wait_for(lambda: http_status(f"{base}/healthz") == 200, what="healthy")
        other = sqlite3.connect(db, timeout=1, isolation_level=None)
        other.execute("begin exclusive")  # another writer holds the database
        try:
            wait_for(lambda: http_status(f"{base}/healthz") == 503, what="503 while locked")
            assert proc.poll() is None
        finally:
            other.execute("rollback")
            other.close()
        wait_for(lambda: http_status(f"{base}/healthz") == 200, timeout=60, what="recovery")
        polls = len(web.log)
        wait_for(lambda: len(web.log) > polls, what="polling again")
        stop(proc)
        assert proc.returncode == 0
    final = load_config(config, env={})
    assert [h["title"] for h in api.recent_hits(final)] == [STORY["title"]]
