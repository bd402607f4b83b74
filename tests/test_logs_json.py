"""`logging.format: json` keeps every field whole and typed, for every command (poll --once
too), and what the call site says is never dropped."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor import logs
from monitor.cli import cli
from tests.helpers import rss


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    log = logging.getLogger("monitor.test-logs-json")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    yield log, stream
    log.handlers.clear()


def _docs(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_value_followed_by_punctuation_stays_whole(json_log: tuple[
        logging.Logger, io.StringIO]) -> None:
    log, stream = json_log
    # pipeline's "storing failed" call: the value must not swallow the ";" after it
    log.warning("storing failed feed=%s error=%r; polled again soon", "BBC World", "disk full")
    log.info("slept nap=%.0fs", 61.2)  # a unit glued to a number does not make it text
    storing, nap = _docs(stream)
    assert storing["feed"] == "BBC World" and storing["error"] == "disk full"
    assert storing["detail"] == "; polled again soon"
    assert nap["nap"] == 61 and nap["detail"] == "s"


def test_literal_pairs_are_typed_and_no_word_is_lost(json_log: tuple[
        logging.Logger, io.StringIO]) -> None:
    log, stream = json_log
    log.info("cache warmed feed=BBC World entries=3 ratio=0.5")
    log.info("poll done feed=%s", "BBC World")
    warmed, done = _docs(stream)
    assert warmed["entries"] == 3 and warmed["ratio"] == 0.5
    assert warmed["feed"] == "BBC" and warmed["detail"] == "World"  # kept, not dropped
    assert done["feed"] == "BBC World" and "detail" not in done  # no empty detail


def test_poll_once_logs_json_with_whole_typed_fields(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "Kremlin says Putin will host Xi", "guid": "1",
         "link": "http://127.0.0.1:9/a", "description": "Washington is watching closely."}]),
        content_type="application/rss+xml")
    web.expect_request("/gone.xml").respond_with_data("gone", status=410)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"full_text": False, "extract_workers": 0},
        "logging": {"format": "json"},
        "feeds": [{"name": "BBC World", "url": web.url_for("/feed.xml")},
                  {"name": "Old wire service", "url": web.url_for("/gone.xml")}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
    }))
    result = CliRunner().invoke(cli, ["--config", str(path), "--verbose", "poll", "--once"],
                                obj={})
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    docs = [json.loads(line) for line in lines]  # every log line is a JSON object
    assert len(lines) >= 3 and not any("level=" in line for line in result.stderr.splitlines())
    polled = next(d for d in docs if d["event"] == "feed polled")
    assert polled["feed"] == "BBC World" and polled["new"] == 1 and polled["hits"] == 1
    failed = next(d for d in docs if d["event"] == "poll failed")
    assert failed["feed"] == "Old wire service" and failed["status"] == 410
    assert failed["dead"] == "HTTP 410 Gone: the publisher removed the feed"
    assert "detail" not in failed
    hit = next(d for d in docs if d["event"] == "hit stored")
    assert isinstance(hit["article"], int) and isinstance(hit["score"], float)
