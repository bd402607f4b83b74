"""A database filled by a real poll of two loopback outlets that both carry the seed story
(full text fetched from their pages), one of them also a story whose headline and text are
hostile HTML: for the story page's tests."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from monitor.config import Config, load_config
from monitor.db.engine import make_engine
from monitor.db.models import Article
from monitor.db.session import unit_of_work
from tests.cli_pipeline import poll, serve, write_config
from tests.conftest import shared
from tests.helpers import seed_page

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
HOSTILE_TEXT = (f"{HOSTILE} Vladimir Putin met Xi Jinping in Moscow on Monday. The White House "
                "warned that Russia and China must not dictate a ceasefire, Washington said.")


@dataclass(frozen=True)
class Filled:
    config: Config
    seed_title: str
    seed_story: int
    hostile_story: int


def _hostile_page() -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(HOSTILE)}"
            f"</title></head><body><article><h1>{html.escape(HOSTILE)}</h1>"
            f"<p>{html.escape(HOSTILE_TEXT)}</p><p>{html.escape(HOSTILE_TEXT)}</p></article>"
            "</body></html>").encode()


def fill(tmp_path: Path, web: HTTPServer, rules: list[dict[str, Any]] | None = None) -> Filled:
    """Two outlets carrying the seed story, polled once for real; the hostile story on the
    second outlet. ``rules``: the config's instead of the default rule."""
    title, page = seed_page(shared("seed/seed-article.txt").read_text("utf-8"))
    for outlet in ("a", "b"):
        web.expect_request(f"/{outlet}/xi-putin.html").respond_with_data(
            page, content_type="text/html; charset=utf-8")
    web.expect_request("/b/hostile.html").respond_with_data(
        _hostile_page(), content_type="text/html; charset=utf-8")
    feeds = [
        {"name": "outlet-a", "url": serve(web, "a", [
            {"title": title, "link": web.url_for("/a/xi-putin.html"), "guid": "a1"}])},
        {"name": "outlet-b", "url": serve(web, "b", [
            {"title": title, "link": web.url_for("/b/xi-putin.html"), "guid": "b1"},
            {"title": HOSTILE, "link": web.url_for("/b/hostile.html"), "guid": "b2",
             "description": HOSTILE_TEXT}])},
    ]
    path = write_config(tmp_path, feeds)
    data = yaml.safe_load(path.read_text())
    data["fetch"]["full_text"] = True  # the articles' text from their pages
    if rules is not None:
        data["rules"] = rules
    path.write_text(yaml.safe_dump(data))
    poll(path)
    config = load_config(path)
    engine = make_engine(config.database.url)
    try:
        with unit_of_work(engine) as s:
            rows = s.execute(select(Article.url, Article.story_id)).all()
    finally:
        engine.dispose()
    seed = {story for url, story in rows if url.endswith("/xi-putin.html")}
    hostile = {story for url, story in rows if url.endswith("/hostile.html")}
    assert len(seed) == 1 and len(hostile) == 1, rows  # one story across both outlets
    return Filled(config, title, seed.pop(), hostile.pop())
