"""The story page in a real browser (Debian's Chromium driven by Playwright): the keyboard
marks a false positive (x, then the reason's number) through the page's script, and the mark
is there after a reload; j/k move between hits; ? shows the help. Screenshots of each step
go to the test's tmp dir. Skips without /usr/bin/chromium, unless under CI, where it fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from tests.desk_browser import CHROMIUM, LAUNCH_ARGS, need_chromium
from tests.desk_story_data import fill
from tests.desk_support import PASSWORD, create_user, desk_server, make_desk


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page of a headless Chromium (the system's; never a downloaded browser)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page
            assert errors == [], errors  # no script error, no CSP violation thrown
        finally:
            browser.close()


def test_x_then_a_reason_marks_a_false_positive_that_survives_a_reload(
        tmp_path: Path, web: HTTPServer) -> None:
    filled = fill(tmp_path, web)
    desk = make_desk(filled.config)
    create_user(desk)
    url = f"/stories/{filled.seed_story}"
    with desk_server(desk) as base, chromium_page() as page:
        page.goto(f"{base}/login?next={url}")
        page.fill('input[name="name"]', "ana")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}{url}")
        assert page.locator("#evidence mark", has_text="Xi Jinping").count() > 0
        page.screenshot(path=str(tmp_path / "story.png"), full_page=True)

        page.keyboard.press("?")
        page.wait_for_selector(".desk-overlay >> text=false positive, then 1–5")
        page.screenshot(path=str(tmp_path / "help.png"))
        page.keyboard.press("Escape")

        hits = page.locator("[data-hit-id]")
        page.keyboard.press("j")
        page.keyboard.press("j")
        assert "is-current" in (hits.nth(1).get_attribute("class") or "")
        page.keyboard.press("k")
        assert "is-current" in (hits.nth(0).get_attribute("class") or "")
        page.reload()  # no hit picked: x marks the whole story

        page.keyboard.press("x")
        page.wait_for_selector(".desk-overlay >> text=passing mention")
        page.screenshot(path=str(tmp_path / "reason.png"))
        page.keyboard.press("2")
        page.wait_for_selector("#review-state >> text=false positive (passing mention)")

        page.reload()
        assert page.locator("#review-state").inner_text() == \
            "false positive (passing mention)"
        history = page.locator("#history li").first.inner_text()
        assert "false positive (passing mention)" in history and "by ana" in history
        page.screenshot(path=str(tmp_path / "marked.png"), full_page=True)
    for name in ("story", "help", "reason", "marked"):
        assert (tmp_path / f"{name}.png").stat().st_size > 0
