"""Users extend the catalogue without editing the package: `entities:` in config.yaml (checked
like the rest of the config, merged into the packaged catalogue, used by the daemon, `rules
test` and queries), and `monitor entities QUERY` finds an entity's @id by any alias."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor.cli import cli
from monitor.config import parse_config
from monitor.errors import ConfigError
from monitor.rules.checks import check_rules
from monitor.rules.engine import RuleEngine
from monitor.rules.user_entities import catalogue_for
from tests.helpers import rss

ACME = {"id": "acme-rockets", "name": "Acme Rockets", "country": "US", "kind": "company",
        "aliases": {"en": ["Acme Rockets", "Acme"], "ru": ["Акме*"]}}


def run(config: dict[str, Any], tmp_path: Path, *args: str, input: str | None = None
        ) -> tuple[int, str, str]:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), *args], input=input, obj={})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("entities", "path", "message"), [
    ([{**ACME, "aliases": {"en": ["Acme", "Acme Rockets", " "]}}],
     "entities.0.aliases.en.2", "at least 2 characters"),
    ([{**ACME, "aliases": {"klingon": ["Acme"]}}],
     "entities.0.aliases.klingon", "unknown language 'klingon'"),
    ([{**ACME, "country": "UK"}], "entities.0.country", "'RU', 'CN' or 'US'"),
    ([{**ACME, "related": {"FR": 0.5}}], "entities.0.related.FR", "'RU', 'CN' or 'US'"),
    ([{**ACME, "related": {"RU": 2}}], "entities.0.related.RU", "less than or equal to 1"),
    ([{"id": "bad id!", "name": "X", "country": "RU"}], "entities.0.id", "pattern"),
    ([{**ACME, "patterns": ["(unclosed"]}], "entities.0.patterns", "bad pattern"),
    ([{"kind": "company"}], "entities.0", "needs an id"),
    ([{**ACME, "colour": "red"}], "entities.0.colour", "unknown key"),
    # Against the packaged catalogue:
    ([{"id": "acme-rockets", "country": "US"}], "entities.0.name", "needs a name"),
    ([{"id": "acme-rockets", "name": "Acme"}], "entities.0.country", "needs a country"),
    ([{"id": "Q649", "country": "US", "aliases": {"en": ["Moskva"]}}], "entities.0.country",
     "Q649 is RU in the catalogue, not US"),
    ([ACME, {**ACME, "aliases": {"en": ["Acme Corp"]}}], "entities.1.id",
     "already given at entities.0"),
    ([{"id": "Q649", "weak": True}], "entities.0.weak", "only aliases, weak_aliases"),
    ([{"id": "Q7184", "related": {"US": 1.0}}], "entities.0.related", "only aliases"),
])
def test_bad_entities_are_config_errors_with_their_key_path(
        tmp_path: Path, entities: list[dict[str, Any]], path: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        check_rules(parse_config({"entities": entities}, env={}))
    problems = dict(err.value.problems)
    assert path in problems, problems
    assert message in problems[path]
    code, _, stderr = run({"entities": entities}, tmp_path, "check-config")
    assert code == 2 and f"{path}: " in stderr


def _about(config_entities: list[dict[str, Any]], title: str, body: str = ""
           ) -> dict[str, dict[str, int]]:
    config = parse_config({"entities": config_entities,
                           "rules": [{"name": "any", "countries": {"at_least": 1}}]}, env={})
    analysis = RuleEngine(config.rules, catalogue_for(config)).analyse(title, body)
    return {c: s.entities for c, s in analysis.countries.items()}


@pytest.mark.parametrize(("entities", "title", "expected"), [
    # A new entity of a country.
    ([ACME], "Acme wins a launch contract", {"US": {"acme-rockets": 1}}),
    ([ACME], "Акме получила контракт", {"US": {"acme-rockets": 1}}),  # a Russian stem
    # An alias added to an existing id merges: the entity keeps its own aliases.
    ([{"id": "Q649", "aliases": {"en": ["the Russian capital"]}}],
     "Snow in the Russian capital as Moscow shivers", {"RU": {"Q649": 2}}),
    # A `names:` shorthand entity (matched by its name) keeps its name beside the new alias.
    ([{"name": "Vladivostok", "aliases": {"en": ["Vladik"]}}],
     "Vladik port reopens; Vladivostok cheers", {"RU": {"vladivostok": 2}}),
    # A related entity counts with its weight, like the catalogue's NATO or Ukraine.
    ([{"id": "gazprom-neft-partner", "name": "Partner Oil", "related": {"RU": 0.5}}],
     "Partner Oil expands", {"RU": {"gazprom-neft-partner": 1}}),
    # A weak user entity counts only beside its country named outright.
    ([{**ACME, "weak": True}], "Acme wins a contract", {}),
    ([{**ACME, "weak": True}], "Acme wins a US contract", {"US": {"Q30": 1, "acme-rockets": 1}}),
])
def test_user_entities_are_merged_into_the_catalogue(
        entities: list[dict[str, Any]], title: str, expected: dict[str, dict[str, int]]) -> None:
    assert _about(entities, title) == expected


def test_queries_and_rules_test_see_user_entities(tmp_path: Path) -> None:
    rules = [{"name": "acme-in-russia", "query": "@acme-rockets AND @RU"}]
    # Without the entity, the query names an unknown entity: a config error.
    code, _, err = run({"rules": rules}, tmp_path, "check-config")
    assert code == 2 and "rules.0.query" in err and "unknown entity @acme-rockets" in err
    config = {"entities": [ACME], "rules": rules}
    code, out, err = run(config, tmp_path, "check-config")
    assert code == 0, err
    code, out, _ = run(config, tmp_path, "rules", "test", "-", "--json",
                       input="Acme opens a plant near Moscow.")
    doc = json.loads(out)
    assert code == 0 and doc["rules"]["acme-in-russia"]["matched"] is True
    assert doc["countries"]["US"]["mentions"][0]["entities"] == ["acme-rockets"]


def test_the_daemon_alerts_on_a_user_entity(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "Acme Rockets to build a plant in Moscow", "guid": "1",
         "link": "http://127.0.0.1:9/a", "description": "The Kremlin welcomed it."},
        {"title": "Tomato festival draws crowds", "guid": "2",
         "link": "http://127.0.0.1:9/b", "description": "Thousands came."},
    ]), content_type="application/rss+xml")
    config = {
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"full_text": False},
        "feeds": [{"name": "loop", "url": web.url_for("/feed.xml")}],
        "entities": [ACME],
        "rules": [{"name": "acme-in-russia", "query": "@acme-rockets AND @RU"}],
    }
    code, out, err = run(config, tmp_path, "poll", "--once")
    assert code == 0, err
    assert "[acme-in-russia] Acme Rockets to build a plant in Moscow" in out  # console channel
    code, out, _ = run(config, tmp_path, "hits", "--json")
    (hit,) = json.loads(out)
    assert hit["rule"] == "acme-in-russia"
    assert hit["evidence"]["query_matches"] == ["Acme Rockets", "Kremlin", "Moscow"]


@pytest.mark.parametrize(("query", "ref", "matched"), [
    ("Zzyzx", None, None),  # nothing: exit 1
    ("Путина", "@Q7747", ["Путин*"]),  # an inflected form finds the stem that matches it
    ("Путин", "@Q7747", ["Путин*", "путинск*"]),  # any alias containing it, any script
    ("kremlin", "@moscow-kremlin", ["Kremlin", "Kremlin's"]),  # case-insensitive
    ("Acme", "@acme-rockets", ["Acme"]),  # user entities too
    ("the Russian capital", "@Q649", ["the Russian capital"]),  # a user alias of Moscow
])
def test_entities_finds_an_id_by_any_alias(tmp_path: Path, query: str, ref: str | None,
                                           matched: list[str] | None) -> None:
    config = {"entities": [ACME, {"id": "Q649", "aliases": {"en": ["the Russian capital"]}}]}
    code, out, _ = run(config, tmp_path, "entities", query, "--json")
    found = json.loads(out) if code == 0 else []
    if ref is None:
        assert code == 1 and found == []
        return
    assert code == 0
    first = found[0]
    assert first["ref"] == ref and first["matched"] == matched
    assert first["user"] is (ref in ("@acme-rockets", "@Q649"))


def test_entities_text_output(tmp_path: Path) -> None:
    code, out, _ = run({"entities": [ACME]}, tmp_path, "entities", "acme")
    assert code == 0
    assert out.splitlines()[0].split() == ["@acme-rockets", "Acme", "Rockets", "(US,",
                                           "company,", "user)"]
    assert "aliases: Acme Rockets, Acme, Акме*" in out
    code, out, _ = run({}, tmp_path, "entities", "no such thing anywhere")
    assert code == 1 and "no entity matches 'no such thing anywhere'" in out
    code, out, _ = run({}, tmp_path, "entities", "NATO")
    assert code == 0 and out.startswith("@Q7184") and "related: US 0.3, RU 0.2" in out


def test_the_readme_entities_example_is_valid() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```yaml\n(entities:.*?)```", readme, re.S)
    assert block, "README has an entities example"
    config = parse_config(yaml.safe_load(block.group(1)), env={})
    assert _about([e.model_dump(exclude_unset=True) for e in config.entities],
                  "Acme Rockets opens in the Russian capital") == {
        "US": {"acme-rockets": 1}, "RU": {"Q649": 1}}
