"""The checks of a loaded config that need the database: what `check-config` reports, and
what `monitor run` / `poll --once` refuse before they start.

Rules' ``feeds`` and ``tags`` may name feeds imported into the database (``monitor feeds
import``), which ``load_config`` cannot see; they are checked here against the config's feeds
plus the imported ones. When the database cannot be read (not created or not migrated yet),
`check-config` checks them against the config's feeds alone and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config import Config, KnownFeed, rule_source_problems
from monitor.db import feeds
from monitor.db.engine import check_schema, make_engine, sqlite_file, timeouts_of
from monitor.db.session import unit_of_work
from monitor.errors import ConfigError, StoreError


@dataclass(frozen=True)
class ConfigReport:
    """What `check-config` found: counts, and why imported feeds were not looked at."""

    feeds: int
    imported_feeds: int | None  # None: the database could not be read
    rules: int
    channels: list[str]  # the enabled ones, "name (type)"
    database_note: str | None = None


def imported_feeds(config: Config) -> list[KnownFeed]:
    """The feeds in the database that do not come from the config (raises ``StoreError``)."""
    if (path := sqlite_file(config.database.url)) and not path.exists():
        raise StoreError(f"no database at {path} yet")
    engine = make_engine(config.database.url, timeouts_of(config.database), read_only=True)
    try:
        check_schema(engine, require_migrated=True)
        with unit_of_work(engine) as s:
            return [KnownFeed(f.name, tuple(f.tags or ())) for f in feeds.list_feeds(s)
                    if f.source != "config"]
    finally:
        engine.dispose()


def check_rule_sources(config: Config) -> None:
    """Raise ``ConfigError`` for a rule naming a feed or tag no feed has (the database must
    be readable: the daemon reads it anyway)."""
    if not any(r.feeds or r.tags for r in config.rules):
        return
    if problems := rule_source_problems(config, imported_feeds(config)):
        raise ConfigError(problems)


def check(config: Config) -> ConfigReport:
    """Everything `check-config` checks beyond ``load_config``; raises ``ConfigError``."""
    note = None
    try:
        imported: list[KnownFeed] | None = imported_feeds(config)
    except StoreError as exc:
        imported, note = None, f"feeds imported into the database were not checked: {exc}"
    if problems := rule_source_problems(config, imported or []):
        raise ConfigError(problems + ([("", note)] if note else []))
    return ConfigReport(
        feeds=len(config.feeds), imported_feeds=None if imported is None else len(imported),
        rules=len(config.rules),
        channels=[f"{c.name} ({c.type})" for c in config.alerts.enabled], database_note=note)
