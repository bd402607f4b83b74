"""SQL of the alert outbox: queueing a poll's new hits, claiming due rows with leases,
recording outcomes, listing.

A row is claimed with a lease (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) so several
dispatchers never send the same one; every outcome clears the lease. A dispatcher re-confirms
its claim of the rows it is about to send (``confirm_claims``) and writes an outcome only for
rows it still holds (``owner``): a claim that expired and was taken over is the other's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from monitor.db import dialect
from monitor.db.bulk import insert_rows, table_of
from monitor.db.clean import clean_value
from monitor.db.models import Alert, Hit
from monitor.model import NewHit


def list_alerts(session: Session, status: str | None = None, limit: int = 200) -> list[Alert]:
    stmt = (select(Alert).options(joinedload(Alert.hit).joinedload(Hit.article))
            .order_by(Alert.created_at.desc(), Alert.id.desc()))
    if status:
        stmt = stmt.where(Alert.status == status)
    return list(session.scalars(stmt.limit(limit)))


def claim_due_alerts(session: Session, now: datetime, limit: int, owner: str,
                     lease_seconds: float, skip_channels: Collection[str] = ()) -> list[Alert]:
    """Claim the alerts due at ``now`` with a lease, so that several dispatchers never send
    the same row (SKIP LOCKED on PostgreSQL); an expired lease is taken over. Rows of
    ``skip_channels`` (still busy sending) are left alone."""
    ids_stmt = (select(Alert.id)
                .where(Alert.status == "pending", Alert.next_attempt_at <= now,
                       (Alert.lease_expires_at.is_(None)) | (Alert.lease_expires_at <= now))
                .order_by(Alert.next_attempt_at, Alert.id).limit(limit)
                .with_for_update(skip_locked=True))
    if skip_channels:
        ids_stmt = ids_stmt.where(Alert.channel.not_in(list(skip_channels)))
    ids = list(session.scalars(ids_stmt))
    if not ids:
        return []
    session.execute(update(Alert).where(Alert.id.in_(ids)).values(
        lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds)))
    stmt = (select(Alert).options(joinedload(Alert.hit).joinedload(Hit.article))
            .where(Alert.id.in_(ids)).order_by(Alert.next_attempt_at, Alert.id)
            .execution_options(populate_existing=True))
    return list(session.scalars(stmt))


def release_alert_leases(session: Session, owner: str | None, *,
                         ids: Collection[int] | None = None,
                         keep_channels: Collection[str] = ()) -> int:
    """Free the claims of ``owner`` (every owner if None): all of them, or only ``ids``, but
    never those of ``keep_channels`` (still being sent)."""
    stmt = update(Alert).where(Alert.lease_owner.is_not(None))
    if owner is not None:
        stmt = stmt.where(Alert.lease_owner == owner)
    if ids is not None:
        stmt = stmt.where(Alert.id.in_(list(ids)))
    if keep_channels:
        stmt = stmt.where(Alert.channel.not_in(list(keep_channels)))
    result = session.execute(stmt.values(lease_owner=None, lease_expires_at=None))
    return int(getattr(result, "rowcount", 0) or 0)


def confirm_claims(session: Session, ids: Collection[int], owner: str,
                   until: datetime) -> set[int]:
    """Extend ``owner``'s claim of the pending rows ``ids`` to ``until``, in one UPDATE; the
    ids it still held (and now holds until then). A row whose lease was taken over by
    another dispatcher, or that is no longer pending, is not among them: do not send it."""
    if not ids:
        return set()
    stmt = (update(Alert).where(Alert.id.in_(list(ids)), Alert.lease_owner == owner,
                                Alert.status == "pending")
            .values(lease_expires_at=until))
    if dialect.update_returning(session):
        return set(session.scalars(stmt.returning(Alert.id)))
    session.execute(stmt)
    return set(session.scalars(select(Alert.id).where(
        Alert.id.in_(list(ids)), Alert.lease_owner == owner, Alert.status == "pending",
        Alert.lease_expires_at == until)))


def _held(alert_id: int, owner: str | None) -> Any:
    """The row, if ``owner`` still holds its claim (any row when ``owner`` is None)."""
    cond = Alert.id == alert_id
    return cond if owner is None else cond & (Alert.lease_owner == owner)


def mark_sent(session: Session, alert_id: int, now: datetime,
              remote_id: str | None = None, owner: str | None = None) -> bool:
    """Record the delivery; False if ``owner`` had lost the claim (nothing written)."""
    result = session.execute(update(Alert).where(_held(alert_id, owner)).values(
        status="sent", sent_at=now, attempts=Alert.attempts + 1, last_error=None,
        remote_id=remote_id, lease_owner=None, lease_expires_at=None))
    return bool(getattr(result, "rowcount", 0))


def mark_folded(session: Session, alert_id: int, owner: str | None = None) -> None:
    """A follow-up the channel cannot show on its own (no threads): kept, not sent."""
    session.execute(update(Alert).where(_held(alert_id, owner)).values(
        status="folded", lease_owner=None, lease_expires_at=None))


def postpone(session: Session, alert_id: int, until: datetime,
             owner: str | None = None) -> None:
    session.execute(update(Alert).where(_held(alert_id, owner)).values(
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
                        next_attempt_at: datetime | None, owner: str | None = None) -> None:
    """Record a failed attempt: retry at ``next_attempt_at``, or ``failed`` for good if None."""
    values: dict[str, Any] = {"attempts": Alert.attempts + 1, "last_error": error[:2000],
                              "lease_owner": None, "lease_expires_at": None}
    if next_attempt_at is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = next_attempt_at
    session.execute(update(Alert).where(_held(alert_id, owner)).values(**values))


def alert_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Alert.status, func.count()).group_by(Alert.status))
    return {status: n for status, n in rows}


def queue_alerts(session: Session, hits: Sequence[tuple[int, NewHit, int]],
                 now: datetime, due_at: Callable[[str], datetime] | None) -> int:
    """Outbox rows for new hits, given as (story id, hit, hit id): the first of a (story,
    rule, channel) is its alert, later ones follow-ups pointing at it. ``due_at`` says when
    a channel wants its rows (else ``now``). Returns how many rows were queued."""
    table = table_of(Alert)
    wanted = [(str(clean_value(table, "story_key", f"{story_id}:{h.rule}:{channel}")),
               hit_id, channel) for story_id, h, hit_id in hits for channel in h.channels]
    keys = sorted({key for key, _, _ in wanted})
    parents: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        parents.update({k: aid for k, aid in session.execute(
            select(Alert.story_key, Alert.id).where(Alert.story_key.in_(keys[i:i + 500])))
            if k is not None})

    def row(hit_id: int, channel: str, kind: str, key: str | None,
            parent: int | None) -> dict[str, Any]:
        return {"hit_id": hit_id, "channel": channel, "status": "pending", "attempts": 0,
                "kind": kind, "story_key": key, "parent_id": parent,
                "next_attempt_at": due_at(channel) if due_at else now, "created_at": now}

    firsts: dict[str, dict[str, Any]] = {}
    later: list[tuple[str, int, str]] = []
    for key, hit_id, channel in wanted:
        if key in parents or key in firsts:
            later.append((key, hit_id, channel))
        else:
            firsts[key] = row(hit_id, channel, "alert", key, None)
    parents.update(zip(firsts, insert_rows(session, Alert, list(firsts.values())), strict=True))
    insert_rows(session, Alert, [row(hit_id, channel, "followup", None, parents[key])
                                 for key, hit_id, channel in later])
    return len(wanted)
