"""The database edge under hostile conditions: instances racing the migrations, a database
from a newer version, a read-only SQLite file, one-shot commands beside a running daemon, and
a PostgreSQL connection that goes silent."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
import yaml
from sqlalchemy import text

from monitor.cli import cli
from monitor.db.engine import current_revision, make_engine, upgrade

HEAD = "0004"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    # A handled error exits with a code; anything else would be a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    return result.exit_code, result.stdout, result.stderr


def _config(tmp_path: Path, db_url: str, **extra: Any) -> Path:
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "fetch": {"full_text": False, "timeout": "3s"},
        "scheduler": {"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                      "shutdown_timeout": "5s"},
        "feeds": [{"name": "wire", "url": "http://127.0.0.1:9/feed.xml"}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
    }
    data.update(extra)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


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


def test_a_database_from_a_newer_version_says_so_for_every_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("update alembic_version set version_num = '0099_future'"))
    finally:
        engine.dispose()
    for auto_upgrade in (True, False):
        config = _config(tmp_path, url, database={"url": url, "auto_upgrade": auto_upgrade})
        for command in (["run"], ["db", "upgrade"], ["poll", "--once"], ["status"],
                        ["feeds"], ["alerts"], ["hits"], ["alerts", "dispatch"],
                        ["db", "prune"]):
            code, _out, err = _cli("--config", str(config), *command)
            assert code == 1, (command, err)
            assert ("the database is at revision 0099_future, which this version of monitor "
                    f"does not know (newest it knows: {HEAD}): upgrade monitor") in err, command
            assert "db upgrade" not in err and "Traceback" not in err, (command, err)


def test_an_old_schema_gets_the_upgrade_advice_and_the_upgrade_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine, "0002")
    finally:
        engine.dispose()
    config = _config(tmp_path, url, database={"url": url, "auto_upgrade": False})
    code, _out, err = _cli("--config", str(config), "poll", "--once")
    assert code == 1 and "run `monitor db upgrade`" in err
    code, out, _err = _cli("--config", str(config), "db", "upgrade")
    assert code == 0 and f"database at revision {HEAD}" in out
