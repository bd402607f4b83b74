"""Build the SQLAlchemy engine for a database URL, and run Alembic migrations programmatically.

SQLite gets WAL mode, a busy timeout and foreign keys (read-only commands open the file
read-only and write nothing); ``postgresql://`` URLs use psycopg 3 with connect and statement
timeouts and TCP keepalives, so that a connection that dies silently fails instead of hanging.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from weakref import WeakKeyDictionary, WeakSet

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from monitor.config import DatabaseConfig
from monitor.errors import SchemaVersionError, StoreError

SQLITE_BUSY_SECONDS = 5.0
# TCP keepalive probes on PostgreSQL connections: first after this idle time, then this often,
# this many times, before the kernel gives the connection up.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 10, 5, 3

# The migrations ship inside the package (monitor/migrations: env.py and versions/), so an
# installed wheel upgrades a database as well as a clone does.
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


@dataclass(frozen=True)
class Timeouts:
    """How long PostgreSQL work may wait (seconds): to connect, for a statement, for
    unacknowledged data on a silent connection (``tcp_user_timeout``), for a pooled
    connection."""

    connect: float = 10.0
    statement: float = 30.0
    tcp_user: float = 30.0
    pool: float = 30.0


def timeouts_of(cfg: DatabaseConfig) -> Timeouts:
    return Timeouts(connect=cfg.connect_timeout, statement=cfg.statement_timeout,
                    tcp_user=cfg.tcp_user_timeout, pool=cfg.pool_timeout)


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` → the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, timeouts: Timeouts | None = None, *, read_only: bool = False,
                **kwargs: Any) -> Engine:
    """An engine for ``url``; raises ``StoreError`` for a URL SQLAlchemy cannot use.
    ``read_only``: for commands that only look (a SQLite file is opened read-only, so a file
    the user may not write, or cannot, still answers)."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(parsed, read_only, **kwargs)
        else:
            engine = create_engine(url, pool_pre_ping=True,
                                   pool_timeout=(timeouts or Timeouts()).pool,
                                   connect_args=pg_connect_args(timeouts or Timeouts()),
                                   **kwargs)
            watch_connections(engine)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL: {exc}") from None
    return engine


def pg_connect_args(t: Timeouts) -> dict[str, Any]:
    """libpq settings so that a connection that dies silently (no FIN, no RST) fails instead
    of hanging: connect timeout, TCP keepalives, TCP_USER_TIMEOUT, and a server-side
    statement timeout."""
    return {
        "connect_timeout": max(1, round(t.connect)),
        "keepalives": 1, "keepalives_idle": KEEPALIVE_IDLE,
        "keepalives_interval": KEEPALIVE_INTERVAL, "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": round(t.tcp_user * 1000),
        "options": f"-c statement_timeout={round(t.statement * 1000)}",
    }


def _sqlite_engine(parsed: URL, read_only: bool, **kwargs: Any) -> Engine:
    path = parsed.database
    if read_only and path and path != ":memory:" and not parsed.query.get("uri"):
        # Read-only commands open the file read-only; when SQLite cannot even make the WAL's
        # shared-memory file next to it (a read-only directory), as an immutable file.
        target = Path(path).resolve()

        def connect() -> sqlite3.Connection:
            uri = f"file:{quote(str(target))}?mode=ro"
            try:
                conn = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_SECONDS,
                                       check_same_thread=False)
                conn.execute("select count(*) from sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError:
                return sqlite3.connect(uri + "&immutable=1", uri=True,
                                       timeout=SQLITE_BUSY_SECONDS, check_same_thread=False)

        engine = create_engine("sqlite://", creator=connect, **kwargs)
        event.listen(engine, "connect", _sqlite_read_pragmas)
        return engine
    # A locked database (another writer) makes a statement wait at most this long; the
    # daemon's jobs then fail, log and retry at the next tick.
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    cur.close()


def _sqlite_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """No writes: the journal mode is left as the file has it."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    cur.close()


# ---- PostgreSQL connections that went silent --------------------------------------------------

_OPEN: WeakKeyDictionary[Engine, WeakSet[Any]] = WeakKeyDictionary()


def watch_connections(engine: Engine) -> None:
    """Remember the engine's DBAPI connections, so ``abort_connections`` can reach them."""
    conns: WeakSet[Any] = WeakSet()
    _OPEN[engine] = conns

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        conns.add(dbapi_conn)

    event.listen(engine, "connect", on_connect)


def abort_connections(engine: Engine) -> int:
    """Shut down the sockets of the engine's open connections (at shutdown): a thread
    blocked on a connection whose peer went silent gets an error instead of waiting for ever.
    Returns how many were shut down."""
    n = 0
    for conn in list(_OPEN.get(engine, ())):
        try:
            if conn.closed:
                continue
            fd = conn.fileno()
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
            n += 1
        except Exception:  # closed meanwhile: nothing to abort
            continue
    return n


def alembic_config(engine: Engine) -> AlembicConfig:
    """An Alembic config bound to ``engine`` (used by ``upgrade`` and the drift test)."""
    if not (MIGRATIONS_DIR / "env.py").exists():
        raise StoreError(f"migrations not found at {MIGRATIONS_DIR}: this installation of "
                         "monitor is incomplete; reinstall it")
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
        if (folder := missing_folder(engine.url.render_as_string(hide_password=False))):
            raise StoreError(no_folder_message(folder)) from None
        raise StoreError(f"cannot read the schema revision: {exc}") from exc


def head_revision(engine: Engine) -> str | None:
    """The newest revision this version of monitor knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


NOT_MIGRATED = "the database has no tables yet: run `monitor db upgrade`"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None: another database, ``:memory:`` or a URI)."""
    parsed = make_url(normalise_url(url))
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not path or path == ":memory:" \
            or parsed.query.get("uri"):
        return None
    return Path(path)


def check_schema(engine: Engine, *, require_head: bool = False,
                 require_migrated: bool = False) -> None:
    """Raise ``SchemaVersionError`` for a database at a revision this code does not know (a
    newer monitor migrated it: upgrading the database cannot help), and ``StoreError`` saying
    to run ``monitor db upgrade`` for one never migrated (``require_migrated``) or, with
    ``require_head``, behind."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    current = current_revision(engine)
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaVersionError(
            f"the database is at revision {current}, which this version of monitor does not "
            f"know (newest it knows: {head}): upgrade monitor")
    if current is None and (require_migrated or require_head):
        raise StoreError(NOT_MIGRATED)
    if require_head and current != head:
        raise StoreError(f"database schema is not up to date (at {current or 'none'}, this "
                         f"version needs {head}): run `monitor db upgrade`")


def missing_folder(url: str) -> Path | None:
    """The folder a SQLite URL's file would be in, when that folder does not exist (SQLite
    then says only "unable to open database file")."""
    path = sqlite_file(url)
    return path.parent if path is not None and not path.parent.exists() else None


def no_folder_message(folder: Path) -> str:
    return (f"no database in {folder}: the folder {folder} does not exist (check "
            "database.url, or create the folder and run `monitor db upgrade`)")
