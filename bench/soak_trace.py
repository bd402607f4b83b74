"""The daemon under tracemalloc, for ``bench.soak --trace DIR``: what holds its memory.

``python -m bench.soak_trace DIR [monitor arguments]`` starts tracemalloc (one frame: the
allocating line), runs ``monitor`` with the arguments, and writes a snapshot to
``DIR/snap-<seconds>.pickle`` every two minutes and at exit; compare two with
``python -m bench.soak_trace --compare A B``, or follow every site over all the snapshots taken
from second ``S`` on (after the first cycle, say) with ``python -m bench.soak_trace --trend DIR
S``: a cache without a bound grows snapshot after snapshot, a filling one stops.
Tracing slows the daemon several times (start-up too): its figures are not the soak's.
"""

from __future__ import annotations

import sys
import threading
import time
import tracemalloc
from pathlib import Path

EVERY = 120.0


def _dump(folder: Path, started: float) -> None:
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)])
    snapshot.dump(str(folder / f"snap-{time.monotonic() - started:05.0f}.pickle"))


def _dumper(folder: Path, started: float, stop: threading.Event) -> None:
    while not stop.wait(EVERY):
        _dump(folder, started)


def compare(old: str, new: str, top: int = 25) -> None:
    """The allocation sites that grew most from snapshot ``old`` to ``new``, and the largest
    in ``new`` (grouped by line)."""
    a, b = tracemalloc.Snapshot.load(old), tracemalloc.Snapshot.load(new)
    print(f"total {sum(s.size for s in a.statistics('filename')) / 1e6:.1f} MB -> "
          f"{sum(s.size for s in b.statistics('filename')) / 1e6:.1f} MB")
    print("grew most:")
    for stat in b.compare_to(a, "lineno")[:top]:
        print(f"  {stat}")
    print("largest:")
    for stat in b.statistics("lineno")[:top]:
        print(f"  {stat}")


def trend(folder: Path, since: float, top: int = 25) -> None:
    """The traced total in each snapshot of ``folder`` taken ``since`` seconds or later (the
    one at exit left out: the daemon has let go by then), and the allocation sites (by line)
    that grew most from the first of them to the last, with their size in each."""
    taken = sorted((float(p.stem.partition("-")[2]), p) for p in folder.glob("snap-*.pickle"))
    taken = [(t, p) for t, p in taken[:-1] if t >= since]
    sizes: dict[str, list[int]] = {}
    totals = []
    for i, (_, path) in enumerate(taken):
        stats = tracemalloc.Snapshot.load(str(path)).statistics("lineno")
        totals.append(sum(s.size for s in stats))
        for stat in stats:
            frame = stat.traceback[0]
            sizes.setdefault(f"{frame.filename}:{frame.lineno}", [0] * len(taken))[i] = stat.size
    print("traced MB at minute: " + ", ".join(
        f"{t / 60:.0f}: {size / 1e6:.1f}" for (t, _), size in zip(taken, totals, strict=True)))
    print("grew most from the first to the last (KB, then KB in each snapshot):")
    for site, series in sorted(sizes.items(), key=lambda kv: kv[1][0] - kv[1][-1])[:top]:
        print(f"  {(series[-1] - series[0]) / 1e3:+9.1f}  {site}  "
              + " ".join(f"{s / 1e3:.0f}" for s in series))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--compare"]:
        compare(argv[1], argv[2])
        return
    if argv[:1] == ["--trend"]:
        trend(Path(argv[1]), float(argv[2]) if len(argv) > 2 else 0.0)
        return
    from monitor.cli import main as monitor_main

    folder = Path(argv[0])
    tracemalloc.start(1)
    started, stop = time.monotonic(), threading.Event()
    threading.Thread(target=_dumper, args=(folder, started, stop), daemon=True).start()
    sys.argv = ["monitor", *argv[1:]]
    try:
        monitor_main()
    finally:
        stop.set()
        _dump(folder, started)


if __name__ == "__main__":  # not when a spawned worker process imports this module
    main(sys.argv[1:])
