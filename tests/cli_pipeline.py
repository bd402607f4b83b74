"""A config file and a database filled by the real pipeline, for the CLI tests of hits,
stories and alerts: feeds on a loopback server, one poll cycle at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.cli import cli
from monitor.config import load_config
from tests.helpers import rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
OUTLET_A = {"title": "Xi and Putin pledge deeper ties in Moscow", "guid": "a1",
            "link": "http://127.0.0.1:9/a/xi-putin", "pubDate": "Mon, 05 Jan 2026 11:30:00 GMT",
            "description": "Chinese President Xi Jinping met Vladimir Putin in the Kremlin on "
                           "Monday as Washington warned against a one-sided ceasefire."}
OUTLET_B = {"title": "Putin and Xi pledge deeper ties during Moscow visit", "guid": "b1",
            "link": "http://127.0.0.1:9/b/putin-xi-moscow",
            "pubDate": "Mon, 05 Jan 2026 11:45:00 GMT",
            "description": "Xi Jinping met Vladimir Putin at the Kremlin in Moscow on Monday, "
                           "and the White House warned against a one-sided ceasefire."}


def serve(web: HTTPServer, name: str, items: list[dict[str, str]]) -> str:
    web.expect_request(f"/{name}.xml").respond_with_data(rss(items),
                                                         content_type="application/rss+xml")
    return web.url_for(f"/{name}.xml")


def write_config(tmp_path: Path, feeds: list[dict[str, Any]],
                 channels: list[dict[str, Any]] | None = None, max_attempts: int = 3) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"allow_private_addresses": True, "full_text": False, "timeout": "10s"},
        "feeds": feeds,
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": channels or [],
                   "retry": {"base_seconds": 1, "max_seconds": 5,
                             "max_attempts": max_attempts}},
    }))
    return path


def poll(path: Path, now: datetime = NOW) -> api.OnceReport:
    """One real poll cycle (and dispatch) of the config at ``path``."""
    return api.poll_once(load_config(path), now=now, workers=0)


def run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(path), *args], obj={})
    return result.exit_code, result.stdout, result.stderr
