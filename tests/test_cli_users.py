"""`monitor users`: add a user with a password read from stdin (argon2-hashed, never stored
in the clear), list them (also as --json), give one an API token printed once (only its hash
is stored) that opens the desk's API paths, disable one; mistakes exit 2 with one line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from tests.desk_support import PASSWORD, desk_client, desk_server, login, make_desk


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
                                    "feeds": [], "alerts": {"channels": []}}))
    return path


def _run(path: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(path), *args], input=stdin, obj={})
    return result.exit_code, result.stdout, result.stderr


def test_users_add_list_token_and_disable(tmp_path: Path) -> None:
    path = _config(tmp_path)
    assert _run(path, "users", "list")[1].startswith("no users yet")
    code, out, err = _run(path, "users", "add", "ana", "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert (code, out.strip()) == (0, "user ana added"), err
    with sqlite3.connect(tmp_path / "m.db") as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2") and PASSWORD not in stored
    code, token, _ = _run(path, "users", "token", "ana")
    token = token.strip()
    assert code == 0 and len(token) >= 40
    with sqlite3.connect(tmp_path / "m.db") as db:
        (digest,) = db.execute("SELECT api_token_hash FROM users").fetchone()
    assert digest != token and token not in digest
    code, out, _ = _run(path, "users", "list", "--json")
    (row,) = json.loads(out)
    assert {k: row[k] for k in ("name", "disabled", "has_token")} == {
        "name": "ana", "disabled": False, "has_token": True}
    assert row["created_at"]

    desk = make_desk(load_config(path))
    with desk_server(desk) as base, desk_client(base) as client:
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/none", headers=bearer).status_code == 404  # let in
        login(client, "ana", PASSWORD)
        assert _run(path, "users", "disable", "ana")[0] == 0
        assert client.get("/api/none", headers=bearer).status_code == 401
        assert client.get("/ops").status_code == 302
    assert "(disabled, API token)" in _run(path, "users", "list")[1]


def test_users_mistakes_exit_2_with_one_line(tmp_path: Path) -> None:
    path = _config(tmp_path)
    code, _, err = _run(path, "users", "add", "ana", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8 characters" in err
    code, _, err = _run(path, "users", "add", "ana")  # no terminal to ask on
    assert code == 2 and "--password-stdin" in err
    assert _run(path, "users", "add", "ana", "--password-stdin", stdin=PASSWORD)[0] == 0
    code, _, err = _run(path, "users", "add", "ana", "--password-stdin", stdin=PASSWORD)
    assert code == 2 and "already exists" in err
    code, _, err = _run(path, "users", "token", "anna")
    assert code == 2 and "no user 'anna'; did you mean 'ana'?" in err
    code, _, err = _run(path, "users", "disable", "bob")
    assert code == 2 and "no user 'bob'" in err
