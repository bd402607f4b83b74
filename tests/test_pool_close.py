"""Closing the CPU pool: idle workers go quietly (Ctrl-C on an idle daemon ends on "stopped",
however slowly a loaded machine lets them exit); a worker busy past the grace is killed and
said so. Real worker processes."""

from __future__ import annotations

import asyncio
import logging
import os
import time

import pytest

from monitor.ingest.workers import CpuPool


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:  # a zombie not reaped yet is gone too
            return f.read().split(") ", 1)[1].startswith("Z")
    except (ProcessLookupError, FileNotFoundError):  # it went between the two looks
        return True


def test_idle_workers_are_stopped_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> list[int]:
        pool = CpuPool(2)
        await pool.run(abs, -1, deadline=60)  # every worker has started
        pids = pool.pids()
        await pool.close(grace=0)  # no time to exit on their own: killed, but idle
        return pids

    with caplog.at_level(logging.DEBUG, logger="monitor.workers"):
        pids = asyncio.run(go())
    assert len(pids) == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    deadline = time.monotonic() + 10
    while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(p) for p in pids)


def test_a_busy_worker_past_the_grace_is_killed_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> list[int]:
        pool = CpuPool(1)
        await pool.run(abs, -1, deadline=60)
        task = asyncio.ensure_future(pool.run(time.sleep, 60, deadline=120))
        await asyncio.sleep(0.5)  # the worker is in its sleep
        pids = pool.pids()
        started = time.monotonic()
        await pool.close(grace=0.3)
        assert time.monotonic() - started < 30  # it did not wait for the task's 60 s
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return pids

    with caplog.at_level(logging.WARNING, logger="monitor.workers"):
        pids = asyncio.run(go())
    assert "killing busy workers at shutdown workers=1" in caplog.text
    deadline = time.monotonic() + 10
    while not _gone(pids[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pids[0])
