"""Helpers shared by benchmarks: the shared data folder and a loopback HTTP server."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

# Words for benchmark headlines. Real headlines differ from each other; "Feed 17 story 3" ones
# all look alike, which makes every article a near duplicate of thousands of others and turns
# story clustering into the bottleneck of a benchmark that is not about it.
_WORDS_TEXT = """
    talks summit minister sanctions grain gas oil pipeline trade tariffs chips export ports
    shipping border troops drills navy missile ceasefire election parliament court ruling
    protest strike bank rates inflation budget deal visit envoy embassy spy hackers outage
    floods drought wildfire earthquake vaccine hospital school union workers farmers miners
    steel coal wheat soybeans rare earths satellite launch rocket arctic pacific baltic
    investment factory merger startup lawsuit regulator probe scandal resigns appoints warns
    pledges rejects signs approves delays cancels expands cuts raises blocks seizes frees
    opposition governor mayor senator general admiral spokesman analysts investors officials
"""
_WORDS = tuple(_WORDS_TEXT.split())


def headline(seed: int, words: int = 9) -> str:
    """A deterministic, varied headline for item ``seed``."""
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + f" {seed % 997}"


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_feed_server(handle: Callable[[Any], Awaitable[Any]], port: int, ready: Any) -> None:
    """Serve ``GET /feed/{n}`` with an aiohttp handler on 127.0.0.1:``port`` until killed
    (the target of a benchmark's server process); sets ``ready`` once listening."""
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/feed/{n}", handle)
    serve_app(app, port, ready)


def serve_app(app: Any, port: int, ready: Any) -> None:
    """Run an aiohttp application on 127.0.0.1:``port`` until killed; sets ``ready``."""
    from aiohttp import web

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())
