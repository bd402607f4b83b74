"""The code keeps a shape a reader can hold: no function in ``monitor/`` is over 60 lines.

Complexity is ruff's (C901, at most 15, set in pyproject.toml and run by ``make test``); the
length is measured here, from a function's first decorator or ``def`` to its last line, with
``ast``. Alembic's migrations are left out: each is one generated upgrade.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 60
# Functions being rewritten elsewhere, allowed until the rewrite is merged (each must still be
# over the limit, so the merge that fixes one has to remove it here).
KNOWN_LONG: set[str] = set()  # functions allowed over the limit (none)


def function_lengths(source: str) -> dict[str, int]:
    """Qualified name (``Class.method``, ``outer.inner``) -> lines, of every function."""
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    out[name] = (child.end_lineno or child.lineno) - first + 1
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def long_functions(root: Path) -> dict[str, int]:
    """``path:name`` -> lines, of every function over ``MAX_LINES`` under ``root/monitor``."""
    out = {}
    for path in sorted((root / "monitor").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("monitor/migrations/"):
            continue
        for name, lines in function_lengths(path.read_text("utf-8")).items():
            if lines > MAX_LINES:
                out[f"{relative}:{name}"] = lines
    return out


def test_function_lengths_count_from_the_decorator_to_the_last_line() -> None:
    source = ("import functools\n\n\nclass A:\n    @functools.cache\n    def f(self) -> int:\n"
              "        def g() -> int:\n            return 1\n\n        return g()\n\n\n"
              "async def h() -> None:\n    pass\n")
    assert function_lengths(source) == {"A.f": 6, "A.f.g": 2, "h": 2}


def test_no_function_in_monitor_is_over_60_lines() -> None:
    found = long_functions(ROOT)
    over = [f"{name}: {lines} lines" for name, lines in sorted(found.items())
            if name not in KNOWN_LONG]
    assert not over, f"functions over {MAX_LINES} lines (split them):\n" + "\n".join(over)
    if stale := sorted(KNOWN_LONG - set(found)):
        raise AssertionError(f"no longer over {MAX_LINES} lines, remove from KNOWN_LONG: {stale}")
