"""CPU per changed poll, parsing only what is new (``ingest.incremental.parse_new``) beside a
full feedparser parse (what every changed body cost before), on the real news snapshots.

Reproduce: ``.venv/bin/python -m bench.parse_new [REPEATS]`` (default 3). Each snapshot is
polled as changed three ways: ``churn`` (its first three entries new, the others known: the
usual changed poll), ``known`` (a new body of known entries only: an edited title, a new
build date) and ``cold`` (every entry new). A poll's CPU is the parse plus the entry keys the
decider computes (``identity.entry_key``), measured with ``time.process_time`` in this one
process; the median over the repeats is kept per snapshot, and the mean over snapshots is
printed, with the files the scan was unsure of (parsed in full on both sides) counted.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from bench.common import SHARED
from monitor.errors import FeedParseError
from monitor.ingest.feeds import ParsedFeed, parse_feed
from monitor.ingest.identity import entry_key
from monitor.ingest.incremental import parse_new, scan

URL = "http://127.0.0.1/feed.xml"
TYPE = "application/rss+xml"
NEW = 3


def _cpu(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _keyed(parse: Callable[[], ParsedFeed]) -> Callable[[], object]:
    def work() -> object:
        try:
            return [entry_key(e) for e in parse().entries]
        except FeedParseError:
            return None
    return work


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    repeats = int(args[0]) if args else 3
    files = sorted((SHARED / "feeds" / "news-snapshots").rglob("*.xml"))
    rows: dict[str, list[tuple[float, float]]] = {"churn": [], "known": [], "cold": []}
    unsure = 0
    for path in files:
        body = path.read_bytes()
        try:
            keys = [entry_key(e) for e in parse_feed(body, URL, TYPE).entries]
        except FeedParseError:
            keys = []
        unsure += scan(body, URL, TYPE) is None
        full = _cpu(_keyed(partial(parse_feed, body, URL, TYPE)), repeats)
        for name, known in (("churn", frozenset(keys[NEW:])), ("known", frozenset(keys)),
                            ("cold", frozenset[str]())):
            new = _cpu(_keyed(partial(parse_new, body, URL, TYPE, known)), repeats)
            rows[name].append((full, new))
    print(f"CPU per changed poll, {len(files)} news snapshots ({unsure} the scan was unsure "
          f"of: parsed in full), median of {repeats} runs each")
    print(f"{'poll':<8}{'full parse':>14}{'parse_new':>14}{'ratio':>9}")
    for name, pairs in rows.items():
        full_ms = statistics.fmean(f for f, _ in pairs) * 1000
        new_ms = statistics.fmean(n for _, n in pairs) * 1000
        print(f"{name:<8}{full_ms:>11.2f} ms{new_ms:>11.2f} ms{new_ms / full_ms:>8.2f}x")


if __name__ == "__main__":
    main()
