"""The ``monitor`` command: parses arguments, loads the config once, calls one API function.

Each command group lives in its own module (``daemon``, ``feeds``, ``hits``, ``alerts``,
``rules``, ``story``, ``users``, ``web``); importing this package registers them all on the
root group ``cli``.
Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
"""

from __future__ import annotations

from monitor.cli import alerts, daemon, feedback, feeds, hits, rules, story, users, web
from monitor.cli.base import cli

__all__ = ["alerts", "cli", "daemon", "feedback", "feeds", "hits", "main", "rules", "story",
           "users", "web"]


def main() -> None:
    cli(obj={})
