"""What one delivery round does with a channel's due alerts, and what a failed send leads to.
Pure: the alerts, the state of the alerts they follow, the channel's policy and ``now`` go in;
the steps come out, for ``dispatch`` to carry out in order (it stops at a failed send: the
rest waits for the next round).

- A channel that is not configured (or not enabled) fails every alert for good.
- A digest channel gets all its due alerts as one message (they were queued for the digest's
  hour, ``outbox.next_digest``).
- A follow-up (a later article of an alerted story) is *folded* (kept, not sent) where the
  channel has no threads, or its story's alert failed, was folded, is gone or went out
  without an id to reply to; it waits ``PARENT_WAIT`` while that alert is not out yet;
  otherwise it goes as a thread reply.
- The story alerts go one by one, or up to ``batch_max`` in one message (a burst).
- Every message keeps the channel's ``min_gap`` after the one before (``pause_left``).
- A failed send is retried with backoff (``outbox.next_attempt``), or failed for good when the
  error is permanent or the attempts are used up (``after_failure``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.alerts.outbox import next_attempt
from monitor.config import RetryConfig
from monitor.errors import DeliveryError

PARENT_WAIT = timedelta(seconds=30)  # a follow-up waits this long for its alert to be sent
NOT_CONFIGURED = "channel is not configured or not enabled"
GONE = ("failed", "folded", "missing")  # parent states a follow-up cannot reply to


@dataclass(frozen=True)
class Due:
    """A claimed alert, as far as planning needs it."""

    id: int
    kind: str  # "story" or "followup"
    parent_id: int | None = None
    attempts: int = 0  # failed attempts so far


@dataclass(frozen=True)
class ParentState:
    """The alert a follow-up follows: its status and the channel's id for its message."""

    status: str
    remote: str | None = None


@dataclass(frozen=True)
class ChannelPolicy:
    """What of a channel decides how its alerts go out."""

    name: str
    threads: bool = False  # can reply in a thread
    digest: str = "none"  # "none", "hourly" or "daily"
    batch_max: int = 10
    min_gap: float = 0.0  # seconds between two messages at least


@dataclass(frozen=True)
class Send:
    """One message: one alert, or several listed under a heading."""

    alert_ids: tuple[int, ...]
    thread: str | None = None  # reply in this thread
    digest: str | None = None  # one digest message, whatever the number
    pause: float = 0.0  # seconds after the channel's previous message at least

    def heading(self, n: int) -> str | None:
        """The heading for the ``n`` alerts still ours to send; None: send the one alone."""
        if self.digest is not None:
            return f"{n} alert(s), {self.digest} digest"
        return f"{n} new stories" if n > 1 else None


@dataclass(frozen=True)
class Fold:
    """Keep the follow-up without sending it."""

    alert_id: int


@dataclass(frozen=True)
class Postpone:
    """Try the follow-up again at ``until`` (its story's alert is not out yet)."""

    alert_id: int
    until: datetime


@dataclass(frozen=True)
class Fail:
    """Record a failed attempt for these alerts without sending."""

    alert_ids: tuple[int, ...]
    reason: str
    permanent: bool = True


Step = Send | Fold | Postpone | Fail


@dataclass(frozen=True)
class Attempt:
    """The outcome of a failed attempt: when to retry, or None for failed for good."""

    alert_id: int
    attempt: int  # 1-based number of the attempt that failed
    retry_at: datetime | None


def plan_round(alerts: Sequence[Due], parents: Mapping[int, ParentState],
               channel: ChannelPolicy | None, now: datetime) -> list[Step]:
    """The steps for one channel's due alerts (follow-ups first, then the story alerts)."""
    if channel is None:
        return [Fail(tuple(a.id for a in alerts), NOT_CONFIGURED)] if alerts else []
    if channel.digest != "none":
        ids = tuple(a.id for a in alerts)
        return [Send(ids, digest=channel.digest, pause=channel.min_gap)] if ids else []
    steps: list[Step] = [_followup(a, parents, channel, now)
                         for a in alerts if a.kind == "followup"]
    primaries = [a.id for a in alerts if a.kind != "followup"]
    for i in range(0, len(primaries), channel.batch_max):
        steps.append(Send(tuple(primaries[i:i + channel.batch_max]), pause=channel.min_gap))
    return steps


def _followup(alert: Due, parents: Mapping[int, ParentState], channel: ChannelPolicy,
              now: datetime) -> Step:
    parent = parents.get(alert.parent_id or -1, ParentState("missing"))
    if not channel.threads or parent.status in GONE or (
            parent.status == "sent" and parent.remote is None):  # no thread to reply in
        return Fold(alert.id)
    if parent.remote is None:  # its story's alert is not out yet: reply once it is
        return Postpone(alert.id, now + PARENT_WAIT)
    return Send((alert.id,), thread=parent.remote, pause=channel.min_gap)


def pause_left(last_sent: float | None, gap: float, now: float) -> float:
    """Seconds to wait before the next message so that ``gap`` follows the previous one
    (sent at ``last_sent``, on the same monotonic clock as ``now``)."""
    if last_sent is None:
        return 0.0
    return max(last_sent + gap - now, 0.0)


def after_failure(alerts: Sequence[Due], error: DeliveryError, retry: RetryConfig,
                  now: datetime, jitters: Sequence[float]) -> list[Attempt]:
    """When each alert of a failed send is tried again (``jitters`` in [0, 1], one each)."""
    return [Attempt(a.id, a.attempts + 1,
                    next_attempt(now, a.attempts + 1, retry, jitter=jitter,
                                 retry_after=error.retry_after, permanent=error.permanent))
            for a, jitter in zip(alerts, jitters, strict=True)]
