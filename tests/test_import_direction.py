"""Imports follow the stages: a module imports its own part of ``monitor/`` and the parts of
earlier stages, never a later stage nor another part of its own stage.

The stages, earliest first, as the code's imports have them (each module's imports are read with
``ast``, those inside functions and under ``TYPE_CHECKING`` too). The parts of one stage are
independent of each other: the flow's stages (fetching, storing, clustering, notifying) meet
only in what composes them (the app, a poll, a dispatch round). A new module must be placed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

STAGES: tuple[tuple[str, ...], ...] = (
    # What every stage builds on: no imports from monitor of their own (clock and model: the
    # clock and the values the stages exchange, which other work of issue 13 adds).
    ("monitor", "monitor.errors", "monitor.sanitize", "monitor.human", "monitor.logs",
     "monitor.metrics", "monitor.clock"),
    # The values the stages exchange (the evidence of a hit, then what a poll brings to store).
    ("monitor.evidence_model",),
    ("monitor.model",),
    # The config schema, read once and passed to every stage.
    ("monitor.config",),
    # HTTP below both ingestion and the alert channels: the address guard, errors, decoding.
    ("monitor.net",),
    # The pure core: entities, matching, rules and their evidence.
    ("monitor.rules",),
    # The flow's stages, each on its own: fetch and parse, store, cluster into stories, notify.
    ("monitor.ingest", "monitor.db", "monitor.stories", "monitor.alerts"),
    # The long-lived resources, built once.
    ("monitor.app",),
    # Database work from the event loop, on the app's engine and group writer.
    ("monitor.db_work",),
    # What runs on them: a poll (feeds to stored hits), a dispatch round (the outbox to channels).
    ("monitor.pipeline", "monitor.dispatch"),
    # What reports on and serves them.
    ("monitor.poll_report", "monitor.server", "monitor.config_api", "monitor.sample_alert",
     "monitor.configured_feeds"),
    ("monitor.scheduler",),
    # The Python API, then each command group's API.
    ("monitor.api",),
    ("monitor.alerts_api", "monitor.feeds_api", "monitor.hits_api", "monitor.story_api",
     "monitor.rules_api", "monitor.demo", "monitor.status_text"),
    # The analyst's desk: its Python API (stories, marks, the workbench), then its web pages.
    ("monitor.desk",),
    ("monitor.web",),
    # The command line, and ``python -m monitor``.
    ("monitor.cli",),
    ("monitor.__main__",),
)
# Imports against the stages that other work of issue 13 removes; each must still be there (so
# the merge that removes one has to remove it here too, until this is empty).
KNOWN: set[str] = set()


def part_of(module: str) -> tuple[int, str] | None:
    """(stage, part) of a dotted module name: the longest part that is it or contains it."""
    best: tuple[int, str] | None = None
    for stage, parts in enumerate(STAGES):
        for part in parts:
            if (module == part or module.startswith(part + ".")) and (
                    best is None or len(part) > len(best[1])):
                best = (stage, part)
    return best


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """Every ``monitor`` module or name ``tree`` imports, anywhere in it."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                package = module.split(".")[: len(module.split(".")) - node.level
                                               + (1 if is_package else 0)]
                base = ".".join([*package, *([base] if base else [])])
            out += [f"{base}.{a.name}" for a in node.names]
    return [name for name in out if name == "monitor" or name.startswith("monitor.")]


def violations(root: Path) -> tuple[list[str], list[str]]:
    """Imports against the stages (``importer -> imported``), and modules in no stage."""
    wrong: set[str] = set()
    unplaced = []
    for path in sorted((root / "monitor").rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue  # Alembic's scripts, run by Alembic
        module = module_name(path, root)
        if (own := part_of(module)) is None:
            unplaced.append(module)
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for name in imported(tree, module, path.name == "__init__.py"):
            other = part_of(name)
            if other is None or other[1] == own[1] or other[0] < own[0]:
                continue
            target = name if _is_module(root, name) else name.rsplit(".", 1)[0]
            wrong.add(f"{module} -> {target}")
    return sorted(wrong), unplaced


def _is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_the_stage_rule_reads_imports_anywhere_in_a_module() -> None:
    source = ("from typing import TYPE_CHECKING\nimport monitor.db.store\n"
              "if TYPE_CHECKING:\n    from monitor.app import App\n"
              "def f() -> None:\n    from monitor import logs\n    from . import outbox\n")
    names = imported(ast.parse(source), "monitor.alerts.slack", False)
    assert names == ["monitor.db.store", "monitor.app.App", "monitor.logs",
                     "monitor.alerts.outbox"]
    assert part_of("monitor.alerts.outbox") == part_of("monitor.alerts")
    assert part_of("monitor.db.feeds") == part_of("monitor.db") == (
        STAGES.index(("monitor.ingest", "monitor.db", "monitor.stories", "monitor.alerts")),
        "monitor.db")
    assert part_of("monitor.logs") == (0, "monitor.logs")
    assert part_of("monitor.cli.explain_text") == part_of("monitor.cli")


def test_no_module_imports_a_later_stage_or_a_sibling() -> None:
    wrong, unplaced = violations(ROOT)
    assert not unplaced, f"modules in no stage (add them to STAGES): {unplaced}"
    against = [w for w in wrong if w not in KNOWN]
    assert not against, ("imports against the stages (importer -> imported):\n"
                         + "\n".join(against))
    if stale := sorted(KNOWN - set(wrong)):
        raise AssertionError(f"no longer imported, remove from KNOWN: {stale}")
