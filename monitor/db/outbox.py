"""SQL of the alert outbox: claiming due rows with leases, recording outcomes, listing.

A row is claimed with a lease (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) so several
dispatchers never send the same one; every outcome clears the lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from monitor.db.models import Alert, Hit


def list_alerts(session: Session, status: str | None = None, limit: int = 200) -> list[Alert]:
    stmt = (select(Alert).options(joinedload(Alert.hit).joinedload(Hit.article))
            .order_by(Alert.created_at.desc(), Alert.id.desc()))
    if status:
        stmt = stmt.where(Alert.status == status)
    return list(session.scalars(stmt.limit(limit)))


def claim_due_alerts(session: Session, now: datetime, limit: int, owner: str,
                     lease_seconds: float) -> list[Alert]:
    """Claim the alerts due at ``now`` with a lease, so that several dispatchers never send
    the same row (SKIP LOCKED on PostgreSQL); an expired lease is taken over."""
    ids_stmt = (select(Alert.id)
                .where(Alert.status == "pending", Alert.next_attempt_at <= now,
                       (Alert.lease_expires_at.is_(None)) | (Alert.lease_expires_at <= now))
                .order_by(Alert.next_attempt_at, Alert.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        ids_stmt = ids_stmt.with_for_update(skip_locked=True)
    ids = list(session.scalars(ids_stmt))
    if not ids:
        return []
    session.execute(update(Alert).where(Alert.id.in_(ids)).values(
        lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds)))
    stmt = (select(Alert).options(joinedload(Alert.hit).joinedload(Hit.article))
            .where(Alert.id.in_(ids)).order_by(Alert.next_attempt_at, Alert.id)
            .execution_options(populate_existing=True))
    return list(session.scalars(stmt))


def release_alert_leases(session: Session, owner: str | None) -> int:
    stmt = update(Alert).where(Alert.lease_owner.is_not(None))
    if owner is not None:
        stmt = stmt.where(Alert.lease_owner == owner)
    result = session.execute(stmt.values(lease_owner=None, lease_expires_at=None))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_sent(session: Session, alert_id: int, now: datetime,
              remote_id: str | None = None) -> None:
    session.execute(update(Alert).where(Alert.id == alert_id).values(
        status="sent", sent_at=now, attempts=Alert.attempts + 1, last_error=None,
        remote_id=remote_id, lease_owner=None, lease_expires_at=None))


def mark_folded(session: Session, alert_id: int) -> None:
    """A follow-up the channel cannot show on its own (no threads): kept, not sent."""
    session.execute(update(Alert).where(Alert.id == alert_id).values(
        status="folded", lease_owner=None, lease_expires_at=None))


def postpone(session: Session, alert_id: int, until: datetime) -> None:
    session.execute(update(Alert).where(Alert.id == alert_id).values(
        next_attempt_at=until, lease_owner=None, lease_expires_at=None))


def alert_states(session: Session, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """(status, remote id) of the given alerts."""
    if not ids:
        return {}
    rows = session.execute(select(Alert.id, Alert.status, Alert.remote_id)
                           .where(Alert.id.in_(ids)))
    return {i: (st, remote) for i, st, remote in rows}


def requeue(session: Session, now: datetime, alert_id: int | None = None,
            failed: bool = False) -> int:
    """Put alerts back in the queue: one by id, or every failed one."""
    stmt = update(Alert)
    if alert_id is not None:
        stmt = stmt.where(Alert.id == alert_id)
    elif failed:
        stmt = stmt.where(Alert.status == "failed")
    else:
        return 0
    result = session.execute(stmt.values(status="pending", attempts=0, next_attempt_at=now,
                                         last_error=None))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_attempt_failed(session: Session, alert_id: int, error: str,
                        next_attempt_at: datetime | None) -> None:
    """Record a failed attempt: retry at ``next_attempt_at``, or ``failed`` for good if None."""
    values: dict[str, Any] = {"attempts": Alert.attempts + 1, "last_error": error[:2000],
                              "lease_owner": None, "lease_expires_at": None}
    if next_attempt_at is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = next_attempt_at
    session.execute(update(Alert).where(Alert.id == alert_id).values(**values))


def alert_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Alert.status, func.count()).group_by(Alert.status))
    return {status: n for status, n in rows}

