"""``${VAR}`` expansion in a YAML tree, remembering which variables each value came from.

``${VAR}`` must be set: an unset one is a problem naming the variable and the key.
``${VAR:-default}`` falls back to ``default`` when VAR is unset or empty, and ``${VAR:-}``
makes a value optional (an empty value counts as not given, so the key's default applies).
Pure: the environment is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

Problem = tuple[str, str]


@dataclass
class Expanded:
    """The tree with every ``${VAR}`` replaced; ``sources`` maps a key path
    (``alerts.channels.1.webhook_url``) to the variables its value names."""

    data: Any
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def source_of(self, path: str) -> str | None:
        """``${SLACK_WEBHOOK_URL}``, or None when the value names no variable."""
        names = self.sources.get(path)
        return ", ".join(f"${{{n}}}" for n in names) if names else None


def expand(data: Any, env: Mapping[str, str]) -> Expanded:
    """Replace ``${VAR}`` / ``${VAR:-default}`` in every string of ``data``."""
    out = Expanded(data=None)
    out.data = _walk(data, env, (), out)
    return out


def _walk(value: Any, env: Mapping[str, str], path: tuple[str, ...], out: Expanded) -> Any:
    if isinstance(value, str):
        return _expand_str(value, env, ".".join(path), out)
    if isinstance(value, list):
        return [_walk(v, env, (*path, str(i)), out) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _walk(v, env, (*path, str(k)), out) for k, v in value.items()}
    return value


def _expand_str(text: str, env: Mapping[str, str], path: str, out: Expanded) -> str:
    names: list[str] = []

    def one(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        names.append(name)
        if value := env.get(name):
            return value
        if default is not None:
            return default
        if name not in env:
            out.problems.append(
                (path, f"${{{name}}} is not set (set it, or write ${{{name}:-default}})"))
        return ""

    expanded = _ENV_REF.sub(one, text)
    if names:
        out.sources[path] = tuple(names)
    return expanded


def empty_to_none(value: Any) -> Any:
    """An empty value (e.g. from ``${VAR:-}``) is "not given", so the key's default applies."""
    if isinstance(value, list):
        return [empty_to_none(v) for v in value]
    if isinstance(value, dict):
        return {k: empty_to_none(v) for k, v in value.items() if v != ""}
    return value
