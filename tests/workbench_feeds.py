"""A database filled by a real poll of three feeds on loopback for the workbench tests: the
seed story (its page, extracted), the Xi–Putin story of two outlets, and unrelated stories
(one names the Kremlin and nothing else of the three countries)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pytest_httpserver import HTTPServer
from sqlalchemy import select

from monitor import api
from monitor.config import Config
from monitor.db.models import Article
from monitor.db.session import unit_of_work
from tests.cli_pipeline import OUTLET_A, OUTLET_B, serve
from tests.conftest import shared
from tests.helpers import make_config, seed_page

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
MUSEUM = {"title": "Kremlin museum opens a new wing of icons", "guid": "m1",
          "link": "http://127.0.0.1:9/a/museum", "pubDate": "Mon, 05 Jan 2026 09:00:00 GMT",
          "description": "The Kremlin museum opened a new wing of medieval icons on Sunday, "
                         "its curators said."}
BIKES = {"title": "Council approves new bike lanes downtown", "guid": "k1",
         "link": "http://127.0.0.1:9/b/bikes", "pubDate": "Mon, 05 Jan 2026 08:00:00 GMT",
         "description": "The city council approved twelve kilometres of protected bike lanes "
                        "after a long debate."}
WHEAT = {"title": "Wheat prices climb after a dry autumn", "guid": "w1",
         "link": "http://127.0.0.1:9/b/wheat", "pubDate": "Mon, 05 Jan 2026 07:00:00 GMT",
         "description": "Wheat futures rose for a third week as farmers counted the cost of a "
                        "dry autumn."}


def poll_feeds(web: HTTPServer, db_url: str, extra_items: list[dict[str, str]] | None = None,
               now: datetime = NOW, **config: Any) -> Config:
    """Serve the feeds (``extra_items`` added to the daily one) and poll them once for real;
    returns the config."""
    title, page = seed_page(shared("seed/seed-article.txt").read_text("utf-8"))
    web.expect_request("/story/seed.html").respond_with_data(page, content_type="text/html")
    seed_item = {"title": title, "link": web.url_for("/story/seed.html"), "guid": "seed-1",
                 "pubDate": "Mon, 05 Jan 2026 10:00:00 GMT"}
    feeds = [
        {"name": "seed", "url": serve(web, "seed", [seed_item]), "full_text": True},
        {"name": "wire", "url": serve(web, "wire", [OUTLET_A, MUSEUM])},
        {"name": "daily", "url": serve(web, "daily", [OUTLET_B, BIKES, WHEAT,
                                                     *(extra_items or [])])},
    ]
    cfg = make_config(db_url, feeds, full_text=False, **config)
    api.poll_once(cfg, now=now, workers=0)
    return cfg


def article_ids(config: Config) -> dict[str, int]:
    """Each stored article's id by its title's first word (Xi, Putin, Kremlin, …; the seed
    story is ``seed``)."""
    with unit_of_work_of(config) as s:
        rows = s.execute(select(Article.id, Article.title, Article.url)).all()
    return {("seed" if url.endswith("/story/seed.html") else title.split()[0]): id_
            for id_, title, url in rows}


def story_ids(config: Config) -> dict[str, int | None]:
    with unit_of_work_of(config) as s:
        rows = s.execute(select(Article.title, Article.url, Article.story_id)).all()
    return {("seed" if url.endswith("/story/seed.html") else title.split()[0]): sid
            for title, url, sid in rows}


def unit_of_work_of(config: Config) -> Any:
    from monitor.db.engine import make_engine
    return unit_of_work(make_engine(config.database.url))
