"""Where SQLite and PostgreSQL differ once connected, one function per difference; no other
module asks which database it talks to (``engine`` builds each one's engine from its URL).

Row locks need no function: ``with_for_update`` (``FOR UPDATE [SKIP LOCKED]``) renders
nothing on SQLite, whose single writer needs none, so callers use it unconditionally.
"""

from __future__ import annotations

from sqlalchemy import Connection, Dialect, Engine, text
from sqlalchemy.orm import Session


def _is_sqlite(dialect: Dialect) -> bool:
    return dialect.name == "sqlite"


def single_writer(engine: Engine) -> bool:
    """Whether the database takes one writer at a time (SQLite): writes then go through the
    group writer, and leases left at start-up can only be a dead process's."""
    return _is_sqlite(engine.dialect)


def naive_datetimes(dialect: Dialect) -> bool:
    """Whether datetimes are stored without a timezone (SQLite has no such type: UTC is
    written naive and read back as UTC)."""
    return _is_sqlite(dialect)


def alters_by_copy(conn: Connection) -> bool:
    """Whether schema changes copy the table (SQLite's ALTER TABLE cannot drop or change a
    column): Alembic's batch mode."""
    return _is_sqlite(conn.dialect)


def placeholder(conn: Connection) -> str:
    """The driver's placeholder for plain driver SQL (``exec_driver_sql``)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def ensure_transaction(conn: Connection) -> None:
    """Make sure a transaction is open: on SQLite, pysqlite opens none before the first
    write, and releasing a savepoint outside one would commit it."""
    if _is_sqlite(conn.dialect):
        raw = conn.connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", True):
            conn.exec_driver_sql("BEGIN")


def next_ids(session: Session, table: str) -> int | None:
    """The id a bulk INSERT into ``table`` numbers its rows from, when the caller is to give
    them (SQLite), else None (PostgreSQL: INSERT … RETURNING, sorted in the order of the rows).

    SQLite cannot tie new rowids to the rows of a statement, so SQLAlchemy runs RETURNING in
    parameter order as one INSERT a row. Its ids are max(id) + 1 onwards, which is what
    SQLite itself would give (no table has AUTOINCREMENT), and safe: SQLite has one writer;
    when another connection wrote since this transaction's snapshot, its write fails (busy
    snapshot), and an id taken meanwhile would fail its primary key: never a wrong id. The
    write lock is taken before max(id) is read (pysqlite opens no transaction before the first
    write), so no other writer can insert in between and fail this insert's primary key."""
    if not _is_sqlite(session.get_bind().dialect):
        return None
    conn = session.connection()
    ensure_transaction(conn)
    conn.exec_driver_sql(f"update {table} set id = id where 0")  # the write lock, now
    last = conn.exec_driver_sql(f"select max(id) from {table}").scalar()
    return int(last or 0) + 1


def advisory_lock(conn: Connection | Session, key: int) -> None:
    """Take turns with other instances until the transaction ends (PostgreSQL's advisory
    lock). Nothing on SQLite: its writers take turns anyway."""
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if not _is_sqlite(bind.dialect):
        conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": key})


def no_statement_timeout(conn: Connection) -> None:
    """Lift the statement timeout for this transaction (PostgreSQL; SQLite has none)."""
    if not _is_sqlite(conn.dialect):
        conn.execute(text("set local statement_timeout = 0"))


def probe_writes(session: Session) -> None:
    """A statement that fails when the database takes no writes now. On SQLite (WAL) readers
    go on while another process holds the write lock, so the probe takes the write lock."""
    if _is_sqlite(session.get_bind().dialect):
        session.execute(text("update feeds set id = id where 0"))
    else:
        session.execute(text("select 1"))


def update_returning(session: Session) -> bool:
    """Whether UPDATE … RETURNING is there (PostgreSQL, SQLite 3.35+)."""
    return bool(session.get_bind().dialect.update_returning)


def database_size(session: Session) -> int | None:
    """Bytes on disk, where the database can tell."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return int(session.scalar(text("select pg_database_size(current_database())")) or 0)
    if dialect == "sqlite":
        pages = session.scalar(text("pragma page_count")) or 0
        size = session.scalar(text("pragma page_size")) or 0
        return int(pages) * int(size)
    return None
