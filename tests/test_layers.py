"""Imports follow the flow: the alert channels and the shared HTTP layer import nothing from
ingestion or the stages above them (read from the source, so an import inside a function
counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import monitor

ROOT = Path(monitor.__file__).parent
# package -> the modules it must not import (nor anything under them)
FORBIDDEN = {
    "alerts": ("monitor.ingest", "monitor.pipeline", "monitor.dispatch", "monitor.app"),
    "net": ("monitor.ingest", "monitor.alerts", "monitor.pipeline", "monitor.dispatch",
            "monitor.app"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_against_the_flow(package: str) -> None:
    bad = sorted(f"{path.relative_to(ROOT)} imports {name}"
                 for path in (ROOT / package).glob("*.py")
                 for name in _imports(path)
                 if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[package]))
    assert bad == []
