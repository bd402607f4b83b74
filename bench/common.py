"""Helpers shared by benchmarks: the shared data folder and a loopback HTTP server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

Route = Callable[[str], tuple[int, dict[str, str], bytes]]


@contextmanager
def serve(route: Route) -> Iterator[str]:
    """Serve ``route(path) -> (status, headers, body)`` on 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, headers, body = route(self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_feed_server(handle: Callable[[Any], Awaitable[Any]], port: int, ready: Any) -> None:
    """Serve ``GET /feed/{n}`` with an aiohttp handler on 127.0.0.1:``port`` until killed
    (the target of a benchmark's server process); sets ``ready`` once listening."""
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/feed/{n}", handle)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())
