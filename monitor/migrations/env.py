"""Alembic environment: migrations for monitor's tables on SQLite and PostgreSQL.

The engine is passed in by ``monitor.db.engine.alembic_config`` (``config.attributes["engine"]``);
when alembic runs from the command line, the URL comes from ``$MONITOR_DATABASE_URL`` or the
``database.url`` of ``config.yaml``.
"""

from __future__ import annotations

import os

from alembic import context

from monitor.config import default_config_path, load_config
from monitor.db import dialect
from monitor.db.engine import make_engine
from monitor.db.models import Base

target_metadata = Base.metadata
MIGRATION_LOCK = 7310420002  # pg_advisory_xact_lock key serialising upgrades


def _engine():  # type: ignore[no-untyped-def]
    engine = context.config.attributes.get("engine")
    if engine is None:
        url = os.environ.get("MONITOR_DATABASE_URL")
        engine = make_engine(url or load_config(default_config_path()).database.url)
    return engine


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=dialect.alters_by_copy(connection),
            compare_type=True,
        )
        with context.begin_transaction():
            # Instances starting together on a fresh database take turns: the others wait
            # here, then find the migrations applied (held until this transaction ends).
            # No statement timeout here: a migration may rightly take long, and so may the
            # wait for another instance's.
            dialect.no_statement_timeout(connection)
            dialect.advisory_lock(connection, MIGRATION_LOCK)
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
