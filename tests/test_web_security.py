"""The desk's security, route by route: every route of the desk application answers a request
without a session or token with the login redirect (a page) or 401 (a POST, an API path);
every POST is refused without the session's CSRF token; an API token opens the /api/ paths
and no HTML page; a disabled user's session and token stop working; failed logins are
limited per address too; and a desk on 0.0.0.0 without users refuses to start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from monitor.config import load_config
from monitor.db.session import unit_of_work
from monitor.desk.users import disable_user, new_token
from monitor.web.app import make_desk_app
from monitor.web.auth import TOKEN_PATHS, is_public
from monitor.web.desk import Desk
from monitor.web.serve import check_can_serve
from tests.conftest import free_port
from tests.desk_support import (
    PASSWORD,
    create_user,
    csrf_of,
    desk_client,
    desk_server,
    login,
    make_desk,
)
from tests.helpers import make_config

SAFE = {"GET", "HEAD", "OPTIONS"}


def routes(desk: Desk) -> Iterator[tuple[str, str]]:
    """(method, a concrete path) of every route the desk application has, the static files'
    included; a path parameter is filled with ``1``."""
    app = make_desk_app(desk)
    for resource in app.router.resources():
        info = resource.get_info()
        if "prefix" in info:  # static files
            yield "GET", f"{info['prefix']}/desk.css"
            continue
        path = info.get("path") or info["formatter"]
        for route in resource:
            concrete = path
            while "{" in concrete:
                start, end = concrete.index("{"), concrete.index("}")
                concrete = concrete[:start] + "1" + concrete[end + 1:]
            yield route.method, concrete


def test_every_route_refuses_a_request_without_a_session_or_token(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    walked = sorted(set(routes(desk)))
    assert ("GET", "/ops") in walked and ("POST", "/logout") in walked
    with desk_server(desk) as base, desk_client(base) as client:
        for method, path in walked:
            response = client.request(method, path)
            if is_public(path):
                assert response.status_code in (200, 403, 405), (method, path)
            elif method in SAFE and not path.startswith(TOKEN_PATHS):
                assert response.status_code == 302, (method, path, response.status_code)
                assert response.headers["location"].startswith("/login?next="), path
            else:
                assert response.status_code == 401, (method, path, response.status_code)


def test_every_post_route_needs_the_csrf_token_even_with_a_session(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    unsafe = sorted({(m, p) for m, p in routes(desk) if m not in SAFE and p != "/login"})
    assert ("POST", "/ops/alerts/1/retry") in unsafe
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        for method, path in unsafe:
            assert client.request(method, path, data={}).status_code == 403, (method, path)
            forged = client.request(method, path, data={"csrf": "forged"},
                                    headers={"X-CSRF-Token": "forged"})
            assert forged.status_code == 403, (method, path)


def test_an_api_token_opens_the_api_paths_and_no_html_page(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with unit_of_work(desk.engine) as s:
        token = new_token(s, "ana")
    bearer = {"Authorization": f"Bearer {token}"}
    pages = sorted({p for m, p in routes(desk) if m == "GET" and not is_public(p)
                    and not p.startswith(TOKEN_PATHS)})
    assert "/ops" in pages
    with desk_server(desk) as base, desk_client(base) as client:
        # Past authentication (no such endpoint: 404), where no token is 401.
        assert client.get("/api/nothing-here").status_code == 401
        assert client.get("/api/nothing-here", headers=bearer).status_code == 404
        assert client.post("/api/nothing-here", headers=bearer).status_code in (404, 405)
        wrong = {"Authorization": "Bearer " + "x" * 43}
        assert client.get("/api/nothing-here", headers=wrong).status_code == 401
        for path in pages:
            response = client.get(path, headers=bearer)
            assert response.status_code == 401, (path, response.status_code)
            assert "API tokens are for the JSON endpoints" in response.text
        assert "monitor_session" not in client.cookies


def test_a_disabled_user_loses_its_session_and_its_token(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with unit_of_work(desk.engine) as s:
        token = new_token(s, "ana")
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        assert client.get("/ops").status_code == 200
        with unit_of_work(desk.engine) as s:
            disable_user(s, "ana")
        assert client.get("/ops").status_code == 302
        assert client.get("/api/x", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 401


def test_failed_logins_from_one_address_are_limited_whatever_the_names(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        for n in range(5):
            page = client.get("/login")
            client.post("/login", data={"name": f"guess{n}", "password": "guess guess",
                                        "csrf": csrf_of(page.text)})
        page = client.get("/login")
        response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                               "csrf": csrf_of(page.text)})
        assert response.status_code == 429 and "monitor_session" not in client.cookies


def _config_file(tmp_path: Path, server: dict[str, object]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"}, "feeds": [],
        "rules": [{"name": "any", "countries": {"at_least": 1}}],
        "alerts": {"channels": []}, "server": server}))
    return path


def _monitor(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "--config", str(path), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_desk_on_every_address_without_users_refuses_to_start(tmp_path: Path) -> None:
    port = free_port()
    path = _config_file(tmp_path, {"enabled": True, "ui": True, "host": "0.0.0.0",
                                   "port": port})
    alone = _monitor(path, "web", "--host", "0.0.0.0", "--port", str(port))
    assert alone.returncode == 2, alone.stderr
    (line,) = [x for x in alone.stderr.splitlines() if x.startswith("error:")]
    assert "0.0.0.0" in line and "`monitor users add NAME`" in line
    daemon = _monitor(path, "run")
    assert daemon.returncode == 2, daemon.stderr
    assert "without users: add one with `monitor users add NAME`" in daemon.stderr
    # With a user, the same address is allowed (checked, not served: the daemon would run).
    desk = make_desk(load_config(path))
    create_user(desk)
    check_can_serve(desk.engine, "0.0.0.0")
    desk.engine.dispose()


def test_a_second_login_page_does_not_void_the_form_already_shown(sqlite_url: str) -> None:
    # Another tab, or any protected URL the browser asks for behind the login form's back
    # (sent to /login), shows a second login page: the first form must still work.
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        shown = client.get("/login?next=/ops")
        assert client.get("/stories/1", follow_redirects=True).status_code == 200
        assert client.get("/favicon.ico").status_code == 404  # public: never a login page
        response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                               "csrf": csrf_of(shown.text), "next": "/ops"})
        assert response.status_code == 303 and response.headers["location"] == "/ops"
