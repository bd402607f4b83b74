"""The desk lets in only its users: login through the form (CSRF-protected, rate-limited),
sessions in signed cookies, CSRF tokens on every POST, strict security headers."""

from __future__ import annotations

import httpx

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


def test_a_page_without_a_session_sends_to_the_login_form(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    with desk_server(desk) as base, desk_client(base) as client:
        response = client.get("/stories?rule=x")
        assert response.status_code == 302
        target = httpx.URL(response.headers["location"])
        assert (target.path, target.params["next"]) == ("/login", "/stories?rule=x")
        assert client.post("/logout").status_code == 401


def test_login_with_the_right_password_opens_a_session_and_a_wrong_one_does_not(
        sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        page = client.get("/login")
        wrong = client.post("/login", data={"name": "ana", "password": "nope nope",
                                            "csrf": csrf_of(page.text)})
        assert wrong.status_code == 401
        assert "wrong user name or password" in wrong.text
        assert "monitor_session" not in client.cookies
        login(client, "ana", PASSWORD)
        assert client.get("/logout").status_code == 405  # logging out is a POST


def test_a_login_post_without_the_form_token_is_refused(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        client.get("/login")
        response = client.post("/login", data={"name": "ana", "password": PASSWORD})
        assert response.status_code == 403
        assert "monitor_session" not in client.cookies


def test_a_post_with_a_session_but_without_its_csrf_token_is_refused(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        token = login(client)
        assert client.post("/logout", data={}).status_code == 403
        assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert client.post("/logout", data={"csrf": token}).status_code == 303


def test_a_forged_session_cookie_is_not_a_session(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    with desk_server(desk) as base, desk_client(base) as client:
        client.cookies.set("monitor_session", '{"u": "admin", "c": "x"}')
        assert client.get("/stories").status_code == 302


def test_failed_logins_are_rate_limited_even_with_the_right_password_after(
        sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        for _ in range(5):
            page = client.get("/login")
            client.post("/login", data={"name": "ana", "password": "guess guess",
                                        "csrf": csrf_of(page.text)})
        page = client.get("/login")
        response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                               "csrf": csrf_of(page.text)})
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert "monitor_session" not in client.cookies


def test_every_response_carries_a_strict_content_security_policy(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    with desk_server(desk) as base, desk_client(base) as client:
        for response in (client.get("/login"), client.get("/nowhere")):
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
            assert "default-src 'none'" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_redirects_only_to_a_path_of_the_desk(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        page = client.get("/login?next=//evil.example/x")
        assert 'name="next" value="/"' in page.text
        response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                               "csrf": csrf_of(page.text),
                                               "next": "https://evil.example/"})
        assert response.headers["location"] == "/"
