"""Ctrl-C on `monitor run` (SIGINT to the terminal's whole process group, worker processes
included) is a clean stop: the daemon's own shutdown, exit 0, no worker's traceback, and the
poll in flight finishes (it is not cancelled by the scheduler's shutdown)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer

from tests.helpers import rss


def test_ctrl_c_stops_the_daemon_without_worker_tracebacks(tmp_path: Path,
                                                           web: HTTPServer) -> None:
    web.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "Kremlin says Putin will host Xi", "guid": "1",
         "link": "http://127.0.0.1:9/a", "description": "Washington is watching closely."}]),
        content_type="application/rss+xml")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "fetch": {"full_text": False, "extract_workers": 2},
        "logging": {"format": "json"},
        "feeds": [{"name": "wire", "url": web.url_for("/feed.xml")}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}]}))
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(path), "run"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            start_new_session=True)  # its own group, as a terminal's job
    lines: list[str] = []
    polled = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("{") and json.loads(line).get("event") == "feed polled":
                polled.set()  # the feed was parsed in a worker: every worker has started

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert polled.wait(120), "".join(lines)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
        assert proc.wait(60) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join(10)
    err = "".join(lines)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    events = [json.loads(x)["event"] for x in lines if x.startswith("{")]
    assert "poll cycle done" in events, events  # the poll in flight finished
    assert events[-1] == "stopped" and not any("raised an exception" in e for e in events)
