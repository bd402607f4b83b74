"""The desk's story list page, its JSON and saved searches (with their Atom feeds), through
the real desk server on loopback over a database filled by a real poll."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import feedparser
import pytest
from pytest_httpserver import HTTPServer

from monitor.db.session import unit_of_work
from monitor.db.users import find_user, set_token
from monitor.web.desk import Desk
from tests.desk_list_data import HOSTILE, NOW, OTHERS, fill
from tests.desk_support import create_user, desk_client, desk_server, login, make_desk


@pytest.fixture()
def desk(tmp_path: Path, web: HTTPServer) -> Desk:
    desk = make_desk(fill(tmp_path, web), clock=lambda: NOW)
    create_user(desk)
    return desk


def _token(desk: Desk) -> str:
    token = secrets.token_urlsafe(24)
    with unit_of_work(desk.engine) as s:
        user = find_user(s, "ana")
        assert user is not None
        set_token(s, user, token)
    return token


def _row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-story-id="(\d+)"', html)]


def test_the_list_page_links_rows_facets_and_renders_a_hostile_headline_inert(
        desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        page = client.get("/")
        assert page.status_code == 200
        ids = _row_ids(page.text)
        assert len(ids) == 1 + len(OTHERS)
        assert all(f'href="/stories/{i}"' in page.text for i in ids)
        assert 'id="q"' in page.text
        assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" \
            in page.text
        # A facet link adds the facet, with its count; the active one links to its removal.
        assert re.search(r'href="/\?country=CN">CN</a> <span class="count">3</span>', page.text)
        narrowed = client.get("/?country=CN")
        assert len(_row_ids(narrowed.text)) == 3
        assert 'href="/"' in narrowed.text and 'aria-current="true"' in narrowed.text
        both = client.get("/", params=[("country", "RU"), ("country", "CN"),
                                       ("entity", "Q15031")])
        (seed,) = _row_ids(both.text)
        assert 'href="/?country=RU&amp;country=CN&amp;entity=Q15031&amp;tag=state+media"' \
            in both.text
        assert _row_ids(client.get("/", params={"q": "sanction* NEAR/10 @RU"}).text) \
            .count(seed) == 1


def test_a_wrong_parameter_is_a_400_page_that_says_why(desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        bad = client.get("/", params={"review": "maybe"})
        assert bad.status_code == 400 and "is not a review state" in bad.text
        query = client.get("/", params={"q": "(sanction* OR"})
        assert query.status_code == 400 and "query syntax error" in query.text
        cursor = client.get("/api/stories", params={"after": "garbage"})
        assert cursor.status_code == 400 and "not a page cursor" in cursor.json()["error"]


def test_the_next_page_link_walks_the_list(desk: Desk) -> None:
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        seen: list[int] = []
        pages = 0
        url: str | None = "/?since=7d&limit=2"  # 6 stories: 3 pages
        while url:
            page = client.get(url)
            seen += _row_ids(page.text)
            found = re.search(r'<a rel="next" href="([^"]+)"', page.text)
            url = found.group(1).replace("&amp;", "&") if found else None
            assert url is None or "since=7d&limit=2&after=" in url
            pages += 1
        assert pages == 3
        assert len(seen) == len(set(seen)) == 1 + len(OTHERS)


def test_the_json_list_takes_a_token_or_a_session(desk: Desk) -> None:
    token = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        assert client.get("/api/stories").status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        doc = client.get("/api/stories", params={"country": ["RU", "CN"], "limit": "1"},
                         headers=bearer).json()
        assert len(doc["stories"]) == 1 and doc["next"]
        rest = client.get(doc["next_url"], headers=bearer).json()
        assert len(rest["stories"]) == 1 and rest["next"] is None
        seed = [s for s in doc["stories"] + rest["stories"] if s["outlets"] == 2]
        assert seed and {"kremlin", "russia-china-us"} == set(seed[0]["rules"])
        assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        login(client)
        assert client.get("/api/stories").json()["stories"]


def test_a_saved_search_is_a_feed_and_json_and_can_be_deleted(desk: Desk) -> None:
    token = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        params = "country=RU&country=CN&entity=Q15031"
        assert client.post("/saved", data={"name": "xi-moscow", "params": params}
                           ).status_code == 403  # no CSRF token
        saved = client.post("/saved", data={"name": "xi-moscow", "params": params,
                                            "csrf": csrf})
        assert saved.status_code == 303
        page = client.get("/")
        assert 'href="/?country=RU&amp;country=CN&amp;entity=Q15031">xi-moscow</a>' in page.text
        assert token not in page.text

        body = client.get("/api/saved/xi-moscow").json()
        assert body["params"] == params
        assert {h["rule"] for h in body["hits"]} == {"kremlin", "russia-china-us"}
        assert len({h["story_id"] for h in body["hits"]}) == 1

        reader = desk_client(base)  # a feed reader: no session, the token in the URL
        assert reader.get("/saved/xi-moscow.atom").status_code == 401
        atom = reader.get("/saved/xi-moscow.atom", params={"token": token})
        assert atom.status_code == 200
        assert atom.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title == "monitor: xi-moscow"
        assert len(parsed.entries) == len(body["hits"]) == 4  # 2 articles x 2 rules
        assert all(e.title.startswith("[") for e in parsed.entries)
        assert reader.get("/api/stories", params={"token": token}).status_code == 401
        assert reader.get("/", params={"token": token}).status_code == 302  # to the login
        reader.close()

        gone = client.post("/saved/xi-moscow/delete", data={"csrf": csrf})
        assert gone.status_code == 303
        assert client.get("/api/saved/xi-moscow").status_code == 404


def test_the_atom_feed_escapes_a_hostile_headline(desk: Desk) -> None:
    token = _token(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        client.post("/saved", data={"name": "kremlin", "params": "rule=kremlin",
                                    "csrf": csrf})
        atom = client.get("/saved/kremlin.atom", headers={"Authorization": f"Bearer {token}"})
        assert b"<script>" not in atom.content
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo
        assert any(HOSTILE in e.title for e in parsed.entries)
