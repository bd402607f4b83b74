"""The process pool for CPU-bound ingestion work (feed parsing, text extraction), kept working:
every task has a deadline, a worker that overruns it or dies is replaced, and the pool says how
it is doing (for ``/healthz``). Rule analysis runs beside it, in threads of its own, so that
it never runs on the event loop.

``ProcessPoolExecutor`` cannot cancel a task that is running, and one dead worker (the OOM
killer, a segfault in lxml) breaks the executor for good: every later task fails with
``BrokenProcessPool``. So ``CpuPool`` holds an executor and replaces it. On an overrun it kills
the executor's processes (SIGKILL, through the executor's private ``_processes``: there is no
public API for it) and builds a new executor; on a broken pool it builds a new one, once per
breakage however many tasks notice it. The tasks that met the breakage (those that ran beside
a killed worker included) are retried once on the new executor, one at a time: a task that kills
its worker again then takes down only itself.

Each worker process has one task queued behind the one it runs (``QUEUED_PER_WORKER``; not a
thread, which cannot be killed: a task queued behind its overrun would wait for it): a worker that
finishes takes the next at once, instead of waiting for its result to reach the event loop
and the next task to come back through the executor's threads, which on a busy event loop
(the GIL handed over every 5 ms) left the workers idle a good part of a cold round. A task's
deadline still counts its own run, not its wait: tasks start in the order they were handed
over, so a task's clock starts once fewer than ``size`` tasks handed over before it are left
(``_Turns``), a little before the worker really takes it.

Kept in a module of its own with few imports: a spawned worker imports this module (for its
initializer) and the ingest modules its tasks come from, not the whole application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from dataclasses import dataclass
from typing import Any, TypeVar

from monitor.errors import FeedParseError, WorkerError, WorkerTimeout
from monitor.ingest.extract import Extracted, extract_article
from monitor.ingest.feeds import ParsedFeed, parse_feed
from monitor.ingest.incremental import parse_new

log = logging.getLogger("monitor.workers")

T = TypeVar("T")
FAILING_AFTER = 3  # tasks failed in a row (crashes, overruns) after which health says so
RULE_THREADS = 2
PARENT_CHECK = 1.0  # seconds between a worker's checks that the daemon is still there
QUEUED_PER_WORKER = 1  # tasks waiting in the executor for each worker, beside its running one


def _warm_worker(parent: int) -> None:
    """Ignore SIGINT (Ctrl-C reaches the terminal's whole process group: the daemon stops
    its workers itself, without each printing a KeyboardInterrupt traceback), then import
    what every worker needs before its first task: the feed parser. Trafilatura (26 MB) is
    imported by the first extraction, so that workers of a daemon that only polls feeds
    (``full_text: false``) never carry it. And watch the parent: ``_exit_with_parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                     name="monitor-parent-watch").start()
    import feedparser  # noqa: F401

    import monitor.ingest.extract
    import monitor.ingest.feeds  # noqa: F401


def _exit_with_parent(parent: int, every: float = PARENT_CHECK) -> None:
    """Exit once ``parent`` (the daemon's pid, as the daemon gave it: a worker still starting
    when the daemon died has been re-parented already) is gone (SIGKILL, OOM killer). A
    worker waits for its next task on a pipe whose writing end it holds itself, so it would
    never see the daemon go and would stay, holding its memory, forever."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _ready() -> None:
    """A no-op task: done once its worker has started."""


def make_pool(workers: int | None) -> Executor:
    """A process pool for CPU-bound work (``workers=0``: a single thread, for tiny runs)."""
    if workers == 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-cpu")
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker, initargs=(os.getpid(),))


@dataclass
class PoolHealth:
    """What the pool went through: the last success and failure, failures in a row."""

    last_ok: float | None = None  # monotonic
    last_error: str | None = None
    last_error_at: float | None = None
    failures_in_row: int = 0
    replaced: int = 0  # executors replaced (worker deaths and overruns)

    @property
    def ok(self) -> bool:
        return self.failures_in_row < FAILING_AFTER

    def report(self, now: float) -> dict[str, object]:
        def ago(t: float | None) -> float | None:
            return None if t is None else round(now - t, 1)
        return {"ok": self.ok, "last_error": self.last_error,
                "last_error_seconds_ago": ago(self.last_error_at),
                "last_success_seconds_ago": ago(self.last_ok),
                "failures_in_row": self.failures_in_row, "workers_replaced": self.replaced}


class CpuPool(Executor):
    """The process pool (``workers=0``: one thread, which cannot be killed: an overrun there
    only stops being waited for). ``run`` is the way in; ``submit`` hands a task to the
    current executor as is (no deadline, no retry), for callers of ``run_in_executor``."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers
        self.size = 1 if workers == 0 else workers or os.cpu_count() or 1
        self.health = PoolHealth()
        self._generation = 0
        self._closed = False
        # (not with a thread: one queued behind an overrun, which cannot be killed, would
        # wait for it on the old executor instead of running on the new one)
        queued = 0 if workers == 0 else QUEUED_PER_WORKER
        self._slots = asyncio.Semaphore(self.size * (1 + queued))
        self._turns = _Turns(self.size)
        self._tasks: set[Future[Any]] = set()  # handed to a worker by ``run``, not done yet
        # Retries run one at a time. A dead worker breaks the whole executor, so every task in
        # flight fails with it, the innocent beside the one that killed it: retried together,
        # a task that kills its worker again (a segfault in lxml on one feed) would fail them
        # all a second time, for good. Alone, it takes down only itself; the tasks handed
        # over meanwhile are on their first try and get theirs. (Two tasks that each kill
        # their worker can still fail an innocent retry between them: a retry shares the
        # executor with first tries.)
        self._retrying = asyncio.Lock()
        self._watchers: set[asyncio.Task[None]] = set()  # given-up tasks' turns (``_orphaned``)
        self._rules = ThreadPoolExecutor(max_workers=RULE_THREADS,
                                         thread_name_prefix="monitor-rules")
        self._executor, self._warming = self._new()

    def _new(self) -> tuple[Executor, list[Future[None]]]:
        executor = make_pool(self.workers)
        if isinstance(executor, ProcessPoolExecutor):
            # Start every worker now, so that no task's deadline pays for a process start.
            return executor, [executor.submit(_ready) for _ in range(self.size)]
        return executor, []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._executor.submit(fn, *args, **kwargs)

    def pids(self) -> list[int]:
        """The worker processes' ids (none for a thread)."""
        procs = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in procs.values() if p.pid is not None]

    async def run(self, fn: Callable[..., T], *args: Any, deadline: float,
                  what: str = "task") -> T:
        """``fn(*args)`` in a worker, within ``deadline`` seconds of its start. Raises
        ``WorkerTimeout`` on an overrun (the worker is killed and replaced) and
        ``WorkerError`` when the pool broke under it twice; ``fn``'s own exceptions pass."""
        try:
            async with self._slots:
                return await self._attempt(fn, args, deadline, what)
        except _Broken as first:
            log.warning("worker died; retrying on a new pool task=%s error=%r",
                        what, str(first.__cause__))
        # One retry at a time (see ``_retrying``); waiting for its turn, a retry holds no slot,
        # so that first tries go on meanwhile.
        async with self._retrying, self._slots:
            try:
                return await self._attempt(fn, args, deadline, what)
            except _Broken as again:
                self._failed(f"{what} failed: the worker died twice ({again.__cause__})")
                raise WorkerError(f"{what} failed: the worker died twice") from None

    async def _attempt(self, fn: Callable[..., T], args: tuple[Any, ...], deadline: float,
                       what: str) -> T:
        """One try on the current executor; ``_Broken`` when the pool broke under it."""
        executor, generation = self._executor, self._generation
        try:
            if self._warming:
                await self._warmed(generation)
            result = await self._within(executor, generation, deadline, fn, *args)
        except RuntimeError as exc:  # BrokenExecutor, or "shutdown" (just replaced)
            if self._closed or not (isinstance(exc, BrokenExecutor) or "shutdown" in str(exc)):
                raise
            self._replace(generation, kill=False, why=f"a worker died: {exc}")
            raise _Broken() from exc
        except TimeoutError:
            self._replace(generation, kill=True, why=f"{what} overran {deadline:g}s")
            message = f"{what} timed out after {deadline:g}s"
            self._failed(message)
            raise WorkerTimeout(message) from None
        except Exception:
            self._succeeded()  # the task's own error: the pool is fine
            raise
        self._succeeded()
        return result

    async def _within(self, executor: Executor, generation: int, deadline: float,
                      fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` handed to ``executor`` at once, its result awaited within
        ``deadline`` seconds of its turn to run (``TimeoutError`` past it). A caller that
        gives up (cancelled) while the task runs leaves it its turn: ``_orphaned``."""
        turn, handed_on = self._turns.join(), False
        try:
            task = executor.submit(fn, *args)  # (raises for a broken or shut down executor)
        except BaseException:
            self._turns.leave(turn)
            raise
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        future = asyncio.wrap_future(task)
        try:
            if not turn.done():
                await asyncio.wait((future, turn), return_when=asyncio.FIRST_COMPLETED)
            return await asyncio.wait_for(future, deadline)
        except asyncio.CancelledError:
            future.cancel()
            if not task.cancel():  # a worker has it: the next task's turn comes after it
                self._orphaned(task, turn, generation, deadline)
                handed_on = True
            raise
        finally:
            if not handed_on:
                self._turns.leave(turn)

    def _orphaned(self, task: Future[Any], turn: asyncio.Future[None], generation: int,
                  deadline: float) -> None:
        """Keep ``turn`` until the given-up ``task`` ends, or until ``deadline`` seconds from
        now, when its worker is killed (the tasks behind it are retried on a new executor):
        otherwise the next task's deadline would count while it still waits behind it."""
        async def watch() -> None:
            try:
                await asyncio.wait_for(asyncio.wrap_future(task), deadline)
            except TimeoutError:
                self._replace(generation, kill=True, why="a given-up task overran its deadline")
            except Exception:  # its own error, or a broken pool: it ended all the same
                log.debug("a given-up task ended with an error", exc_info=True)
            finally:
                self._turns.leave(turn)

        watcher = asyncio.get_running_loop().create_task(watch())
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)

    async def _warmed(self, generation: int) -> None:
        """Wait for the executor of ``generation`` to have started every worker (once: the
        next tasks find nothing to wait for)."""
        for warming in self._warming:
            await asyncio.wrap_future(warming)
        if generation == self._generation:
            self._warming = []

    async def run_rules(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a rules thread, off the event loop. A thread, not the process
        pool: the engine's automata (ahocorasick-rs) cannot be pickled, and an article's
        analysis takes milliseconds (6 ms for 6 KB), far less than sending it a process."""
        return await asyncio.get_running_loop().run_in_executor(self._rules, fn, *args)

    def _succeeded(self) -> None:
        self.health.last_ok = time.monotonic()
        self.health.failures_in_row = 0

    def _failed(self, message: str) -> None:
        self.health.last_error = message
        self.health.last_error_at = time.monotonic()
        self.health.failures_in_row += 1

    def _replace(self, generation: int, *, kill: bool, why: str) -> None:
        """A new executor in place of the one of ``generation`` (once: later callers that
        saw the same one find it already replaced)."""
        if generation != self._generation or self._closed:
            return
        old = self._executor
        self._generation += 1
        self._executor, self._warming = self._new()
        self.health.replaced += 1
        log.warning("replacing the worker pool reason=%r killed=%s", why, kill)
        if kill:
            _kill(old)
        # Not cancel_futures: what was queued on it fails as BrokenProcessPool and is retried
        # (a cancelled future would look like the waiting task being cancelled).
        old.shutdown(wait=False)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=cancel_futures)
        self._rules.shutdown(wait=wait, cancel_futures=cancel_futures)

    async def close(self, grace: float) -> None:
        """Stop: queued tasks are dropped, busy workers get ``grace`` seconds to finish their
        task, then they are killed. Safe to call twice."""
        if self._closed and not self.pids():
            return
        procs = list((getattr(self._executor, "_processes", None) or {}).values())
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._rules.shutdown(wait=False, cancel_futures=True)
        ends = time.monotonic() + grace
        for proc in procs:
            await asyncio.to_thread(proc.join, max(0.0, ends - time.monotonic()))
        if alive := [p for p in procs if p.is_alive()]:
            # (a copy: the executor's thread discards finished tasks meanwhile)
            if busy := [t for t in self._tasks.copy() if not t.done()]:
                log.warning("killing busy workers at shutdown workers=%d tasks=%d", len(alive),
                            len(busy))
            else:  # idle, only slow to exit (a loaded machine): nothing is lost
                log.debug("killing idle workers slow to exit workers=%d", len(alive))
            for proc in alive:
                proc.kill()


class _Broken(Exception):
    """The executor broke under a task (a worker died): it may be tried again."""


class _Turns:
    """The tasks handed to the executor, in that order: the first ``size`` of them are the
    ones running (workers take tasks in the order they were handed over), so a task's turn
    comes once fewer than ``size`` handed over before it are left."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._waiting: list[asyncio.Future[None]] = []

    def join(self) -> asyncio.Future[None]:
        """A task handed over now: its turn, a future done once the task runs."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        self._start()
        return turn

    def leave(self, turn: asyncio.Future[None]) -> None:
        """The task of ``turn`` ended (or was given up): the next one's turn comes."""
        self._waiting.remove(turn)
        turn.cancel()  # (when it never came)
        self._start()

    def _start(self) -> None:
        for turn in self._waiting[:self.size]:
            if not turn.done():
                turn.set_result(None)


def _kill(executor: Executor) -> None:
    for proc in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # already gone
            proc.kill()


async def parse_in_pool(pool: CpuPool, body: bytes, url: str, content_type: str | None,
                        deadline: float, known: frozenset[str] | None = None) -> ParsedFeed:
    """``parse_feed`` in the pool (given the feed's ``known`` entry keys: ``parse_new``, the
    new entries only); an overrun or a worker that died twice is a ``FeedParseError``
    saying so (recorded on the feed)."""
    try:
        if known is not None:
            return await pool.run(parse_new, body, url, content_type, known,
                                  deadline=deadline, what="parse")
        return await pool.run(parse_feed, body, url, content_type, deadline=deadline,
                              what="parse")
    except WorkerError as exc:
        raise FeedParseError(str(exc)) from None


async def extract_in_pool(pool: CpuPool, body: bytes, url: str, deadline: float) -> Extracted:
    """``extract_article`` in the pool; an overrun or a worker that died twice is an
    ``Extracted`` with the reason (the article falls back to the feed's text)."""
    try:
        return await pool.run(extract_article, body, url, deadline=deadline, what="extraction")
    except WorkerError as exc:
        return Extracted(text="", error=str(exc))
