"""Rules saved from the workbench (the ``stored_rules`` table): check, save, list, enable.

A stored rule's ``definition`` is one ``rules:`` item of ``config.yaml``, validated by the same
pydantic model (``RuleConfig``) and query compiler (``rules.query.parse_query``) as the config's
rules, so a rule that saves is a rule that runs. A name a ``config.yaml`` rule has is refused
(the file stays the source for ops). Enabled rules run beside the config's; ``stamp`` is the
cheap value a poll compares to know when to rebuild its rules (every save and every enable or
disable grows ``version``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import RuleConfig
from monitor.db.models import StoredRule
from monitor.errors import ConfigError, NotFoundError
from monitor.rules.catalogue import Catalogue
from monitor.rules.checks import query_problems

log = logging.getLogger("monitor.db")

Stamp = tuple[int, int]  # (rules, sum of their versions)


@dataclass(frozen=True)
class StoredRuleView:
    """A stored rule as the desk and the CLI show it."""

    name: str
    rule: RuleConfig
    enabled: bool
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def check_definition(definition: Mapping[str, Any], catalogue: Catalogue,
                     reserved: Collection[str] = ()) -> RuleConfig:
    """``definition`` as a rule, or ``ConfigError`` with every problem (``(key, message)``):
    what the config schema refuses, a query or exclusion that does not compile, a name in
    ``reserved`` (the config's rules)."""
    try:
        rule = RuleConfig.model_validate(dict(definition))
    except ValidationError as exc:
        raise ConfigError([(".".join(str(p) for p in e["loc"]), e["msg"])
                           for e in exc.errors()]) from None
    problems = query_problems(rule, catalogue)
    if rule.name in reserved:
        problems.append(("name", f"config.yaml has a rule named {rule.name!r}: edit it there, "
                                 "or save this one under another name"))
    if problems:
        raise ConfigError(problems)
    return rule


def definition_of(rule: RuleConfig) -> dict[str, Any]:
    """The JSON stored: the rule's set keys, as they would be written in ``config.yaml``."""
    return rule.model_dump(mode="json", exclude_unset=True, exclude_none=True)


def save_rule(s: Session, rule: RuleConfig, user: str, now: datetime) -> StoredRuleView:
    """Store ``rule`` (checked by ``check_definition``) under its name: a new row, or the
    row of that name updated (its version grows)."""
    row = s.scalar(select(StoredRule).where(StoredRule.name == rule.name))
    if row is None:
        row = StoredRule(name=rule.name, definition=definition_of(rule), enabled=True,
                         version=1, created_by=user, updated_by=user, created_at=now,
                         updated_at=now)
        s.add(row)
    else:
        row.definition = definition_of(rule)
        row.version += 1
        row.updated_by, row.updated_at = user, now
    s.flush()
    return _view(row, rule)


def set_enabled(s: Session, name: str, enabled: bool, user: str,
                now: datetime) -> StoredRuleView:
    """Enable or disable a stored rule (``NotFoundError`` naming the stored ones)."""
    row = s.scalar(select(StoredRule).where(StoredRule.name == name))
    if row is None:
        raise NotFoundError("stored rule", name, list(s.scalars(select(StoredRule.name))))
    if row.enabled != enabled:
        row.enabled = enabled
        row.version += 1
        row.updated_by, row.updated_at = user, now
        s.flush()
    return _view(row, RuleConfig.model_validate(row.definition))


def stored_rules(s: Session) -> list[StoredRuleView]:
    """Every stored rule whose definition is still valid, by name."""
    out = []
    for row in s.scalars(select(StoredRule).order_by(StoredRule.name)):
        try:
            out.append(_view(row, RuleConfig.model_validate(row.definition)))
        except ValidationError:
            log.warning("stored rule no longer valid; skipped rule=%s", row.name)
    return out


def find_rule(s: Session, name: str) -> StoredRuleView | None:
    """The stored rule called ``name`` (enabled or not), or None."""
    return next((r for r in stored_rules(s) if r.name == name), None)


def enabled_rules(s: Session, catalogue: Catalogue,
                  reserved: Collection[str] = ()) -> list[RuleConfig]:
    """The enabled stored rules that still check (a config rule that took one's name since,
    or a query the catalogue no longer compiles, is skipped with a warning)."""
    out = []
    for view in stored_rules(s):
        if not view.enabled:
            continue
        try:
            out.append(check_definition(definition_of(view.rule), catalogue, reserved))
        except ConfigError as exc:
            log.warning("stored rule skipped rule=%s error=%r", view.name, str(exc))
    return out


def stamp(s: Session) -> Stamp:
    """What changes whenever a stored rule is saved, enabled, disabled or deleted."""
    count, versions = s.execute(select(func.count(StoredRule.id),
                                       func.coalesce(func.sum(StoredRule.version), 0))).one()
    return int(count), int(versions)


def _view(row: StoredRule, rule: RuleConfig) -> StoredRuleView:
    return StoredRuleView(name=row.name, rule=rule, enabled=row.enabled, version=row.version,
                          created_by=row.created_by, created_at=row.created_at,
                          updated_by=row.updated_by, updated_at=row.updated_at)
