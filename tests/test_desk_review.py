"""The desk's Python API under review: a hit of a rule stored from the workbench (run beside
``config.yaml``'s) is explained on the story page as a config rule's is."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from sqlalchemy import select

from monitor.db import stored_rules
from monitor.db.engine import make_engine
from monitor.db.models import Article, Hit
from monitor.db.session import unit_of_work
from monitor.desk.story import story_detail
from tests.desk_list_data import NOW, fill


def test_a_stored_rules_hit_is_explained_on_the_story_page(tmp_path: Path,
                                                            web: HTTPServer) -> None:
    config = fill(tmp_path, web)  # polled with the rules "russia-china-us" and "kremlin"
    (kremlin,) = [r for r in config.rules if r.name == "kremlin"]
    # Now "kremlin" lives in the rules table (saved from the workbench), not in config.yaml.
    ops_config = config.model_copy(update={"rules": [r for r in config.rules
                                                     if r.name != "kremlin"]})
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        stored_rules.save_rule(s, kremlin, "ana", NOW)
        story_id = s.scalar(select(Article.story_id).join(Hit, Hit.article_id == Article.id)
                            .where(Hit.rule == "kremlin").limit(1))
        assert story_id is not None
        detail = story_detail(s, story_id, ops_config)
    fired = [r for r in detail.rules if r.rule == "kremlin"]
    assert fired and all(r.trace is not None for r in fired), "shown as no longer configured"
    with unit_of_work(engine) as s:
        stored_rules.set_enabled(s, "kremlin", False, "ana", NOW)
        detail = story_detail(s, story_id, ops_config)
    assert all(r.trace is None for r in detail.rules if r.rule == "kremlin")
    engine.dispose()
