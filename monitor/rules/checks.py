"""The config's rule queries and user entities checked against the catalogue, each problem a
``ConfigError`` with its key path: user entities that contradict the packaged catalogue (a new
entity without a country, a country that differs from the catalogue's), and queries that do
not compile. Pure (the catalogue is packaged data).

Here, in the rules stage, rather than in ``monitor.config``: the config is read by every stage
and imports none of them. ``load_config`` checks what the config alone can say; the CLI runs
``check_rules`` on the loaded config before any command (so `check-config` reports a bad
query with its path, and the daemon never starts with one).
"""

from __future__ import annotations

from monitor.config import Config, RuleConfig
from monitor.errors import ConfigError, RuleError
from monitor.rules.catalogue import Catalogue, load_catalogue
from monitor.rules.query import parse_query
from monitor.rules.user_entities import check_entities, merged_catalogue


def check_rules(config: Config) -> None:
    """Merge the user entities and compile every query once; raises ``ConfigError``."""
    catalogue = _check_entities(config)
    _check_queries(config, catalogue)


def _check_entities(config: Config) -> Catalogue | None:
    """Merge ``entities:`` into the packaged catalogue once, so that a problem is a config
    error with its key path; returns the merged catalogue (None when there are no user
    entities)."""
    if not config.entities:
        return None
    if problems := check_entities(config.entities):
        raise ConfigError(problems)
    try:
        return merged_catalogue(config.entities)
    except RuleError as exc:
        raise ConfigError([("entities", str(exc))]) from None


def _check_queries(config: Config, catalogue: Catalogue | None = None) -> None:
    """Compile every rule's queries once so a syntax error is a config error with its path."""
    if not any(r.query or r.exclude for r in config.rules):
        return
    catalogue = catalogue or load_catalogue()
    problems = [(f"rules.{i}.{key}", message) for i, rule in enumerate(config.rules)
                for key, message in query_problems(rule, catalogue)]
    if problems:
        raise ConfigError(problems)


def query_problems(rule: RuleConfig, catalogue: Catalogue) -> list[tuple[str, str]]:
    """``(key, message)`` for each of the rule's ``query`` and ``exclude`` that does not
    compile (config rules and rules saved from the workbench are checked alike)."""
    problems = []
    for key in ("query", "exclude"):
        text = getattr(rule, key)
        if text is None:
            continue
        try:
            parse_query(text, catalogue)
        except RuleError as exc:
            problems.append((key, str(exc)))
    return problems
