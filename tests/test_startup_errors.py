"""Start-up that cannot complete: a TLS bundle (``SSL_CERT_FILE``) that is missing or holds no
certificate, or a ``SSL_CERT_DIR`` that is no directory, is a configuration error said in one
line (exit 2), not a traceback from inside httpx, and what was built before it (the database
engine, the process pool's workers) is closed, so a failed start leaves nothing running."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from monitor.app import open_app
from monitor.cli import cli
from monitor.errors import ConfigError
from tests.helpers import make_config

# The machine's own settings left out (SSL_CERT_FILE, set, would hide SSL_CERT_DIR).
_NO_CA_VARIABLES: dict[str, str | None] = {"SSL_CERT_FILE": None, "SSL_CERT_DIR": None}


def _config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "feeds": [{"name": "nowhere", "url": "http://127.0.0.1:9/feed.xml"}],
    }))
    return path


def _bundles(tmp_path: Path) -> dict[str, Path]:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    return {"missing": tmp_path / "no-such-dir" / "ca.pem", "garbage": garbage}


@pytest.mark.parametrize(("variable", "bundle"), [
    ("SSL_CERT_FILE", "missing"), ("SSL_CERT_FILE", "garbage"),
    ("SSL_CERT_DIR", "missing"), ("SSL_CERT_DIR", "garbage"),  # a file is no directory
])
@pytest.mark.parametrize("command", [["poll", "--once"], ["alerts", "dispatch"]])
def test_an_unreadable_ca_bundle_is_a_one_line_config_error(
        tmp_path: Path, variable: str, bundle: str, command: list[str]) -> None:
    ca = _bundles(tmp_path)[bundle]
    config = _config_file(tmp_path)
    assert CliRunner().invoke(cli, ["--config", str(config), "db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--config", str(config), *command],
                                env={**_NO_CA_VARIABLES, variable: str(ca)}, obj={})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: invalid configuration:")
    assert f"{variable}={ca}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_certificate_directory_is_accepted(tmp_path: Path) -> None:
    """SSL_CERT_DIR naming a directory (a corporate CA's hashed certificates) starts."""
    config = _config_file(tmp_path)
    assert CliRunner().invoke(cli, ["--config", str(config), "db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--config", str(config), "alerts", "dispatch"],
                                env={**_NO_CA_VARIABLES, "SSL_CERT_DIR": str(tmp_path)},
                                obj={})
    assert result.exit_code == 0, result.output


def _children() -> set[int]:
    """This process's live child processes (the pool's workers are spawned children)."""
    me, found = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone between the listing and the read
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def test_a_failed_start_up_closes_what_it_had_built(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(_bundles(tmp_path)["missing"]))
    config = make_config(f"sqlite:///{tmp_path / 'm.db'}", [])
    before = _children()

    async def start() -> None:
        async with open_app(config, workers=2):
            raise AssertionError("started without a CA bundle")

    with pytest.raises(ConfigError, match="SSL_CERT_FILE"):
        asyncio.run(start())
    assert _children() <= before  # the pool's two workers were started, then closed
