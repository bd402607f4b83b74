"""The same migrations build the schema on SQLite and PostgreSQL, with no drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from monitor.db.engine import current_revision, make_engine, upgrade
from monitor.db.models import Base


def test_upgrade_head_and_no_drift(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)  # idempotent
        assert current_revision(engine) == "0007"
        tables = set(inspect(engine).get_table_names())
        assert {"feeds", "articles", "feed_entries", "hits", "alerts", "users", "marks",
                "saved_searches", "stored_rules"} <= tables
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == [], diff
    finally:
        engine.dispose()
