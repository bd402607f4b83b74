"""Database work from the event loop: one function of a session in a unit of work of its own,
in a worker thread (or, on SQLite, in the group writer's)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from monitor.app import App
from monitor.db import dialect
from monitor.db.session import unit_of_work
from monitor.db.writer import Job, Record
from monitor.errors import StoreError

R = TypeVar("R")


async def run_db(app: App, fn: Callable[..., R], *args: Any) -> R:
    """``fn(session, *args)`` in a unit of work of its own, in a worker thread. A caller
    cancelled meanwhile (shutdown) still waits for the transaction to end, so that a claim
    never lands after the shutdown released this instance's leases.

    On SQLite the work goes to the group writer's thread instead, within its transactions:
    one writer at a time is all SQLite allows, and a write made beside the writer's would
    fail its transactions (their snapshot is stale: "database is locked" at once)."""
    work: asyncio.Future[R]
    if dialect.single_writer(app.engine):
        work = asyncio.ensure_future(app.writer.submit(Job(lambda s: fn(s, *args))))
    else:
        work = asyncio.ensure_future(asyncio.to_thread(_in_unit, app, fn, *args))
    return await _to_the_end(work)


async def record_polls(app: App, records: Sequence[Record]) -> None:
    """Write poll records (a group's failures) in the group writer's next transaction, with
    the records the successes' jobs leave to it: one statement per shape for them all. Like
    ``run_db``, a caller cancelled meanwhile waits for the transaction to end."""
    rows = list(records)
    await _to_the_end(asyncio.ensure_future(
        app.writer.submit(Job(_nothing, records=lambda _none: rows))))


def _nothing(_s: Session) -> None:
    return None


async def _to_the_end(work: asyncio.Future[R]) -> R:
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait({work})
        raise


async def read_db(app: App, fn: Callable[..., R], *args: Any) -> R:
    """``fn(session, *args)`` in a unit of work of its own, in a worker thread, for reads: a
    caller cancelled meanwhile does not wait for it (its result is dropped)."""
    return await asyncio.to_thread(_in_unit, app, fn, *args)


async def read_sql(app: App, fn: Callable[..., R], *args: Any) -> R:
    """``fn(connection, *args)`` in a worker thread, for reads in plain SQL: a connection
    of its own, no ORM session (a third of the cost of ``read_db``'s unit of work: these
    are made for every changed feed). Database errors are ``StoreError``s."""
    return await asyncio.to_thread(_on_connection, app, fn, *args)


def _on_connection(app: App, fn: Callable[..., R], *args: Any) -> R:
    try:
        with app.engine.connect() as conn:
            return fn(conn, *args)
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {type(exc).__name__}: "
                         f"{exc.args[0] if exc.args else exc}") from exc


def _in_unit(app: App, fn: Callable[..., R], *args: Any) -> R:
    with unit_of_work(app.engine) as s:
        return fn(s, *args)
