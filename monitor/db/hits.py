"""SQL of hits: which are stored, storing them (in bulk with a poll's articles, or one by one
from a backtest), listing them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.db.bulk import insert_rows
from monitor.db.facets import store_facets
from monitor.db.models import Hit
from monitor.model import NewHit


def existing_hits(session: Session, article_ids: Sequence[int]) -> set[tuple[int, str]]:
    if not article_ids:
        return set()
    rows = session.execute(select(Hit.article_id, Hit.rule)
                           .where(Hit.article_id.in_(article_ids)))
    return {(a, r) for a, r in rows}


def insert_hits(session: Session, hits: Sequence[tuple[int, NewHit]], now: datetime
                ) -> list[int]:
    """Store (article id, hit) pairs and their facet rows; their new ids, in order."""
    ids = insert_rows(session, Hit, [
        {"article_id": article_id, "rule": h.rule, "severity": h.severity, "score": h.score,
         "evidence": h.evidence, "created_at": now} for article_id, h in hits])
    store_facets(session, ids)
    return ids


def add_hit(session: Session, article_id: int, hit: NewHit, now: datetime) -> None:
    """Store a hit and its facet rows without queueing alerts (used by backtest --apply)."""
    row = Hit(article_id=article_id, rule=hit.rule, severity=hit.severity,
              score=hit.score, evidence=hit.evidence, created_at=now)
    session.add(row)
    session.flush()
    store_facets(session, [row.id])


def list_hits(session: Session, since: datetime | None = None, rule: str | None = None,
              limit: int = 200) -> list[Hit]:
    stmt = select(Hit).options(joinedload(Hit.article)).order_by(Hit.created_at.desc(),
                                                                   Hit.id.desc())
    if since is not None:
        stmt = stmt.where(Hit.created_at >= since)
    if rule:
        stmt = stmt.where(Hit.rule == rule)
    return list(session.scalars(stmt.limit(limit)))
