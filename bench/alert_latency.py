"""Alert latency: from an item appearing in a local feed to its Slack message arriving.

Reproduce: ``.venv/bin/python -m bench.alert_latency [ITEMS]`` (default 120).
The daemon's own scheduler runs in-process against a feed on 127.0.0.1 that gains items at
random moments (two a second on average) and a local Slack webhook that records when each
story's title arrives (bursts list several). The poll interval and the Slack pacing used are
printed beside p50/p95: latency is bounded by the interval plus extraction and pacing.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

from bench.common import serve
from monitor import api, clock, scheduler
from monitor.app import open_app
from monitor.config import parse_config

INTERVAL = "2s"
VOCABULARY = [
    "grain", "wheat", "oil", "gas", "pipeline", "arctic", "satellite", "rocket", "tariff",
    "chip", "bank", "bond", "yuan", "rouble", "dollar", "trade", "port", "ship", "navy",
    "drill", "border", "summit", "treaty", "sanction", "envoy", "minister", "court",
    "election", "vote", "census", "flood", "drought", "harvest", "fertiliser", "steel",
    "copper", "nickel", "aluminium", "lithium", "cobalt", "reactor", "uranium", "vaccine",
    "virus", "hospital", "school", "student", "visa", "tourist", "airline", "railway",
    "bridge", "tunnel", "highway", "dam", "river", "lake", "forest", "fire", "smoke", "quake",
    "storm", "typhoon", "festival", "museum", "film", "novel", "poet", "chess", "football",
    "hockey", "tennis", "marathon", "olympic", "athlete", "coach", "stadium", "league", "memo",
    "leak", "hacker", "spy", "drone", "radar", "missile", "tank", "brigade", "corps",
    "general", "admiral", "colonel", "pilot",
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 120
    appeared: dict[str, float] = {}
    arrived: dict[str, float] = {}
    items: list[str] = []
    lock = threading.Lock()

    def route(path: str) -> tuple[int, dict[str, str], bytes]:
        with lock:
            body = "".join(
                f"<item><title>{escape(t)}</title><guid>{i}</guid>"
                f"<link>http://127.0.0.1:9/{i}</link><description>{escape(t)}</description>"
                "</item>" for i, t in enumerate(items))
        return 200, {"Content-Type": "application/rss+xml"}, (
            f'<rss version="2.0"><channel><title>latency</title>{body}</channel></rss>'
        ).encode()

    def slack_route(path: str, body: bytes) -> None:
        now = time.monotonic()
        text = json.dumps(json.loads(body))
        with lock:
            for title in appeared:
                if title not in arrived and title in text:
                    arrived[title] = now

    with serve(route) as feed_base, _post_server(slack_route) as slack_base, \
            tempfile.TemporaryDirectory() as tmp:
        config = parse_config({
            "database": {"url": f"sqlite:///{Path(tmp) / 'latency.db'}"},
            "fetch": {"full_text": False},
            "scheduler": {"min_interval": "1s", "tick": "0.5s", "dispatch_every": "0.25s"},
            "feeds": [{"name": "wire", "url": f"{feed_base}/feed.xml", "interval": INTERVAL}],
            "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
            "alerts": {"channels": [{"name": "slack", "type": "slack",
                                     "webhook_url": f"{slack_base}/hook"}]},
        }, env={})
        api.upgrade_database(config)
        asyncio.run(_run(config, n, items, appeared, lock))
        gap = config.alerts.channels[0].min_gap
    latencies = sorted(arrived[t] - appeared[t] for t in arrived)
    if not latencies:
        print("alert_latency: no alert arrived", file=sys.stderr)
        return
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"alert latency, item in a local feed -> Slack message "
          f"(python -m bench.alert_latency {n})")
    print(f"  poll interval {INTERVAL}, Slack pacing {gap:g}s (bursts become one message)")
    print(f"  {len(latencies)} of {n} items alerted: p50 {p50:.2f}s  p95 {p95:.2f}s  "
          f"max {latencies[-1]:.2f}s")


async def _run(config: object, n: int, items: list[str], appeared: dict[str, float],
               lock: threading.Lock) -> None:
    stop = asyncio.Event()
    async with open_app(config, workers=0) as app:  # type: ignore[arg-type]
        from monitor import pipeline

        pipeline.sync_feeds(app, clock.utcnow())
        daemon = asyncio.create_task(scheduler.run_forever(app, stop))
        rng = random.Random(7)
        for i in range(n):
            await asyncio.sleep(rng.expovariate(2.0))
            # Distinct stories (else they are follow-ups of one): random words around the
            # entities that make them a russia-china-us hit.
            words = " ".join(rng.sample(VOCABULARY, 8))
            title = f"Moscow and Beijing {words}; Washington {rng.choice(VOCABULARY)} {i}"
            with lock:
                items.append(title)
                appeared[title] = time.monotonic()
        await asyncio.sleep(10)  # let the last ones through
        stop.set()
        await daemon


class _post_server:
    """A tiny POST endpoint on 127.0.0.1 that hands each body to a callback."""

    def __init__(self, callback: object) -> None:
        self.callback = callback

    def __enter__(self) -> str:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        callback = self.callback

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                callback(self.path, body)  # type: ignore[operator]
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    main()
