"""The scheduling rules as a pure function, table-driven (time is passed in, never slept)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.ingest.schedule import (
    DEAD_AFTER_404,
    Limits,
    backoff,
    entries_per_week,
    is_dead,
    jittered,
    publisher_hint,
    success_interval,
    throttled,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
LIMITS = Limits(min_interval=300, max_interval=21600)  # 5m .. 6h


@pytest.mark.parametrize(("override", "per_week", "hint", "expected"), [
    (None, 70, None, 8640),        # a week / 70 entries = 2.4 h
    (None, 7000, None, 300),       # very busy: clamped up to min_interval
    (None, 1, None, 21600),        # quiet: clamped down to max_interval
    (None, None, None, 21600),     # no dated entries: max_interval
    (None, 0, None, 21600),
    (None, 700, 3600, 3600),       # the publisher's ttl raises it
    (None, 700, 7 * 86400, 21600),  # ...but never past max_interval
    (600, 7000, 86400, 600),       # a per-feed interval wins over everything
])
def test_success_interval(override: float | None, per_week: float | None, hint: float | None,
                          expected: float) -> None:
    assert success_interval(LIMITS, override=override, per_week=per_week,
                            hint=hint) == pytest.approx(expected)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"ttl_minutes": 60}, 3600),
    ({"update_period": "hourly", "update_frequency": 2}, 1800),
    ({"update_period": "daily"}, 86400),
    ({"update_period": "fortnightly"}, None),
    ({"headers": {"cache-control": "public, max-age=900"}}, 900),
    ({"headers": {"cache-control": "no-cache"}}, None),
    ({"headers": {"expires": "Mon, 05 Jan 2026 13:00:00 GMT"}, "now": NOW}, 3600),
    ({"headers": {"expires": "Mon, 05 Jan 2026 11:00:00 GMT"}, "now": NOW}, None),  # past
    ({"ttl_minutes": 10, "headers": {"cache-control": "max-age=7200"}}, 7200),  # the longest
    ({}, None),
])
def test_publisher_hint(kwargs: dict[str, object], expected: float | None) -> None:
    assert publisher_hint(**kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("failures", "expected"), [
    (1, 300), (2, 600), (3, 1200), (6, 9600), (9, 76800), (10, 86400), (500, 86400)])
def test_backoff_doubles_and_is_capped_at_a_day(failures: int, expected: float) -> None:
    assert backoff(LIMITS, failures) == expected


@pytest.mark.parametrize(("retry_after", "expected"), [
    (600, 600), (5, 60), (None, 300), (10 ** 7, 86400)])
def test_throttled_waits_what_the_server_asked(retry_after: float | None,
                                               expected: float) -> None:
    assert throttled(retry_after, LIMITS) == expected


@pytest.mark.parametrize(("status", "previous", "errors", "dead"), [
    (410, None, 0, True),
    (404, None, 0, False),
    (404, 404, DEAD_AFTER_404 - 2, False),
    (404, 404, DEAD_AFTER_404 - 1, True),
    (404, 500, 10, False),   # 404s must be in a row
    (500, 500, 100, False),  # server errors never kill a feed
    (None, None, 1000, False),
])
def test_dead_feeds(status: int | None, previous: int | None, errors: int, dead: bool) -> None:
    assert (is_dead(status, previous, errors) is not None) is dead


def test_entries_per_week_counts_last_week_only() -> None:
    dates = [NOW - timedelta(days=d) for d in (0.5, 1, 3, 6.9, 8, 30)] + [None]
    dates.append(NOW + timedelta(days=1))  # future-dated entries are ignored
    assert entries_per_week(dates, NOW) == 4


@pytest.mark.parametrize(("rand", "seconds"), [(0.0, 900), (0.5, 1000), (0.999999, 1100)])
def test_jitter_is_ten_percent(rand: float, seconds: float) -> None:
    assert (jittered(NOW, 1000, rand) - NOW).total_seconds() == pytest.approx(seconds, abs=0.01)
