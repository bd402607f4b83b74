"""What a poll means, as a pure function, table-driven: one row per decision (time and the
random number are passed in, no server runs). The live-server tests (test_polling,
test_hostile_fetch, test_hostile_feeds) check the same decisions end to end."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monitor.errors import FeedParseError
from monitor.ingest.decide import (
    OUTAGE_MIN_FEEDS,
    Failed,
    FeedSnapshot,
    Fetched,
    PollPlan,
    Verdict,
    decide_poll,
    is_outage,
    needs_parse,
    not_stored,
    outage_retry_at,
    outage_state,
    parse_base,
    poll_kind,
    refused,
    stored_state,
)
from monitor.ingest.feeds import Entry, ParsedFeed
from monitor.ingest.fetch import Response
from monitor.ingest.schedule import DEAD_AFTER_404, Limits

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
LIMITS = Limits(min_interval=300, max_interval=21600)  # 5m .. 6h
URL = "https://news.example/feed.xml"
BODY = b"<rss>the feed</rss>"
HASH = hashlib.sha256(BODY).hexdigest()


def _entry(guid: str, days_ago: float = 1.0) -> Entry:
    return Entry(guid=guid, link=f"https://news.example/{guid}", title=guid, summary="s",
                 content="", published=NOW - timedelta(days=days_ago))


# 15 dated entries in the week (a week / 15 = 11.2 h, clamped to 6 h), one of them a repeated
# key, and one older than a week.
ENTRIES = [_entry(f"e{i}") for i in range(14)] + [_entry("e0"), _entry("old", 9)]
PARSED = ParsedFeed(title="News", version="rss20", entries=ENTRIES)


def _ok(status: int = 200, body: bytes = BODY, moved_to: str | None = None,
        **headers: str) -> Fetched:
    return Fetched.of(Response(moved_to or URL, status, headers, body, moved_to))


@dataclass(frozen=True)
class Row:
    fetched: Fetched | Failed
    parsed: ParsedFeed | FeedParseError | None = None
    known: dict[str, Any] = field(default_factory=dict)  # the feed before this poll
    verdict: Verdict = Verdict.ENTRIES
    wait: float = 21600
    counted: bool = True  # the failure counts against the feed
    dead: str | None = None  # a substring of the dead reason
    moved: str | None = None
    validators: bool = False
    unreachable: bool = False  # counts toward an outage
    error: str | None = None  # the error recorded, if not the failure's own reason


ROWS = {
    "304 not modified: unchanged, checked at the rate measured before": Row(
        _ok(304, b""), known={"entries_per_week": 70, "body_hash": HASH},
        verdict=Verdict.UNCHANGED, wait=8640),
    "200 with last time's body: unchanged, nothing parsed": Row(
        _ok(200), known={"body_hash": HASH}, verdict=Verdict.UNCHANGED),
    "unchanged, the publisher's max-age raises the wait": Row(
        _ok(304, b"", **{"cache-control": "max-age=7200"}),
        known={"entries_per_week": 700}, verdict=Verdict.UNCHANGED, wait=7200),
    "429 with Retry-After: waited as asked, not counted": Row(
        Failed("HTTP 429", 429, 1200.0), verdict=Verdict.THROTTLED, wait=1200, counted=False),
    "429 without Retry-After: waits min_interval, not counted": Row(
        Failed("HTTP 429", 429), verdict=Verdict.THROTTLED, wait=300, counted=False),
    "429 asking for a second: at least a minute": Row(
        Failed("HTTP 429", 429, 1.0), verdict=Verdict.THROTTLED, wait=60, counted=False),
    "503 with Retry-After: throttled": Row(
        Failed("HTTP 503", 503, 900.0), verdict=Verdict.THROTTLED, wait=900, counted=False),
    "503 without Retry-After: a failure, backed off": Row(
        Failed("HTTP 503", 503), known={"error_count": 2}, verdict=Verdict.FAILED, wait=1200),
    "500: a failure, backed off from min_interval": Row(
        Failed("HTTP 500", 500), verdict=Verdict.FAILED, wait=300),
    "410 gone: dead at once": Row(
        Failed("HTTP 410", 410), verdict=Verdict.DEAD, wait=300, dead="410 Gone"),
    f"404 the {DEAD_AFTER_404 - 1}th time in a row: not yet dead": Row(
        Failed("HTTP 404", 404), known={"last_status": 404, "error_count": DEAD_AFTER_404 - 2},
        verdict=Verdict.FAILED, wait=2400),
    f"404 the {DEAD_AFTER_404}th time in a row: dead": Row(
        Failed("HTTP 404", 404), known={"last_status": 404, "error_count": DEAD_AFTER_404 - 1},
        verdict=Verdict.DEAD, wait=4800, dead=f"{DEAD_AFTER_404} polls in a row"),
    "404 after a 500: the count starts again, not dead": Row(
        Failed("HTTP 404", 404), known={"last_status": 500, "error_count": DEAD_AFTER_404},
        verdict=Verdict.FAILED, wait=9600),
    "301/308 chain: entries, the feed moved": Row(
        _ok(moved_to="https://new.example/feed"), PARSED, moved="https://new.example/feed",
        validators=True),
    "301/308 chain to an unchanged body: the feed moved": Row(
        _ok(moved_to="https://new.example/feed"), known={"body_hash": HASH},
        verdict=Verdict.UNCHANGED, moved="https://new.example/feed"),
    "connection refused: a failure that counts toward an outage": Row(
        Failed("connection refused", unreachable=True), verdict=Verdict.FAILED, wait=300,
        unreachable=True),
    "not a feed: a failure of the feed, backed off": Row(
        _ok(200, b"<html>"), FeedParseError("an HTML page"), verdict=Verdict.NOT_A_FEED,
        wait=300, error="not a feed: an HTML page"),
    "new entries: validators kept, the rate measured": Row(
        _ok(200, etag='"v1"'), PARSED, known={"body_hash": "old"}, validators=True),
    "new entries, the feed's own interval wins": Row(
        _ok(200), PARSED, known={"interval": 600}, wait=600, validators=True),
    "new entries with a ttl: the publisher's wait is a floor": Row(
        _ok(200), ParsedFeed(title="t", version="rss20", ttl_minutes=60,
                             entries=[_entry(f"b{i}") for i in range(700)]),
        wait=3600, validators=True),
    "a feed without entries: checked at max_interval": Row(
        _ok(200), ParsedFeed(title="t", version="rss20"), validators=True),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_decide_poll(row: Row) -> None:
    known = FeedSnapshot(name="news", url=URL, **row.known)
    parsed = row.parsed if needs_parse(row.fetched, known) else None
    plan = decide_poll(known, row.fetched, parsed, LIMITS, NOW, 0.5)  # 0.5: no jitter
    state = plan.state
    assert plan.verdict is row.verdict
    assert plan.ok == (row.verdict in (Verdict.ENTRIES, Verdict.UNCHANGED))
    assert state.success == plan.ok and state.checked_at == NOW
    assert plan.wait == pytest.approx(row.wait)
    assert state.next_check_at == NOW + timedelta(seconds=row.wait)
    assert state.count_failure == (plan.ok or row.counted)
    assert (state.dead_reason is None) == (row.dead is None)
    assert row.dead is None or row.dead in (state.dead_reason or "")
    assert state.url == row.moved
    assert state.validators == row.validators
    assert plan.unreachable == row.unreachable
    reason = row.fetched.reason if isinstance(row.fetched, Failed) else None
    assert state.error == (row.error or reason)  # a failure records its reason


def test_new_entries_are_keyed_once_and_measured() -> None:
    known = FeedSnapshot(name="news", url=URL, body_hash="old")
    fetched = _ok(200, etag='"v1"', **{"last-modified": "Mon, 05 Jan 2026 11:00:00 GMT"})
    assert needs_parse(fetched, known) and parse_base(known, fetched) == URL
    plan = decide_poll(known, fetched, PARSED, LIMITS, NOW, 0.5)
    assert list(plan.entries) == [f"guid:e{i}" for i in range(14)] + ["guid:old"]
    assert plan.entries["guid:e0"] is ENTRIES[0]  # the first of a repeated key
    assert plan.entry_count == len(ENTRIES) and plan.feed_title == "News"
    state = plan.state
    # Published in the week: the repeated entry too, not the one older than a week.
    assert state.entries_per_week == 15
    assert (state.etag, state.last_modified, state.body_hash) == (
        '"v1"', "Mon, 05 Jan 2026 11:00:00 GMT", HASH)


def test_a_moved_feed_is_parsed_against_its_new_address_never_a_temporary_one() -> None:
    known = FeedSnapshot(name="news", url=URL)
    assert parse_base(known, _ok(moved_to="https://new.example/feed")) == (
        "https://new.example/feed")
    temporary = Fetched.of(Response("https://cdn.example/f?token=1", 200, {}, BODY))
    assert parse_base(known, temporary) == URL


def test_a_changed_body_must_be_parsed_first() -> None:
    with pytest.raises(ValueError, match="parsed"):
        decide_poll(FeedSnapshot(name="n", url=URL), _ok(200), None, LIMITS, NOW, 0.5)


def test_jitter_is_ten_percent_either_way() -> None:
    known = FeedSnapshot(name="n", url=URL)
    early = decide_poll(known, Failed("x", 500), None, LIMITS, NOW, 0.0).state.next_check_at
    late = decide_poll(known, Failed("x", 500), None, LIMITS, NOW, 0.999999).state.next_check_at
    assert early == NOW + timedelta(seconds=270)
    assert abs((late - NOW).total_seconds() - 330) < 0.01


def _entries_plan(warning: str | None = None) -> PollPlan:
    parsed = ParsedFeed(title="t", version="rss20", entries=ENTRIES, warning=warning)
    return decide_poll(FeedSnapshot(name="n", url=URL), _ok(200), parsed, LIMITS, NOW, 0.5)


@pytest.mark.parametrize(("warning", "failed", "skipped", "error"), [
    (None, [], [], None),  # all new entries stored
    (None, [], ["https://x.example/p: refused by a trigger"],  # a poison entry refused
     "1 entries not stored (https://x.example/p: refused by a trigger)"),
    (None, ["https://x.example/a: ValueError: bad", "b"], [],  # built from the feed's text
     "2 entries kept with the feed's text (https://x.example/a: ValueError: bad)"),
    ("bozo", ["a"], ["b"], "parsed with warning: bozo; 1 entries kept with the feed's text (a); "
                           "1 entries not stored (b)"),
    (None, [], ["x" * 3000], ("1 entries not stored (" + "x" * 3000)[:2000]),  # cut
])
def test_poison_entries_are_named_on_a_poll_that_still_succeeds(
        warning: str | None, failed: list[str], skipped: list[str], error: str | None) -> None:
    plan = _entries_plan(warning)
    state = stored_state(plan, failed, skipped)
    assert state.error == error
    assert state.success and state.validators and state.next_check_at == plan.state.next_check_at


@pytest.mark.parametrize(("verdict", "success", "counted"), [
    (Verdict.UNCHANGED, True, True),   # the same record, written again with the batch
    (Verdict.ENTRIES, False, False),   # nothing kept, validators included: fetched again soon
])
def test_a_write_the_database_refuses_is_retried_without_penalty(
        verdict: Verdict, success: bool, counted: bool) -> None:
    known = FeedSnapshot(name="n", url=URL, body_hash=HASH if verdict is Verdict.UNCHANGED
                         else None)
    plan = decide_poll(known, _ok(200), PARSED, LIMITS, NOW, 0.5)
    assert plan.verdict is verdict
    state = refused(plan, "unique constraint", LIMITS)
    assert (state.success, state.count_failure) == (success, counted)
    if verdict is Verdict.UNCHANGED:
        assert state is plan.state
    else:
        assert state.error == "not stored: unique constraint" and not state.validators
        assert state.next_check_at == NOW + timedelta(seconds=300) and state.status == 200


def test_a_database_failure_is_not_the_feeds() -> None:
    state = not_stored("database is locked", None, NOW, LIMITS)
    assert (state.success, state.count_failure, state.status) == (False, False, None)
    assert state.next_check_at == NOW + timedelta(seconds=300)


@dataclass(frozen=True)
class R:
    ok: bool = False
    unreachable: bool = True


@pytest.mark.parametrize(("results", "outage"), [
    ([R()] * OUTAGE_MIN_FEEDS, True),                  # every feed failed to connect
    ([R()] * 50, True),
    ([R()] * (OUTAGE_MIN_FEEDS - 1), False),           # too few to tell
    ([R()] * 5 + [R(ok=True, unreachable=False)], False),  # one got through: not the network
    ([R()] * 5 + [R(unreachable=False)], False),       # one answered (an HTTP error)
    ([], False),
])
def test_outage(results: list[R], outage: bool) -> None:
    assert is_outage(results) is outage


def test_outage_failures_are_not_counted_and_retried_soon() -> None:
    known = FeedSnapshot(name="n", url=URL, error_count=6)
    plan = decide_poll(known, Failed("connection refused", unreachable=True), None, LIMITS,
                       NOW, 0.5)
    assert plan.state.count_failure and plan.wait == 19200
    retry_at = outage_retry_at(NOW, NOW + timedelta(seconds=10), LIMITS.min_interval)
    state = outage_state(plan.state, retry_at)
    assert not state.count_failure and state.next_check_at == NOW + timedelta(seconds=300)
    assert state.error == "network outage? every feed failed: connection refused"
    assert plan.state.count_failure  # the plan itself is left as it was


@pytest.mark.parametrize(("elapsed", "retry_in"), [
    (10, 300),     # min_interval after the cycle's start
    (299, 300),
    (1000, 1300),  # a long cycle: min_interval after this moment
])
def test_outage_retry_counts_from_the_cycle_or_from_now(elapsed: float, retry_in: float) -> None:
    clock = NOW + timedelta(seconds=elapsed)
    assert outage_retry_at(NOW, clock, 300) == NOW + timedelta(seconds=retry_in)


@pytest.mark.parametrize(("ok", "status", "outage", "counted", "kind"), [
    (True, 200, False, True, "ok"), (False, None, True, False, "outage"),
    (False, 429, False, False, "throttled"),
    (False, 503, False, False, "throttled"),  # with Retry-After: waited, not counted
    (False, 503, False, True, "error"),  # without: backed off as an error, counted as one
    (False, 500, False, True, "error"), (False, None, False, True, "error"),
])
def test_poll_kind(ok: bool, status: int | None, outage: bool, counted: bool,
                   kind: str) -> None:
    assert poll_kind(ok, status, outage, counted) == kind


def test_poll_kind_follows_the_decider_on_a_503() -> None:
    for headers, kind in (({"retry-after": "120"}, "throttled"), ({}, "error")):
        failed = Failed("HTTP 503", 503, 120.0 if headers else None)
        plan = decide_poll(FeedSnapshot(name="news", url=URL), failed, None, LIMITS, NOW, 0.5)
        assert poll_kind(plan.ok, plan.state.status, False, plan.state.count_failure) == kind
