"""A busy ``server.port`` stops `monitor run` with one line naming the key (exit 2), before
any work starts, not with a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import yaml
from click.testing import CliRunner

from monitor.cli import cli


def test_a_busy_server_port_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump({
            "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
            "fetch": {"extract_workers": 0},
            "server": {"enabled": True, "host": "127.0.0.1", "port": port},
            "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        }))
        result = CliRunner().invoke(cli, ["--config", str(path), "run"], obj={})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: server.port: 127.0.0.1:{port} is already in use")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "m.db").exists()  # stopped before touching the database
