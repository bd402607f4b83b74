"""`monitor rules test` says why each rule did or did not match: every condition (filters,
countries against the bar, each query clause) with pass or FAIL, in text and --json; --feed,
--tags and --lang set where the story came from; a text's first line is its title."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import parse_config
from monitor.rules.engine import Context, RuleEngine
from monitor.rules.user_entities import catalogue_for

RULES: list[dict[str, Any]] = [
    {"name": "russia-china-us", "countries": {"at_least": 2, "of": ["RU", "CN", "US"]}},
    {"name": "sanctions-on-russia", "query": 'sanction* NEAR/10 @RU AND NOT title:"opinion"',
     "exclude": '"fantasy football"', "languages": ["en"], "tags": ["wire"],
     "countries": {"at_least": 1, "of": ["RU"]}, "min_salience": 3},
    {"name": "chips-headline", "query": 'title:chips OR "export controls"'},
]
FEEDS = [{"name": "reuters-world", "url": "https://example.org/rss", "tags": ["wire", "intl"]},
         {"name": "tass-english", "url": "https://example.org/tass", "tags": ["ru"]}]
STORY = ("U.S. Restricts Sales of Sophisticated Chips to China and Russia\n\n"
         "The move by the U.S. Commerce Department follows talks with Mr. Xi in Beijing on "
         "sanctions against Russia.\n")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"feeds": FEEDS, "rules": RULES}), "utf-8")
    return path


def run(config: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), "rules", "test", *args],
                                input=input, obj={})
    return result.exit_code, result.stdout, result.stderr


def conditions(config: Path, *args: str, input: str = STORY) -> dict[str, Any]:
    code, out, err = run(config, "-", "--json", *args, input=input)
    assert code == 0, err
    rules: dict[str, Any] = json.loads(out)["rules"]
    return {name: rule["conditions"] for name, rule in rules.items()}


def test_a_text_files_first_line_is_its_title(config_file: Path, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY, "utf-8")
    code, out, _ = run(config_file, str(story))
    assert code == 0
    assert "title: U.S. Restricts Sales of Sophisticated Chips to China and Russia" in out
    assert "rule chips-headline: MATCH" in out  # title:chips (stdin: see the JSON test)


def test_json_lists_each_condition_with_whether_it_held(config_file: Path) -> None:
    rules = conditions(config_file, "--lang", "en")
    sanctions = rules["sanctions-on-russia"]
    assert sanctions["matched"] is False
    assert sanctions["filters"] == [
        {"key": "languages", "wanted": ["en"], "story": ["en"], "held": True},
        {"key": "tags", "wanted": ["wire"], "story": [], "held": False}]
    countries = sanctions["countries"]
    assert (countries["at_least"], countries["of"], countries["min_salience"]) == (1, ["RU"], 3)
    assert countries["held"] is True
    assert [(c["code"], c["passed"]) for c in countries["countries"]] == [("RU", True)]
    assert countries["countries"][0]["salience"] >= 3
    query = sanctions["query"]
    assert (query["text"], query["kind"], query["held"]) == (
        'sanction* NEAR/10 @RU AND NOT title:"opinion"', "and", True)
    near, not_ = query["parts"]
    assert (near["text"], near["kind"], near["held"]) == ("sanction* NEAR/10 @RU", "near", True)
    assert [(p["text"], p["held"], p["found"]) for p in near["parts"]] == [
        ("sanction*", True, ["sanctions"]), ("@RU", True, ["Russia"])]
    assert (not_["kind"], not_["held"]) == ("not", True)
    assert [(p["text"], p["kind"], p["held"]) for p in not_["parts"]] == [
        ("title:opinion", "field", False)]
    assert (sanctions["exclude"]["text"], sanctions["exclude"]["held"]) == (
        '"fantasy football"', False)
    headline = rules["chips-headline"]
    assert headline["matched"] is True and headline["filters"] == []
    assert [(p["text"], p["held"], p["found"]) for p in headline["query"]["parts"]] == [
        ("title:chips", True, ["Chips"]), ('"export controls"', False, [])]
    flag = rules["russia-china-us"]["countries"]
    assert flag["min_salience"] is None and flag["held"] is True
    assert {c["code"]: c["passed"] for c in flag["countries"]} == {
        "RU": True, "CN": True, "US": True}


def test_feed_tags_and_lang_simulate_where_the_story_came_from(config_file: Path) -> None:
    assert conditions(config_file, "--tags", "wire,intl")["sanctions-on-russia"]["matched"]
    by_feed = conditions(config_file, "--feed", "reuters-world", "--lang", "ru")
    assert by_feed["sanctions-on-russia"]["filters"] == [
        {"key": "languages", "wanted": ["en"], "story": ["ru"], "held": False},
        {"key": "tags", "wanted": ["wire"], "story": ["wire", "intl"], "held": True}]
    assert by_feed["sanctions-on-russia"]["matched"] is False


def test_text_output_marks_each_condition_pass_or_fail(config_file: Path) -> None:
    code, out, _ = run(config_file, "-", "--feed", "tass-english", "--lang", "en", input=STORY)
    assert code == 0
    lines = out.splitlines()
    start = lines.index(next(x for x in lines if x.startswith("rule sanctions-on-russia:")))
    assert "no match" in lines[start]
    assert lines[start + 1:start + 12] == [
        "    [pass] languages: en (story: en)",
        "    [FAIL] tags: wire (story: ru)",
        "    [pass] countries: at least 1 of RU with salience >= 3",
        next(x for x in lines[start:] if x.startswith("      [pass] RU ") and ">= 3" in x),
        '    [pass] query: sanction* NEAR/10 @RU AND NOT title:"opinion"',
        "      [pass] sanction* NEAR/10 @RU",
        "        [pass] sanction*: sanctions",
        "        [pass] @RU: Russia",
        "      [pass] NOT title:opinion",
        "        [FAIL] title:opinion",
        '    [pass] exclude (not matched): "fantasy football"']


def test_an_unknown_feed_is_a_usage_error_with_the_closest_name(config_file: Path) -> None:
    code, out, err = run(config_file, "-", "--feed", "reuters-wrld", input=STORY)
    assert code == 2 and out == ""
    assert "no feed named 'reuters-wrld'" in err and "did you mean 'reuters-world'?" in err


def test_article_text_reaches_the_terminal_without_control_characters(
        config_file: Path) -> None:
    story = ("Chips \x1b]0;owned\x07 title\x1b[2J\n\nSanctions on Russia hit \x1b[31mMoscow"
             "\x1b[0m exporters.\r\n")
    code, out, _ = run(config_file, "-", "--tags", "wire", input=story)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "rule chips-headline: MATCH" in out
    assert "[pass] title:chips: Chips" in out


TEXTS = [
    ("Putin and Xi meet in Moscow", "Russia and China signed deals. Sanctions loom."),
    ("Opinion: chips", "The U.S. imposed export controls. Sanctions on Russia were widened."),
    ("Fantasy football roundup", "Sanctions against Russia, fantasy football and more."),
    ("Harvest report", "The weather was mild and the harvest good."),
]


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    config = parse_config({"feeds": FEEDS, "rules": RULES}, env={})
    return RuleEngine(config.rules, catalogue_for(config))


@pytest.mark.parametrize(("title", "text"), TEXTS)
@pytest.mark.parametrize("context", [Context(), Context("en", ("reuters-world",), ("wire",)),
                                     Context("de", (), ("wire",))])
def test_the_explanation_is_the_verdict(engine: RuleEngine, title: str, text: str,
                                        context: Context) -> None:
    explained = engine.analyse(title, text, context, explain=True)
    fired = {r.rule for r in engine.analyse(title, text, context).hits}
    for result in explained.results:
        trace = result.trace
        assert trace is not None
        assert trace.matched == result.matched == (result.rule in fired)
        conditions_hold = (all(f.held for f in trace.filters)
                           and (trace.countries is None or trace.countries.held)
                           and (trace.query is None or trace.query.held)
                           and (trace.exclude is None or not trace.exclude.held))
        assert conditions_hold == result.matched
