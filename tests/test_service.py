"""The daemon as a service: /healthz and /metrics while it runs, SIGTERM exits cleanly with
nothing lost, one instance per SQLite file, JSON logs, pruning, and the database going away
and coming back (PostgreSQL behind a proxy the test cuts)."""

from __future__ import annotations

import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.config import load_config
from tests.conftest import ROOT, free_port
from tests.helpers import rss
from tests.proxy import TcpProxy

STORY = {"title": "Putin and Xi meet in Moscow", "guid": "1", "link": "http://127.0.0.1:9/1",
         "description": "The Kremlin hosted Beijing's leader; the White House objected."}


def _serve_story(web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([STORY]),
                                                      content_type="application/rss+xml")


def _write_config(tmp_path: Path, db_url: str, feed_url: str, port: int | None = None,
                  **extra: Any) -> Path:
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "fetch": {"full_text": False, "timeout": "3s"},
        "scheduler": {"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                      "shutdown_timeout": "5s"},
        "feeds": [{"name": "wire", "url": feed_url, "interval": "2s"}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
    }
    if port:
        data["server"] = {"enabled": True, "port": port}
    data.update(extra)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@contextmanager
def _daemon(config: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), *args,
                             "run"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def _wait_for(predicate: Any, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_health_metrics_and_clean_sigterm(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    port = free_port()
    db = tmp_path / "m.db"
    config = _write_config(tmp_path, f"sqlite:///{db}", web.url_for("/feed.xml"), port)
    base = f"http://127.0.0.1:{port}"
    with _daemon(config) as proc:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, what="/healthz")
        _wait_for(lambda: "monitor_hits_total" in _get(f"{base}/metrics")[1] and
                  'monitor_alerts_total{channel="console",status="sent"} 1.0'
                  in _get(f"{base}/metrics")[1], what="a hit delivered")
        health = json.loads(_get(f"{base}/healthz")[1])
        assert health["database"]["reachable"] and health["scheduler"]["alive"]
        assert health["last_successful_poll"]
        metrics = _get(f"{base}/metrics")[1]
        for name in ("monitor_polls_total", "monitor_poll_duration_seconds_bucket",
                     "monitor_articles_total", "monitor_outbox_depth",
                     "monitor_feeds_in_error"):
            assert name in metrics, name

        # A second instance on the same SQLite file says why it cannot run.
        second = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config),
                                 "run"], capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "single instance" in second.stderr

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
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

    with _daemon(config) as proc:
        _wait_for(lambda: hits() == 1, what="the hit")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
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
    with _daemon(config) as proc:
        _wait_for(lambda: web.log, what="a poll")
        time.sleep(1.5)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
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
        with _daemon(config) as proc:
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, what="healthy")
            proxy.cut()
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 503, what="503 when the db is gone")
            assert json.loads(_get(f"{base}/healthz")[1])["database"]["reachable"] is False
            assert proc.poll() is None  # still running
            polls_before = len(web.log)
            proxy.restore()
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, what="recovery")
            _wait_for(lambda: len(web.log) > polls_before, what="polling again")
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
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
        _wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz")[0] == 200, what="healthy")
        proc.send_signal(getattr(signal, fields["KillSignal"]))
        assert proc.wait(timeout=int(fields["TimeoutStopSec"])) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sqlite_locked_by_another_writer(tmp_path: Path, web: HTTPServer) -> None:
    _serve_story(web)
    port = free_port()
    db = tmp_path / "m.db"
    config = _write_config(tmp_path, f"sqlite:///{db}", web.url_for("/feed.xml"), port)
    base = f"http://127.0.0.1:{port}"
    with _daemon(config) as proc:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, what="healthy")
        other = sqlite3.connect(db, timeout=1, isolation_level=None)
        other.execute("begin exclusive")  # another writer holds the database
        try:
            _wait_for(lambda: _get(f"{base}/healthz")[0] == 503, what="503 while locked")
            assert proc.poll() is None
        finally:
            other.execute("rollback")
            other.close()
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, timeout=60, what="recovery")
        polls = len(web.log)
        _wait_for(lambda: len(web.log) > polls, what="polling again")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    final = load_config(config, env={})
    assert [h["title"] for h in api.recent_hits(final)] == [STORY["title"]]
