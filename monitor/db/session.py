"""Units of work: a session committed on success and rolled back on error, the database's
errors translated to ``StoreError``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from monitor.errors import StoreError


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session committed on success, rolled back on error; DB errors become ``StoreError``."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database error: {type(exc).__name__}: {exc.args[0] if exc.args else exc}"
                         ) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
