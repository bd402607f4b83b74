"""The wheel is a complete monitor: built from the sources, installed into a fresh venv outside
the checkout, it migrates a database and runs the demo (articles extracted by trafilatura,
whose jusText needs ``lxml_html_clean``) from a folder that is not the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

_NOT_SOURCES = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.db", "*.db-*",
                                      ".*_cache", ".hypothesis", "build", "dist", "*.egg-info")


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _install_or_skip(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    """pip reaches the package registry (its cache first); without one, skip (fail in CI)."""
    result = _run(args, cwd, env)
    if result.returncode != 0:
        message = (f"cannot install the wheel into a fresh venv (is a package index or pip's "
                   f"cache reachable?): {' '.join(args[:4])} failed:\n"
                   f"{result.stdout[-2000:]}{result.stderr[-3000:]}")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_wheel_installed_outside_the_checkout_upgrades_a_database_and_runs_the_demo(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "MONITOR_CONFIG", "MONITOR_DATABASE_URL")}
    # Built from a copy of the sources, so the checkout gets no build/ or egg-info.
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCES)
    dist = tmp_path / "dist"
    _install_or_skip([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                      "-w", str(dist), str(src)], tmp_path, env)
    wheel = next(dist.glob("monitor-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "monitor/migrations/env.py" in names
    assert "monitor/migrations/versions/0001_initial_schema.py" in names

    # A fresh venv without a pip of its own (ensurepip takes seconds): this pip installs into
    # it; without byte-compiling every dependency (what runs compiles as it is imported).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    _install_or_skip([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                      "install", "--quiet", "--no-compile", str(wheel)], tmp_path, env)
    shutil.rmtree(src)  # nothing of the sources is left to lean on

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config.yaml").write_text(
        "database:\n  url: sqlite:///monitor.db\n"
        "feeds: []\nrules:\n  - name: any\n    countries: {at_least: 1}\n", "utf-8")
    monitor = str(venv / "bin" / "monitor")
    up = _run([monitor, "--config", "config.yaml", "db", "upgrade"], elsewhere, env)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "0007" in up.stdout + up.stderr  # at the newest revision
    assert (elsewhere / "monitor.db").stat().st_size > 0

    demo = _run([monitor, "demo"], elsewhere, env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "Polled 1 feed: 6 articles, 1 hit(s)" in demo.stdout
    # Jake Sullivan is named only in the article's page, never in the feed: the page was
    # fetched and extracted (jusText imports lxml.html.clean).
    assert "[Jake Sullivan]" in demo.stdout
    assert "feed: article failed" not in demo.stdout + demo.stderr
