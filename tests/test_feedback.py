"""The loop closes (issue 14, acceptance 3): analysts' marks on stories filled by a real poll
give each rule's precision (`monitor eval --feedback`), export as labeled JSONL (`monitor
feedback export`), and `monitor eval --data` on that file gives the same precision."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import CountryCondition, RuleConfig, load_config
from monitor.db.engine import make_engine
from monitor.db.models import Article, Hit, Mark
from monitor.db.session import unit_of_work
from monitor.desk.feedback import Verdict, rule_feedback
from monitor.desk.labels import Claim, label_story
from tests.cli_pipeline import NOW, OUTLET_A, OUTLET_B, poll, run, serve, write_config
from tests.conftest import ROOT

TRADE = {"title": "China and the United States resume trade talks in Beijing", "guid": "c1",
         "link": "http://127.0.0.1:9/c/trade-talks", "pubDate": "Mon, 05 Jan 2026 10:00:00 GMT",
         "description": "Chinese and American negotiators met in Beijing on Monday to discuss "
                        "tariffs on steel, officials in Washington said."}
SWAP = {"title": "Russia and the United States swap prisoners in Abu Dhabi", "guid": "d1",
        "link": "http://127.0.0.1:9/d/prisoner-swap", "pubDate": "Mon, 05 Jan 2026 09:00:00 GMT",
        "description": "Moscow and Washington exchanged two prisoners each on Monday in a deal "
                       "brokered by the United Arab Emirates, Russian officials said."}
FLAG, KREMLIN = "russia-china-us", "kremlin"


@pytest.fixture
def desk_db(tmp_path: Path, web: HTTPServer, db_url: str
            ) -> Iterator[tuple[Path, dict[str, int]]]:
    """A database (SQLite, then PostgreSQL) filled by a real poll: the Xi-Putin story (two
    outlets), a trade story and a prisoner-swap story, all fired by the 2-of-3 rule; the
    Xi-Putin story also by `kremlin`. Yields the config path and each story's id by its first
    link."""
    path = write_config(tmp_path, [
        {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A, TRADE])},
        {"name": "outlet-b", "url": serve(web, "b", [OUTLET_B, SWAP])}])
    data = yaml.safe_load(path.read_text())
    data["rules"].append({"name": KREMLIN, "query": "Kremlin"})
    data["database"]["url"] = db_url
    path.write_text(yaml.safe_dump(data))
    report = poll(path)
    assert report.cycle.polled == 2 and report.cycle.failed == 0, report
    engine = make_engine(load_config(path).database.url)
    with unit_of_work(engine) as s:
        stories = {url: sid for url, sid in s.execute(select(Article.url, Article.story_id))}
    engine.dispose()
    yield path, {"xi": stories[OUTLET_A["link"]], "trade": stories[TRADE["link"]],
                 "swap": stories[SWAP["link"]]}


def _hit(s: Session, story: int, rule: str) -> int:
    return s.execute(select(Hit.id).join(Article, Article.id == Hit.article_id)
                     .where(Article.story_id == story, Hit.rule == rule)
                     .order_by(Hit.id)).scalars().first() or 0


def _mark(path: Path, stories: dict[str, int]) -> None:
    """The analysts' marks, as the desk writes them (rows of `marks`)."""
    engine = make_engine(load_config(path).database.url)
    t = [NOW + timedelta(minutes=n) for n in range(10)]
    with unit_of_work(engine) as s:
        xi, trade = stories["xi"], stories["trade"]
        s.add_all([
            # The Xi-Putin story: relevant; a later false positive was undone, so it stays so.
            Mark(story_id=xi, kind="relevant", user="ana", created_at=t[0]),
            Mark(story_id=xi, kind="false_positive", reason="duplicate", user="bo",
                 created_at=t[1], undone_at=t[2], undone_by="bo"),
            Mark(story_id=xi, kind="starred", user="ana", created_at=t[3]),
            # ... but the `kremlin` hit on it is off-topic: a hit mark, for that rule only.
            Mark(story_id=xi, hit_id=_hit(s, xi, KREMLIN), kind="false_positive",
                 reason="off_topic", user="ana", created_at=t[0]),
            # The trade story: relevant at first, then a false positive on the 2-of-3 hit
            # (the hit's mark wins, though older marks of the story say relevant).
            Mark(story_id=trade, hit_id=_hit(s, trade, FLAG), kind="false_positive",
                 reason="passing_mention", user="bo", created_at=t[4]),
            Mark(story_id=trade, kind="relevant", user="ana", created_at=t[5]),
            Mark(story_id=trade, kind="note", note="check the tariffs", user="ana",
                 created_at=t[6]),
        ])
    engine.dispose()


def _by_rule(doc: dict[str, object]) -> dict[str, dict[str, object]]:
    rules = doc["rules"]
    assert isinstance(rules, list)
    return {r["rule"]: r for r in rules}


def test_eval_feedback_gives_each_rules_precision_from_the_latest_marks(
        desk_db: tuple[Path, dict[str, int]]) -> None:
    path, stories = desk_db
    _mark(path, stories)
    code, out, err = run(path, "eval", "--feedback", "--json")
    assert code == 0, err
    rules = _by_rule(json.loads(out))
    assert rules[FLAG] == {
        "rule": FLAG, "stories": 3, "relevant": 1, "false_positive": 1, "unreviewed": 1,
        "precision": 0.5, "reasons": {"passing_mention": 1}}
    assert rules[KREMLIN] == {
        "rule": KREMLIN, "stories": 1, "relevant": 0, "false_positive": 1, "unreviewed": 0,
        "precision": 0.0, "reasons": {"off_topic": 1}}
    code, out, err = run(path, "eval", "--feedback")
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith(FLAG))
    assert "precision 0.50" in line and "1 relevant, 1 false positive, 1 unreviewed" in line
    assert "passing_mention 1" in out


def test_feedback_before_any_mark_and_outside_the_window(
        desk_db: tuple[Path, dict[str, int]]) -> None:
    path, _stories = desk_db
    config = load_config(path)
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        now = rule_feedback(s, config.rules, since=timedelta(days=30), now=NOW)
        later = rule_feedback(s, config.rules, since=timedelta(days=30),
                              now=NOW + timedelta(days=40))
    engine.dispose()
    flag = next(r for r in now.rules if r.rule == FLAG)
    assert (flag.stories, flag.unreviewed, flag.precision) == (3, 3, None)
    assert all(r.stories == 0 for r in later.rules)
    assert [r.rule for r in later.rules] == [FLAG, KREMLIN]  # the config's rules, still listed


def test_feedback_and_data_are_exclusive(desk_db: tuple[Path, dict[str, int]],
                                         tmp_path: Path) -> None:
    path, _stories = desk_db
    data = tmp_path / "x.jsonl"
    data.write_text("")
    code, _out, err = run(path, "eval", "--feedback", "--data", str(data))
    assert code == 2 and "--feedback and --data" in err
    code, _out, err = run(path, "eval")
    assert code == 2 and "--data" in err and "--feedback" in err


def test_export_writes_labeled_rows_and_round_trips_through_eval_data(
        desk_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    path, stories = desk_db
    _mark(path, stories)
    exported = tmp_path / "desk.jsonl"
    code, out, err = run(path, "feedback", "export", "-o", str(exported), "--json")
    assert code == 0, err
    assert json.loads(out) == {"file": str(exported), "rows": 2, "borderline": 1,
                               "rules": {FLAG: {"true": 1, "false": 1},
                                         KREMLIN: {"true": 0, "false": 1}}}
    rows = {r["story_id"]: r for r in map(json.loads, exported.read_text().splitlines())}
    assert set(rows) == {stories["xi"], stories["trade"]}  # the unreviewed story is left out
    xi, trade = rows[stories["xi"]], rows[stories["trade"]]
    assert xi["title"] == OUTLET_A["title"] and xi["body"] == OUTLET_A["description"]
    assert xi["id"] == OUTLET_A["link"] and "lang" in xi
    # Relevant for the 2-of-3 rule: the countries it claimed, confirmed; a clear row.
    assert {"RU", "CN"} <= set(xi["countries"]) and xi["borderline"] is False
    assert xi["rules"] == {FLAG: True, KREMLIN: False}
    # A passing mention: not about two of the three any more (the least salient claimed
    # country is dropped, which is a guess: borderline).
    assert len(set(trade["countries"]) & {"RU", "CN", "US"}) < 2
    assert set(trade["countries"]) < set(trade["countries_monitor"])
    assert trade["borderline"] is True and trade["rules"] == {FLAG: False}

    code, out, err = run(path, "eval", "--data", str(exported), "--json")
    assert code == 0, err
    scored = json.loads(out)
    code, out, err = run(path, "eval", "--feedback", "--json")
    assert code == 0, err
    feedback = _by_rule(json.loads(out))
    assert scored["stories"] == 2
    for rule in (FLAG, KREMLIN):
        counts = scored["rules"][rule]
        assert (counts["tp"], counts["fp"]) == (feedback[rule]["relevant"],
                                                feedback[rule]["false_positive"])
        assert counts["precision"] == feedback[rule]["precision"]
    assert scored["flag"]["precision"] == feedback[FLAG]["precision"] == 0.5


def test_export_to_stdout_and_json_needs_a_file(desk_db: tuple[Path, dict[str, int]]) -> None:
    path, stories = desk_db
    _mark(path, stories)
    code, out, err = run(path, "feedback", "export")
    assert code == 0, err
    assert len(out.splitlines()) == 2 and "2 rows" in err
    code, _out, err = run(path, "feedback", "export", "--json")
    assert code == 2 and "-o" in err


def _keys(data: object) -> set[str]:
    """Every key of a JSON document's objects, at any depth (maps keyed by data excepted)."""
    if isinstance(data, list):
        return set().union(*map(_keys, data)) if data else set()
    if not isinstance(data, dict):
        return set()
    inner = set().union(*map(_keys, data.values())) if data else set()
    return inner | set(data) if all(re.fullmatch(r"[a-z_]+", k) for k in data) else inner


def test_every_json_key_is_in_the_readme(desk_db: tuple[Path, dict[str, int]],
                                         tmp_path: Path) -> None:
    path, stories = desk_db
    _mark(path, stories)
    readme = (ROOT / "README.md").read_text("utf-8")
    exported = tmp_path / "out.jsonl"
    docs = [run(path, "eval", "--feedback", "--json")[1],
            run(path, "feedback", "export", "-o", str(exported), "--json")[1],
            "[" + ",".join(exported.read_text().splitlines()) + "]"]
    for doc in docs:
        keys = _keys(json.loads(doc))
        missing = sorted(k for k in keys
                         if not re.search(rf"[`\"{{\[(,\s]{k}[`\",}}\])\s]", readme))
        assert keys and not missing, missing


COUNTRY_RULE = RuleConfig(name="two", countries=CountryCondition(at_least=2))
QUERY_RULE = RuleConfig(name="q", query="Kremlin")
RULES = {r.name: r for r in (COUNTRY_RULE, QUERY_RULE)}
CLAIMS = {"two": Claim(("RU", "CN", "US"), {"RU": 5.0, "CN": 3.0, "US": 1.0}),
          "q": Claim(("RU", "CN", "US"))}


def _fp(rule: str, reason: str | None) -> Verdict:
    return Verdict(1, rule, "false_positive", reason, "ana")


def test_a_passing_mention_drops_the_least_salient_until_the_rule_would_not_fire() -> None:
    labels = label_story([_fp("two", "passing_mention")], CLAIMS, RULES)
    assert labels.countries == ("RU",) and labels.countries_monitor == ("RU", "CN", "US")
    assert labels.borderline and labels.rules == {"two": False}
    assert "dropped US" in labels.why and "dropped CN" in labels.why


def test_a_duplicate_says_nothing_of_the_countries() -> None:
    labels = label_story([_fp("two", "duplicate")], CLAIMS, RULES)
    assert labels.countries == ("RU", "CN", "US") and labels.borderline
    assert labels.rules == {"two": False}


def test_a_query_rules_false_positive_leaves_the_confirmed_countries_clear() -> None:
    relevant = Verdict(1, "two", "relevant", None, "ana")
    labels = label_story([relevant, _fp("q", "off_topic")], CLAIMS, RULES)
    assert labels.countries == ("RU", "CN", "US") and not labels.borderline
    assert labels.rules == {"two": True, "q": False}
    wrong = label_story([relevant, _fp("q", "wrong_entity")], CLAIMS, RULES)
    assert wrong.borderline and wrong.countries == ("RU", "CN", "US")


def test_countries_a_relevant_country_rule_confirmed_are_never_dropped() -> None:
    one = RuleConfig(name="ru-cn", countries=CountryCondition(at_least=2, of=["RU", "CN"]))
    rules = {**RULES, "ru-cn": one}
    claims = {**CLAIMS, "ru-cn": Claim(("RU", "CN"), {"RU": 5.0, "CN": 3.0})}
    labels = label_story([Verdict(1, "ru-cn", "relevant", None, "ana"),
                          _fp("two", "passing_mention")], claims, rules)
    assert labels.countries == ("RU", "CN") and labels.borderline
    assert "confirmed by another rule" in labels.why


def test_exported_text_is_the_same_data_with_nothing_a_terminal_acts_on(
        tmp_path: Path, web: HTTPServer) -> None:
    hostile = {**OUTLET_A, "title": "Xi and Putin \u202emeet\u202c in Moscow"}
    path = write_config(tmp_path, [{"name": "a", "url": serve(web, "a", [hostile])}])
    poll(path)
    engine = make_engine(load_config(path).database.url)
    with unit_of_work(engine) as s:
        story, title = s.execute(select(Article.story_id, Article.title)).one()
        s.add(Mark(story_id=story, kind="relevant", user="ana", created_at=NOW))
    engine.dispose()
    code, out, err = run(path, "feedback", "export")
    assert code == 0, err
    assert "\u202e" in title  # stored as found
    assert "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)["title"] == title
