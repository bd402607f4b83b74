"""Browser fixtures for the desk's tests: Debian's chromium driven by sync Playwright (never a
downloaded browser). Without /usr/bin/chromium a browser test skips, saying why, unless CI is
set: then it fails (CI must have it; `.ci/run` installs it). Import the fixtures into a test
module: ``from tests.desk_browser import browser, page  # noqa: F401``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import IN_CI

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing, and CI must have it (.ci/run installs it)")
    pytest.skip(f"no {CHROMIUM}: install Debian's chromium to run the browser tests")


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A headless chromium for the test (one per test: tests stay independent)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (its own context: no cookies from another test), 10 s timeouts."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
