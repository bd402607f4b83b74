"""Checks across a validated config: what no single model can see on its own.

A rule that can never fire is an error: a feed name or a tag no feed has, checked against
the config's feeds plus the feeds imported into the database, which only the caller can read
(``rule_source_problems``). Also: a channel key its type does not read. Each problem is
``(key.path, message)``. Pure. What needs the rules (user entities against the catalogue,
queries that do not compile) is checked in the rules stage: ``monitor/rules/checks.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.config.explain import did_you_mean
from monitor.config.models import CHANNEL_KEYS, Config
from monitor.errors import ConfigError

Problem = tuple[str, str]


@dataclass(frozen=True)
class KnownFeed:
    """A feed a rule's ``feeds``/``tags`` may name (from the config or the database)."""

    name: str
    tags: tuple[str, ...] = field(default_factory=tuple)


def check_config(config: Config) -> None:
    """Every check that needs nothing but the config; raises ``ConfigError``."""
    if problems := channel_key_problems(config):
        raise ConfigError(problems)


def channel_key_problems(config: Config) -> list[Problem]:
    """A key the channel's type does not read would be ignored: say so instead."""
    out: list[Problem] = []
    for i, channel in enumerate(config.alerts.channels):
        keys = CHANNEL_KEYS[channel.type]
        for key in sorted(channel.model_fields_set - set(keys)):
            out.append((f"alerts.channels.{i}.{key}",
                        f"a {channel.type} channel has no `{key}` (its keys: "
                        f"{', '.join(keys)}){did_you_mean(key, keys)}"))
    return out


def rule_source_problems(config: Config, imported: Sequence[KnownFeed] = ()) -> list[Problem]:
    """Rules naming a feed or a tag that neither the config's feeds nor ``imported`` (the
    database's feeds that did not come from the config) have."""
    feeds = [KnownFeed(f.name, tuple(f.tags)) for f in config.feeds] + list(imported)
    names = {f.name for f in feeds}
    tags = {t for f in feeds for t in f.tags}
    out: list[Problem] = []
    for i, rule in enumerate(config.rules):
        for j, name in enumerate(rule.feeds or []):
            if name not in names:
                out.append((f"rules.{i}.feeds.{j}",
                            f"no feed is named {name!r}: the rule can never fire"
                            f"{did_you_mean(name, sorted(names))}"))
        for j, tag in enumerate(rule.tags or []):
            if tag not in tags:
                out.append((f"rules.{i}.tags.{j}",
                            f"no feed has the tag {tag!r}: the rule can never fire"
                            f"{did_you_mean(tag, sorted(tags))}"))
        if rule.feeds and rule.tags and set(rule.feeds) <= names and set(rule.tags) <= tags:
            named = [f for f in feeds if f.name in rule.feeds]
            if not any(set(f.tags) & set(rule.tags) for f in named):
                out.append((f"rules.{i}", "none of the rule's feeds has one of its tags: "
                            "the rule can never fire"))
    return out
