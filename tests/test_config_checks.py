"""Configuration that cannot lie: rules that can never fire, unset variables, unknown keys,
relative SQLite paths and databases that were never migrated are each one clear line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor.cli import cli
from monitor.config import load_config
from monitor.errors import ConfigError

FEEDS = """
feeds:
  - {name: bbc-world, url: "https://feeds.example/bbc.xml", tags: [intl]}
  - {name: tass-english, url: "https://feeds.example/tass.xml", tags: [ru, state]}
"""
WEBHOOK = "https://hooks.example/T/B/x"


def lines_of(text: str, tmp_path: Path, env: dict[str, str] | None = None) -> list[str]:
    """The problem lines `load_config` reports for ``text``, as check-config prints them."""
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env=env or {})
    return [f"{p}: {m}" if p else m for p, m in err.value.problems]


@pytest.mark.parametrize(("text", "env", "expected"), [
    # rules that can never fire
    ("rules: [{name: r, countries: {at_least: 3, of: [RU, CN]}}]", {},
     "rules.0.countries: at_least 3 is more than the 2 countries in `of` (RU, CN): the rule "
     "can never fire"),
    ("rules: [{name: r, countries: {at_least: 2, of: [RU, RU]}}]", {},
     "rules.0.countries: at_least 2 is more than the 1 countries in `of` (RU): the rule can "
     "never fire"),
    ("rules: [{name: r, countries: {}, languages: [en, EN]}]", {},
     "rules.0.languages.1: unknown language code 'EN' (ISO 639, e.g. en, ru, zh); did you "
     "mean `en` (English)?"),
    ("rules: [{name: r, countries: {}, languages: [russian]}]", {},
     "rules.0.languages.0: unknown language code 'russian' (ISO 639, e.g. en, ru, zh); did "
     "you mean `ru` (Russian)?"),
    ("rules: [{name: r, countries: {}, languages: [zh-Hans]}]", {},
     "rules.0.languages.0: unknown language code 'zh-Hans' (ISO 639, e.g. en, ru, zh); did "
     "you mean `zh` (Chinese)?"),
    # the database URL
    ("database: {url: monitor.db}", {},
     "database.url: 'monitor.db' is not a database URL; expected sqlite:///path/to/monitor.db "
     "or postgresql://user@host:5432/db"),
    ("database: {url: 'postgress://db.example/monitor'}", {},
     "database.url: 'postgress://db.example/monitor': unknown database 'postgress'; expected "
     "sqlite:///path/to/monitor.db or postgresql://user@host:5432/db"),
    # environment variables
    ("database: {url: '${TRIAL_DB_URL}'}", {},
     "database.url: ${TRIAL_DB_URL} is not set (set it, or write ${TRIAL_DB_URL:-default})"),
    ("alerts: {channels: [{name: s, type: slack, enabled: true, "
     "webhook_url: '${SLACK_WEBHOOK_URL}'}]}", {"SLACK_WEBHOOK_URL": ""},
     "alerts.channels.0.webhook_url: is empty (from ${SLACK_WEBHOOK_URL}), and this slack "
     "channel says enabled: true"),
    ("alerts: {channels: [{name: s, type: slack, enabled: true, "
     "webhook_url: '${SLACK_WEBHOOK_URL:-}'}]}", {},
     "alerts.channels.0.webhook_url: is empty (from ${SLACK_WEBHOOK_URL}), and this slack "
     "channel says enabled: true"),
    # unknown keys name the closest known one
    ("alerts: {channels: [{name: c, type: console}, {name: s, type: slack}, "
     f"{{name: w, type: webhook, url: '{WEBHOOK}'}}]}}", {},
     "alerts.channels.2.url: unknown key in a webhook channel; did you mean `webhook_url`?"),
    ("fetch: {timout: 5s}", {}, "fetch.timout: unknown key; did you mean `timeout`?"),
    ("databse: {url: 'sqlite:///x.db'}", {}, "databse: unknown key; did you mean `database`?"),
    ("rules: [{name: r, country: {at_least: 2}}]", {},
     "rules.0.country: unknown key; did you mean `countries`?"),
    # a key the channel's type does not read
    (f"alerts: {{channels: [{{name: w, type: webhook, webhook_url: '{WEBHOOK}', "
     "host: smtp.example}]}", {},
     "alerts.channels.0.host: a webhook channel has no `host` (its keys: name, type, enabled, "
     "min_gap, batch_max, digest, digest_at, webhook_url, timeout)"),
])
def test_config_problem_lines(tmp_path: Path, text: str, env: dict[str, str],
                              expected: str) -> None:
    assert expected in lines_of(text, tmp_path, env)


def test_optional_variables_leave_a_channel_off_and_set_ones_fill_it(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("alerts: {channels: [{name: s, type: slack, "
                    "webhook_url: '${SLACK_WEBHOOK_URL:-}'}]}\n")
    assert load_config(path, env={}).alerts.enabled == []
    cfg = load_config(path, env={"SLACK_WEBHOOK_URL": WEBHOOK})
    assert [c.name for c in cfg.alerts.enabled] == ["s"]


# ---- rules' feeds and tags: checked by check-config and the daemon, imported feeds included --

def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj={}, env={"MONITOR_DATABASE_URL": ""})
    return result.exit_code, result.stdout, result.stderr


def write_config(tmp_path: Path, rules: str, extra: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"database: {{url: 'sqlite:///{tmp_path / 'm.db'}'}}\n{FEEDS}\n"
                    f"rules:\n{rules}\n{extra}")
    return path


@pytest.mark.parametrize(("rules", "expected"), [
    ("  - {name: r, countries: {}, tags: [intll]}",
     "rules.0.tags.0: no feed has the tag 'intll': the rule can never fire; did you mean "
     "`intl`?"),
    ("  - {name: r, countries: {}, feeds: [bbc-wrld]}",
     "rules.0.feeds.0: no feed is named 'bbc-wrld': the rule can never fire; did you mean "
     "`bbc-world`?"),
    ("  - {name: r, countries: {}, feeds: [bbc-world], tags: [state]}",
     "rules.0: none of the rule's feeds has one of its tags: the rule can never fire"),
])
def test_check_config_rejects_rules_naming_what_no_feed_has(tmp_path: Path, rules: str,
                                                            expected: str) -> None:
    code, out, err = run("--config", str(write_config(tmp_path, rules)), "check-config")
    assert code == 2, out
    assert expected in err.splitlines()[1:] or f"  {expected}" in err.splitlines(), err


def test_rules_may_name_feeds_imported_into_the_database(tmp_path: Path) -> None:
    config = write_config(tmp_path, "  - {name: r, countries: {}, feeds: [imported-wire], "
                                    "tags: [wire]}")
    code, _, err = run("--config", str(config), "check-config")
    assert code == 2 and "no feed is named 'imported-wire'" in err
    assert "feeds imported into the database were not checked" in err  # no database yet
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="wire" '
                    'category="wire"><outline type="rss" text="imported-wire" '
                    'xmlUrl="https://feeds.example/wire.xml"/></outline></body></opml>')
    assert run("--config", str(config), "db", "upgrade")[0] == 0
    code, out, err = run("--config", str(config), "feeds", "import", str(opml))
    assert code == 0, err
    feeds = json.loads(run("--config", str(config), "feeds", "--json")[1])
    assert {"name": "imported-wire", "tags": ["wire"]}.items() <= next(
        f for f in feeds if f["name"] == "imported-wire").items()
    code, out, err = run("--config", str(config), "check-config")
    assert code == 0, err
    assert out.startswith("OK: 2 feeds (+1 imported), 1 rules")


def test_the_daemon_refuses_a_rule_that_can_never_fire(tmp_path: Path) -> None:
    config = write_config(tmp_path, "  - {name: r, countries: {}, tags: [intll]}")
    code, _, err = run("--config", str(config), "poll", "--once")
    assert code == 2
    assert "rules.0.tags.0: no feed has the tag 'intll'" in err
    code, _, err = run("--config", str(config), "run")
    assert code == 2 and "rules.0.tags.0: no feed has the tag 'intll'" in err


# ---- the database: where a relative path points, and one that was never migrated -----------

def test_a_relative_sqlite_path_is_relative_to_the_config_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf_dir, elsewhere = tmp_path / "etc", tmp_path / "elsewhere"
    conf_dir.mkdir()
    elsewhere.mkdir()
    config = conf_dir / "config.yaml"
    config.write_text("database: {url: 'sqlite:///monitor.db'}\n")
    monkeypatch.chdir(elsewhere)
    code, _, err = run("--config", str(config), "db", "upgrade")
    assert code == 0, err
    assert (conf_dir / "monitor.db").exists() and not (elsewhere / "monitor.db").exists()
    monkeypatch.chdir(tmp_path)  # another folder again: the same database
    code, _, err = run("--config", "etc/config.yaml", "status")
    assert code == 0, err  # found the migrated file (a missing one is an error)
    assert not (tmp_path / "monitor.db").exists()


@pytest.mark.parametrize("command", [
    ["status"], ["feeds"], ["hits"], ["alerts"], ["rules", "backtest"],
])
@pytest.mark.parametrize("database", ["missing", "empty"])
def test_an_unmigrated_database_says_run_db_upgrade(tmp_path: Path, command: list[str],
                                                    database: str) -> None:
    db = tmp_path / "m.db"
    if database == "empty":
        sqlite3.connect(db).execute("create table unrelated (x)").connection.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {{url: 'sqlite:///{db}'}}\n")
    code, out, err = run("--config", str(config), *command)
    assert code == 1, out
    assert len(err.strip().splitlines()) == 1, err
    assert "run `monitor db upgrade`" in err and "no such table" not in err


def test_poll_once_without_auto_upgrade_says_run_db_upgrade(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}",
                                                   "auto_upgrade": False}}))
    code, _, err = run("--config", str(config), "poll", "--once")
    assert code == 1
    assert err.strip() == "error: the database has no tables yet: run `monitor db upgrade`"


# ---- `alerts test` sends what a real delivery sends ---------------------------------------

def test_alerts_test_sends_a_real_payload_marked_as_a_test(tmp_path: Path,
                                                          httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"allow_private_addresses": True},
        "rules": [{"name": "two-powers", "countries": {"at_least": 2}, "severity": "high"}],
        "alerts": {"channels": [{"name": "hook", "type": "webhook",
                                 "webhook_url": httpserver.url_for("/hook")}]}}))
    code, _, err = run("--config", str(config), "alerts", "test", "hook")
    assert code == 0, err
    ((request, _),) = httpserver.log
    body: dict[str, Any] = json.loads(request.get_data())
    assert body["test"] is True and body["title"].startswith("[monitor test] ")
    assert body["rule"] == "two-powers" and body["severity"] == "high"
    evidence = body["evidence"]
    # the evidence the rules engine writes for a real hit, not a hand-made imitation
    assert set(evidence["about"]) >= {"RU", "CN"}
    assert {"clause", "snippets", "countries"} <= set(evidence) and evidence["snippets"]
    assert evidence["countries"]["RU"]["entities"]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = ("database: {url: '${TRIAL_DB_URL}'}\n"
            "alerts: {channels: [{name: w, type: webhook, url: 'https://x.example/h'}]}\n"
            "rules: [{name: r, countries: {at_least: 3, of: [RU, CN]}, languages: [EN]}]\n")
    paths = [line.split(":")[0] for line in lines_of(text, tmp_path)]
    assert paths == ["database.url", "rules.0.countries", "rules.0.languages.0",
                     "alerts.channels.0.url"]
