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
