"""The desk's ops view: the strip every page shows (poll lag, feeds in error, the outbox) and
the ops page's feeds with their health and the failed alerts, each a frozen dataclass read
from a Session; retrying a failed alert goes through ``alerts_api.retry_alert``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.alerts_api import retry_alert
from monitor.config import Config
from monitor.db import feeds, outbox
from monitor.db.models import Alert, Article, Feed, Hit
from monitor.human import duration

FAILED_SHOWN = 200  # failed alerts listed on the ops page, newest first


@dataclass(frozen=True)
class OpsStrip:
    """``poll_lag``: seconds the most overdue enabled, live feed is late (0: none is);
    ``feeds_in_error``: enabled feeds whose last poll failed or that are dead."""

    poll_lag: float
    feeds_in_error: int
    outbox_pending: int
    outbox_failed: int

    @property
    def healthy(self) -> bool:
        return not (self.feeds_in_error or self.outbox_failed)

    @property
    def lag_text(self) -> str:
        """``none``, ``45 s``, ``3 h 5 min``."""
        return duration(self.poll_lag) if self.poll_lag >= 1 else "none"


@dataclass(frozen=True)
class FeedHealth:
    """One feed's health as the ops page shows it."""
    name: str
    url: str
    enabled: bool
    status: int | None
    error_count: int
    last_error: str | None
    last_checked_at: datetime | None
    next_check_at: datetime | None
    dead_reason: str | None

    @property
    def state(self) -> str:
        """``disabled``, ``dead``, ``error`` (its last poll failed), ``ok`` or ``new``."""
        if not self.enabled:
            return "disabled"
        if self.dead_reason:
            return "dead"
        if self.error_count:
            return "error"
        return "ok" if self.last_checked_at else "new"


@dataclass(frozen=True)
class FailedAlert:
    """An alert that failed for good, with what a Retry needs to show."""
    id: int
    channel: str
    rule: str
    title: str
    url: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class OpsPage:
    """The ops page's values: the strip, the feeds with their health, the failed alerts."""
    strip: OpsStrip
    feeds: tuple[FeedHealth, ...]
    failed: tuple[FailedAlert, ...]


def poll_lag(s: Session, now: datetime) -> float:
    """How many seconds the most overdue feed (enabled, not dead) is past its next check."""
    oldest = s.scalar(select(func.min(Feed.next_check_at)).where(
        Feed.enabled.is_(True), Feed.dead_reason.is_(None), Feed.next_check_at < now))
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def ops_strip(s: Session, now: datetime) -> OpsStrip:
    """The strip every desk page shows: three small aggregate queries."""
    counts = outbox.alert_counts(s)
    return OpsStrip(poll_lag=poll_lag(s, now), feeds_in_error=feeds.feeds_in_error(s),
                    outbox_pending=counts.get("pending", 0),
                    outbox_failed=counts.get("failed", 0))


def feed_health(s: Session) -> tuple[FeedHealth, ...]:
    """Every stored feed, by name, with its poll health."""
    return tuple(FeedHealth(
        name=f.name, url=f.url, enabled=f.enabled, status=f.last_status,
        error_count=f.error_count, last_error=f.last_error, last_checked_at=f.last_checked_at,
        next_check_at=f.next_check_at, dead_reason=f.dead_reason) for f in feeds.list_feeds(s))


def failed_alerts(s: Session, limit: int = FAILED_SHOWN) -> tuple[FailedAlert, ...]:
    """The alerts that failed for good, newest first, with their rule and article."""
    rows = s.execute(
        select(Alert.id, Alert.channel, Hit.rule, Article.title, Article.url, Alert.attempts,
               Alert.last_error, Alert.created_at)
        .join(Hit, Hit.id == Alert.hit_id).join(Article, Article.id == Hit.article_id)
        .where(Alert.status == "failed")
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit))
    return tuple(FailedAlert(id=r[0], channel=r[1], rule=r[2], title=r[3] or "", url=r[4] or "",
                             attempts=r[5], last_error=r[6], created_at=r[7]) for r in rows)


def ops_page(s: Session, now: datetime) -> OpsPage:
    """The ops page's values at ``now``."""
    return OpsPage(strip=ops_strip(s, now), feeds=feed_health(s), failed=failed_alerts(s))


def retry_failed(config: Config, alert_id: int) -> int:
    """Put a failed (or pending) alert back in the queue, due now, as ``monitor alerts retry
    ID`` does: an unknown id is a ``NotFoundError``, a sent one a ``UsageError``."""
    return retry_alert(config, alert_id)
