"""monitor beside lemon24/reader on real feeds: the same snapshots, served the same way, polled by
each tool in its own process; wall time, CPU, peak RSS and the entries each stores.

Reproduce: ``.venv/bin/python -m bench.vs_reader [N]`` (default N = 1,000). reader comes from
the ``bench`` extra: ``.venv/bin/pip install -e '.[bench]'``; without it the benchmark says so
and stops.

N feeds are made from the 299 snapshots in ``../shared/data/feeds/news-snapshots`` (cycled when
N > 299; copy k of a snapshot gets its own GUIDs and links, so no two feeds share an entry). A
server process serves them with 30 ms latency on loopback host names (127.0.0.2, .3 ...), so
per-host limits apply as on the web: one host per ``FEEDS_PER_HOST`` (10) feeds, at most the
253 addresses 127.0.0.2-254 give (30 hosts for 300 feeds, 100 for 1,000). That is a real list's
spread: 1,000 feeds come from about a hundred outlets, a few big ones with dozens of section
feeds (NYT, BBC), most with one to five. Feed i is on host i mod H (the jittered schedule mixes
a real list's outlets after its first cycles). monitor keeps its politeness defaults
(``fetch.per_host`` 2, no ``host_spacing``); reader has no per-host limit. Three rounds:
cold (every entry new), warm (every feed answers 304 to its validators), churn (each feed: a
new body, its snapshot with 3 items added).
monitor runs its real poll path (``pipeline.poll_cycle``, SQLite, full text off, its defaults
otherwise); reader runs ``update_feeds_iter(workers=16, scheduled=False)`` on SQLite. CPU counts
the process and its children (monitor's parse workers): getrusage for the process and reaped
children, /proc for live ones. Peak RSS adds each process's high-water mark (VmHWM).
"""

from __future__ import annotations

import asyncio
import csv
import json
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import SHARED, free_port

SNAPSHOTS = SHARED / "feeds" / "news-snapshots"
LATENCY_MS = 30
FEEDS_PER_HOST = 10  # a real list's spread over outlets (see the docstring)
MAX_HOSTS = 253  # 127.0.0.2 .. 127.0.0.254
NEW_ITEMS = 3  # per feed in the churn round
ROUNDS = ("cold", "warm", "churn")
READER_WORKERS = 16
INSTALL_HINT = ".venv/bin/pip install -e '.[bench]'  (installs reader>=3.26)"


# --- the feeds ---------------------------------------------------------------------------

def snapshot_files() -> list[Path]:
    """The snapshots in manifest order."""
    with (SNAPSHOTS / "manifest.csv").open(newline="", encoding="utf-8") as f:
        return [SNAPSHOTS / row["file"] for row in csv.DictReader(f)]


_ID_TEXT = re.compile(rb"(<(link|guid|id)\b[^>]*>)(\s*(?:<!\[CDATA\[)?\s*)([^<\]\s][^<\]]*?)"
                      rb"(\s*(?:\]\]>)?\s*</\2>)", re.S)
_HREF = re.compile(rb'(<link\b[^>]*?\bhref=["\'])([^"\']+)', re.S)
_ITEM = re.compile(rb"<(item|entry)\b[^>]*>.*?</\1>", re.S)
_TITLE = re.compile(rb"(<title\b[^>]*>)(\s*<!\[CDATA\[)?", re.S)


def _mark(value: bytes, tag: bytes) -> bytes:
    """An id or link made distinct by ``tag``: a URL gets it in its host, other text a suffix."""
    m = re.match(rb"(https?://)(.*)", value, re.S)
    return m.group(1) + tag + b"." + m.group(2) if m else value + b"-" + tag


def retag(body: bytes, tag: bytes) -> bytes:
    """``body`` with every entry's (and the channel's) GUIDs, ids and links marked with ``tag``."""
    body = _ID_TEXT.sub(lambda m: m.group(1) + m.group(3) + _mark(m.group(4), tag) + m.group(5),
                        body)
    return _HREF.sub(lambda m: m.group(1) + _mark(m.group(2), tag), body)


def with_new_items(body: bytes, n: int) -> bytes:
    """``body`` with ``n`` items added before its first: copies of the first item, each with
    its own GUID, link and title."""
    first = _ITEM.search(body)
    if not first:
        return body
    news = b""
    for i in range(n):
        item = retag(first.group(0), b"new%d" % i)
        item = _TITLE.sub(lambda m, i=i: m.group(1) + (m.group(2) or b"") + b"New %d: " % i,
                          item, count=1)
        news += item
    return body[:first.start()] + news + body[first.start():]


def feed_body(files: list[Path], n: int) -> bytes:
    """Feed ``n``'s cold body: snapshot ``n % len(files)``, its copy ``n // len(files)``."""
    body = files[n % len(files)].read_bytes()
    copy = n // len(files)
    return retag(body, b"c%d" % copy) if copy else body


def host_count(n: int) -> int:
    """The loopback hosts ``n`` feeds are served from: one per ``FEEDS_PER_HOST`` feeds."""
    return max(1, min(MAX_HOSTS, -(-n // FEEDS_PER_HOST)))


def feed_urls(port: int, n: int) -> list[str]:
    hosts = host_count(n)
    return [f"http://127.0.0.{2 + i % hosts}:{port}/feed/{i}" for i in range(n)]


# --- the server --------------------------------------------------------------------------

def _serve(port: int, n: int, ready: Any) -> None:
    from aiohttp import web

    files = snapshot_files()
    cold = [feed_body(files, i) for i in range(n)]
    churn = [with_new_items(b, NEW_ITEMS) for b in cold]
    state = {"round": "cold"}
    served: Counter[str] = Counter()

    async def feed(request: web.Request) -> web.Response:
        i = int(request.match_info["n"])
        await asyncio.sleep(LATENCY_MS / 1000)
        version = 1 if state["round"] == "churn" else 0
        etag = f'"{i}-v{version}"'
        if request.headers.get("If-None-Match") == etag:
            served["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        body = (churn if version else cold)[i]
        served["200"] += 1
        if body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            return web.Response(status=403, body=body, content_type="text/html")
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/xml")

    async def set_round(request: web.Request) -> web.Response:
        text = json.dumps(dict(served))
        served.clear()
        state["round"] = request.match_info["name"]
        return web.Response(text=text)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        app.router.add_get("/round/{name}", set_round)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for h in range(host_count(n)):
            await web.TCPSite(runner, f"127.0.0.{2 + h}", port, backlog=4096).start()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


# --- measuring a tool in its own process ---------------------------------------------------

@dataclass
class Round:
    name: str
    wall: float
    cpu: float
    entries: int  # stored after the round
    errors: int
    served: dict[str, int] = field(default_factory=dict)  # the server's answers (200/304)


@dataclass
class Run:
    tool: str
    rounds: list[Round]
    cpu_total: float
    peak_rss_mb: float
    entries: list[tuple[str, str, str, str]]  # (feed url, identity, link, title)


def _children() -> list[int]:
    me = str(os.getpid())
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == me:
                pids.append(int(d.name))
    return pids


def cpu_seconds() -> float:
    """CPU of this process, its reaped children and its live children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        ru = resource.getrusage(who)
        total += ru.ru_utime + ru.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def peak_rss_mb() -> float:
    """High-water RSS of this process plus each live child (reaped ones: their largest)."""
    total = 0.0
    for pid in ["self", *map(str, _children())]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(m.group(1)) / 1024 if m else 0
    return max(total, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _switch(control: str, name: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{control}/round/{name}", timeout=30) as resp:
        return dict(json.loads(resp.read()))


async def _monitor_rounds(config: Any, control: str) -> tuple[list[Round], float]:
    from sqlalchemy import text

    from monitor import clock, pipeline
    from monitor.app import open_app

    rounds, peak = [], 0.0
    async with open_app(config) as app:
        start = clock.utcnow()
        pipeline.sync_feeds(app, start)
        for k, name in enumerate(ROUNDS):
            served = _switch(control, name)
            if rounds:
                rounds[-1].served = served
            now = start + timedelta(days=k)  # every feed due again (max_interval is 6 h)
            t0, c0 = time.perf_counter(), cpu_seconds()
            report = await pipeline.poll_cycle(app, now, until_empty=True)
            wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
            with app.engine.connect() as conn:
                stored = int(conn.execute(text("SELECT count(*) FROM feed_entries")).scalar_one())
            rounds.append(Round(name, wall, cpu, stored, report.failed))
            peak = max(peak, peak_rss_mb())
    rounds[-1].served = _switch(control, "cold")
    return rounds, peak


def run_monitor(urls: list[str], control: str, db: Path) -> Run:
    from sqlalchemy import create_engine, text

    from monitor import api
    from monitor.config import parse_config

    c0 = cpu_seconds()
    config = parse_config({
        "database": {"url": f"sqlite:///{db}"},
        "fetch": {"full_text": False, "allow_private_addresses": True},
        "feeds": [{"name": f"f{i}", "url": u} for i, u in enumerate(urls)],
        "alerts": {"channels": []},
    }, env={})
    api.upgrade_database(config)
    rounds, peak = asyncio.run(_monitor_rounds(config, control))
    with create_engine(f"sqlite:///{db}").connect() as conn:
        rows = conn.execute(text(
            "SELECT f.url, e.entry_key, a.url, a.title FROM feed_entries e "
            "JOIN feeds f ON f.id = e.feed_id JOIN articles a ON a.id = e.article_id")).all()
    return Run("monitor", rounds, cpu_seconds() - c0, peak,
               [(r[0], r[1], r[2] or "", r[3] or "") for r in rows])


def run_reader(urls: list[str], control: str, db: Path) -> Run:
    from reader import make_reader

    c0 = cpu_seconds()
    reader = make_reader(str(db))
    for url in urls:
        reader.add_feed(url)
    rounds, peak = [], 0.0
    for name in ROUNDS:
        served = _switch(control, name)
        if rounds:
            rounds[-1].served = served
        t0, c1 = time.perf_counter(), cpu_seconds()
        errors = sum(1 for result in reader.update_feeds_iter(workers=READER_WORKERS,
                                                              scheduled=False)
                     if isinstance(result.value, Exception))
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c1
        rounds.append(Round(name, wall, cpu, reader.get_entry_counts().total or 0, errors))
        peak = max(peak, peak_rss_mb())
    rounds[-1].served = _switch(control, "cold")
    entries = [(e.feed_url, e.id, e.link or "", e.title or "") for e in reader.get_entries()]
    reader.close()
    return Run("reader", rounds, cpu_seconds() - c0, peak, entries)


def _child(tool: str, port: int, n: int, out: Path) -> None:
    """The body of one tool's process: poll, then write its Run as JSON to ``out``."""
    import logging

    logging.basicConfig(level=logging.CRITICAL)  # the 403 snapshots fail by design
    urls = feed_urls(port, n)
    control = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        runner = run_monitor if tool == "monitor" else run_reader
        run = runner(urls, control, Path(tmp) / f"{tool}.db")
    out.write_text(json.dumps(asdict(run)))


def _measure(tool: str, port: int, n: int, tmp: Path) -> Run:
    out = tmp / f"{tool}.json"
    subprocess.run([sys.executable, "-m", "bench.vs_reader", "--child", tool, str(port), str(n),
                    str(out)], check=True)
    data = json.loads(out.read_text())
    data["rounds"] = [Round(**r) for r in data["rounds"]]
    data["entries"] = [tuple(e) for e in data["entries"]]
    return Run(**data)


# --- which entries differ --------------------------------------------------------------------

@dataclass
class EntryDiff:
    feeds_differing: int  # feeds whose entry counts differ
    count_by_feed: list[tuple[str, int, int]]  # (feed, monitor, reader), the differing ones
    only_monitor: list[tuple[str, str, str, str]]
    only_reader: list[tuple[str, str, str, str]]


def diff_entries(mon: list[tuple[str, str, str, str]],
                 rdr: list[tuple[str, str, str, str]]) -> EntryDiff:
    """Entries stored by one tool and not the other, feed by feed. An entry matches when
    monitor's key (``guid:``/``url:``/``hash:`` + value) names reader's id, or their links
    agree."""
    by_feed: dict[str, tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
    for e in mon:
        by_feed[e[0]][0].append(e)
    for e in rdr:
        by_feed[e[0]][1].append(e)
    counts, only_m, only_r = [], [], []
    for url, (ms, rs) in sorted(by_feed.items()):
        if len(ms) != len(rs):
            counts.append((url, len(ms), len(rs)))
        r_ids = {e[1].strip() for e in rs}
        r_links = {e[2] for e in rs}
        m_ids = {e[1].split(":", 1)[1] for e in ms}
        m_links = {e[2] for e in ms}
        only_m += [e for e in ms if e[1].split(":", 1)[1] not in r_ids and e[2] not in r_links]
        only_r += [e for e in rs if e[1].strip() not in m_ids and e[2] not in m_links]
    return EntryDiff(len(counts), counts, only_m, only_r)


def _snapshot_of(url: str, files: list[Path]) -> str:
    n = int(url.rsplit("/", 1)[1])
    return f"{files[n % len(files)].relative_to(SNAPSHOTS)} (copy {n // len(files)})"


def print_diff(diff: EntryDiff, files: list[Path], sample: int = 8) -> None:
    print(f"\nentries that differ: {diff.feeds_differing} feeds with different counts; "
          f"{len(diff.only_monitor)} entries only monitor stores, "
          f"{len(diff.only_reader)} only reader stores")
    for url, m, r in diff.count_by_feed[:15]:
        print(f"  {_snapshot_of(url, files)}: monitor {m}, reader {r}")
    kinds = Counter(e[1].split(":", 1)[0] for e in diff.only_monitor)
    print(f"  only monitor, by monitor's identity rule: {dict(kinds)}")
    for label, rows in (("only monitor", diff.only_monitor), ("only reader", diff.only_reader)):
        for feed, key, link, title in rows[:sample]:
            print(f"  {label}: {_snapshot_of(feed, files)} id={key[:70]!r} link={link[:70]!r} "
                  f"title={title[:50]!r}")


# --- the report ------------------------------------------------------------------------------

def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def print_table(n: int, mon: Run, rdr: Run) -> None:
    print(f"\nmonitor beside reader on {n} real feeds, {LATENCY_MS} ms latency, "
          f"{host_count(n)} hosts (python -m bench.vs_reader {n})")
    print(f"  {'round':<34}{'monitor':>14}{'reader':>14}{'monitor/reader':>16}")
    for m, r in zip(mon.rounds, rdr.rounds, strict=True):
        mf, rf = n / m.wall, n / r.wall
        print(f"  {m.name + ' wall (feeds/s)':<34}{mf:>14.0f}{rf:>14.0f}{_ratio(mf, rf):>16}")
        print(f"  {m.name + ' CPU (s)':<34}{m.cpu:>14.2f}{r.cpu:>14.2f}{_ratio(m.cpu, r.cpu):>16}")
        print(f"  {m.name + ' entries stored after':<34}{m.entries:>14}{r.entries:>14}")
        ms, rs = (f"{x.errors} / {x.served.get('200', 0)},{x.served.get('304', 0)}"
                  for x in (m, r))
        print(f"  {m.name + ' failed polls / server 200,304':<34}{ms:>14}{rs:>14}")
    print(f"  {'CPU, three rounds + setup (s)':<34}{mon.cpu_total:>14.1f}{rdr.cpu_total:>14.1f}"
          f"{_ratio(mon.cpu_total, rdr.cpu_total):>16}")
    print(f"  {'peak RSS, process + workers (MB)':<34}{mon.peak_rss_mb:>14.0f}"
          f"{rdr.peak_rss_mb:>14.0f}{_ratio(mon.peak_rss_mb, rdr.peak_rss_mb):>16}")


def reader_available() -> bool:
    """Whether reader and the sgmllib its vendored feedparser imports are installed."""
    try:
        import reader  # noqa: F401
        import sgmllib  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        _child(args[1], int(args[2]), int(args[3]), Path(args[4]))
        return 0
    n = int(args[0]) if args and args[0].isdigit() else 1000
    if not reader_available():
        print("bench.vs_reader: skipped, the reader package (or the sgmllib it needs) is not "
              f"installed; {INSTALL_HINT}")
        return 2
    if not SNAPSHOTS.is_dir():
        print(f"bench.vs_reader: skipped, no snapshots at {SNAPSHOTS}")
        return 2
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    server = ctx.Process(target=_serve, args=(port, n, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(120):
            raise RuntimeError("the feed server did not start")
        with tempfile.TemporaryDirectory() as tmp:
            mon = _measure("monitor", port, n, Path(tmp))
            rdr = _measure("reader", port, n, Path(tmp))
    finally:
        server.terminate()
    print_table(n, mon, rdr)
    print_diff(diff_entries(mon.entries, rdr.entries), snapshot_files())
    return 0


if __name__ == "__main__":
    sys.exit(main())
