"""Build the SQLAlchemy engine for a database URL, and run Alembic migrations programmatically.

SQLite gets WAL mode, a busy timeout and foreign keys; ``postgresql://`` URLs use psycopg 3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from alembic import command
from monitor.errors import SchemaVersionError, StoreError

SQLITE_BUSY_SECONDS = 5.0

# The repository's alembic/ folder (the package is installed editable from the clone).
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "alembic"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` → the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; raises ``StoreError`` for a URL SQLAlchemy cannot use."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            # A locked database (another writer) makes a statement wait at most this long; the
            # daemon's jobs then fail, log and retry at the next tick.
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL: {exc}") from None
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    cur.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    """An Alembic config bound to ``engine`` (used by ``upgrade`` and the drift test)."""
    if not (MIGRATIONS_DIR / "env.py").exists():
        raise StoreError(f"migrations not found at {MIGRATIONS_DIR}; install monitor from its repo")
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; raises ``StoreError`` when the database refuses,
    ``SchemaVersionError`` when it was migrated by a newer monitor."""
    check_schema(engine)
    try:
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {exc}") from exc
    except CommandError as exc:
        raise StoreError(f"migration failed: {exc}") from None


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the schema revision: {exc}") from exc


def head_revision(engine: Engine) -> str | None:
    """The newest revision this version of monitor knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def check_schema(engine: Engine, *, require_head: bool = False) -> None:
    """Raise ``SchemaVersionError`` for a database at a revision this code does not know (a
    newer monitor migrated it: upgrading the database cannot help), and, with
    ``require_head``, ``StoreError`` for one that is behind (``monitor db upgrade`` helps)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    current = current_revision(engine)
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaVersionError(
            f"the database is at revision {current}, which this version of monitor does not "
            f"know (newest it knows: {head}): upgrade monitor")
    if require_head and current != head:
        raise StoreError(f"database schema is not up to date (at {current or 'none'}, this "
                         f"version needs {head}): run `monitor db upgrade`")
