"""Rules saved to the database run beside config.yaml's: checked like config rules (the same
model and query compiler), refused under a config rule's name, and picked up by a running
daemon at its next poll, without a restart; `rules backtest` sees them too."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from monitor import pipeline
from monitor.app import App, open_app
from monitor.config import Config
from monitor.db import stored_rules
from monitor.db.engine import make_engine, upgrade
from monitor.db.models import Article, Hit
from monitor.db.session import unit_of_work
from monitor.errors import ConfigError
from monitor.rules.catalogue import load_catalogue
from tests.cli_pipeline import OUTLET_A, OUTLET_B, run, serve
from tests.helpers import make_config
from tests.workbench_feeds import BIKES, MUSEUM, NOW

CATALOGUE = load_catalogue()
LATER = {"title": "Kremlin guards change at dawn", "guid": "g1",
         "link": "http://127.0.0.1:9/a/guards", "pubDate": "Mon, 05 Jan 2026 18:00:00 GMT",
         "description": "The Kremlin guard changed at dawn, as every day."}
LAST = {"title": "Kremlin bells ring for the new year", "guid": "g2",
        "link": "http://127.0.0.1:9/a/bells", "pubDate": "Tue, 06 Jan 2026 04:00:00 GMT",
        "description": "The Kremlin bells rang at midnight."}


def test_a_definition_is_checked_as_a_config_rule_is() -> None:
    rule = stored_rules.check_definition({"name": "kremlin", "query": "kremlin AND @CN"},
                                         CATALOGUE)
    assert (rule.name, rule.query, rule.severity) == ("kremlin", "kremlin AND @CN", "medium")
    with pytest.raises(ConfigError) as bad_query:
        stored_rules.check_definition({"name": "x", "query": "kremlin AND (putin"}, CATALOGUE)
    assert [key for key, _ in bad_query.value.problems] == ["query"]
    with pytest.raises(ConfigError) as no_condition:
        stored_rules.check_definition({"name": "x", "severity": "high"}, CATALOGUE)
    assert "a rule needs a condition" in str(no_condition.value)
    with pytest.raises(ConfigError) as taken:
        stored_rules.check_definition({"name": "russia-china-us", "query": "kremlin"},
                                      CATALOGUE, reserved={"russia-china-us"})
    assert taken.value.problems[0][0] == "name"
    assert "config.yaml has a rule named 'russia-china-us'" in taken.value.problems[0][1]


def test_saving_again_updates_the_rule_and_every_change_moves_the_stamp(
        sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        assert stored_rules.stamp(s) == (0, 0)
        first = stored_rules.save_rule(
            s, stored_rules.check_definition({"name": "k", "query": "kremlin"}, CATALOGUE),
            "ana", NOW)
        stamps = [stored_rules.stamp(s)]
        second = stored_rules.save_rule(
            s, stored_rules.check_definition({"name": "k", "query": "kremlin OR moscow"},
                                             CATALOGUE), "bo", NOW + timedelta(hours=1))
        stamps.append(stored_rules.stamp(s))
        stored_rules.set_enabled(s, "k", False, "bo", NOW + timedelta(hours=2))
        stamps.append(stored_rules.stamp(s))
        assert stored_rules.enabled_rules(s, CATALOGUE) == []
        stored_rules.set_enabled(s, "k", True, "ana", NOW + timedelta(hours=3))
        assert [r.query for r in stored_rules.enabled_rules(s, CATALOGUE)] == [
            "kremlin OR moscow"]
        view = stored_rules.find_rule(s, "k")
    assert (first.version, second.version) == (1, 2)
    assert view is not None
    assert (view.created_by, view.updated_by, view.version) == ("ana", "ana", 4)
    assert view.created_at == NOW and view.updated_at == NOW + timedelta(hours=3)
    assert len(set(stamps)) == 3


def _hits(config: Config) -> set[tuple[str, str]]:
    with unit_of_work(make_engine(config.database.url)) as s:
        return {(rule, title) for rule, title in s.execute(
            select(Hit.rule, Article.title).join(Article, Article.id == Hit.article_id))}


def _save(config: Config, definition: dict[str, object], enabled: bool = True) -> None:
    with unit_of_work(make_engine(config.database.url)) as s:
        stored_rules.save_rule(s, stored_rules.check_definition(definition, CATALOGUE),
                               "ana", NOW)
        if not enabled:
            stored_rules.set_enabled(s, str(definition["name"]), False, "ana", NOW)


def _serve_daily(web: HTTPServer, items: list[dict[str, str]]) -> str:
    web.clear()
    return serve(web, "daily", items)


def test_a_running_daemon_uses_a_rule_saved_meanwhile_from_its_next_poll(
        web: HTTPServer, sqlite_url: str) -> None:
    url = _serve_daily(web, [OUTLET_A, OUTLET_B, MUSEUM])
    config = make_config(sqlite_url, [{"name": "daily", "url": url}], full_text=False)
    upgrade(make_engine(sqlite_url))

    async def cycle(app: App, hours: int, items: list[dict[str, str]]) -> None:
        _serve_daily(web, items)
        report = await pipeline.poll_cycle(app, NOW + timedelta(hours=hours))
        assert report.polled == 1 and report.failed == 0

    async def daemon() -> None:
        async with open_app(config, workers=0) as app:
            pipeline.sync_feeds(app, NOW)
            await cycle(app, 0, [OUTLET_A, OUTLET_B, MUSEUM])
            _save(config, {"name": "kremlin-watch", "query": "kremlin"})
            await cycle(app, 7, [OUTLET_A, OUTLET_B, MUSEUM, LATER])
            with unit_of_work(app.engine) as s:
                stored_rules.set_enabled(s, "kremlin-watch", False, "ana", NOW)
            await cycle(app, 14, [OUTLET_A, OUTLET_B, MUSEUM, LATER, LAST])

    asyncio.run(daemon())
    assert {title for rule, title in _hits(config) if rule == "kremlin-watch"} == {
        LATER["title"]}  # saved after the first poll, disabled before the third
    assert (("russia-china-us", OUTLET_A["title"]) in _hits(config))


def test_backtest_runs_the_enabled_stored_rules_beside_the_config_ones(
        web: HTTPServer, tmp_path: Path) -> None:
    url = serve(web, "daily", [OUTLET_A, MUSEUM, BIKES])
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        "feeds": [{"name": "daily", "url": url}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}]}))
    assert run(path, "poll", "--once")[0] == 0
    config = make_config(f"sqlite:///{tmp_path / 'm.db'}", [])
    _save(config, {"name": "bikes", "query": "bike*"})
    _save(config, {"name": "icons", "query": "icons"}, enabled=False)
    code, out, err = run(path, "rules", "backtest", "--since", "1000d", "--json")
    assert code == 0, err
    assert sorted((row["rule"], row["title"]) for row in json.loads(out)) == sorted([
        ("bikes", BIKES["title"]), ("russia-china-us", OUTLET_A["title"])])
    code, out, _ = run(path, "rules", "backtest", "--since", "1000d", "--rule", "bikes",
                       "--json")
    assert code == 0 and [row["title"] for row in json.loads(out)] == [BIKES["title"]]
    code, out, err = run(path, "hits", "--rule", "icons", "--json")  # a known rule, no hits yet
    assert (code, json.loads(out)) == (0, []), err
