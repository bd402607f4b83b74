"""Soak: the daemon polling many local feeds for a while, its memory, CPU and lag sampled.

Reproduce: ``.venv/bin/python -m bench.soak [--feeds 10000] [--minutes 30] [--interval 1]`` (or
set ``BENCH_SOAK_MINUTES`` for ``make bench``); the scale figures in README come from ``--feeds
100000 --minutes 50 --interval 10 --warm``. A local aiohttp server (its own process) serves the
feeds: 70% answer 304 to their ETag, 10% gain one new story per request, 10% fail (500), 10%
throttle (429, Retry-After one interval). Feeds are due every ``--interval`` minutes (also the
shortest interval, from which failures back off). The daemon runs as `monitor run` (a
subprocess, with its process pool) on a SQLite file. Every 30 s the bench samples the RSS and
CPU time of the daemon and its children, the requests the server answered, and, from the
database (read-only), the feeds never polled yet and the due feeds not polled yet (the backlog)
with the oldest one's wait: the poll lag.
The samples are cut into cycles (``bench.soak_cycles``): the first ends once every feed has
been polled and both one interval and the story window have passed, each later one an
interval after; the report prints RSS, CPU, polls and lag per cycle, the growth from the end
of the first cycle to the end of the last, a least-squares slope (MB an hour) overall and over
the last half, and "flat" / "plateau" / "growing" against ``--tolerance``. Memory is read in
kB from ``/proc/PID/status`` (VmRSS; the daemon's RssAnon and RssFile apart), the daemon and
its workers apart. Stories are indexed for a window of 10 minutes here (2 days
by default) so that the run reaches the steady state the window bounds; run at least three
cycles after the first to tell filling from a leak.
At the end article text is pruned and the database vacuumed, and its size reported.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bench.common import headline, run_feed_server
from bench.soak_cycles import Sample, judge, render
from monitor import api
from monitor.config import parse_config
from monitor.db.session import unit_of_work

TICKS = os.sysconf("SC_CLK_TCK")
WINDOW_MINUTES = 10  # the story index's window here: what it holds is full after it
SAMPLE_EVERY = 30.0  # seconds between two samples (shorter runs: minutes * 2)


def _serve(port: int, ready: Any, served: Any, retry_after: int) -> None:
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
        served.value += 1
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
        return web.Response(status=429, text="slow down",
                            headers={"Retry-After": str(retry_after)})

    run_feed_server(handle, port, ready)


def _cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU of ``pid`` (and of its children it waited for, when ``reaped``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS


def _memory_kb(pid: int) -> tuple[int, int, int]:
    """VmRSS, RssAnon and RssFile (+ RssShmem) of ``pid`` in kB, as /proc states them (the
    kernel's own unit: a 1 MB rounding would make a step of one look like a slope)."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[key] = int(value.split()[0])
    except (OSError, ValueError):
        return 0, 0, 0
    return (fields.get("VmRSS", 0), fields.get("RssAnon", 0),
            fields.get("RssFile", 0) + fields.get("RssShmem", 0))


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _tree(pid: int) -> tuple[float, float, float, float, float]:
    """RSS of the daemon and of its child processes (workers, resource tracker) in MB, their
    CPU seconds, and the daemon's RSS split into anonymous memory (its heaps) and file pages
    (mapped libraries), in MB."""
    kids = _children(pid)
    cpu = _cpu_seconds(pid, reaped=True) + sum(_cpu_seconds(c) for c in kids)
    rss, anon, file = _memory_kb(pid)
    workers = sum(_memory_kb(c)[0] for c in kids)
    return rss / 1024, workers / 1024, cpu, anon / 1024, file / 1024


def _backlog(db: Path) -> tuple[int, int, float]:
    """From the database, read-only: feeds never polled, due feeds not polled yet (enabled,
    alive, not leased: waiting for a claim), and how late the longest-waiting one is."""
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = now.isoformat(sep=" ")
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            never = conn.execute("select count(*) from feeds where last_checked_at is null"
                                 ).fetchone()[0]
            due, oldest = conn.execute(
                "select count(*), min(next_check_at) from feeds where enabled "
                "and dead_reason is null and next_check_at <= ? and lease_owner is null",
                (stamp,)).fetchone()
    except sqlite3.Error:
        return -1, -1, 0.0
    wait = (now - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
    return int(never), int(due), wait


def _run_daemon(config_path: Path, db: Path, minutes: float, served: Any,
                command: list[str]) -> list[Sample]:
    samples: list[Sample] = []
    proc = subprocess.Popen([*command, "--config", str(config_path), "--log-level", "ERROR",
                             "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()

    def sample() -> None:
        daemon, workers, cpu, anon, file = _tree(proc.pid)
        samples.append(Sample(time.monotonic() - started, daemon, workers, cpu, served.value,
                              *_backlog(db), daemon_anon_mb=anon, daemon_file_mb=file))

    try:
        while time.monotonic() - started < minutes * 60:
            sample()
            time.sleep(min(SAMPLE_EVERY, minutes * 2))
        sample()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return samples


def _config(db: Path, port: int, feeds: int, interval: float) -> dict[str, Any]:
    every = f"{interval:g}m"
    return {
        "database": {"url": f"sqlite:///{db}"},
        "fetch": {"full_text": False, "concurrency": 64, "per_host": 64},
        "scheduler": {"min_interval": every, "tick": "5s", "dispatch_every": "5s"},
        "stories": {"window": f"{WINDOW_MINUTES}m"},
        "feeds": [{"name": f"f{i}", "url": f"http://127.0.0.1:{port}/feed/{i}",
                   "interval": every} for i in range(feeds)],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": []},
    }


def _seed_warm(config: Any, interval: float) -> None:
    """The feeds stored as after a cycle: the 304 feeds' ETags known, every feed checked
    once, its next check spread evenly over the coming interval."""
    from sqlalchemy import bindparam, select, update

    from monitor.db import feeds
    from monitor.db.engine import make_engine
    from monitor.db.models import Feed

    now = datetime.now(UTC)
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        feeds.sync_feeds(s, config.feeds, now)
        ids = {name: i for i, name in s.execute(select(Feed.id, Feed.name))}
        table = Feed.__table__
        rows = [{"id_": ids[f"f{n}"], "etag_": f'"{n}"' if n % 10 <= 6 else None,
                 "checked_": now, "next_": now + timedelta(seconds=interval * n / len(ids))}
                for n in range(len(ids))]
        s.execute(update(table).where(table.c.id == bindparam("id_")).values(
            etag=bindparam("etag_"), last_checked_at=bindparam("checked_"),
            last_status=200, next_check_at=bindparam("next_")), rows)
    engine.dispose()


def _database_after(config: Any, db: Path) -> tuple[dict[str, Any], float, int, float]:
    """Status, the file's size, then article text pruned and the file vacuumed: the text
    pruned and the size after."""
    from sqlalchemy import update

    from monitor.db.engine import make_engine
    from monitor.db.models import Article

    stats = api.status(config)
    before = db.stat().st_size
    pruned = api.prune(config.model_copy(update={
        "retention": config.retention.model_copy(update={"article_text_days": 1})}))
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        all_text = s.execute(update(Article).values(text=None)).rowcount
    engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("vacuum")
    return stats, before, pruned + all_text, db.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--minutes", type=float,
                        default=float(os.environ.get("BENCH_SOAK_MINUTES", "30")))
    parser.add_argument("--interval", type=float, default=1.0,
                        help="minutes between two polls of a feed")
    parser.add_argument("--warm", action="store_true",
                        help="start as a running deployment left the feeds: validators "
                             "known, next checks spread over one interval (no cold cycle)")
    parser.add_argument("--tolerance", type=float, default=2.0,
                        help="MB an hour of RSS growth after the first cycle still called "
                             "flat (bench.soak_cycles)")
    parser.add_argument("--trace", type=Path, default=None,
                        help="run the daemon under tracemalloc (bench.soak_trace), its "
                             "snapshots written to this folder (slower: not for figures)")
    args = parser.parse_args(argv if argv is not None else [])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    served = ctx.RawValue("q", 0)
    server = ctx.Process(target=_serve, args=(port, ready, served, int(args.interval * 60)),
                         daemon=True)
    server.start()
    ready.wait(30)
    command = [sys.executable, "-m", "monitor"]
    if args.trace is not None:
        args.trace.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "bench.soak_trace", str(args.trace)]
    setup = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "soak.db"
            data = _config(db, port, args.feeds, args.interval)
            config = parse_config(data, env={})
            config_path = Path(tmp) / "config.yaml"
            config_path.write_text(yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper",
                                                                  yaml.SafeDumper)))
            api.upgrade_database(config)
            if args.warm:
                _seed_warm(config, args.interval * 60)
            setup = time.monotonic() - setup
            samples = _run_daemon(config_path, db, args.minutes, served, command)
            stats, before, pruned, after = _database_after(config, db)
    finally:
        server.terminate()
    _report(args, samples, setup)
    print(f"  stored: {stats['articles']} articles, {stats['stories']} stories; feeds in error "
          f"{stats['feeds']['in_error']}; database {before / 1e6:.1f} MB, after pruning "
          f"{pruned} articles' text and vacuum {after / 1e6:.1f} MB")


def _report(args: Any, samples: list[Sample], setup: float) -> None:
    interval = args.interval * 60
    first = next((s for s in samples if s.never_polled == 0 and s.served >= args.feeds), None)
    # The first cycle fills what later ones reuse: every feed polled once, one interval and
    # the story window gone (a window longer than the interval is still filling before).
    first_end = max(interval, WINDOW_MINUTES * 60, first.elapsed if first else math.inf)
    verdict = judge(samples, first_end=first_end,
                    interval=interval, tolerance=args.tolerance,
                    slack=min(SAMPLE_EVERY, args.minutes * 2))
    base = next((s for s in samples if verdict.cycles and s.elapsed >= verdict.cycles[0].end),
                samples[-1])
    end = samples[-1]
    span = max(end.elapsed - base.elapsed, 1.0)
    steady = [s for s in samples if s.elapsed >= base.elapsed]
    warm = " --warm" if args.warm else ""
    print(f"soak: {args.feeds} feeds due every {args.interval:g} min, for {args.minutes:g} min "
          f"(python -m bench.soak --feeds {args.feeds} --minutes {args.minutes:g} "
          f"--interval {args.interval:g}{warm}); load average {os.getloadavg()[0]:.2f}")
    print(f"  start: config written and database made in {setup:.0f} s; every feed polled "
          f"once by minute " + (f"{first.elapsed / 60:.1f}" if first else "never (not in the run)"))
    print(f"  RSS (daemon + workers): peak {max(s.rss for s in samples):.1f} MB, "
          f"after the first cycle (minute {base.elapsed / 60:.1f}) {base.rss:.1f} MB, "
          f"max since {max(s.rss for s in steady):.1f} MB, final {end.rss:.1f} MB "
          f"({end.daemon_mb:.1f} + {end.workers_mb:.1f}; the daemon's anonymous memory "
          f"{end.daemon_anon_mb:.1f}) (goal: <= 400 MB, no growth)")
    for line in render(verdict):
        print(line)
    per_min = (end.served - base.served) / span * 60
    cpu_share = (end.cpu - base.cpu) / span
    print(f"  steady state (minute {base.elapsed / 60:.1f} to {end.elapsed / 60:.1f}): "
          f"{per_min:.0f} feeds polled a minute (due: {args.feeds / args.interval:.0f} a "
          f"minute), CPU {cpu_share * 3600:.0f} s an hour ({cpu_share:.0%} of a core; "
          f"{cpu_share / max(per_min / 60, 1e-9) * 1000:.2f} ms a poll)")
    print(f"  poll lag: backlog of due feeds not yet polled max {max(s.backlog for s in steady)}"
          f", the longest wait max {max(s.oldest_wait for s in steady):.0f} s, at the end "
          f"{end.backlog} feeds, {end.oldest_wait:.0f} s")
    print("  samples (min: daemon+workers MB, CPU s, polled, backlog/oldest wait s): " + ", ".join(
        f"{s.elapsed / 60:.1f}: {s.daemon_mb:.1f}+{s.workers_mb:.1f}, {s.cpu:.0f}, {s.served}, "
        f"{s.backlog}/{s.oldest_wait:.0f}" for s in samples))


if __name__ == "__main__":
    main(sys.argv[1:])
