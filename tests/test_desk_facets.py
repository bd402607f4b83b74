"""Story facets (monitor.db.facets): the rows a real poll stores with its hits say what the
hits' evidence says (rule, about-countries, counted entities), and migration 0006 back-fills
the same rows on a database that had hits before it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, select

from monitor.db.engine import alembic_config, make_engine, upgrade
from monitor.db.facets import facet_values
from monitor.db.models import Article, Hit, StoryFacet
from monitor.db.session import unit_of_work
from tests.desk_list_data import fill

Row = tuple[int, int, str, str, str]


def _stored(engine: Engine) -> set[Row]:
    with unit_of_work(engine) as s:
        return {(r.hit_id, r.story_id, r.kind, r.value, r.label)
                for r in s.scalars(select(StoryFacet))}


def _from_evidence(engine: Engine) -> set[Row]:
    """What each hit's evidence says, read independently of the facet table."""
    with unit_of_work(engine) as s:
        return {(hit.id, story_id, kind, value, label)
                for hit, story_id in s.execute(
                    select(Hit, Article.story_id).join(Article, Article.id == Hit.article_id))
                for kind, value, label in facet_values(hit.rule, hit.evidence.to_json())}


def test_a_poll_stores_each_hits_facets_with_it(tmp_path: Path, web: HTTPServer,
                                                db_url: str) -> None:
    engine = make_engine(fill(tmp_path, web, db_url).database.url)
    try:
        stored = _stored(engine)
        assert stored == _from_evidence(engine)
        kinds = {(kind, value) for _h, _s, kind, value, _l in stored}
        assert {("rule", "kremlin"), ("rule", "russia-china-us"), ("country", "RU"),
                ("country", "CN"), ("entity", "Q15031")} <= kinds
        assert ("Q15031", "Xi Jinping") in {(v, label) for _h, _s, k, v, label in stored
                                            if k == "entity"}
    finally:
        engine.dispose()


def test_the_migration_back_fills_the_facets_of_stored_hits(tmp_path: Path, web: HTTPServer,
                                                            db_url: str) -> None:
    engine = make_engine(fill(tmp_path, web, db_url).database.url)
    try:
        before = _stored(engine)
        command.downgrade(alembic_config(engine), "0005")  # a database of before the table
        upgrade(engine)
        assert _stored(engine) == before and before
    finally:
        engine.dispose()


def test_facets_are_the_countries_the_hit_is_about_not_every_country_named() -> None:
    evidence = {"about": ["RU"], "countries": {
        "RU": {"entities": [{"id": "Q7747", "name": "Vladimir Putin", "count": 2}]},
        "US": {"entities": [{"id": "Q30", "name": "United States", "count": 1}]}}}
    assert sorted(facet_values("r", evidence)) == [
        ("country", "RU", ""), ("entity", "Q30", "United States"),
        ("entity", "Q7747", "Vladimir Putin"), ("rule", "r", "")]
    assert facet_values("r", None) == [("rule", "r", "")]
