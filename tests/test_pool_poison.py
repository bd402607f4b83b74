"""A task that kills its worker every time (a segfault in a parser on one feed) fails alone:
the tasks that were in flight beside it when the executor broke are retried and succeed, and
the poison task fails with ``WorkerError`` after its one retry. A real pool of spawned workers.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from monitor.errors import WorkerError
from monitor.ingest.workers import CpuPool


def _sleeper(pool: CpuPool, n: int) -> asyncio.Future[None]:
    return asyncio.ensure_future(pool.run(time.sleep, 0.4, deadline=60, what=f"innocent {n}"))


@pytest.mark.parametrize("workers", [2, 3])
def test_a_task_that_kills_its_worker_twice_fails_alone(workers: int) -> None:
    """Beside the poison: ``workers - 1`` tasks running, and as many queued behind."""
    async def body() -> tuple[list[object], int]:
        pool = CpuPool(workers)
        try:
            innocent = [_sleeper(pool, n) for n in range(workers - 1)]
            await asyncio.sleep(0)  # handed over first: running when the poison kills
            poison = asyncio.ensure_future(pool.run(os._exit, 3, deadline=60, what="poison"))
            await asyncio.sleep(0)
            innocent += [_sleeper(pool, n) for n in range(workers - 1, 2 * workers - 2)]
            with pytest.raises(WorkerError, match="poison failed: the worker died twice"):
                await poison
            results = await asyncio.gather(*innocent, return_exceptions=True)
            await pool.run(time.sleep, 0, deadline=60)  # the pool still takes tasks
            return results, pool.health.replaced
        finally:
            await pool.close(5)

    results, replaced = asyncio.run(body())
    assert results == [None] * (2 * workers - 2)  # each slept and returned: none took the blame
    assert replaced == 2  # the poison broke the pool twice, no more
