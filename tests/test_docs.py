"""The README is checked: its rule example is a valid config and its commands exist."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import parse_config
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_rule_example_is_valid() -> None:
    block = re.search(r"```yaml\n(rules:.*?)```", README, re.S)
    assert block, "README has a rules example"
    data = yaml.safe_load(block.group(1))
    data["alerts"] = {"channels": [{"name": "slack", "type": "slack",
                                    "webhook_url": "https://hooks.example/x"}]}
    config = parse_config(data, env={})
    assert [r.name for r in config.rules] == ["russia-china-us", "sanctions-on-russia"]


def test_every_command_in_the_readme_exists() -> None:
    commands = set(re.findall(r"^\| `monitor ([a-z-]+(?: [a-z][a-z-]*)?)", README, re.M))
    assert len(commands) >= 10
    for command in commands:
        args = [*command.split(), "--help"]
        result = CliRunner().invoke(cli, args, obj={})
        assert result.exit_code == 0, (command, result.output)


def _module_map() -> list[tuple[str, str]]:
    """The README's module map: (first cell, second cell) of each row."""
    section = README[README.index("| module | its one job |"):]
    rows = []
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|", 1)]
        rows.append((cells[0], cells[1]))
    return rows


def _in_map(module: str, rows: list[tuple[str, str]]) -> bool:
    """``a.py`` is named in a row's first cell; ``pkg/m.py`` in the second cell of the row of
    ``monitor/pkg/``, as `m`."""
    package, _, name = module.rpartition("/")
    if not package:
        return any(f"`{name}`" in first or f"`monitor/{name}`" in first for first, _ in rows)
    return any(first.startswith(f"`monitor/{package}/`") and f"`{name[:-3]}`" in job
               for first, job in rows)


def test_the_module_map_names_every_module() -> None:
    rows = _module_map()
    assert len(rows) >= 10
    package = ROOT / "monitor"
    modules = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if p.name != "__init__.py" and "versions" not in p.parts)
    missing = [m for m in modules if not _in_map(m, rows)]
    assert not missing, f"README's module map does not name: {missing}"
