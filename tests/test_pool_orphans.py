"""A daemon killed outright (SIGKILL, the OOM killer) leaves no worker processes behind: each
worker notices its parent is gone and exits. A real pool in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.test_pool_close import _gone

_HOLDER = """
import asyncio, sys, time
from monitor.ingest.workers import CpuPool

async def main():
    pool = CpuPool(2)
    await pool.run(abs, -1, deadline=60)  # every worker has started
    print(" ".join(map(str, pool.pids())), flush=True)
    time.sleep(600)

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_workers_of_a_killed_parent_exit(tmp_path: object) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and not any(_gone(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    deadline = time.monotonic() + 20
    while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if not _gone(p)]
    for p in left:  # (the test leaves nothing behind either way)
        os.kill(p, signal.SIGKILL)
    assert not left, f"workers {left} outlived their parent"
