"""The poll decider: what one poll of a feed means and what to record of it. Pure: the feed's
snapshot, what the fetch and the parse gave, the limits, ``now`` and a random number in
[0, 1) are passed in; the shell (``pipeline.poll``) fetches, parses, builds and stores.

* A failure (``Failed``): throttled (429, or 503 with Retry-After: waited, not counted),
  dead (410, or 404 ``schedule.DEAD_AFTER_404`` times in a row), else backed off; one whose
  host could not be reached counts toward a network outage.
* A success: unchanged (304, or the body it sent last time: the validators are kept), or
  its entries by key, with the validators, the publishing rate and the publisher's hints.
  A chain of permanent redirects (301/308 only) moves the feed (``moved_to``).
* A body that is not a feed is a failure of the feed, backed off.
* After storing: the entries that could not be built or stored (poison entries) are named in
  the feed's error, the poll still a success; a refused write is retried without penalty.
* Outage: when every feed of a group of at least ``OUTAGE_MIN_FEEDS`` failed to connect, the
  network is down; no feed is penalised and all are retried at the shortest interval.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol, TypeGuard

from monitor.errors import FeedParseError, FetchError
from monitor.ingest import schedule
from monitor.ingest.feeds import Entry, ParsedFeed
from monitor.ingest.fetch import Response
from monitor.ingest.identity import entry_key
from monitor.model import FeedState

OUTAGE_MIN_FEEDS = 3  # fewer feeds failing together may just be down, not the network
MAX_ERROR = 2000  # characters of a feed's recorded error


@dataclass(frozen=True)
class FeedSnapshot:
    """What the decider needs to know of the feed before this poll."""

    name: str
    url: str
    last_status: int | None = None
    error_count: int = 0
    body_hash: str | None = None
    interval: float | None = None  # the feed's own interval, overriding the adaptive one
    entries_per_week: float | None = None


@dataclass(frozen=True)
class Fetched:
    """A feed's response, with the digest of its body (None for a 304)."""

    response: Response
    body_hash: str | None

    @classmethod
    def of(cls, response: Response) -> Fetched:
        digest = None if response.not_modified else hashlib.sha256(response.body).hexdigest()
        return cls(response, digest)


@dataclass(frozen=True)
class Failed:
    """A poll that brought no feed: the reason, the HTTP status and Retry-After if any."""

    reason: str
    status: int | None = None
    retry_after: float | None = None
    unreachable: bool = False  # the host could not be reached at all

    @classmethod
    def of(cls, exc: FetchError) -> Failed:
        return cls(exc.reason, exc.status, exc.retry_after, exc.unreachable)


class Verdict(StrEnum):
    THROTTLED = "throttled"
    DEAD = "dead"
    FAILED = "failed"
    NOT_A_FEED = "not a feed"
    UNCHANGED = "unchanged"
    ENTRIES = "entries"


@dataclass(frozen=True)
class PollPlan:
    """What a poll settled, for the shell to carry out: the state to record, and for
    ``ENTRIES`` the entries by key (the first of a key kept) to look up, build and store."""

    verdict: Verdict
    state: FeedState
    wait: float  # seconds to the next check, before jitter
    entries: Mapping[str, Entry] = field(default_factory=lambda: MappingProxyType({}))
    unreachable: bool = False  # counts toward a network outage
    warnings: tuple[str, ...] = ()
    feed_title: str = ""
    entry_count: int = 0  # the entries the feed listed, before dropping repeated keys

    @property
    def ok(self) -> bool:
        return self.verdict in (Verdict.UNCHANGED, Verdict.ENTRIES)


def is_unchanged(snapshot: FeedSnapshot, fetched: Fetched) -> bool:
    """A 304, or the very body the feed sent last time: nothing to parse."""
    return fetched.response.not_modified or fetched.body_hash == snapshot.body_hash


def needs_parse(fetched: Fetched | Failed, snapshot: FeedSnapshot) -> TypeGuard[Fetched]:
    """A body came, and not the one of last time: it is parsed before deciding."""
    return isinstance(fetched, Fetched) and not is_unchanged(snapshot, fetched)


def parse_base(snapshot: FeedSnapshot, fetched: Fetched) -> str:
    """The URL entries are resolved and known by: the feed's own (or its permanent move),
    never a temporary redirect's target, which may carry a token that changes with every
    request (every entry would be new at every poll)."""
    return fetched.response.moved_to or snapshot.url


def decide_poll(snapshot: FeedSnapshot, fetched: Fetched | Failed,
                parsed: ParsedFeed | FeedParseError | None, limits: schedule.Limits,
                now: datetime, rand: float) -> PollPlan:
    """What this poll means. ``parsed`` is the parse of a changed body (``needs_parse``),
    else None; ``now`` is when the feed answered; ``rand`` in [0, 1) jitters the next check."""
    if isinstance(fetched, Failed):
        return _failure(snapshot, fetched, limits, now, rand)
    status = fetched.response.status
    if is_unchanged(snapshot, fetched):
        return _unchanged(snapshot, fetched, limits, now, rand)
    if parsed is None:
        raise ValueError("a changed body must be parsed before deciding")
    if isinstance(parsed, FeedParseError):
        return _failure(snapshot, Failed(f"not a feed: {parsed}", status), limits, now, rand,
                        Verdict.NOT_A_FEED)
    return _entries(snapshot, fetched, parsed, limits, now, rand)


def _failure(snapshot: FeedSnapshot, failed: Failed, limits: schedule.Limits, now: datetime,
             rand: float, verdict: Verdict = Verdict.FAILED) -> PollPlan:
    status = failed.status
    throttled = status == 429 or (status == 503 and failed.retry_after is not None)
    dead = None if throttled else schedule.is_dead(status, snapshot.last_status,
                                                   snapshot.error_count)
    if throttled:
        wait, verdict = schedule.throttled(failed.retry_after, limits), Verdict.THROTTLED
    else:
        wait = schedule.backoff(limits, snapshot.error_count + 1)
        verdict = Verdict.DEAD if dead else verdict
    state = FeedState(status=status, error=failed.reason, checked_at=now, success=False,
                      count_failure=not throttled, dead_reason=dead,
                      next_check_at=schedule.jittered(now, wait, rand))
    return PollPlan(verdict, state, wait, unreachable=failed.unreachable)


def _unchanged(snapshot: FeedSnapshot, fetched: Fetched, limits: schedule.Limits,
               now: datetime, rand: float) -> PollPlan:
    """Checked again as the publishing rate last measured says; the validators are kept."""
    resp = fetched.response
    hint = schedule.publisher_hint(headers=resp.headers, now=now)
    wait = schedule.success_interval(limits, override=snapshot.interval,
                                     per_week=snapshot.entries_per_week, hint=hint)
    state = FeedState(status=resp.status, error=None, checked_at=now, success=True,
                      url=resp.moved_to, next_check_at=schedule.jittered(now, wait, rand))
    return PollPlan(Verdict.UNCHANGED, state, wait)


def _entries(snapshot: FeedSnapshot, fetched: Fetched, parsed: ParsedFeed,
             limits: schedule.Limits, now: datetime, rand: float) -> PollPlan:
    resp = fetched.response
    dates = parsed.published_all
    per_week = schedule.entries_per_week(
        (e.published for e in parsed.entries) if dates is None else iter(dates), now)
    hints = [schedule.publisher_hint(headers=resp.headers, now=now), schedule.publisher_hint(
        ttl_minutes=parsed.ttl_minutes, update_period=parsed.update_period,
        update_frequency=parsed.update_frequency)]
    hint = max(filter(None, hints), default=None)
    wait = schedule.success_interval(limits, override=snapshot.interval, per_week=per_week,
                                     hint=hint)
    state = FeedState(status=resp.status, error=None, checked_at=now, success=True,
                      url=resp.moved_to, next_check_at=schedule.jittered(now, wait, rand),
                      entries_per_week=per_week, etag=resp.headers.get("etag"),
                      last_modified=resp.headers.get("last-modified"),
                      body_hash=fetched.body_hash, validators=True)
    by_key: dict[str, Entry] = {}
    for entry in parsed.entries:
        by_key.setdefault(entry_key(entry), entry)
    warnings = (f"parsed with warning: {parsed.warning}",) if parsed.warning else ()
    return PollPlan(Verdict.ENTRIES, state, wait, MappingProxyType(by_key), warnings=warnings,
                    feed_title=parsed.title,
                    entry_count=len(parsed.entries) if parsed.listed is None else parsed.listed)


def stored_state(plan: PollPlan, failed: Sequence[str], skipped: Sequence[str]) -> FeedState:
    """The state recorded with the entries: the poll's, its error naming the entries built
    from the feed's text only (``failed``) and those the database refused (``skipped``)."""
    notes = list(plan.warnings)
    if failed:
        notes.append(f"{len(failed)} entries kept with the feed's text ({failed[0]})")
    if skipped:
        notes.append(f"{len(skipped)} entries not stored ({skipped[0]})")
    return replace(plan.state, error="; ".join(notes)[:MAX_ERROR] or None)


def not_stored(reason: str, status: int | None, now: datetime,
               limits: schedule.Limits) -> FeedState:
    """The database, not the feed, failed: nothing of the poll was kept (its validators
    included, so the next poll fetches the feed again); retried soon, not counted."""
    return FeedState(status=status, error=f"not stored: {reason}", checked_at=now,
                     success=False, count_failure=False,
                     next_check_at=now + timedelta(seconds=limits.min_interval))


def refused(plan: PollPlan, reason: str, limits: schedule.Limits) -> FeedState:
    """What to record when the writer refused a success: an unchanged feed's state is
    written again with the batch; entries refused are fetched again soon."""
    if plan.verdict is Verdict.UNCHANGED:
        return plan.state
    return not_stored(reason, plan.state.status, plan.state.checked_at, limits)


class PollResult(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def unreachable(self) -> bool: ...


def is_outage(results: Sequence[PollResult], min_feeds: int = OUTAGE_MIN_FEEDS) -> bool:
    """Every poll of a group of at least ``min_feeds`` failed to reach its host."""
    return len(results) >= min_feeds and all(not r.ok and r.unreachable for r in results)


def outage_retry_at(cycle_now: datetime, clock: datetime, min_interval: float) -> datetime:
    """``min_interval`` after the cycle's start, or after ``clock`` (this moment on the
    cycle's clock) once a long cycle has passed that: another instance would take the feeds
    again at once."""
    wait = timedelta(seconds=min_interval)
    return cycle_now + wait if cycle_now + wait > clock else clock + wait


def outage_state(state: FeedState, retry_at: datetime) -> FeedState:
    """A failure during an outage: not counted, retried at ``retry_at``."""
    return replace(state, count_failure=False, next_check_at=retry_at,
                   error=f"network outage? every feed failed: {state.error}")


def poll_kind(ok: bool, status: int | None, outage: bool, counted: bool = True) -> str:
    """The label a poll is counted under in the metrics: ``throttled`` as the decider judged
    it (a 429, or a 503 with Retry-After: a failure not ``counted``), so that a 503 without
    Retry-After, backed off as an error, is counted as one."""
    if ok:
        return "ok"
    if outage:
        return "outage"
    return "throttled" if status in (429, 503) and not counted else "error"
