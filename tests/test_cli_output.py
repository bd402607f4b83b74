"""What the daemon commands tell a script and a person: exit codes and summaries of
`poll --once`, `--json` on status/check-config/db prune/poll, progress on a terminal, the log
kept out of the way unless --verbose, --version, -h, NO_COLOR and shell completion."""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor.cli import cli
from tests.conftest import ROOT
from tests.helpers import rss

STORY = {"title": "Kremlin says Putin will host Xi", "guid": "1", "link": "http://127.0.0.1:9/a",
         "description": "Washington is watching closely."}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, obj={})
    return result.exit_code, result.stdout, result.stderr


def write_config(tmp_path: Path, web: HTTPServer, *, broken: bool = False,
                 **sections: Any) -> str:
    web.expect_request("/feed.xml").respond_with_data(rss([STORY]),
                                                      content_type="application/rss+xml")
    web.expect_request("/gone.xml").respond_with_data("gone", status=410)
    feeds = [{"name": "BBC World", "url": web.url_for("/feed.xml")}]
    if broken:
        feeds.append({"name": "Old wire", "url": web.url_for("/gone.xml")})
    config = {
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"full_text": False, "extract_workers": 0},  # no worker processes to start
        "feeds": feeds,
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        **sections,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def in_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Run `monitor ARGS` with standard output and error on a pseudo-terminal; its output."""
    return terminal_output([sys.executable, "-m", "monitor", *args], env)


def terminal_output(argv: list[str], env: dict[str, str] | None = None) -> str:
    main, child = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=child, stderr=child, env={**os.environ, **(env or {})},
                            cwd=ROOT)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError as exc:  # EIO: the child closed the terminal
            assert exc.errno == errno.EIO
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.wait(timeout=120) == 0, b"".join(chunks)
    return b"".join(chunks).decode("utf-8", "replace")


# ---- poll --once ------------------------------------------------------------------------------

def test_poll_once_exits_1_and_names_each_failed_feed(tmp_path: Path, web: HTTPServer) -> None:
    config = write_config(tmp_path, web, broken=True)
    code, out, err = run("--config", config, "poll", "--once")
    assert code == 1, err
    assert "[russia-china-us] Kremlin says Putin will host Xi" in out  # the alert still went
    assert "polled 2 feeds (1 failed): 1 new entries, 1 articles, 1 hits" in err
    assert re.search(r"^  failed: Old wire \(HTTP 410\): .*410", err, re.M), err


def test_poll_once_json_is_one_summary_object(tmp_path: Path, web: HTTPServer) -> None:
    config = write_config(tmp_path, web, broken=True)
    code, out, err = run("--config", config, "poll", "--once", "--json")
    assert code == 1
    doc = json.loads(out)  # the console channel's alert went to stderr, not into the JSON
    assert "Kremlin says Putin" in err
    assert doc["ok"] is False and doc["feeds_polled"] == 2 and doc["feeds_failed"] == 1
    (failure,) = doc["failures"]
    assert failure["feed"] == "Old wire" and failure["status"] == 410 and failure["error"]
    assert (doc["new_entries"], doc["articles"], doc["hits"]) == (1, 1, 1)
    assert doc["alerts"] == {"sent": 1, "retrying": 0, "failed": 0}
    assert doc["next_due"] is None


def test_poll_once_with_nothing_due_says_when_the_next_feed_is(tmp_path: Path,
                                                                web: HTTPServer) -> None:
    config = write_config(tmp_path, web)
    assert run("--config", config, "poll", "--once")[0] == 0
    code, _, err = run("--config", config, "poll", "--once")
    assert code == 0
    assert re.search(r"^nothing due; next: BBC World at \d{4}-\d\d-\d\d \d\d:\d\d UTC "
                     r"\(in \d+ (min|h)", err, re.M), err
    code, out, _ = run("--config", config, "poll", "--once", "--json")
    doc = json.loads(out)
    assert doc["ok"] is True and doc["feeds_polled"] == 0
    assert doc["next_due"]["feed"] == "BBC World" and doc["next_due"]["at"].endswith("+00:00")


def test_poll_once_log_lines_only_with_verbose(tmp_path: Path, web: HTTPServer) -> None:
    config = write_config(tmp_path, web)
    code, _, err = run("--config", config, "poll", "--once")
    assert code == 0
    assert "feed polled" not in err and "hit stored" not in err  # no INFO lines for cron
    assert err.strip().splitlines()[-1].startswith("polled 1 feeds (0 failed)")
    (tmp_path / "m.db").unlink()
    code, _, err = run("--config", config, "--verbose", "poll", "--once")
    assert code == 0
    assert "feed polled feed=\"BBC World\"" in err and "polled 1 feeds (0 failed)" in err


def test_poll_once_on_a_terminal_shows_progress_not_the_log(tmp_path: Path,
                                                            web: HTTPServer) -> None:
    config = write_config(tmp_path, web)
    shown = in_terminal("--config", config, "poll", "--once")
    assert "polling: 0/1 feeds" in shown and "polling: 1/1 feeds, 1 new articles, 1 hits" in shown
    assert "level=INFO" not in shown
    assert "polled 1 feeds (0 failed)" in shown


def test_waits_and_sizes_are_rounded_for_people() -> None:
    from datetime import UTC, datetime, timedelta

    from monitor import human

    now = datetime(2026, 12, 2, 14, 0, 30, 999_000, tzinfo=UTC)
    assert [human.duration(s) for s in (7.999, 59.7, 719.9, 3 * 3600 + 301, 2 * 86400 + 14400)
            ] == ["8 s", "1 min", "12 min", "3 h 5 min", "2 d 4 h"]
    assert human.until(now + timedelta(seconds=719.9), now) == "in 12 min"
    assert human.until(now - timedelta(seconds=7.999), now) == "8 s ago"
    assert human.moment(now) == "2026-12-02 14:00 UTC" and human.megabytes(12_345_678) == "12.3 MB"


# ---- status, check-config, db prune -------------------------------------------------------------

def test_status_lists_the_configured_feeds_before_the_first_poll(tmp_path: Path,
                                                                  web: HTTPServer) -> None:
    config = write_config(tmp_path, web, broken=True)
    assert run("--config", config, "db", "upgrade")[0] == 0
    code, out, _ = run("--config", config, "status", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["feeds"]["total"] == 2 and doc["feeds"]["enabled"] == 2
    assert doc["feeds"]["not_polled"] == ["BBC World", "Old wire"]
    assert doc["feeds"]["last_success"] is None and doc["database_bytes"] > 0
    assert doc["database"] == f"sqlite:///{tmp_path / 'm.db'}"
    code, out, _ = run("--config", config, "status")
    assert out.startswith("feeds: 2 (2 enabled), 0 in error, 0 dead; last successful poll never")
    assert "not polled yet: BBC World, Old wire" in out


def test_status_text_rounds_times_and_sizes_for_people(tmp_path: Path, web: HTTPServer) -> None:
    config = write_config(tmp_path, web, broken=True)
    run("--config", config, "poll", "--once")
    code, out, _ = run("--config", config, "status")
    assert code == 0
    assert re.search(r"last successful poll \d{4}-\d\d-\d\d \d\d:\d\d UTC \((\d+ s ago|now)\)$",
                     out.splitlines()[0]), out
    assert "  ! Old wire: HTTP 410 Gone" in out
    assert re.search(r"^  #1 \d{4}-\d\d-\d\d \d\d:\d\d UTC \[russia-china-us\] Kremlin", out,
                     re.M)
    assert re.search(r"^database: sqlite:///\S+ \(\d+\.\d MB\)$", out, re.M)
    doc = json.loads(run("--config", config, "status", "--json")[1])
    assert doc["feeds"]["dead"] == 1 and doc["feeds"]["not_polled"] == []
    assert doc["latest_hits"][0]["created_at"].endswith("+00:00")


def test_check_config_json(tmp_path: Path) -> None:
    code, out, _ = run("--config", str(ROOT / "config.yaml"), "check-config", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["ok"] is True and doc["feeds"] > 0 and doc["rules"] > 0
    assert {"name": "console", "type": "console"} in doc["channels"] or doc["channels"] == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [{name: a, url: 'ftp://x'}]\nscheduler: {tick: soon}\n")
    code, out, err = run("--config", str(bad), "check-config", "--json")
    assert code == 2 and err == ""
    doc = json.loads(out)
    assert doc["ok"] is False
    keys = {e["key"] for e in doc["errors"]}
    assert {"feeds.0.url", "scheduler.tick"} <= keys
    assert all(e["message"] for e in doc["errors"])


def test_db_prune_json(tmp_path: Path, web: HTTPServer) -> None:
    config = write_config(tmp_path, web)
    code, out, _ = run("--config", config, "db", "prune", "--json")
    assert code == 0
    assert json.loads(out) == {"pruned_articles": 0, "older_than_days": 30}
    code, out, _ = run("--config", config, "db", "prune")
    assert out.strip() == "pruned the text of 0 article(s) older than 30 days"


# ---- --version, -h, NO_COLOR, completion ------------------------------------------------------

def test_version_is_the_package_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"monitor {version('monitor')}"


def _commands(group: click.Group, path: list[str]) -> list[list[str]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, [*path, name])
        else:
            found.append([*path, name])
    return found


def test_dash_h_is_help_on_every_command() -> None:
    paths = _commands(cli, [])
    assert ["poll"] in paths and ["db", "prune"] in paths and ["alerts", "retry"] in paths
    for path in paths:
        code, out, err = run(*path, "-h")
        assert code == 0, (path, err)
        assert out.startswith("Usage: ") and "-h, --help" in out, path


# Two runs of `monitor rules test` on one terminal in one process (one start-up, not two):
# without NO_COLOR, then with it.
TWO_RUNS = """
import os, sys
from monitor.cli import cli
for no_color in ("", "1"):
    os.environ["NO_COLOR"] = no_color
    print("--- NO_COLOR=" + no_color, flush=True)
    try:
        cli.main(sys.argv[1:], prog_name="monitor", obj={})
    except SystemExit as exc:
        assert not exc.code, exc.code
"""


def test_no_color_turns_off_ansi_on_a_terminal(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Xi and Putin pledge deeper ties in Moscow as Washington watches.\n")
    shown = terminal_output([sys.executable, "-c", TWO_RUNS, "--config",
                             str(ROOT / "config.yaml"), "rules", "test", str(story)])
    coloured, plain = shown.split("--- NO_COLOR=")[1:]
    assert "\x1b[" in coloured and "MATCH" in coloured  # a terminal gets colour...
    assert "\x1b[" not in plain and "MATCH" in plain and "[Putin]" in plain  # ...unless


def test_shell_completion_script_is_produced() -> None:
    for shell, marker in (("bash", "complete -o nosort -F"), ("zsh", "#compdef monitor"),
                          ("fish", "complete --no-files --command monitor")):
        result = CliRunner().invoke(cli, [], prog_name="monitor", obj={},
                                    env={"_MONITOR_COMPLETE": f"{shell}_source"})
        assert result.exit_code == 0 and marker in result.stdout, (shell, result.stdout)
        assert "_MONITOR_COMPLETE" in result.stdout
