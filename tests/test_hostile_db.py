"""The database edge under hostile conditions: instances racing the migrations, a database
from a newer version, a read-only SQLite file, one-shot commands beside a running daemon, and
a PostgreSQL connection that goes silent."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sqlalchemy import text
from werkzeug import Request, Response

from monitor.cli import cli
from monitor.db.engine import current_revision, make_engine, upgrade
from tests.conftest import IN_CI, free_port
from tests.daemon_support import (
    daemon,
    http_status,
    run_monitor,
    stop,
    wait_for,
    write_daemon_config,
)
from tests.helpers import rss
from tests.proxy import TcpProxy

HEAD = "0007"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    # A handled error exits with a code; anything else would be a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    return result.exit_code, result.stdout, result.stderr


def _config(tmp_path: Path, db_url: str, **extra: Any) -> Path:
    return write_daemon_config(tmp_path, db_url, **{
        "feeds": [{"name": "wire", "url": "http://127.0.0.1:9/feed.xml"}], **extra})


MIGRATE_ON_GO = """
import sys
from monitor.db.engine import make_engine, upgrade
engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # all start at once
upgrade(engine)
"""


def test_instances_starting_together_take_turns_at_the_migrations(pg_url: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE_ON_GO, pg_url],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    # Each has imported monitor and made its engine; then all are told to go at once.
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n", p.communicate()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-600:] for _out, err in results]
    engine = make_engine(pg_url)
    try:
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_a_database_from_a_newer_version_says_so_for_every_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("update alembic_version set version_num = '0099_future'"))
    finally:
        engine.dispose()
    for auto_upgrade in (True, False):
        config = _config(tmp_path, url, database={"url": url, "auto_upgrade": auto_upgrade})
        for command in (["run"], ["db", "upgrade"], ["poll", "--once"], ["status"],
                        ["feeds"], ["alerts"], ["hits"], ["alerts", "dispatch"],
                        ["db", "prune"]):
            code, _out, err = _cli("--config", str(config), *command)
            assert code == 1, (command, err)
            assert ("the database is at revision 0099_future, which this version of monitor "
                    f"does not know (newest it knows: {HEAD}): upgrade monitor") in err, command
            assert "db upgrade" not in err and "Traceback" not in err, (command, err)


def test_an_old_schema_gets_the_upgrade_advice_and_the_upgrade_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine, "0002")
    finally:
        engine.dispose()
    config = _config(tmp_path, url, database={"url": url, "auto_upgrade": False})
    code, _out, err = _cli("--config", str(config), "poll", "--once")
    assert code == 1 and "run `monitor db upgrade`" in err
    code, out, _err = _cli("--config", str(config), "db", "upgrade")
    assert code == 0 and f"database at revision {HEAD}" in out


STORIES = [
    ("Putin hosts Xi in Moscow for talks on energy", "The Kremlin rolled out the red carpet."),
    ("Beijing and Washington trade barbs over steel tariffs", "Commerce officials met."),
    ("Kremlin says White House sanctions target Russian banks", "Moscow vowed a response."),
    ("Chinese navy drills near Taiwan alarm the Pentagon", "Warships sailed at dawn."),
    ("Lavrov and Blinken clash at the Security Council", "Diplomats traded accusations."),
    ("Gazprom deliveries to China rise on the Power of Siberia", "Exports hit a record."),
    ("US Treasury warns Chinese firms over aid to Moscow", "Penalties were threatened."),
    ("Xi Jinping tells Biden that Beijing opposes new chip curbs", "The call lasted an hour."),
]


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy
        return -1


def test_alerts_dispatch_beside_a_running_daemon_delivers_each_alert_once(
        tmp_path: Path, web: HTTPServer) -> None:
    items = [{"title": t, "guid": str(i), "link": f"http://127.0.0.1:9/{i}", "description": d}
             for i, (t, d) in enumerate(STORIES)]
    web.expect_request("/feed.xml").respond_with_data(rss(items),
                                                      content_type="application/rss+xml")
    received: list[str] = []
    lock = threading.Lock()

    def slow_slack(request: Request) -> Response:
        time.sleep(1.0)  # a slow Slack: the daemon's round outlasts the one-shot command
        with lock:
            received.append(request.get_data(as_text=True))
        return Response("ok")

    slack = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    slack.expect_request("/hook").respond_with_handler(slow_slack)
    slack.start()
    db = tmp_path / "m.db"
    try:
        config = _config(
            tmp_path, f"sqlite:///{db}",
            feeds=[{"name": "wire", "url": web.url_for("/feed.xml"), "interval": "1h"}],
            alerts={"channels": [{"name": "slack", "type": "slack", "min_gap": "0.1s",
                                  "batch_max": 1, "webhook_url": slack.url_for("/hook")}]})
        with daemon(config) as proc:
            wait_for(lambda: _count(db, "select count(*) from alerts") == len(STORIES),
                     timeout=60, what="the alerts", proc=proc)
            wait_for(lambda: len(received) >= 1, timeout=60,
                     what="the daemon's first delivery")
            one_shot = run_monitor(config, "alerts", "dispatch", timeout=120)
            wait_for(lambda: _count(db, "select count(*) from alerts where status = 'sent'")
                     == len(STORIES), timeout=60, what="every alert sent")
            time.sleep(2)  # anything sent twice would have arrived by now
            _out, err = stop(proc, timeout=60)
            assert proc.returncode == 0, err[-2000:]
        assert one_shot.returncode == 0, one_shot.stderr[-2000:]
    finally:
        slack.stop()
    for title, _ in STORIES:
        assert sum(title in body for body in received) == 1, (title, len(received))
    assert len(received) == len(STORIES)


@contextmanager
def _immutable(*paths: Path) -> Iterator[None]:
    """Make files and folders unwritable even for root (the tests run as root, which file
    modes do not stop); skips where chattr is not allowed (a user's container), fails in CI."""
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
        reason = f"chattr +i not allowed here: {done.stderr.strip()}"
        if IN_CI:  # CI runs as root on a file system that takes it: the test must run there
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_read_only_commands_work_on_a_read_only_database(tmp_path: Path,
                                                          web: HTTPServer) -> None:
    items = [{"title": t, "guid": str(i), "link": f"http://127.0.0.1:9/{i}", "description": d}
             for i, (t, d) in enumerate(STORIES[:2])]
    web.expect_request("/feed.xml").respond_with_data(rss(items),
                                                      content_type="application/rss+xml")
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "m.db"
    config = _config(tmp_path, f"sqlite:///{db}",
                     feeds=[{"name": "wire", "url": web.url_for("/feed.xml")}])
    code, _out, err = _cli("--config", str(config), "poll", "--once")
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["m.db"]  # WAL checkpointed and gone
    with _immutable(db, folder):
        code, out, err = _cli("--config", str(config), "status")
        assert code == 0, err
        assert "feeds: 1 (1 enabled)" in out and "hits (24h): 2" in out
        code, out, err = _cli("--config", str(config), "feeds", "--json")
        assert code == 0, err
        assert [f["name"] for f in json.loads(out)] == ["wire"]
        code, out, err = _cli("--config", str(config), "alerts", "--json")
        assert code == 0, err
        assert len(json.loads(out)) == 2
        code, out, err = _cli("--config", str(config), "hits", "--json")
        assert code == 0, err
        assert {h["title"] for h in json.loads(out)} == {t for t, _ in STORIES[:2]}
    with _immutable(db):  # the file alone read-only: its folder takes SQLite's side files
        code, out, err = _cli("--config", str(config), "status")
        assert code == 0 and "hits (24h): 2" in out, err


def _hit_titles(pg_url: str) -> list[str]:
    with psycopg.connect(pg_url, connect_timeout=5) as conn:
        rows = conn.execute("select a.title from hits h join articles a on a.id = h.article_id"
                            " order by a.title").fetchall()
    return [r[0] for r in rows]


def _serve(web: HTTPServer, stories: list[tuple[str, str]]) -> None:
    web.clear()
    items = [{"title": t, "guid": str(i), "link": f"http://127.0.0.1:9/{i}", "description": d}
             for i, (t, d) in enumerate(stories)]
    web.expect_request("/feed.xml").respond_with_data(rss(items),
                                                      content_type="application/rss+xml")


# The silent-database daemons: /healthz waits this long for the database before its 503, a
# probe of it waits this long for the answer, and SIGTERM gives in-flight work this long.
HEALTH_TIMEOUT, PROBE_TIMEOUT, SHUTDOWN_TIMEOUT = 1.0, 4.0, 2.0


def test_a_postgresql_connection_that_goes_silent_does_not_freeze_the_daemon(
        tmp_path: Path, web: HTTPServer, pg_url: str) -> None:
    _serve(web, STORIES[:1])
    proxy = TcpProxy("127.0.0.1", 5432)
    try:
        url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        port = free_port()
        config = _config(
            tmp_path, url,
            server={"enabled": True, "port": port, "health_timeout": f"{HEALTH_TIMEOUT:g}s"},
            feeds=[{"name": "wire", "url": web.url_for("/feed.xml"), "interval": "1s"}],
            scheduler={"min_interval": "1s", "tick": "1s", "dispatch_every": "1h",
                       "shutdown_timeout": f"{SHUTDOWN_TIMEOUT:g}s"},
            alerts={"channels": []})
        health = f"http://127.0.0.1:{port}/healthz"
        with daemon(config) as proc:
            wait_for(lambda: http_status(health, timeout=15) == 200
                     and len(_hit_titles(pg_url)) == 1, timeout=60,
                     what="healthy with the first story", proc=proc)
            proxy.freeze()  # the database goes silent: no FIN, no RST, no bytes
            wait_for(lambda: http_status(health, timeout=15) == 503, timeout=30,
                     what="503 while silent", proc=proc)
            for _ in range(4):  # and it keeps answering, each time within its own database
                # timeout and a margin (a probe that ignored it would not answer in time)
                assert http_status(health, timeout=PROBE_TIMEOUT) == 503
            _serve(web, STORIES[:2])
            proxy.thaw()
            wait_for(lambda: http_status(health, timeout=15) == 200
                     and len(_hit_titles(pg_url)) == 2,
                     timeout=90, what="recovery: the new story stored", proc=proc)

            proxy.freeze()  # silent again, and the daemon is asked to stop meanwhile
            wait_for(lambda: http_status(health, timeout=15) == 503, timeout=30,
                     what="503 while silent", proc=proc)
            started = time.monotonic()
            _out, err = stop(proc, timeout=SHUTDOWN_TIMEOUT + 40)  # a generous margin
            assert proc.returncode == 0, err[-3000:]
            assert time.monotonic() - started < SHUTDOWN_TIMEOUT + 40
    finally:
        proxy.thaw()
        proxy.close()
    assert _hit_titles(pg_url) == sorted(t for t, _ in STORIES[:2])
