"""The delivery decisions as pure functions, table-driven: one row per decision (the clock is
passed in, nothing is sent). The live-channel tests (test_alerts, test_hostile_alerts,
test_dispatch_*) check that dispatch carries the plan out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts.plan import (
    NOT_CONFIGURED,
    PARENT_WAIT,
    Attempt,
    ChannelPolicy,
    Due,
    Fail,
    Fold,
    ParentState,
    Postpone,
    Send,
    Step,
    after_failure,
    pause_left,
    plan_round,
)
from monitor.config import RetryConfig
from monitor.errors import DeliveryError

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
WEBHOOK = ChannelPolicy("hook", threads=False, batch_max=3, min_gap=1.0)
SLACK_BOT = ChannelPolicy("bot", threads=True, batch_max=3, min_gap=1.0)
HOURLY = ChannelPolicy("digest", digest="hourly", batch_max=3, min_gap=1.0)


def story(i: int) -> Due:
    return Due(i, "story")


def followup(i: int, parent: int) -> Due:
    return Due(i, "followup", parent_id=parent)


SENT = {1: ParentState("sent", "1700000000.0001")}
PENDING = {1: ParentState("pending", None)}


@pytest.mark.parametrize(("alerts", "parents", "channel", "expected"), [
    pytest.param([story(1)], {}, WEBHOOK, [Send((1,), pause=1.0)], id="send"),
    pytest.param([story(i) for i in range(1, 6)], {}, WEBHOOK,
                 [Send((1, 2, 3), pause=1.0), Send((4, 5), pause=1.0)], id="batch"),
    pytest.param([story(i) for i in range(1, 6)], {}, HOURLY,
                 [Send((1, 2, 3, 4, 5), digest="hourly", pause=1.0)], id="digest"),
    pytest.param([followup(2, 1)], SENT, WEBHOOK, [Fold(2)], id="fold: no threads"),
    pytest.param([followup(2, 1)], {1: ParentState("failed")}, SLACK_BOT, [Fold(2)],
                 id="fold: its alert failed"),
    pytest.param([followup(2, 1)], {}, SLACK_BOT, [Fold(2)], id="fold: its alert is gone"),
    pytest.param([followup(2, 1)], SENT, SLACK_BOT,
                 [Send((2,), thread="1700000000.0001", pause=1.0)], id="thread reply"),
    pytest.param([followup(2, 1)], PENDING, SLACK_BOT, [Postpone(2, NOW + PARENT_WAIT)],
                 id="postpone: its alert is not out yet"),
    # Sent, but the channel gave no id to reply to (Slack's answer had no valid ts, or it was
    # sent before the channel had threads): nothing to wait for, it would be postponed forever.
    pytest.param([followup(2, 1)], {1: ParentState("sent", None)}, SLACK_BOT, [Fold(2)],
                 id="fold: its alert went out without a thread id"),
    pytest.param([story(3), followup(2, 1)], SENT, WEBHOOK, [Fold(2), Send((3,), pause=1.0)],
                 id="follow-ups first"),
    pytest.param([story(1), story(2)], {}, None, [Fail((1, 2), NOT_CONFIGURED)],
                 id="permanent failure: channel not configured"),
    pytest.param([], {}, WEBHOOK, [], id="nothing due"),
])
def test_plan_round(alerts: list[Due], parents: dict[int, ParentState],
                    channel: ChannelPolicy | None, expected: list[Step]) -> None:
    assert plan_round(alerts, parents, channel, NOW) == expected


@pytest.mark.parametrize(("send", "n", "heading"), [
    (Send((1,)), 1, None),  # one alert: sent on its own
    (Send((1, 2)), 2, "2 new stories"),  # a burst
    (Send((1, 2)), 1, None),  # a burst of which one claim is left: on its own
    (Send((1,), digest="daily"), 1, "1 alert(s), daily digest"),  # a digest, whatever n
])
def test_heading(send: Send, n: int, heading: str | None) -> None:
    assert send.heading(n) == heading


@pytest.mark.parametrize(("last_sent", "gap", "now", "wait"), [
    (None, 1.0, 100.0, 0.0),  # nothing sent yet
    (99.7, 1.0, 100.0, pytest.approx(0.7)),  # pace: the rest of the gap
    (98.0, 1.0, 100.0, 0.0),  # the gap has passed
    (99.7, 0.0, 100.0, 0.0),  # no gap configured
])
def test_pause_left(last_sent: float | None, gap: float, now: float, wait: object) -> None:
    assert pause_left(last_sent, gap, now) == wait


RETRY = RetryConfig(base_seconds=30, max_seconds=3600, max_attempts=3)


@pytest.mark.parametrize(("attempts", "error", "jitter", "retry_at"), [
    pytest.param(0, DeliveryError("hook", "HTTP 503"), 1.0, NOW + timedelta(seconds=30),
                 id="retry after a transient failure"),
    pytest.param(1, DeliveryError("hook", "HTTP 503"), 1.0, NOW + timedelta(seconds=60),
                 id="backoff doubles"),
    pytest.param(1, DeliveryError("hook", "HTTP 503"), 0.0, NOW + timedelta(seconds=30),
                 id="jitter halves at most"),
    pytest.param(0, DeliveryError("hook", "HTTP 429", retry_after=600), 1.0,
                 NOW + timedelta(seconds=600), id="Retry-After is a floor"),
    pytest.param(0, DeliveryError("hook", "HTTP 404", permanent=True), 1.0, None,
                 id="permanent failure"),
    pytest.param(2, DeliveryError("hook", "HTTP 503"), 1.0, None, id="attempts used up"),
])
def test_after_failure(attempts: int, error: DeliveryError, jitter: float,
                       retry_at: datetime | None) -> None:
    alert = Due(7, "story", attempts=attempts)
    assert after_failure([alert], error, RETRY, NOW, [jitter]) == [
        Attempt(7, attempts + 1, retry_at)]
