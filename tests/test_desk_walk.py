"""Walking the desk as an analyst does, over a database filled by a real poll: every page
(list, story, workbench, ops) shows the ops strip, every link a page shows to another desk
page leads somewhere (no 404), and the pages link to each other (a workbench hit to its
story, a story's rule to the workbench)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from monitor.web.desk import Desk
from tests.desk_list_data import NOW, fill
from tests.desk_support import create_user, desk_client, desk_server, login, make_desk, session_csrf
from tests.helpers import make_config


@pytest.fixture()
def client(tmp_path: Path, web: HTTPServer) -> Iterator[httpx.Client]:
    desk: Desk = make_desk(fill(tmp_path, web), clock=lambda: NOW)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        yield client


def links(html: str) -> list[str]:
    """The desk links of a page (its own paths: not the articles' outside links)."""
    return [unescape(h) for h in re.findall(r'href="(/[^"]*)"', html)
            if not h.startswith("/static/")]


def a_story(client: httpx.Client) -> str:
    found = re.search(r'href="(/stories/\d+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_every_page_shows_the_ops_strip(client: httpx.Client) -> None:
    for path in ("/", "/?country=CN", "/?q=(", a_story(client), "/stories/999999", "/workbench",
                 "/workbench?rule=kremlin&name=kremlin&query=Kremlin&run=1", "/ops"):
        page = client.get(path)
        assert page.status_code in (200, 400, 404), path
        assert page.text.count('<aside class="ops-strip') == 1, path
        assert "feeds in error" in page.text and 'href="/static/ops.css"' in page.text, path


def test_no_page_links_to_a_missing_desk_page(client: httpx.Client) -> None:
    seen: dict[str, int] = {}
    start = ["/", "/?country=CN", a_story(client), "/workbench?rule=kremlin",
             "/workbench?name=kremlin&query=Kremlin%20OR%20Beijing&run=1", "/ops"]
    for path in start:
        page = client.get(path)
        for href in links(page.text):
            if href not in seen:
                seen[href] = client.get(href).status_code
    assert len(seen) > 20
    assert {h: s for h, s in seen.items() if s != 200} == {}


def test_the_pages_link_to_each_other(client: httpx.Client) -> None:
    story = a_story(client)
    run = client.get("/workbench", params={"name": "kremlin", "query": "Kremlin OR Beijing",
                                           "run": "1"})
    gained = run.text.split('class="hits gained"')[1].split("</section>")[0]
    assert re.search(r'<a href="/stories/\d+">\d+</a>', gained)  # a hit opens its story
    page = client.get(story)
    assert re.search(r'href="/workbench\?rule=[^"]+"', page.text)  # a rule: its workbench
    assert 'href="/"' in page.text  # back to the list


def test_a_query_that_does_not_parse_stays_in_the_box_with_its_facets(
        client: httpx.Client) -> None:
    page = client.get("/", params=[("country", "CN"), ("q", "Putin NEAR/20 (Xi")])
    assert page.status_code == 400
    assert 'role="alert"' in page.text  # what is wrong with it
    assert 'id="q" name="q" type="search" value="Putin NEAR/20 (Xi"' in page.text
    assert '<input type="hidden" name="country" value="CN">' in page.text
    bad_since = client.get("/", params=[("q", "Kremlin"), ("since", "yesterday")])
    assert bad_since.status_code == 400
    assert 'value="Kremlin"' in bad_since.text


def test_the_workbench_says_when_a_rule_name_is_new(client: httpx.Client) -> None:
    new = client.get("/workbench", params={"rule": "nosuch"})
    assert new.status_code == 200
    assert "No rule is named nosuch" in new.text  # not a silently empty form
    known = client.get("/workbench", params={"rule": "kremlin"})
    assert "No rule is named" not in known.text and "Kremlin OR Putin" in known.text


def test_a_desk_with_no_story_yet_says_so(sqlite_url: str) -> None:
    desk = make_desk(make_config(sqlite_url, []), clock=lambda: NOW)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        empty = client.get("/")
        assert empty.status_code == 200
        assert "No story yet" in empty.text and "monitor poll" in empty.text
        narrowed = client.get("/?country=CN")
        assert "No story matches" in narrowed.text and "No story yet" not in narrowed.text


def test_deleting_a_saved_search_keeps_the_list_it_was_deleted_from(
        client: httpx.Client) -> None:
    csrf = session_csrf(client)
    saved = client.post("/saved", data={"csrf": csrf, "name": "cn", "params": "country=CN"})
    assert saved.status_code == 303
    page = client.get("/?country=RU&q=Kremlin")
    form = re.search(r'<form method="post" action="/saved/cn/delete".*?</form>', page.text, re.S)
    assert form and 'name="params" value="country=RU&amp;q=Kremlin"' in form.group(0)
    gone = client.post("/saved/cn/delete",
                       data={"csrf": csrf, "params": "country=RU&q=Kremlin"})
    assert gone.status_code == 303 and gone.headers["location"] == "/?country=RU&q=Kremlin"
    assert 'href="/saved/cn.atom"' not in client.get("/").text
