"""A database for the ops tests, filled by a real poll at ``NOW``: a healthy outlet, a feed
whose URL answers 404 (its name carries markup, as a hostile OPML title would) and a Slack
webhook that answers 500, so the outlet's alert fails for good (one attempt allowed)."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from monitor.config import Config, load_config
from tests.cli_pipeline import NOW, OUTLET_A, poll, serve, write_config

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
BROKEN = f"broken {HOSTILE}"

__all__ = ["BROKEN", "HOSTILE", "NOW", "filled"]


def filled(tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> tuple[Path, Config]:
    """The config file and its config, once the poll has run."""
    slack.expect_request("/hook", method="POST").respond_with_data("server error", status=500)
    web.expect_request("/gone.xml").respond_with_data("gone", status=404)
    path = write_config(tmp_path, [
        {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A])},
        {"name": BROKEN, "url": web.url_for("/gone.xml")}],
        [{"name": "desk", "type": "slack", "webhook_url": slack.url_for("/hook")}],
        max_attempts=1)
    report = poll(path, NOW)
    assert report.cycle.failed == 1 and report.dispatch.failed == 1
    return path, load_config(path)
