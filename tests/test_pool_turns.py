"""The worker pool hands each worker its next task while it runs one (``ingest.workers``): a
task's deadline still counts its own run, not the time it waited behind another, and a task
that overruns its deadline still times out. A real pool of one spawned worker."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.errors import WorkerTimeout
from monitor.ingest.workers import CpuPool


async def _with_pool(body: object) -> None:
    pool = CpuPool(1)
    try:
        await body(pool)  # type: ignore[operator]
    finally:
        await pool.close(1)


def test_a_task_waiting_behind_another_gets_its_whole_deadline() -> None:
    """The second task waits 1.5 s for the only worker, then runs 1.5 s: 3 s after it was
    handed over, past its 2.5 s deadline, which counts from its turn only."""
    async def body(pool: CpuPool) -> None:
        first = asyncio.ensure_future(pool.run(time.sleep, 1.5, deadline=60))
        await asyncio.sleep(0)  # the first is handed over first
        second = asyncio.ensure_future(pool.run(time.sleep, 1.5, deadline=2.5))
        await asyncio.gather(first, second)
        assert pool.health.replaced == 0

    asyncio.run(_with_pool(body))


def test_a_task_waiting_behind_another_still_times_out_on_its_own_run() -> None:
    async def body(pool: CpuPool) -> None:
        first = asyncio.ensure_future(pool.run(time.sleep, 0.5, deadline=60))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(pool.run(time.sleep, 30, deadline=1.5))
        await first
        with pytest.raises(WorkerTimeout):
            await second
        assert pool.health.replaced == 1
        await pool.run(time.sleep, 0, deadline=60)  # the new worker takes tasks

    asyncio.run(_with_pool(body))


def test_with_a_thread_a_task_behind_an_overrun_runs_on_the_new_executor() -> None:
    """A thread cannot be killed: the task behind one that overran is not left queued behind
    it (it would wait for the stuck thread and time out), it runs on the new executor."""
    async def body() -> None:
        pool = CpuPool(0)
        try:
            first = asyncio.ensure_future(pool.run(time.sleep, 4, deadline=1))
            await asyncio.sleep(0)
            second = asyncio.ensure_future(pool.run(time.sleep, 0, deadline=2))
            with pytest.raises(WorkerTimeout):
                await first
            await second
        finally:
            await pool.close(5)

    asyncio.run(body())


def test_a_task_whose_caller_gave_up_keeps_its_turn_until_it_ends() -> None:
    """A poll cancelled mid-cycle leaves its parse running in the worker: the task behind it
    waits for that parse and still gets its whole deadline (it does not time out, and no
    innocent worker is killed for it)."""
    async def body(pool: CpuPool) -> None:
        first = asyncio.ensure_future(pool.run(time.sleep, 3.0, deadline=60))
        await asyncio.sleep(0.3)  # it runs
        second = asyncio.ensure_future(pool.run(time.sleep, 0.1, deadline=1.5))
        await asyncio.sleep(0.2)
        first.cancel()  # e.g. a cycle's polls cancelled; the worker goes on with it
        await second
        assert pool.health.replaced == 0 and pool.health.failures_in_row == 0

    asyncio.run(_with_pool(body))


def test_a_given_up_task_that_overruns_its_deadline_is_killed_and_the_next_runs() -> None:
    async def body(pool: CpuPool) -> None:
        first = asyncio.ensure_future(pool.run(time.sleep, 60, deadline=1.0))
        await asyncio.sleep(0.3)
        second = asyncio.ensure_future(pool.run(time.sleep, 0.1, deadline=5))
        await asyncio.sleep(0.2)
        first.cancel()
        await second  # ran on the new worker once the given-up task overran
        assert pool.health.replaced == 1

    asyncio.run(_with_pool(body))
