"""Polling 10,000 feeds on a local server: the project's HTTP layer beside a raw aiohttp client,
the whole poll cycle beside a sequential ``feedparser.parse(url)`` loop, and peak memory.

Reproduce: ``.venv/bin/python -m bench.fetch_throughput [N]`` (default N = 10,000).
The server (aiohttp.web, in its own process) answers a mix: 40% honour ETags (304 on the second
round), 30% change on every request, 10% fail with 500, 10% throttle with 429, 10% return the
same body without validators (the body hash catches it). The HTTP-layer comparison runs with no
server latency (it measures client overhead); the poll cycles and the sequential feedparser
loop run with 50 ms per response, a realistic time to first byte, since on loopback with no
latency a sequential loop measures nothing but parsing. All figures come from one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import feedparser
from aiohttp import web

from bench.common import free_port, headline, run_feed_server
from monitor import api, clock, pipeline
from monitor.app import open_app
from monitor.config import FetchConfig, parse_config
from monitor.errors import FetchError
from monitor.ingest.fetch import Fetcher, HostGate, fetch

CONCURRENCY = 64
LATENCY_MS = 50  # for the poll cycles and the sequential loop: a realistic time to first byte


def _body(n: int, version: int) -> bytes:
    items = "".join(f"<item><title>{headline(n * 100_003 + version * 7 + i)}</title>"
                    f"<guid>{n}-{version}-{i}</guid>"
                    f"<link>http://127.0.0.1:9/{n}/{version}/{i}</link></item>" for i in range(5))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"{items}</channel></rss>").encode()


def _serve(port: int, ready: Any) -> None:
    counter = {"changes": 0}

    async def handle(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if latency := float(request.query.get("ms", "0")):
            await asyncio.sleep(latency / 1000)
        kind = n % 10
        if kind <= 3:  # stable with an ETag
            etag = f'"{n}-v1"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304)
            return web.Response(body=_body(n, 1), headers={"ETag": etag},
                                content_type="application/rss+xml")
        if kind <= 6:  # changes every time
            counter["changes"] += 1
            return web.Response(body=_body(n, counter["changes"]),
                                content_type="application/rss+xml")
        if kind == 7:
            return web.Response(status=500, text="oops")
        if kind == 8:
            return web.Response(status=429, text="slow down", headers={"Retry-After": "60"})
        return web.Response(body=_body(n, 1), content_type="application/rss+xml")

    run_feed_server(handle, port, ready)


async def _raw_aiohttp(urls: list[str]) -> float:
    sem = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as s:
        async def one(url: str) -> None:
            async with sem, s.get(url) as resp:
                await resp.read()
        t0 = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return len(urls) / (time.perf_counter() - t0)


async def _project(urls: list[str], transport: str) -> float:
    cfg = FetchConfig(concurrency=CONCURRENCY, transport=transport)  # type: ignore[arg-type]
    gate = HostGate(per_host=CONCURRENCY)
    sem = asyncio.Semaphore(CONCURRENCY)
    async with Fetcher(cfg) as client:
        async def one(url: str) -> None:
            async with sem:
                with contextlib.suppress(FetchError):  # 500s and 429s are part of the mix
                    await fetch(client, url, max_bytes=1_000_000, total_timeout=30, gate=gate,
                                allow_private=True)
        t0 = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return len(urls) / (time.perf_counter() - t0)


async def _cycle(config: Any) -> tuple[float, float, int]:
    async with open_app(config) as app:
        pipeline.sync_feeds(app, clock.utcnow())
        rates = []
        for round_no in range(2):
            now = clock.utcnow() if round_no == 0 else clock.utcnow().replace(
                year=clock.utcnow().year + 1)  # everything due again
            t0 = time.perf_counter()
            report = await pipeline.poll_cycle(app, now, until_empty=True)
            rates.append(report.polled / (time.perf_counter() - t0))
        return rates[0], rates[1], report.polled


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    port = free_port()
    ready = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(port, ready),
                                                          daemon=True)
    server.start()
    ready.wait(30)
    base = f"http://127.0.0.1:{port}/feed"
    urls = [f"{base}/{i}" for i in range(n)]
    try:
        raw = asyncio.run(_raw_aiohttp(urls))
        ours = asyncio.run(_project(urls, "aiohttp"))
        plain_httpx = asyncio.run(_project(urls[:2000], "httpx"))
        slow = [f"{u}?ms={LATENCY_MS}" for u in urls]
        sample = slow[:200]
        t0 = time.perf_counter()
        for url in sample:
            feedparser.parse(url)
        sequential = len(sample) / (time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as tmp:
            config = parse_config({
                "database": {"url": f"sqlite:///{Path(tmp) / 'bench.db'}"},
                "fetch": {"full_text": False, "concurrency": CONCURRENCY, "per_host": CONCURRENCY,
                          "allow_private_addresses": True},
                "scheduler": {"batch_size": 1000},
                "feeds": [{"name": f"f{i}", "url": u} for i, u in enumerate(slow)],
                "alerts": {"channels": []},
            }, env={})
            api.upgrade_database(config)
            first, second, polled = asyncio.run(_cycle(config))
    finally:
        server.terminate()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"polling {n} local feeds (python -m bench.fetch_throughput {n})")
    print(f"  raw aiohttp client, {CONCURRENCY} in flight      {raw:8.0f} req/s  (baseline)")
    print(f"  monitor's fetch (httpx + aiohttp transport)   {ours:8.0f} req/s  "
          f"= {ours / raw:.2f}x  (goal >= 0.8x)")
    print(f"  monitor's fetch with httpx's own pool (2,000) {plain_httpx:8.0f} req/s  "
          f"= {plain_httpx / raw:.2f}x")
    print(f"  with {LATENCY_MS} ms server latency:")
    print(f"  sequential feedparser.parse(url), 200 feeds   {sequential:8.0f} feeds/s (baseline)")
    print(f"  full poll cycle, first round (all new)        {first:8.0f} feeds/s "
          f"= {first / sequential:.1f}x")
    print(f"  full poll cycle, second round (mixed)         {second:8.0f} feeds/s "
          f"= {second / sequential:.1f}x  (goal >= 20x)")
    print(f"  peak RSS: bench process {rss_self:.0f} MB, largest child {rss_children:.0f} MB "
          f"({polled} feeds in the last round)")


if __name__ == "__main__":
    main()
