"""Listing hits reads the database a fixed number of times, however many hits it lists: the
feeds that carried each article are one query for all of them. Counted on real SQLite files
with SQLAlchemy's ``before_cursor_execute``; the feeds on a loopback server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from sqlalchemy import event
from sqlalchemy.engine import Engine

from monitor import api
from monitor.config import Config, parse_config
from tests.helpers import rss


def _filled(folder: Path, web: HTTPServer, n: int) -> Config:
    stories = [{"title": f"Story {i}: Putin and Xi meet in Moscow on topic {i * 7919}",
                "guid": f"s{i}", "link": f"http://127.0.0.1:9/s{i}",
                "description": f"Subject {i * 104729} was discussed in the Kremlin."}
               for i in range(n)]
    web.expect_request(f"/{n}.xml").respond_with_data(rss(stories),
                                                      content_type="application/rss+xml")
    folder.mkdir()
    config = parse_config({
        "database": {"url": f"sqlite:///{folder / 'monitor.db'}"},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        "feeds": [{"name": "wire-b", "url": web.url_for(f"/{n}.xml")},
                  {"name": "wire-a", "url": web.url_for(f"/{n}.xml") + "?copy"}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
    }, env={})
    api.poll_once(config, workers=0)
    return config


def _recent_hits(config: Config) -> tuple[list[dict[str, Any]], int]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        hits = api.recent_hits(config)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return hits, sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def test_recent_hits_reads_the_same_whatever_the_number_of_hits(tmp_path: Path,
                                                                web: HTTPServer) -> None:
    few, few_selects = _recent_hits(_filled(tmp_path / "few", web, 2))
    many, many_selects = _recent_hits(_filled(tmp_path / "many", web, 8))
    assert (len(few), len(many)) == (2, 8)
    assert few_selects == many_selects
    assert all(h["feeds"] == ["wire-a", "wire-b"] for h in few + many)
