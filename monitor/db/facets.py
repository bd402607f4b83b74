"""SQL of story facets: each hit's rule, about-countries and counted entities as indexed rows
(``story_facets``), written with the hits and back-filled by the migration that made them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from monitor.db.models import Article, Hit, Story, StoryFacet

MAX_VALUE = 200  # the columns' length: a longer value is cut (ids and codes are short)


def facet_values(rule: str, evidence: Any) -> list[tuple[str, str, str]]:
    """(kind, value, label) of a hit: its rule; each country its evidence is about; each
    entity counted under a country (label: the entity's name). ``evidence`` is the stored
    JSON (``Evidence.to_json``); anything else in it is ignored. Pure."""
    out: dict[tuple[str, str], str] = {("rule", rule[:MAX_VALUE]): ""}
    if isinstance(evidence, dict):
        for code in evidence.get("about") or []:
            out.setdefault(("country", str(code)[:MAX_VALUE]), "")
        for country in (evidence.get("countries") or {}).values():
            if not isinstance(country, dict):
                continue
            for entity in country.get("entities") or []:
                if isinstance(entity, dict) and entity.get("id"):
                    eid = str(entity["id"])
                    out.setdefault(("entity", eid[:MAX_VALUE]),
                                   str(entity.get("name") or eid)[:MAX_VALUE])
    return [(kind, value, label) for (kind, value), label in out.items()]


def _rows(found: Sequence[Any]) -> list[dict[str, Any]]:
    """``found``: (hit id, rule, evidence JSON, story id, story first seen) rows."""
    return [{"hit_id": hit_id, "story_id": story_id, "kind": kind, "value": value,
             "label": label, "first_seen": first_seen}
            for hit_id, rule, evidence, story_id, first_seen in found
            for kind, value, label in facet_values(rule, evidence)]


def _hits_of_stories() -> Any:
    return (select(Hit.id, Hit.rule, Hit.evidence, Story.id, Story.created_at)
            .join(Article, Article.id == Hit.article_id)
            .join(Story, Story.id == Article.story_id))


def store_facets(session: Session, hit_ids: Sequence[int]) -> None:
    """Write the facet rows of the hits ``hit_ids`` (just stored, in this transaction); a
    hit of an article without a story has none."""
    if not hit_ids:
        return
    found = session.execute(_hits_of_stories().where(Hit.id.in_(hit_ids))).all()
    rows = _rows([(h, rule, ev.to_json() if ev is not None else None, sid, at)
                  for h, rule, ev, sid, at in found])
    for start in range(0, len(rows), 5000):
        session.execute(insert(StoryFacet), rows[start:start + 5000])


def backfill(conn: Connection, batch: int = 5000) -> int:
    """Write the facet rows of every stored hit that has none (the migration's back-fill;
    also after a bulk load that bypassed ``store_facets``); how many rows were written."""
    done = select(StoryFacet.hit_id).distinct()
    written, last = 0, 0
    while True:
        found = conn.execute(_hits_of_stories().where(Hit.id > last, Hit.id.not_in(done))
                             .order_by(Hit.id).limit(batch)).all()
        if not found:
            return written
        last = found[-1][0]
        rows = _rows([(h, rule, ev.to_json() if ev is not None else None, sid, at)
                      for h, rule, ev, sid, at in found])
        if rows:
            conn.execute(insert(StoryFacet), rows)
        written += len(rows)
