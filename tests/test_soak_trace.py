"""bench.soak_trace --trend: the allocation site that keeps growing across snapshots is named
first, and the snapshot taken at exit is left out."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from bench.soak_trace import trend

held: list[bytes] = []


def _grow(n: int) -> None:
    held.extend(bytes(1000) + bytes([i % 256]) for i in range(n))  # the growing site


def test_trend_names_the_growing_site_first(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    tracemalloc.start(1)
    try:
        for second, n in ((60, 100), (180, 2000), (300, 4000)):
            _grow(n)
            tracemalloc.take_snapshot().dump(str(tmp_path / f"snap-{second:05d}.pickle"))
        held.clear()
        tracemalloc.take_snapshot().dump(str(tmp_path / "snap-00400.pickle"))  # at exit
    finally:
        tracemalloc.stop()
    trend(tmp_path, since=120)
    out = capsys.readouterr().out
    assert out.startswith("traced MB at minute: 3: ")
    assert ", 5: " in out and "7:" not in out.splitlines()[0]
    first_site = out.splitlines()[2].split()[1]
    assert first_site.endswith(f"test_soak_trace.py:{_grow.__code__.co_firstlineno + 1}")
