"""The desk under a security review, through the real desk server on loopback: the login's
``next`` never leads off the desk (not even through a tab a browser drops), an API token
writes nothing outside the JSON endpoints, the JSON endpoints answer their errors in JSON,
a server error keeps the security headers and tells nothing of the inside, and a hostile
headline with a ``javascript:`` link is inert on every page that shows it; the ops page reads
no message from its URL; logout ends the session; the story's timeline says which alert went
where and its follow-up."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import text

from monitor.config import load_config
from monitor.db.session import unit_of_work
from monitor.desk.saved import get_saved, save_search
from monitor.desk.users import new_token
from monitor.web.desk import Desk
from tests.cli_pipeline import NOW, OUTLET_A, OUTLET_B, poll, serve, write_config
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


@pytest.fixture()
def desk(sqlite_url: str) -> Desk:
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    return desk


def _token(desk: Desk) -> dict[str, str]:
    with unit_of_work(desk.engine) as s:
        return {"Authorization": f"Bearer {new_token(s, 'ana')}"}


# A browser drops a tab, a line feed or a carriage return anywhere in a URL, so that
# "/\t/evil.example" is "//evil.example": another site.
@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/",
                                    "\t//evil.example/", "/\x00/evil.example/"])
def test_login_never_redirects_off_the_desk_through_a_character_a_browser_drops(
        desk: Desk, target: str) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        page = client.get("/login", params={"next": target})
        assert 'name="next" value="/"' in page.text
        response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                               "csrf": csrf_of(page.text), "next": target})
        assert response.status_code == 303
        assert response.headers["location"] == "/"


def test_an_api_token_deletes_no_saved_search(desk: Desk) -> None:
    with unit_of_work(desk.engine) as s:
        save_search(s, "kept", "country=RU", "ana", datetime.now(UTC))
    bearer = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        assert client.get("/api/saved/kept", headers=bearer).status_code == 200
        response = client.post("/saved/kept/delete", headers=bearer)
        assert response.status_code == 401
        assert "API tokens are for the JSON endpoints" in response.text
    with unit_of_work(desk.engine) as s:
        assert get_saved(s, "kept").params == "country=RU"


def test_the_json_endpoints_answer_their_errors_in_json(desk: Desk) -> None:
    bearer = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        for response, status in ((client.get("/api/saved/none", headers=bearer), 404),
                                 (client.get("/api/stories"), 401),
                                 (client.get("/api/stories", headers={
                                     "Authorization": "Bearer wrong"}), 401),
                                 (client.get("/api/nothing-here", headers=bearer), 404),
                                 (client.post("/api/stories", headers=bearer), 405)):
            assert response.status_code == status, (response.request.url, response.text)
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["error"], response.text
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_server_error_keeps_the_security_headers_and_says_nothing_of_the_inside(
        desk: Desk) -> None:
    bearer = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        with desk.engine.begin() as c:  # a real fault: the table is gone under the desk
            c.execute(text("DROP TABLE saved_searches"))
        for response in (client.get("/api/saved", headers=bearer), client.get("/")):
            assert response.status_code == 500
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "saved_searches" not in response.text and "Traceback" not in response.text
        assert client.get("/api/saved", headers=bearer).json()["error"]
        static = client.get("/static/desk.css")
        assert "default-src 'none'" in static.headers["Content-Security-Policy"]


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
EVIL_URL = "javascript:alert(document.cookie)"


def test_a_hostile_headline_and_a_javascript_link_are_inert_on_every_page(
        tmp_path: Path, web: HTTPServer) -> None:
    escaped_once_more = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    item = {"title": escaped_once_more + " Kremlin and White House trade words",
            "guid": "evil1", "link": EVIL_URL, "pubDate": "Mon, 05 Jan 2026 11:00:00 GMT",
            "description": "Russia's Kremlin and the White House exchanged statements."}
    path = write_config(tmp_path, [{"name": "evil-outlet", "url": serve(web, "evil", [item])}])
    poll(path, NOW)
    desk = make_desk(load_config(path), clock=lambda: NOW + timedelta(hours=1))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        listing = client.get("/")
        story_id = re.findall(r'data-story-id="(\d+)"', listing.text)
        assert story_id, "the hostile story is not listed"
        client.post("/saved", data={"name": "evil", "params": "", "csrf": csrf})
        pages = {"list": listing.text,
                 "story": client.get(f"/stories/{story_id[0]}").text,
                 "atom": client.get("/saved/evil.atom").text,
                 "workbench": client.get("/workbench", params={
                     "name": "k", "query": "Kremlin", "run": "1"}).text,
                 "ops": client.get("/ops").text}
        assert "evil-outlet" in pages["ops"]
        for name, page in pages.items():
            assert "<script>alert" not in page and "<img src=x" not in page, name
            assert not re.search(r"href=[\"']?\s*javascript:", page, re.I), name
        for name in ("list", "story", "workbench"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[name], name
        body = client.get("/api/saved/evil")
        assert body.headers["content-type"].startswith("application/json")
        assert any(HOSTILE in h["title"] for h in body.json()["hits"])
        assert {h["url"] for h in body.json()["hits"]} == {EVIL_URL}  # stored, never linked


def _set_cookie(response: httpx.Response, name: str) -> str:
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(name + "=")]
    return header


def test_the_session_cookie_is_httponly_samesite_and_new_at_each_login(desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        page = client.get("/login")
        form_cookie = _set_cookie(page, "monitor_login")
        assert "HttpOnly" in form_cookie and "SameSite=Strict" in form_cookie
        sessions = []
        for _ in range(2):  # the same browser logs in twice: never the same session
            page = client.get("/login")
            response = client.post("/login", data={"name": "ana", "password": PASSWORD,
                                                   "csrf": csrf_of(page.text)})
            header = _set_cookie(response, "monitor_session")
            assert "HttpOnly" in header and "SameSite=Lax" in header
            sessions.append(client.cookies["monitor_session"])
        assert sessions[0] != sessions[1]


def test_logout_ends_the_session_even_for_a_copy_of_its_cookie(desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        copied = client.cookies["monitor_session"]
        assert client.post("/logout", data={"csrf": csrf}).status_code == 303
        with httpx.Client(base_url=base, cookies={"monitor_session": copied}) as thief:
            assert thief.get("/ops").status_code == 302
            assert thief.get("/api/stories").status_code == 401
        login(client)  # a new login opens a new session
        assert client.get("/ops").status_code == 200


def test_the_ops_page_shows_no_message_a_link_could_make_up(desk: Desk) -> None:
    made_up = "Your session expired: log in again at evil.example"
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        page = client.get("/ops", params={"error": made_up, "done": made_up})
        assert page.status_code == 200 and made_up not in page.text
        refused = client.post("/ops/alerts/999/retry", data={"csrf": csrf})
        assert refused.status_code == 409  # said on the page, not carried in a URL
        assert "no alert" in refused.text and 'role="alert"' in refused.text


def test_the_story_timeline_says_which_alert_went_where_and_the_follow_up(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    channels = [{"name": "desk-slack", "type": "slack", "webhook_url": slack.url_for("/hook")}]
    feed_a = {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A])}
    poll(write_config(tmp_path, [feed_a], channels))
    path = write_config(tmp_path, [feed_a, {"name": "outlet-b",
                                            "url": serve(web, "b", [OUTLET_B])}], channels)
    poll(path, NOW + timedelta(minutes=10))  # the second outlet: a follow-up
    desk = make_desk(load_config(path))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        listing = client.get("/")
        (story_id,) = set(re.findall(r'data-story-id="(\d+)"', listing.text))
        page = re.sub(r"\s+", " ", client.get(f"/stories/{story_id}").text)
    timeline = page[page.index("outlet-a"):]
    first = re.search(r"alert #(\d+) \[russia-china-us\] → desk-slack: <span[^>]*>sent</span>",
                      timeline)
    assert first, "the alert, its rule, its channel and its status"
    assert re.search(rf"follow-up #\d+ of #{first.group(1)} \[russia-china-us\] → desk-slack",
                     timeline)
    assert timeline.index("outlet-a") < timeline.index("outlet-b")


def test_a_saved_search_is_one_that_runs_and_the_save_goes_back_to_its_list(
        desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        refused = client.post("/saved", data={"name": "broken", "csrf": csrf,
                                              "params": "q=Kremlin\r\nSet-Cookie: x=1"})
        assert refused.status_code == 400 and "query syntax error" in refused.text
        assert client.get("/api/saved/broken").status_code == 404  # nothing saved
        response = client.post("/saved", data={"name": "kept", "csrf": csrf,
                                               "params": "country=RU&q=Kremlin+OR+Putin"})
        assert response.status_code == 303
        saved = client.get("/api/saved/kept").json()["params"]
        assert response.headers["location"] == "/?" + saved


def test_a_mark_sent_by_the_pages_script_is_refused_in_json_that_says_why(desk: Desk) -> None:
    # What desk.js sends: a session that ended (or a stale CSRF token) must read as a reason.
    asks_json = {"Accept": "application/json", "X-Requested-With": "fetch"}
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        stale = client.post("/stories/1/marks", data={"kind": "starred"},
                            headers={**asks_json, "X-CSRF-Token": "stale"})
        assert stale.status_code == 403
        assert "CSRF token" in stale.json()["error"]
        client.cookies.clear()
        ended = client.post("/stories/1/marks", data={"kind": "starred"}, headers=asks_json)
        assert ended.status_code == 401 and "log in" in ended.json()["error"]
