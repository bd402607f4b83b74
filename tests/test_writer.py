"""Group commit: feeds' writes share transactions, yet each succeeds or fails on its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from monitor.db.engine import make_engine, upgrade
from monitor.db.models import Feed, Story
from monitor.db.session import unit_of_work
from monitor.db.writer import GroupWriter, Job
from monitor.errors import StoreError
from monitor.model import FeedState

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _story(title: str) -> Job[int]:
    def work(s: Session) -> int:
        story = Story(title=title, created_at=NOW)
        s.add(story)
        s.flush()
        return story.id
    return Job(work)


async def _submit_together(writer: GroupWriter, jobs: list[Job[int]]) -> list[object]:
    return await asyncio.gather(*(writer.submit(j) for j in jobs), return_exceptions=True)


async def _submit_all(writer: GroupWriter, jobs: list[Job[Any]]) -> list[object]:
    return await asyncio.gather(*(writer.submit(j) for j in jobs), return_exceptions=True)


def test_jobs_submitted_together_share_a_transaction_and_fail_alone(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    writer = GroupWriter(engine)
    committed: list[int] = []
    undone: list[str] = []

    def good(title: str) -> Job[int]:
        job = _story(title)
        return Job(job.work, committed.append, lambda: undone.append(title))

    def bad(s: Session) -> int:
        s.execute(text("insert into no_such_table values (1)"))
        return 0

    results = asyncio.run(_submit_together(
        writer, [good("first"), Job(bad, undo=lambda: undone.append("bad")), good("third")]))
    assert isinstance(results[1], StoreError)
    assert isinstance(results[0], int) and isinstance(results[2], int)
    # The shared transaction was rolled back (the jobs that had run in it undone: the third
    # had not run yet), then each job ran alone: the good ones are stored and committed, the
    # bad one undone again.
    assert sorted(undone) == ["bad", "bad", "first"]
    assert committed == [results[0], results[2]]
    with unit_of_work(engine) as s:
        assert sorted(s.scalars(select(Story.title))) == ["first", "third"]
    engine.dispose()


def test_many_jobs_are_written_in_few_transactions(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    writer = GroupWriter(engine, max_batch=50)
    transactions = 0

    @event.listens_for(engine, "commit")
    def _count(_conn: object) -> None:
        nonlocal transactions
        transactions += 1

    results = asyncio.run(_submit_together(writer, [_story(f"s{i}") for i in range(200)]))
    assert all(isinstance(r, int) for r in results)
    assert len(set(results)) == 200
    assert transactions <= 200 // 50 + 1
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(Story)) == 200
    engine.dispose()


@pytest.mark.parametrize("max_batch", [1, 3])
def test_a_failing_single_job_raises_its_error(sqlite_url: str, max_batch: int) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    writer = GroupWriter(engine, max_batch=max_batch)

    def bad(_s: Session) -> int:
        raise StoreError("database error: gone")

    with pytest.raises(StoreError, match="gone"):
        asyncio.run(writer.submit(Job(bad)))
    engine.dispose()


def _feeds(engine: Engine, n: int) -> list[int]:
    """``n`` feeds, each leased, as a claim leaves them; their ids."""
    with unit_of_work(engine) as s:
        rows = [Feed(name=f"f{i}", url=f"http://127.0.0.1:9/f{i}", created_at=NOW,
                     error_count=1, lease_owner="me", lease_expires_at=NOW + timedelta(hours=1))
                for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [f.id for f in rows]


def _state(status: int | None, *, success: bool, minutes: int, etag: str | None = None
           ) -> FeedState:
    return FeedState(status=status, error=None if success else f"HTTP {status}",
                     checked_at=NOW, next_check_at=NOW + timedelta(minutes=minutes),
                     success=success, etag=etag, validators=etag is not None)


def test_a_batch_of_polls_records_every_feeds_state(db_url: str) -> None:
    """The records that the jobs of one transaction leave to it are written together at its
    end (a few statements, not one a feed), each feed's own state and its lease released; a
    job failing in the batch loses no other job's record, nor its own rows' atomicity."""
    engine = make_engine(db_url)
    upgrade(engine)
    ids = _feeds(engine, 6)
    writer = GroupWriter(engine)
    updates = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        nonlocal updates
        updates += statement.lstrip().upper().startswith("UPDATE FEEDS")

    unchanged = [Job(lambda _s: None, records=lambda _r, k=k: [
        (ids[k], _state(304, success=True, minutes=60 + k))]) for k in range(3)]
    changed = Job(lambda _s: None, records=lambda _r: [
        (ids[3], _state(200, success=True, minutes=30, etag='"v2"'))])
    failures = Job(lambda _s: None, records=lambda _r: [
        (i, _state(500, success=False, minutes=10)) for i in ids[4:]])
    jobs: list[Job[None]] = [*unchanged, changed, failures]
    results = asyncio.run(_submit_all(writer, jobs))
    assert results == [None] * 5
    assert updates <= 3  # one statement per shape of update: 304s, a new body, failures

    def bad(s: Session) -> None:
        s.execute(text("insert into no_such_table values (1)"))

    later = Job(lambda _s: None, records=lambda _r: [(ids[0], _state(304, success=True,
                                                                      minutes=120))])
    refused = Job(bad, records=lambda _r: [(ids[1], _state(500, success=False, minutes=5))])
    results = asyncio.run(_submit_all(writer, [later, refused]))
    assert results[0] is None and isinstance(results[1], StoreError)
    engine.dispose()

    engine = make_engine(db_url)
    with unit_of_work(engine) as s:
        got = {f.id: f for f in s.scalars(select(Feed))}
    engine.dispose()
    expected = {  # (last_status, error_count, minutes to the next check, etag)
        ids[0]: (304, 0, 120, None), ids[1]: (304, 0, 61, None), ids[2]: (304, 0, 62, None),
        ids[3]: (200, 0, 30, '"v2"'), ids[4]: (500, 2, 10, None), ids[5]: (500, 2, 10, None)}
    for feed_id, (status, errors, minutes, etag) in expected.items():
        f = got[feed_id]
        assert (f.last_status, f.error_count, f.etag) == (status, errors, etag), f.name
        assert f.next_check_at == NOW + timedelta(minutes=minutes), f.name
        assert f.last_checked_at == NOW and (f.lease_owner, f.lease_expires_at) == (None, None)
        assert (f.last_success_at == NOW) is (status != 500), f.name
