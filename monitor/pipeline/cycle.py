"""One poll cycle: claim the due feeds, poll them through a sliding window, record the
failures in groups (the outage rule, ``ingest.decide.is_outage``), count them in the metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from monitor import model
from monitor.app import App
from monitor.db import feeds
from monitor.db_work import record_polls, run_db
from monitor.errors import StoreError
from monitor.ingest import decide
from monitor.model import PolledFeed
from monitor.pipeline.poll import Polled, PollOutcome, answered_at, timed_poll
from monitor.pipeline.stored_rules import refresh_rules

log = logging.getLogger("monitor.pipeline")

Running = dict[asyncio.Task[Polled], PolledFeed]


@dataclass
class CycleReport:
    outcomes: list[PollOutcome] = field(default_factory=list)

    @property
    def polled(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)

    def total(self, attr: str) -> int:
        return sum(int(getattr(o, attr)) for o in self.outcomes)


async def poll_cycle(app: App, now: datetime, *, until_empty: bool = False,
                     on_polled: Callable[[PollOutcome], None] | None = None) -> CycleReport:
    """Claim the feeds due at ``now`` and poll them: one batch, or (``until_empty``) every due
    feed through a sliding window of ``scheduler.batch_size`` polls in flight, claiming more
    as slots free up, so a slow feed holds one slot, never the cycle. Failures are written in
    groups of ``batch_size`` results (see ``_Group``): when every feed of a group fails to
    connect, the network is down and no feed is penalised for it. ``on_polled`` hears of each
    poll as it ends (a progress display)."""
    report = CycleReport()
    started = time.monotonic()
    # Cycles do not overlap within an instance: a lease it still holds is left over from a
    # cycle that failed half-way (the database went away); take it back now. The database
    # work runs in a thread: a database that stops answering must not stop the event loop.
    await run_db(app, feeds.release_leases, app.instance)
    await refresh_rules(app)  # rules saved from the workbench since the last cycle
    group = _Group(app, now, started, app.config.scheduler.batch_size, report)
    running: Running = {}
    claiming = True
    try:
        while True:
            if claiming and _wants_more(app, len(running)):
                due = await _claim(app, now, started, len(running))
                for feed in due:
                    task = asyncio.create_task(timed_poll(app, feed, now, started),
                                               name=f"poll:{feed.name}")
                    running[task] = feed
                claiming = bool(due) and until_empty
            if not running:
                break
            await _collect(running, group, on_polled)
        await group.flush()
    finally:
        await _cancel(running)
    return report


def _wants_more(app: App, in_flight: int) -> bool:
    """Whether to claim now: enough slots are free to be worth a claim (a claim is a
    query), or none is busy; never while stopping."""
    size = app.config.scheduler.batch_size
    refill = max(1, size // 4)
    return not app.lifecycle.stopping and (size - in_flight >= refill or not in_flight)


async def _claim(app: App, now: datetime, started: float, in_flight: int) -> list[PolledFeed]:
    """Lease as many due feeds as slots are free."""
    sched = app.config.scheduler
    # The lease counts from the claim, not from the start of a cycle that may have lasted
    # longer than it (another instance would take the feed at once).
    lease = sched.lease + (time.monotonic() - started)
    try:
        return await run_db(app, feeds.claim_due_feeds, now, sched.batch_size - in_flight,
                            app.instance, lease)
    except StoreError as exc:
        if not in_flight:
            raise
        # The polls in flight are finished (their records may still get through).
        log.error("claiming more feeds failed; finishing the polls in flight "
                  "feeds=%d error=%r", in_flight, str(exc))
        return []


async def _collect(running: Running, group: _Group,
                   on_polled: Callable[[PollOutcome], None] | None) -> None:
    """Wait for the next polls to end; hand them to the group (written once it is full, or
    nothing else is in flight)."""
    done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        outcome, state = task.result()
        group.add(running.pop(task), outcome, state)
        if on_polled is not None:
            on_polled(outcome)
    if group.full() or not running:
        await group.flush()


async def _cancel(running: Running) -> None:
    for task in running:
        task.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)


@dataclass
class _Group:
    """The results of a cycle's polls in the order they end, judged and written in groups of
    ``size``: a group of at least ``decide.OUTAGE_MIN_FEEDS`` feeds that all failed to connect
    is a network outage (their failures are not counted, and they are retried at the
    shortest interval). Once the window slides, a group is the ``size`` polls that ended one
    after another: what an outage makes fail together. Successes were recorded already, by
    the group writer."""
    app: App
    now: datetime
    started: float  # the cycle's start (monotonic)
    size: int
    report: CycleReport
    results: list[tuple[PolledFeed, PollOutcome, model.FeedState | None]] = field(
        default_factory=list)

    def add(self, feed: PolledFeed, outcome: PollOutcome, state: model.FeedState | None) -> None:
        self.results.append((feed, outcome, state))

    def full(self) -> bool:
        return len(self.results) >= self.size

    async def flush(self) -> None:
        if not self.results:
            return
        results, self.results = self.results, []
        outage = decide.is_outage([o for _, o, _ in results])
        retry_at = decide.outage_retry_at(self.now, answered_at(self.now, self.started),
                                          self.app.config.scheduler.min_interval)
        outcomes: list[PollOutcome] = []
        records: list[tuple[int, model.FeedState]] = []
        kinds: list[str] = []
        for feed, outcome, state in results:
            kinds.append(decide.poll_kind(outcome.ok, outcome.status, outage,
                                          state is None or state.count_failure))
            if state is not None and outage:
                state = decide.outage_state(state, retry_at)
                outcome = replace(outcome, error=state.error)
            if state is not None:
                records.append((feed.id, state))
            outcomes.append(outcome)
        if records:
            await record_polls(self.app, records)
        if outage:
            log.error("every feed of the batch failed to connect; not counting it against "
                      "them feeds=%d error=%r", len(results), outcomes[0].error)
        self._count(outcomes, kinds)
        self.report.outcomes += outcomes

    def _count(self, outcomes: list[PollOutcome], kinds: list[str]) -> None:
        metrics = self.app.metrics
        for kind, n in Counter(kinds).items():  # one labels() lookup per kind, not per poll
            metrics.polls.labels(kind).inc(n)
        if articles := sum(o.articles for o in outcomes):
            metrics.articles.inc(articles)
        if any(o.ok for o in outcomes):
            self.app.polling.last_ok = self.now
            metrics.last_poll.set(time.time())
