"""Group commit: the writes of the feeds that finish polling while one transaction runs are
made together in the next, in a worker thread, so the event loop keeps fetching meanwhile.

A feed with new entries hands over a ``Job``: ``work(session)`` stores what it brought,
``commit(result)`` runs once the transaction holding it has committed, ``undo()`` once it has
been rolled back. Each job still succeeds or fails on its own: when a batch's transaction fails,
its jobs are retried one per transaction, and only the job that fails again sees the error.

A job may also leave poll records (``records(result)``: feed id and ``FeedState``) to its
transaction: those of every job in it are written together at its end, before the commit,
by one ``feeds.record_polls`` (one statement per shape of update, all its rows at once). A
round of 304s is then a few statements per transaction, not one UPDATE per feed. They are
still part of the transaction: a record that fails rolls the batch back like any error, and
each job is retried alone, with its own records.

Why: a transaction and its statements cost the same for one feed's five rows as for fifty
feeds' rows (SQLAlchemy's per-statement overhead dominated a 10,000-feed cycle's profile), and
one writer at a time is all SQLite allows anyway. Jobs run in the order they were submitted,
on one thread at a time, so they may share state that only they touch (the story index).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.db.feeds import record_polls
from monitor.db.session import unit_of_work
from monitor.model import FeedState

log = logging.getLogger("monitor.writer")

R = TypeVar("R")
Record = tuple[int, FeedState]  # a feed's id and what its poll learned


@dataclass
class Job(Generic[R]):
    work: Callable[[Session], R]
    commit: Callable[[R], None] = lambda _result: None
    undo: Callable[[], None] = lambda: None
    # The poll records ``work``'s result leaves to the transaction (written at its end).
    records: Callable[[R], Sequence[Record]] = lambda _result: ()


class GroupWriter:
    """Runs submitted jobs in batches, one batch (one transaction) at a time."""

    def __init__(self, engine: Engine, max_batch: int = 200) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._pending: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, job: Job[R]) -> R:
        """Run ``job`` in the next batch; returns its result or raises its error."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((job, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.ensure_future(self._drain())
        return await future

    async def close(self, timeout: float = 30.0) -> None:
        """Wait for the jobs already submitted (at shutdown, before the engine goes), at most
        ``timeout`` seconds: a database that stopped answering must not hold the exit."""
        drainer = self._drainer
        if drainer is None or drainer.done():
            return
        _done, pending = await asyncio.wait({drainer}, timeout=timeout)
        if pending:
            log.warning("stopping: writes still waiting on the database were given up "
                        "jobs=%d timeout=%.0fs", len(self._pending) + 1, timeout)

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[:self.max_batch]
            del self._pending[:self.max_batch]
            outcomes = await asyncio.to_thread(self._run, [job for job, _ in batch])
            for (_job, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # the submitter was cancelled
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _run(self, jobs: list[Job[Any]]) -> list[Any]:
        """In the worker thread: the batch in one transaction, else each job in its own."""
        try:
            return self._transaction(jobs)
        except Exception as exc:
            if len(jobs) == 1:
                return [exc]
            log.warning("batch write failed, retrying its %d jobs one by one error=%r",
                        len(jobs), str(exc))
        outcomes: list[Any] = []
        for job in jobs:
            try:
                outcomes += self._transaction([job])
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def _transaction(self, jobs: list[Job[Any]]) -> list[Any]:
        done: list[Job[Any]] = []
        try:
            with unit_of_work(self.engine) as session:
                results = []
                for job in jobs:
                    done.append(job)
                    results.append(job.work(session))
                records = [r for job, result in zip(jobs, results, strict=True)
                           for r in job.records(result)]
                if records:
                    record_polls(session, records)
        except BaseException:
            for job in done:
                job.undo()
            raise
        for job, result in zip(jobs, results, strict=True):
            job.commit(result)
        return results
