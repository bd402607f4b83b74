"""The CLI as a user runs it: exit codes, human output and --json documents."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor.cli import cli
from tests.conftest import ROOT, shared
from tests.helpers import rss, seed_page


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None
        ) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, env=env, obj={})
    return result.exit_code, result.stdout, result.stderr


def test_check_config_accepts_the_shipped_config() -> None:
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "check-config")
    assert code == 0 and out.startswith("OK:")


def test_check_config_rejects_a_broken_one_with_key_paths(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [{name: a, url: 'ftp://x'}]\nscheduler: {tick: soon}\n")
    code, _, err = run("--config", str(bad), "check-config")
    assert code == 2
    assert "feeds.0.url" in err and "scheduler.tick" in err


def test_monitor_config_env_var_is_the_default(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("rules: [{name: r}]\n")
    code, _, err = run("check-config", env={"MONITOR_CONFIG": str(bad)})
    assert code == 2 and "rules.0" in err


def test_rules_test_on_the_seed_story() -> None:
    seed = shared("seed/seed-article.txt")
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "rules", "test", str(seed),
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["rules"]["russia-china-us"]["matched"] is True
    assert all(doc["countries"][c]["about"] for c in ("RU", "CN", "US"))
    assert any(m["text"] == "Jake Sullivan" for m in doc["countries"]["US"]["mentions"])
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "rules", "test", str(seed))
    assert code == 0 and "rule russia-china-us: MATCH" in out and "[Xi Jinping]" in out


def test_rules_test_reads_html_and_stdin(tmp_path: Path) -> None:
    seed = shared("seed/seed-article.txt").read_text("utf-8")
    _, page = seed_page(seed)
    html = tmp_path / "page.html"
    html.write_bytes(page)
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "rules", "test", str(html),
                       "--json")
    assert code == 0 and json.loads(out)["rules"]["russia-china-us"]["matched"]
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "rules", "test", "-", "--json",
                       input="The weather was mild and the harvest good.")
    assert code == 0 and json.loads(out)["rules"]["russia-china-us"]["matched"] is False


def test_rules_test_on_a_missing_file_is_a_usage_error() -> None:
    code, _, err = run("--config", str(ROOT / "config.yaml"), "rules", "test", "/nonexistent")
    assert code == 2 and "cannot read" in err


def test_demo_prints_a_hit_with_evidence() -> None:
    code, out, _ = run("demo")
    assert code == 0
    assert "[russia-china-us] Xi and Putin pledge deeper ties" in out
    assert "Vladimir Putin" in out and "the White House" in out and "[Xi Jinping]" in out
    assert "1 hit(s)" in out


def test_poll_once_then_inspect(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "Kremlin says Putin will host Xi", "guid": "1",
         "link": "http://127.0.0.1:9/a", "description": "Washington is watching closely."},
        {"title": "Tomato festival draws crowds", "guid": "2",
         "link": "http://127.0.0.1:9/b", "description": "Thousands came."},
    ]), content_type="application/rss+xml")
    config = {
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"full_text": False},
        "feeds": [{"name": "loop", "url": web.url_for("/feed.xml")}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    code, out, err = run("--config", str(path), "poll", "--once")
    assert code == 0, err
    assert "[russia-china-us] Kremlin says Putin will host Xi" in out  # console channel
    assert "polled 1 feeds (0 failed)" in err

    code, out, _ = run("--config", str(path), "feeds", "--json")
    (feed,) = json.loads(out)
    assert feed["name"] == "loop" and feed["articles"] == 2 and feed["status"] == 200

    code, out, _ = run("--config", str(path), "hits", "--since", "24h", "--json")
    (hit,) = json.loads(out)
    assert hit["rule"] == "russia-china-us" and hit["feeds"] == ["loop"]
    code, _, err = run("--config", str(path), "hits", "--rule", "other")
    assert code == 2 and "no rule 'other'" in err  # tests/test_cli_hits.py has the rest
    code, _, err = run("--config", str(path), "hits", "--since", "yesterday")
    assert code == 2 and "duration" in err

    code, out, _ = run("--config", str(path), "alerts", "--json")
    (alert,) = json.loads(out)
    assert alert["status"] == "sent" and alert["channel"] == "console"
    code, out, _ = run("--config", str(path), "alerts", "dispatch")
    assert code == 0 and out.strip() == "sent 0, retrying 0, failed 0"
    code, out, _ = run("--config", str(path), "feeds")
    assert code == 0 and "loop" in out


def test_database_errors_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"database": {
        "url": "postgresql://nobody@127.0.0.1:1/none"}}))
    code, _, err = run("--config", str(path), "db", "upgrade")
    assert code == 1 and err.startswith("error:")
