"""Issue 14's first acceptance in one real browser journey (Debian's chromium): on a database
filled by a real poll of loopback feeds (two outlets carrying the seed story, and other
stories), an analyst logs in through the form, finds the seed story by its facets and by a
query, opens it with the keyboard, sees the highlighted evidence and its two outlets, marks a
false positive with the keyboard, finds the mark after a reload, saves the search and reads
its Atom feed, runs an edited rule on the workbench, and ends on the ops page. Every page has
the ops strip; a screenshot of each goes under the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer

from monitor.config import Config
from tests.desk_browser import browser, page  # noqa: F401  (fixtures)
from tests.desk_list_data import NOW, fill
from tests.desk_support import PASSWORD, create_user, desk_server, make_desk

if TYPE_CHECKING:
    from playwright.sync_api import Page

SHOTS = ("login", "list", "filtered", "query", "story", "marked", "workbench", "ops")


def shoot(page: Page, tmp_path: Path, name: str) -> None:  # noqa: F811
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def has_strip(page: Page) -> bool:  # noqa: F811
    strip = page.locator("aside.ops-strip")
    return strip.count() == 1 and "feeds in error" in strip.inner_text()


def log_in(page: Page, base: str, tmp_path: Path) -> None:  # noqa: F811
    page.goto(f"{base}/")
    assert "/login" in page.url
    shoot(page, tmp_path, "login")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def find_by_facets(page: Page, base: str, seed: str, tmp_path: Path) -> None:  # noqa: F811
    rows = page.locator("tr[data-story-id]")
    everything = rows.count()
    assert everything >= 6, everything  # the seed story and the others
    assert has_strip(page)
    shoot(page, tmp_path, "list")
    page.locator("section.facet", has=page.locator("h2", has_text="About")) \
        .get_by_role("link", name="CN", exact=True).click()
    page.wait_for_url("**country=CN**")
    page.locator("section.facet", has=page.locator("h2", has_text="Entity")) \
        .get_by_role("link", name="Xi Jinping").click()
    page.wait_for_url("**entity=**")
    assert 1 <= rows.count() < everything
    assert page.locator("td.headline", has_text=seed).count() == 1
    assert page.locator("li.active a[aria-current]").count() == 2  # both facets shown as on
    shoot(page, tmp_path, "filtered")


def find_by_query(page: Page, base: str, seed: str, tmp_path: Path) -> None:  # noqa: F811
    page.goto(f"{base}/")
    page.fill("#q", "Putin NEAR/20 Xi")
    page.press("#q", "Enter")
    page.wait_for_url("**q=Putin**")
    assert page.locator("#q").input_value() == "Putin NEAR/20 Xi"  # the box keeps the query
    assert page.locator("tr[data-story-id]").count() == 1
    assert page.locator("td.headline", has_text=seed).count() == 1
    shoot(page, tmp_path, "query")


def open_with_keys(page: Page, base: str, tmp_path: Path) -> str:  # noqa: F811
    page.locator("h1, body").first.click(position={"x": 1, "y": 1})  # out of the query box
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url("**/stories/*")
    url = page.url
    evidence = page.locator("#evidence mark")
    assert evidence.count() > 0
    marked = " ".join(evidence.all_inner_texts())
    assert "Xi" in marked and "Putin" in marked, marked
    outlets = set(page.locator("#timeline td.outlet").all_inner_texts())
    assert outlets == {"outlet-a", "outlet-b"}, outlets
    assert has_strip(page)
    shoot(page, tmp_path, "story")
    return url


def mark_with_keys(page: Page, tmp_path: Path) -> None:  # noqa: F811
    page.keyboard.press("x")
    page.wait_for_selector(".desk-overlay >> text=passing mention")
    page.keyboard.press("2")
    page.wait_for_selector("#review-state >> text=false positive (passing mention)")
    page.reload()
    assert page.locator("#review-state").inner_text() == "false positive (passing mention)"
    history = page.locator("#history li").first.inner_text()
    assert "false positive (passing mention)" in history and "by ana" in history
    shoot(page, tmp_path, "marked")
    page.get_by_role("link", name="← stories").click()  # the list shows the review too
    page.locator("section.facet", has=page.locator("h2", has_text="Review")) \
        .get_by_role("link", name="false positive").click()
    page.wait_for_url("**review=false_positive**")
    assert page.locator("tr[data-story-id] td.review").all_inner_texts() == ["false positive"]


def save_and_read_feed(page: Page, base: str, seed: str) -> None:  # noqa: F811
    page.goto(f"{base}/?country=CN&country=RU")
    page.fill("form.save input[name=name]", "ru-cn")
    page.click("form.save button[type=submit]")
    page.wait_for_url("**country=CN**")
    saved = page.locator("section.saved li", has_text="ru-cn")
    saved.get_by_role("link", name="ru-cn").click()
    page.wait_for_url("**country=RU**")
    assert page.locator("td.headline", has_text=seed).count() == 1
    href = saved.get_by_role("link", name="feed").get_attribute("href")
    assert href == "/saved/ru-cn.atom"
    atom = page.request.get(f"{base}{href}")
    assert atom.ok and "atom" in atom.headers["content-type"]
    assert seed in atom.text()


def workbench(page: Page, base: str, tmp_path: Path) -> None:  # noqa: F811
    page.goto(f"{base}/workbench?rule=kremlin")
    assert page.locator("#wb-query").input_value() == "Kremlin OR Putin"
    assert has_strip(page)
    page.fill("#wb-query", "Kremlin OR Beijing")
    page.click("form.rule button[type=submit]")
    page.wait_for_url("**run=1**")
    assert int(page.locator(".gained-count").inner_text()) > 0
    gained = page.locator("section.hits.gained").inner_text()
    assert "Beijing protests US arms sale to Taiwan" in gained
    assert page.locator("#wb-query").input_value() == "Kremlin OR Beijing"  # kept on the run
    shoot(page, tmp_path, "workbench")


@pytest.fixture
def filled(tmp_path: Path, web: HTTPServer) -> Config:
    """The database of a real poll, filled before the browser starts (sync Playwright runs
    an event loop of its own, and the poll needs one)."""
    return fill(tmp_path, web)


def test_the_analysts_whole_path_in_a_browser(
        filled: Config, page: Page, tmp_path: Path) -> None:  # noqa: F811
    desk = make_desk(filled, clock=lambda: NOW)
    create_user(desk)
    seed = "The U.S. is concerned that a bilateral meeting"
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    with desk_server(desk) as base:
        log_in(page, base, tmp_path)
        find_by_facets(page, base, seed, tmp_path)
        find_by_query(page, base, seed, tmp_path)
        open_with_keys(page, base, tmp_path)
        mark_with_keys(page, tmp_path)
        save_and_read_feed(page, base, seed)
        workbench(page, base, tmp_path)
        page.get_by_role("link", name="Ops", exact=True).click()
        page.wait_for_url(f"{base}/ops")
        assert has_strip(page)
        shoot(page, tmp_path, "ops")
    assert errors == [], errors  # no script error, no refused script or style
    for name in SHOTS:
        data = (tmp_path / f"{name}.png").read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, name
