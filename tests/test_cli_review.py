"""Issue 12's acceptance, command by command: exit codes as the README says (0 done, 1 failed
at runtime, 2 usage or configuration error), unknown names are the shared "did you mean"
usage error everywhere (`rules backtest --rule`, `rules test --tags/--lang`), a SQLite file
in a folder that does not exist says so, and every `--json` shape is in the README. Real
feeds on loopback, a real SQLite file filled by a poll cycle; in-process CliRunner."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from tests.cli_pipeline import OUTLET_A, OUTLET_B, poll, run, serve, write_config
from tests.conftest import ROOT

STORY = ("U.S. Restricts Sales of Sophisticated Chips to China and Russia\n\n"
         "The move by the U.S. Commerce Department follows talks with Mr. Xi in Beijing.\n")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A config (feeds tagged, a console channel) whose database holds one story from two
    outlets and its alert (the tests only read it)."""
    web = HTTPServer(host="127.0.0.1", port=0)
    web.start()
    try:
        path = write_config(tmp_path_factory.mktemp("review"), [
            {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A]), "tags": ["wire"]},
            {"name": "outlet-b", "url": serve(web, "b", [OUTLET_B]), "tags": ["intl"]}],
            [{"name": "console", "type": "console"}])
        assert poll(path).cycle.total("hits") == 2
        yield path
    finally:
        web.stop()


def _run(path: Path, args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is None:
        return run(path, *args)
    from click.testing import CliRunner

    from monitor.cli import cli

    result = CliRunner().invoke(cli, ["--config", str(path), *args], input=stdin, obj={})
    return result.exit_code, result.stdout, result.stderr


EXIT_CODES: list[tuple[list[str], int]] = [
    # 0: every command of JSON_COMMANDS below (with --json); the rules test and backtest
    # usage errors: their own tests.
    (["entities", "Nobody Atall"], 1),  # found nothing, as grep
    (["no-such-command"], 2), (["hits", "--since", "soon"], 2),
    (["hits", "--rule", "russia-china"], 2), (["hits", "--feed", "outlet-c"], 2),
    (["hits", "--country", "Russia"], 2), (["story", "999"], 2), (["alerts", "retry", "999"], 2),
    (["alerts", "retry", "1"], 2),  # already sent, no --force
    (["alerts", "test", "slack"], 2), (["feeds", "remove", "outlet-c"], 2),
    (["feeds", "disable", "outlet-a"], 2),  # config.yaml manages it
    (["rules", "test", "--feed", "outlet-c", "-"], 2),
    (["rules", "test", "no-such-file.txt"], 2),
]


@pytest.mark.parametrize(("args", "code"), EXIT_CODES, ids=[" ".join(a) for a, _ in EXIT_CODES])
def test_exit_codes_are_the_documented_ones(filled: Path, args: list[str], code: int) -> None:
    got, out, err = _run(filled, args, stdin=STORY if args[-1] == "-" else None)
    assert got == code, (out, err)
    assert "Traceback" not in out + err
    if code == 2:
        assert err.strip(), "a usage error says what was wrong"


def test_backtest_unknown_rule_is_the_shared_did_you_mean_error(filled: Path) -> None:
    code, out, err = run(filled, "rules", "backtest", "--rule", "russia-china")
    assert code == 2 and out == ""
    assert "error: no rule 'russia-china'; did you mean 'russia-china-us'?" in err
    assert "(known: russia-china-us)" in err
    code, out, _ = run(filled, "rules", "backtest", "--rule", "russia-china-us",
                       "--since", "1000d", "--json")
    assert code == 0 and {h["rule"] for h in json.loads(out)} == {"russia-china-us"}


def test_rules_test_checks_tags_and_language(filled: Path) -> None:
    code, out, err = _run(filled, ["rules", "test", "--lang", "english", "-"], stdin=STORY)
    assert code == 2 and out == ""
    assert "unknown language code 'english'" in err and "did you mean `en` (English)?" in err
    code, _, err = _run(filled, ["rules", "test", "--lang", "EN", "-"], stdin=STORY)
    assert code == 2 and "did you mean `en`" in err
    code, out, err = _run(filled, ["rules", "test", "--tags", "wire,wier", "-"], stdin=STORY)
    assert code == 2 and out == ""
    assert "no tag 'wier'; did you mean 'wire'? (known: intl, wire)" in err
    for ok in (["--lang", "en-GB"], ["--lang", "ru"], ["--tags", "wire, intl"]):
        code, out, err = _run(filled, ["rules", "test", *ok, "-"], stdin=STORY)
        assert code == 0, err
        assert "rule russia-china-us: MATCH" in out


@pytest.mark.parametrize("args", [["status"], ["db", "prune"], ["rules", "backtest"],
                                  ["poll", "--once"], ["db", "upgrade"]])
def test_a_sqlite_file_in_a_missing_folder_is_named(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": "sqlite:///no-such-folder/monitor.db"},
        "feeds": [{"name": "wire", "url": "http://127.0.0.1:9/feed.xml"}],
        "rules": [{"name": "r", "countries": {"at_least": 2}}]}))
    code, out, err = run(path, *args)
    assert code == 1, (out, err)
    folder = tmp_path / "no-such-folder"
    assert f"the folder {folder} does not exist" in err, err
    assert "unable to open database file" not in err and "sqlalche.me" not in err
    assert not folder.exists()


def _keys(data: Any) -> set[str]:
    """Every key of a JSON document's objects, at any depth (maps keyed by data excepted)."""
    if isinstance(data, list):
        return set().union(*map(_keys, data)) if data else set()
    if not isinstance(data, dict):
        return set()
    if all(re.fullmatch(r"[a-z_]+", k) for k in data):
        return set(data) | set().union(*map(_keys, data.values()))
    return set().union(*map(_keys, data.values()))  # rule names, statuses, languages


JSON_COMMANDS = [["status"], ["feeds"], ["hits"], ["story", "1"], ["alerts"],
                 ["alerts", "dispatch"], ["check-config"], ["db", "prune"],
                 ["rules", "backtest", "--since", "1000d"], ["rules", "test", "-"],
                 ["entities", "Putin"]]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=[" ".join(a) for a in JSON_COMMANDS])
def test_every_json_key_is_in_the_readme(filled: Path, args: list[str]) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    code, out, err = _run(filled, [*args, "--json"], stdin=STORY if args[-1] == "-" else None)
    assert code == 0, err  # everything asked was done: exit 0
    keys = _keys(json.loads(out))
    assert keys
    missing = sorted(k for k in keys if not re.search(rf"[`\"{{\[(,\s]{k}[`\",}}\])\s]", readme))
    assert not missing, f"`monitor {' '.join(args)} --json` keys not in the README: {missing}"
