"""What the knowledge tables share: the default rule's engine over the packaged catalogue, the
countries a story is about by it, a mention's role, and a table's rows as pytest params."""

from __future__ import annotations

import pytest

from monitor.config import RuleConfig
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.matcher import Fields, Matcher
from monitor.rules.roles import Role, roles
from monitor.rules.salience import counted

CATALOGUE = load_catalogue()
RULE = RuleConfig(name="russia-china-us", countries={"at_least": 2})  # type: ignore[arg-type]
ENGINE = RuleEngine([RULE], CATALOGUE)
RU, CN, US, NONE = {"RU"}, {"CN"}, {"US"}, set[str]()
MATCHER = Matcher(CATALOGUE)


def about(title: str, text: str = "") -> set[str]:
    """The countries the story of ``title`` and ``text`` is about."""
    return {c for c, s in ENGINE.analyse(title, text).countries.items() if s.about}


def table(rows: list[tuple[str, str, set[str]]]) -> list[object]:
    """(title, text, countries) rows as params named by their text."""
    return [pytest.param(title, text, want, id=(title + " " + text)[:50])
            for title, text, want in rows]


def role_of(title: str, lead: str, name: str) -> Role:
    """The role the rules give the mention ``name`` (its first) in ``title`` and ``lead``."""
    fields = Fields(title=title, lead=lead, body="")
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    found = [r for m, r in zip(mentions, roles(mentions, fields, CATALOGUE), strict=True)
             if m.text == name]
    assert found, f"{name!r} is not a mention of {title!r} / {lead!r}"
    return found[0]
