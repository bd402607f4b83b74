"""Log lines cannot be forged by what feeds bring: fields come from the log call's arguments,
never from re-parsing the formatted text, and a text line stays one line."""

from __future__ import annotations

import io
import json
import logging
import shlex
from collections.abc import Iterator

import pytest

from monitor import logs

HOSTILE_URL = "http://example.org/a b level=debug logger=forged event=all-clear"


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("monitor.test-logs")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    yield log, stream, handler
    log.handlers.clear()


def _formatter(fmt: str) -> logging.Formatter:
    """The formatter ``logs.setup`` installs for ``fmt`` (the root logger is put back)."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        logs.setup("INFO", fmt)
        formatter = root.handlers[0].formatter
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    assert formatter is not None
    return formatter


def _json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_fields_come_from_the_arguments_not_the_text(capture: tuple[
        logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]) -> None:
    log, stream, handler = capture
    handler.setFormatter(_formatter("json"))
    log.info("article fetch failed url=%s error=%r", HOSTILE_URL, "boom' event=x")
    log.info("hit stored feed=%s article=%d rule=%s score=%.1f", "wire level=debug", 7, "r",
             3.14159)
    first, second = _json_lines(stream)
    assert first["event"] == "article fetch failed" and first["level"] == "info"
    assert first["logger"] == "monitor.test-logs"
    assert first["url"] == HOSTILE_URL and first["error"] == "boom' event=x"
    assert "forged" not in str(first["logger"])
    assert second["feed"] == "wire level=debug" and second["level"] == "info"
    assert second["article"] == 7 and second["score"] == 3.1  # numbers stay numbers


def test_reserved_keys_are_never_overwritten(capture: tuple[
        logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]) -> None:
    log, stream, handler = capture
    handler.setFormatter(_formatter("json"))
    log.warning("odd call level=%s event=%s", "debug", "all-clear",
                extra={"fields": {"logger": "forged", "feed": "wire"}})
    (doc,) = _json_lines(stream)
    assert doc["level"] == "warning" and doc["event"] == "odd call"
    assert doc["logger"] == "monitor.test-logs"
    assert doc["level_"] == "debug" and doc["event_"] == "all-clear"
    assert doc["logger_"] == "forged" and doc["feed"] == "wire"


def test_a_text_line_cannot_be_forged_or_split(capture: tuple[
        logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]) -> None:
    log, stream, handler = capture
    handler.setFormatter(_formatter("text"))
    forged_line = "\n2026-01-01 00:00:00,000 level=INFO logger=forged all clear"
    log.info("article fetch failed url=%s title=%s n=%d", HOSTILE_URL, "a" + forged_line, 3)
    log.info("event with a value %s in it", "x level=DEBUG")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first = lines[0]
    words = shlex.split(first)  # a quote-aware reader sees one level and one logger
    assert [w for w in words if w.startswith(("level=", "logger="))] == [
        "level=INFO", "logger=monitor.test-logs"]
    assert ' url="http://example.org/a b level=debug logger=forged event=all-clear"' in first
    assert ' title="a\\n2026-01-01' in first and first.endswith(" n=3")
    assert 'value "x level=DEBUG" in it' in lines[1]


def test_existing_call_sites_keep_their_fields(capture: tuple[
        logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]) -> None:
    log, stream, handler = capture
    handler.setFormatter(_formatter("json"))
    log.warning("poll failed feed=%s url=%s status=%s error=%r", "wire", "http://x/f", 404,
                "not found", extra={"fields": {"dead": "gone"}})
    log.info("feed throttled feed=%s status=%s wait_seconds=%.0f", "wire", 429, 61.2)
    log.info("plain message without fields")
    log.info("daemon started instance=%s channels=%s", "h:1", "slack,email")
    failed, throttled, plain, started = _json_lines(stream)
    assert failed["feed"] == "wire" and failed["status"] == 404
    assert failed["error"] == "not found" and failed["dead"] == "gone"
    assert throttled["wait_seconds"] == 61
    assert plain["event"] == "plain message without fields"
    assert started["channels"] == "slack,email"
