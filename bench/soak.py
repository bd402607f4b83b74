"""Soak: the daemon polling 10,000 local feeds for 30 minutes, its memory sampled throughout.

Reproduce: ``.venv/bin/python -m bench.soak [--feeds 10000] [--minutes 30]`` (or set
``BENCH_SOAK_MINUTES`` for ``make bench``). A local aiohttp server (its own process) serves the
feeds: 70% answer 304 to their ETag, 10% gain one new story per request, 10% fail (500), 10%
throttle (429). Feeds are due every minute. The daemon runs as `monitor run` (a subprocess,
with its process pool) on a SQLite file; the RSS of it and of its children is sampled every
30 s.
Growth is measured from the end of the first third (start-up and the first full cycles) to the
end; stories are indexed for a window of 10 minutes here (2 days by default) so that the run
reaches the steady state the window bounds. At the end article text is pruned and the
database vacuumed, and its size reported.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bench.common import headline, run_feed_server
from monitor import api
from monitor.config import parse_config
from monitor.db.session import unit_of_work


def _serve(port: int, ready: Any) -> None:
    versions: dict[int, int] = {}

    def body(n: int, version: int) -> bytes:
        items = "".join(
            f"<item><title>{headline(n * 100_003 + v)} in Moscow and Beijing</title>"
            f"<guid>{n}-{v}</guid>"
            f"<link>http://127.0.0.1:9/{n}/{v}</link></item>"
            for v in range(max(0, version - 4), version + 1))
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
                f"{items}</channel></rss>").encode()

    async def handle(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        kind = n % 10
        if kind <= 6:
            etag = f'"{n}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304)
            return web.Response(body=body(n, 0), headers={"ETag": etag},
                                content_type="application/rss+xml")
        if kind == 7:
            versions[n] = versions.get(n, 0) + 1
            return web.Response(body=body(n, versions[n]), content_type="application/rss+xml")
        if kind == 8:
            return web.Response(status=500, text="oops")
        return web.Response(status=429, text="slow down", headers={"Retry-After": "60"})

    run_feed_server(handle, port, ready)


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _tree_rss(pid: int) -> tuple[float, float]:
    """RSS of the daemon and of its child processes (workers, resource tracker), in MB."""
    return _rss_mb(pid), sum(_rss_mb(c) for c in _children(pid))


def _run_daemon(config_path: Path, minutes: float) -> list[tuple[float, float, float]]:
    samples: list[tuple[float, float, float]] = []  # (elapsed s, daemon MB, children MB)
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config_path),
                             "--log-level", "ERROR", "run"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while (elapsed := time.monotonic() - started) < minutes * 60:
            samples.append((elapsed, *_tree_rss(proc.pid)))
            time.sleep(min(30.0, minutes * 2))
        samples.append((time.monotonic() - started, *_tree_rss(proc.pid)))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--minutes", type=float,
                        default=float(os.environ.get("BENCH_SOAK_MINUTES", "30")))
    args = parser.parse_args(argv if argv is not None else [])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_serve, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "soak.db"
            data = {
                "database": {"url": f"sqlite:///{db}"},
                "fetch": {"full_text": False, "concurrency": 64, "per_host": 64},
                "scheduler": {"min_interval": "1m", "tick": "5s", "dispatch_every": "5s"},
                "stories": {"window": "10m"},
                "feeds": [{"name": f"f{i}", "url": f"http://127.0.0.1:{port}/feed/{i}",
                           "interval": "1m"} for i in range(args.feeds)],
                "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
                "alerts": {"channels": []},
            }
            config = parse_config(data, env={})
            config_path = Path(tmp) / "config.yaml"
            config_path.write_text(yaml.safe_dump(data))
            api.upgrade_database(config)
            samples = _run_daemon(config_path, args.minutes)
            engine_config = config
            stats = api.status(engine_config)
            before = db.stat().st_size
            pruned = api.prune(engine_config.model_copy(update={
                "retention": engine_config.retention.model_copy(
                    update={"article_text_days": 1})}))
            from monitor.db.engine import make_engine
            engine = make_engine(config.database.url)
            with unit_of_work(engine) as s:
                from sqlalchemy import update

                from monitor.db.models import Article
                all_text = s.execute(update(Article).values(text=None)).rowcount
            engine.dispose()
            with sqlite3.connect(db) as conn:
                conn.execute("vacuum")
            after = db.stat().st_size
    finally:
        server.terminate()
    third = next(i for i, s in enumerate(samples) if s[0] >= samples[-1][0] / 3)
    base_self, base_workers = samples[third][1], samples[third][2]
    peak = max(s[1] + s[2] for s in samples)
    final_self, final_workers = samples[-1][1], samples[-1][2]
    growth = (final_self + final_workers) / (base_self + base_workers) - 1
    print(f"soak: {args.feeds} feeds for {args.minutes:g} min "
          f"(python -m bench.soak --feeds {args.feeds} --minutes {args.minutes:g})")
    print(f"  RSS (daemon + workers): peak {peak:.0f} MB, final {final_self + final_workers:.0f}"
          f" MB, growth {growth:+.1%} since minute {samples[third][0] / 60:.0f} "
          f"(goal: peak <= 250 MB, growth < 5%)")
    print(f"  stored: {stats['articles']} articles, {stats['stories']} stories; feeds in error "
          f"{stats['feeds']['in_error']}; database {before / 1e6:.1f} MB, after pruning "
          f"{pruned + all_text} articles' text and vacuum {after / 1e6:.1f} MB")
    print("  samples (min, daemon MB, workers MB): " + ", ".join(
        f"{s[0] / 60:.0f}:{s[1]:.0f}+{s[2]:.0f}" for s in samples[:: max(1, len(samples) // 12)]))


if __name__ == "__main__":
    main(sys.argv[1:])
