"""The README documents every configuration key: each setting of the fixed sections by its
dotted path in the settings table, each key of a list entry (feed, rule, entity, channel) by
name; the keys are read from the config models, so a new one cannot go undocumented."""

from __future__ import annotations

import re
import typing

from pydantic import BaseModel

from monitor.config.models import (
    ChannelConfig,
    Config,
    CountryCondition,
    EntityConfig,
    FeedConfig,
    RuleConfig,
)
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
LIST_ENTRIES = {"feeds": FeedConfig, "rules": RuleConfig, "entities": EntityConfig,
                "alerts.channels": ChannelConfig, "rules.countries": CountryCondition}


def _model(annotation: object) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack += typing.get_args(t)
    return None


def _settings(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of the keys outside list entries (``fetch.timeout``)."""
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{field.alias or name}"
        sub = _model(field.annotation)
        if path in LIST_ENTRIES:
            continue
        out += _settings(sub, f"{path}.") if sub is not None else [path]
    return out


def test_every_setting_is_in_the_settings_table() -> None:
    table = set(re.findall(r"^\| `([a-z_.]+)` \| ", README, re.M))
    paths = _settings(Config)
    assert "fetch.extract_workers" in paths and "alerts.retry.max_attempts" in paths
    assert not [p for p in paths if p not in table], "settings missing from the README table"


def test_every_key_of_a_list_entry_is_named() -> None:
    missing = [f"{where}: {key}" for where, model in LIST_ENTRIES.items()
               for key in (f.alias or n for n, f in model.model_fields.items())
               if not re.search(rf"`{key}`|^\s+(- )?{key}:|[{{,] ?{key}:", README, re.M)]
    assert not missing, missing


def _default_of(path: str) -> object:
    model: type[BaseModel] | None = Config
    field = None
    for part in path.split("."):
        assert model is not None
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == part)
        model = _model(field.annotation)
    assert field is not None
    return field.get_default(call_default_factory=True)


def test_the_settings_table_gives_each_number_and_flag_its_real_default() -> None:
    """A user sizes a machine by the documented defaults (``fetch.concurrency``): the table
    says what the code does for every integer and true/false default it lists."""
    rows = re.findall(r"^\| `([a-z_.]+)` \| `(-?\d+|true|false)` \| ", README, re.M)
    assert "fetch.concurrency" in dict(rows) and "database.auto_upgrade" in dict(rows)
    wrong = []
    for path, shown in rows:
        actual = _default_of(path)
        if isinstance(actual, bool | int) and str(actual).lower() != shown:
            wrong.append(f"{path}: README {shown}, code {actual}")
    assert not wrong, wrong
