"""Serving the desk: `monitor web` alone (its URL printed, a login through the form, a clean
exit on SIGTERM), `monitor run` with server.ui serving it beside a public /healthz and
/metrics, and sessions that outlive a restart only when server.secret is set."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
from pytest_httpserver import HTTPServer

from monitor.web.auth import read_session, session_cookie
from monitor.web.serve import build_desk
from tests.cli_pipeline import OUTLET_A, serve
from tests.conftest import free_port
from tests.daemon_support import daemon, monitor_process, run_monitor, stop, write_daemon_config
from tests.desk_support import PASSWORD, login, make_desk
from tests.helpers import make_config


def _config(tmp_path: Path, feeds: list[dict[str, Any]], server: dict[str, Any]) -> Path:
    return write_daemon_config(
        tmp_path, f"sqlite:///{tmp_path / 'm.db'}",
        fetch={"full_text": False, "timeout": "3s", "allow_private_addresses": True},
        feeds=feeds, alerts={"channels": []}, server=server)


def _wait_for_status(client: httpx.Client, path: str, status: int) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            response = client.get(path)
            if response.status_code == status:
                return response
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{path} never answered {status}"
        time.sleep(0.2)


def test_monitor_web_serves_the_desk_alone_until_sigterm(tmp_path: Path) -> None:
    path = _config(tmp_path, [], {})
    added = run_monitor(path, "users", "add", "ana", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    with monitor_process(path, "web", "--port", "0") as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.match(r"desk at (http://127\.0\.0\.1:\d+)/ ", line)
        assert found, line
        with httpx.Client(base_url=found.group(1)) as client:
            assert client.get("/ops").status_code == 302
            login(client)
            assert "<h1>Ops</h1>" in client.get("/ops").text
        _out, err = stop(proc)
        assert proc.returncode == 0
        assert "sessions are signed with a random key and end at restart" in err


def test_the_daemon_serves_the_desk_beside_public_health_and_metrics(
        tmp_path: Path, web: HTTPServer) -> None:
    port = free_port()
    path = _config(tmp_path, [{"name": "outlet-a", "url": serve(web, "a", [OUTLET_A]),
                               "interval": "2s"}],
                   {"enabled": True, "ui": True, "port": port})
    assert run_monitor(path, "users", "add", "ana", "--password-stdin",
                       stdin=PASSWORD + "\n").returncode == 0
    with daemon(path) as proc, \
            httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        _wait_for_status(client, "/healthz", 200)
        assert "monitor_polls_total" in client.get("/metrics").text
        assert client.get("/ops").status_code == 302
        login(client)
        page = _wait_for_status(client, "/ops", 200)
        assert "outlet-a" in page.text
        assert client.get("/healthz").status_code == 200  # a session changes nothing there
        stop(proc)
        assert proc.returncode == 0


def test_without_server_ui_the_daemon_serves_no_desk(tmp_path: Path) -> None:
    port = free_port()
    path = _config(tmp_path, [], {"enabled": True, "port": port})
    with daemon(path) as proc, \
            httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        _wait_for_status(client, "/healthz", 200)
        assert client.get("/login").status_code == 404
        stop(proc)
        assert proc.returncode == 0


def test_a_session_outlives_a_restart_only_with_server_secret(sqlite_url: str) -> None:
    kept = make_config(sqlite_url, [], extra={"server": {"secret": "s3cret-of-this-desk"}})
    engine = make_desk(kept).engine
    first, second = build_desk(kept, engine), build_desk(kept, engine)
    session = read_session(second, session_cookie(first, "ana"))
    assert session is not None and session[0] == "ana"
    unset = make_config(sqlite_url, [])
    first, second = build_desk(unset, engine), build_desk(unset, engine)
    assert read_session(second, session_cookie(first, "ana")) is None
    engine.dispose()


def test_server_secret_defaults_to_monitor_desk_secret() -> None:
    from monitor.config import parse_config

    given = parse_config({"server": {"secret": "from-the-file"}},
                         env={"MONITOR_DESK_SECRET": "from-env"})
    default = parse_config({}, env={"MONITOR_DESK_SECRET": "from-env"})
    unset = parse_config({"server": {"secret": "${MONITOR_DESK_SECRET:-}"}}, env={})
    assert given.server.secret and given.server.secret.get_secret_value() == "from-the-file"
    assert default.server.secret and default.server.secret.get_secret_value() == "from-env"
    assert unset.server.secret is None
    assert "from-env" not in repr(default)  # a secret, never shown
