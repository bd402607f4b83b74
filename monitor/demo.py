"""``monitor demo``: an offline tour. Serves the bundled demo feed and pages on 127.0.0.1, runs
one poll cycle into a throw-away SQLite database with the console channel, and prints each
hit with its evidence."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import TextIO

from monitor import api
from monitor.config import Config, parse_config

DEMO_RULE = {"name": "russia-china-us", "countries": {"at_least": 2, "of": ["RU", "CN", "US"]},
             "severity": "high"}


class _Handler(BaseHTTPRequestHandler):
    base = ""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        data = resources.files("monitor").joinpath("demo_data")
        if path == "/feed.xml":
            body = data.joinpath("feed.xml").read_text("utf-8").replace("{base}", self.base)
            self._send(200, "application/rss+xml; charset=utf-8", body.encode())
        elif path.startswith("/pages/") and "/" not in path[len("/pages/"):]:
            page = data.joinpath("pages", path[len("/pages/"):])
            if page.is_file():
                self._send(200, "text/html; charset=utf-8", page.read_bytes())
                return
            self._send(404, "text/plain", b"not found")
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@contextmanager
def serve_demo() -> Iterator[str]:
    """Serve the demo feed on a free loopback port; yields the feed URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler = type("DemoHandler", (_Handler,), {"base": base})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base + "/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def demo_config(feed_url: str, db_path: Path) -> Config:
    return parse_config({
        "database": {"url": f"sqlite:///{db_path}"},
        "fetch": {"allow_private_addresses": True, "timeout": "10s", "extract_workers": 0},
        "feeds": [{"name": "demo-wire", "url": feed_url, "tags": ["demo"]}],
        "rules": [DEMO_RULE],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
    }, env={})


def run_demo(out: TextIO, keep_serving: bool = False) -> int:
    """Run the demo; returns the number of hits."""
    with tempfile.TemporaryDirectory(prefix="monitor-demo-") as tmp, serve_demo() as feed_url:
        config = demo_config(feed_url, Path(tmp) / "demo.db")
        out.write(f"Serving the demo feed at {feed_url}; polling it once.\n\n")
        report = api.poll_once(config, out=out)
        cycle = report.cycle
        out.write(f"Polled {cycle.polled} feed: {cycle.total('articles')} articles, "
                  f"{cycle.total('hits')} hit(s), {report.dispatch.sent} alert(s) printed "
                  "above.\n")
        if keep_serving:
            out.write(f"Still serving {feed_url}; press Ctrl-C to stop.\n")
            with suppress(KeyboardInterrupt):
                threading.Event().wait()
        return cycle.total("hits")
