"""Bulk INSERTs: rows made storable (``monitor.db.clean``) and inserted with one Core
statement, their new ids returned in the order of the rows.

Why Core: the ORM's unit of work cost ~1 ms a row in a 10,000-feed profile. On SQLite the rows
are numbered here (``dialect.next_ids``): RETURNING in the order of the rows is one INSERT a
row there, which made storing the largest part of the main process's cost in a cold round."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from monitor.db import dialect
from monitor.db.clean import clean_row
from monitor.db.models import Base


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]], *,
                storable: bool = False) -> list[int]:
    """INSERT ``rows`` (cleaned first, unless ``storable``: every value already as
    ``clean_row`` makes it); their new ids in the order of ``rows``."""
    if not rows:
        return []
    table = table_of(model)
    cleaned = rows if storable else [clean_row(table, row) for row in rows]
    first = dialect.next_ids(session, table.name)
    if first is not None:
        ids = list(range(first, first + len(rows)))
        session.execute(insert(table), [{**row, "id": row_id}
                                        for row, row_id in zip(cleaned, ids, strict=True)])
        return ids
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in session.execute(stmt, cleaned).scalars()]
