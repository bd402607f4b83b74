"""When feeds are due: how many are due now, and which enabled feed is due next."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from monitor.db.models import Feed


def _pollable() -> tuple[ColumnElement[bool], ...]:
    return (Feed.enabled.is_(True), Feed.dead_reason.is_(None))


def count_due(session: Session, now: datetime) -> int:
    """Enabled, live feeds whose next check has come (leased ones included)."""
    stmt = select(func.count()).select_from(Feed).where(
        *_pollable(), (Feed.next_check_at.is_(None)) | (Feed.next_check_at <= now))
    return int(session.scalar(stmt) or 0)


def next_due(session: Session, now: datetime) -> tuple[str, datetime] | None:
    """The enabled, live feed checked next (name, time in UTC; ``now`` for one never
    checked), or None when there is none."""
    row = session.execute(
        select(Feed.name, Feed.next_check_at).where(*_pollable())
        .order_by(Feed.next_check_at.asc().nulls_first(), Feed.id).limit(1)).first()
    if row is None:
        return None
    name, at = row
    if at is None:
        return name, now
    return name, at if at.tzinfo else at.replace(tzinfo=UTC)
