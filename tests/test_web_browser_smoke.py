"""A real browser through the desk: Debian's chromium logs in through the login form, lands
on the desk, opens the ops page with its strip, and a screenshot of it is written under the
test's tmp dir; the strict CSP holds (no console error about a refused script or style)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.desk_browser import browser, page  # noqa: F401  (fixtures)
from tests.desk_support import PASSWORD, create_user, desk_server, make_desk
from tests.helpers import make_config

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_user_logs_in_through_the_form_and_sees_the_ops_page(
        page: Page, sqlite_url: str, tmp_path: Path) -> None:  # noqa: F811
    desk = make_desk(make_config(sqlite_url, []))
    create_user(desk)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with desk_server(desk) as base:
        page.goto(f"{base}/ops")
        assert "/login" in page.url
        page.fill("input[name=name]", "ana")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/ops")
        assert page.locator("h1").inner_text() == "Ops"
        assert "feeds in error" in page.locator("aside.ops-strip").inner_text()
        assert page.locator(".who").inner_text() == "ana"
        shot = tmp_path / "ops.png"
        page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    assert not [e for e in errors if "Content Security Policy" in e], errors
