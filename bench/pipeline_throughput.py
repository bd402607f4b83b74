"""New articles through the real pipeline (fetch, extract, match, store) beside bare
trafilatura on all cores, and the extraction quality of the pipeline.

Reproduce: ``.venv/bin/python -m bench.pipeline_throughput`` (needs ../shared/data).
The 181 pages of the extraction benchmark are served on 127.0.0.1 (by another process) and
listed in one feed;
``monitor poll --once``'s API runs over it into a fresh SQLite file. Baseline, same run:
``trafilatura.extract`` over the same HTML on a process pool of all cores. Quality: mean
bag-of-tokens F1 (``\\w+``, lower-cased) of each stored article against the reference text.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import trafilatura
from sqlalchemy import select

from bench.common import SHARED, free_port, serve_app
from monitor import api, clock, pipeline
from monitor.app import open_app
from monitor.config import Config, parse_config
from monitor.db.engine import make_engine
from monitor.db.models import Article
from monitor.db.session import unit_of_work
from monitor.pipeline import CycleReport

BENCH = SHARED / "articles" / "extraction-benchmark"
_WORD = re.compile(r"\w+")


def f1(predicted: str, reference: str) -> float:
    p, r = Counter(_WORD.findall(predicted.lower())), Counter(_WORD.findall(reference.lower()))
    common = sum((p & r).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def _serve_pages(port: int, ready: Any) -> None:
    """The benchmark's pages and a feed listing them, from a process of their own (as the
    web is: served in the pipeline's own process, the server took its CPU and GIL)."""
    from aiohttp import web

    truth = json.loads((BENCH / "ground-truth.json").read_text("utf-8"))
    pages = {i: gzip.decompress((BENCH / "html" / f"{i}.html.gz").read_bytes()) for i in truth}
    base = f"http://127.0.0.1:{port}"
    items = "".join(f"<item><title>Article {i[:8]}</title><guid>{i}</guid>"
                    f"<link>{escape(base)}/page/{i}</link></item>" for i in sorted(truth))
    feed = f'<rss version="2.0"><channel><title>bench</title>{items}</channel></rss>'.encode()

    async def feed_xml(_request: web.Request) -> web.Response:
        return web.Response(body=feed, content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        body = pages.get(request.match_info["id"])
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/feed.xml", feed_xml)
    app.router.add_get("/page/{id}", page)
    serve_app(app, port, ready)


def _extract(html: bytes) -> str:
    return trafilatura.extract(html) or ""


async def _timed_cycle(config: Config, cores: int) -> tuple[CycleReport, float]:
    """One poll cycle with the app already built and its worker processes warm, as in the
    daemon (the pool is started once at start-up)."""
    async with open_app(config) as app:
        pipeline.sync_feeds(app, clock.utcnow())
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(app.pool, _extract, b"<html></html>")
                               for _ in range(cores)))
        t0 = time.perf_counter()
        report = await pipeline.poll_cycle(app, clock.utcnow(), until_empty=True)
        return report, time.perf_counter() - t0


def main() -> None:
    if not (BENCH / "ground-truth.json").exists():
        print(f"pipeline_throughput: skipped, no data at {BENCH}", file=sys.stderr)
        return
    truth = json.loads((BENCH / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)
    pages = {i: gzip.decompress((BENCH / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    cores = os.cpu_count() or 1

    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_extract, list(pages.values())[:cores]))  # warm the workers
        t0 = time.perf_counter()
        list(pool.map(_extract, pages.values()))
        bare = len(pages) / (time.perf_counter() - t0)

    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_serve_pages, args=(port, ready), daemon=True)
    server.start()
    ready.wait(60)
    base = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = parse_config({
                "database": {"url": f"sqlite:///{Path(tmp) / 'bench.db'}"},
                "fetch": {"allow_private_addresses": True, "concurrency": 16, "per_host": 16},
                "feeds": [{"name": "bench", "url": f"{base}/feed.xml"}],
                "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
                "alerts": {"channels": []},
            }, env={})
            api.upgrade_database(config)
            report, elapsed = asyncio.run(_timed_cycle(config, cores))
            engine = make_engine(config.database.url)
            with unit_of_work(engine) as s:
                stored = {a.url.rsplit("/", 1)[-1]: a for a in s.scalars(select(Article))}
            engine.dispose()
    finally:
        server.terminate()
    ours = report.total("articles") / elapsed
    scores = [f1(stored[i].text or "", truth[i]["articleBody"]) if i in stored else 0.0
              for i in ids]
    full = sum(1 for a in stored.values() if a.text_source == "full")
    print("pipeline vs bare trafilatura (python -m bench.pipeline_throughput)")
    print(f"  bare trafilatura.extract, {cores} processes   {bare:7.1f} pages/s  (baseline)")
    print(f"  poll --once: fetch+extract+match+store  {ours:7.1f} pages/s  "
          f"= {ours / bare:.2f}x  (goal >= 0.8x)")
    print(f"  extraction quality: mean F1 {statistics.mean(scores):.3f} over {len(ids)} pages "
          f"(goal >= 0.95; trafilatura publishes 0.958), {full} extracted in full, "
          f"{len(ids) - full} fell back to the feed")


if __name__ == "__main__":
    main()
