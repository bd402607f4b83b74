"""The database edge under hostile conditions: instances racing the migrations, a database
from a newer version, a read-only SQLite file, one-shot commands beside a running daemon, and
a PostgreSQL connection that goes silent."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from monitor.cli import cli
from monitor.db.engine import current_revision, make_engine, upgrade

HEAD = "0004"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.stdout, result.stderr


MIGRATE_AT = """
import sys, time
from monitor.db.engine import make_engine, upgrade
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all start at once
upgrade(engine)
"""


def test_instances_starting_together_take_turns_at_the_migrations(pg_url: str) -> None:
    at = time.time() + 8  # after every process has imported monitor
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE_AT, pg_url, str(at)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-600:] for _out, err in results]
    engine = make_engine(pg_url)
    try:
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()
