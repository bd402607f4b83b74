"""Bulk INSERTs give each row its own id, in the order of the rows, in a few statements
whatever their number (a cold start stores tens of thousands of articles). Real SQLite file and
real PostgreSQL (``db_url``)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, select, text

from monitor.db import dialect
from monitor.db.bulk import insert_rows
from monitor.db.engine import make_engine, upgrade
from monitor.db.models import Story
from monitor.db.session import unit_of_work

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _engine(db_url: str) -> Engine:
    engine = make_engine(db_url)
    upgrade(engine)
    return engine


def _insert(engine: Engine, titles: list[str]) -> tuple[list[int], int]:
    """The ids of new stories so titled, and the statements their INSERT took."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with unit_of_work(engine) as s:
        s.execute(text("select 1"))  # (the transaction's own statements not counted)
        event.listen(engine, "before_cursor_execute", count)
        try:
            ids = insert_rows(s, Story, [{"title": t, "created_at": NOW} for t in titles])
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return ids, len(statements)


def _titles(engine: Engine) -> dict[int, str]:
    with unit_of_work(engine) as s:
        return {i: t for i, t in s.execute(select(Story.id, Story.title))}


def test_each_row_gets_its_id_in_order_in_a_few_statements(db_url: str) -> None:
    engine = _engine(db_url)
    first, _ = _insert(engine, ["one", "two"])
    titles = [f"story {n}" for n in range(120)]
    ids, statements = _insert(engine, titles)
    assert len(set(ids)) == 120 and not set(ids) & set(first)
    stored = _titles(engine)
    assert [stored[i] for i in ids] == titles
    assert statements <= 4  # not one a row (SQLite: BEGIN, the write lock, max(id), INSERT)


def test_ids_stay_right_after_the_newest_row_was_deleted(db_url: str) -> None:
    """A deleted newest row leaves a gap at the top; the next rows still get their own ids."""
    engine = _engine(db_url)
    ids, _ = _insert(engine, ["a", "b", "c"])
    with unit_of_work(engine) as s:
        s.execute(text("delete from stories where id = :id"), {"id": ids[-1]})
    more, _ = _insert(engine, ["d", "e"])
    stored = _titles(engine)
    assert [stored[i] for i in more] == ["d", "e"]
    assert [stored[i] for i in ids[:2]] == ["a", "b"]


def test_no_other_writer_takes_an_id_between_numbering_and_insert(sqlite_url: str) -> None:
    """SQLite: once a bulk insert has read where its ids start, another writer (the desk adding
    a feed while the daemon stores) waits for it, instead of taking that id and failing the
    insert's primary key."""
    engine = _engine(sqlite_url)
    _insert(engine, ["one"])
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0.05)
    try:
        with unit_of_work(engine) as s:
            first = dialect.next_ids(s, "stories")
            try:
                other.execute("insert into stories (title, created_at) values ('x', ?)",
                              (NOW.isoformat(),))
                other.commit()
                raced = True
            except sqlite3.OperationalError as exc:  # database is locked
                assert "locked" in str(exc)
                raced = False
            ids = insert_rows(s, Story, [{"title": "two", "created_at": NOW}])
        assert not raced and first == ids[0]
    finally:
        other.close()
    assert _titles(engine)[ids[0]] == "two"
