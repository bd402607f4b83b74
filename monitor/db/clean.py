"""Rows made storable: each value cleaned and fitted to its column, the lengths read from the
models so that they cannot drift.

Strings lose NUL and other C0 controls and lone surrogates (``monitor.sanitize``) and are cut
to their column's length: a long key or URL column keeps a hash of the whole value (the same
value always gives the same key, two values stay two keys), a short one (a language code) is
simply cut. JSON values are cleaned string by string. Dates become timezone-aware UTC within
1970..2100.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, String, Table

from monitor.sanitize import bounded, clamp_date, clean_json, clean_text


@cache
def _limits(table: Table) -> dict[str, int | None]:
    """Each string column's length (None: unlimited)."""
    return {c.name: c.type.length for c in table.columns if isinstance(c.type, String)}


@cache
def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, JSON))


def column_limit(table: Table, column: str) -> int | None:
    return _limits(table).get(column)


def clean_value(table: Table, column: str, value: Any) -> Any:
    """``value`` as ``table.column`` can store it."""
    if isinstance(value, str):
        value = clean_text(value)
        limit = _limits(table).get(column)
        return bounded(value, limit) if limit else value
    if isinstance(value, datetime):
        return clamp_date(value)
    if column in _json_columns(table):
        return clean_json(value)
    return value


def clean_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {k: clean_value(table, k, v) for k, v in row.items()}
