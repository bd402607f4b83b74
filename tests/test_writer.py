"""Group commit: feeds' writes share transactions, yet each succeeds or fails on its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from monitor.db.engine import make_engine, upgrade
from monitor.db.models import Story
from monitor.db.session import unit_of_work
from monitor.db.writer import GroupWriter, Job
from monitor.errors import StoreError

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

    from sqlalchemy import event

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
