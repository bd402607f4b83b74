"""The daemon hands the C heap's free pages back to the system: after a thread has allocated
and freed a lot (the memory in its own malloc arena, a block kept here and there so that none
of it is at the heap's top), ``heap.trim`` brings the process's resident anonymous memory back
down, and the running daemon does so on its own (``monitor_heap_trims_total`` on /metrics).
``heap.limit_arenas`` caps the arenas that many threads allocating at once get (unless the
environment sets the cap). On a C library without these calls nothing happens, as said."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor import heap
from tests.conftest import free_port
from tests.daemon_support import daemon, http_get, stop, wait_for, write_daemon_config

GLIBC = hasattr(ctypes.CDLL(None), "malloc_trim")

CHURN = """
import json, sys, threading
from pathlib import Path
from monitor import heap

def anon_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024

kept = []
def churn():
    size = 2000
    blocks = [b"x" * size for _ in range(60_000)]  # 120 MB, in this thread's malloc arena
    kept.extend(blocks[::64])  # one block in 64 stays: the freed ones are not at the top

thread = threading.Thread(target=churn)
thread.start()
thread.join()
before = anon_mb()
trimmed = heap.trim() if sys.argv[1] == "trim" else None
print(json.dumps({"before": before, "after": anon_mb(), "trimmed": trimmed}))
"""


def _churn(mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True,
                         check=True, timeout=120)
    result: dict[str, float] = json.loads(out.stdout)
    return result


@pytest.mark.skipif(not Path("/proc/self/status").exists() or not GLIBC,
                    reason="needs Linux with glibc")
def test_trim_gives_freed_heap_memory_back() -> None:
    untrimmed = _churn("keep")
    assert untrimmed["before"] - untrimmed["after"] < 20  # freed, and still resident
    trimmed = _churn("trim")
    assert trimmed["trimmed"] is True
    assert trimmed["before"] - trimmed["after"] > 60  # of about 118 MB freed


ARENAS = """
import ctypes, sys, threading
from monitor import heap

if sys.argv[1] == "limit":
    print(heap.limit_arenas(2, env={}))
together = threading.Barrier(8)
kept = []

def allocate():
    together.wait()  # all eight alive at once: none takes over an arena another left
    kept.append([bytes(bytearray(4000)) for _ in range(100)])
    together.wait()

threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


def _arenas(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout.strip(), out.stderr.count("Arena ")


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_limit_arenas_keeps_many_threads_to_two_arenas() -> None:
    assert _arenas("default")[1] >= 5  # the main one and one a thread: up to 8 per core
    assert _arenas("limit") == ("True", 2)


def test_an_arena_cap_in_the_environment_rules() -> None:
    assert heap.limit_arenas(2, env={"MALLOC_ARENA_MAX": "4"}) is False
    assert heap.limit_arenas(2, env={"GLIBC_TUNABLES": "glibc.malloc.arena_max=4"}) is False


@pytest.mark.skipif(GLIBC, reason="glibc has malloc_trim")
def test_without_malloc_trim_nothing_happens() -> None:
    assert heap.trim() is None
    assert heap.limit_arenas(2, env={}) is None


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_the_daemon_trims_its_heap_on_its_own(tmp_path: Path, web: HTTPServer) -> None:
    port = free_port()
    config = write_daemon_config(tmp_path, f"sqlite:///{tmp_path / 'm.db'}",
                                 server={"enabled": True, "port": port})
    with daemon(config) as proc:
        wait_for(lambda: "monitor_heap_trims_total 1.0" in http_get(
            f"http://127.0.0.1:{port}/metrics")[1], what="a heap trim")
        stop(proc)
    assert proc.returncode == 0
