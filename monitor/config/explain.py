"""Pydantic's validation errors as config problems a user can act on.

Each error becomes ``(key.path, message)``: an unknown key names the closest known one
("did you mean `webhook_url`?"), an enabled channel's empty setting names the ``${VAR}`` it
came from. Pure.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from monitor.config.env import Expanded
from monitor.config.models import CHANNEL_KEYS, ChannelConfig, Config

Problem = tuple[str, str]


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word ``word`` most likely stands for: one it is a part of (``url`` →
    ``webhook_url``), a case variant, or a close spelling; None when nothing is close."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    if word.lower() in lowered:
        return lowered[word.lower()]
    parts = [k for k in known if word in k.split("_") or k in word.split("_")]
    if len(parts) == 1:
        return parts[0]
    match = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean `x`?"`` or ``""``."""
    best = closest(word, known)
    return f"; did you mean `{best}`?" if best else ""


def problems_of(errors: Sequence[ErrorDetails], expanded: Expanded) -> list[Problem]:
    """Translate pydantic's errors (validated from ``expanded.data``)."""
    out: list[Problem] = []
    for err in errors:
        loc = [str(p) for p in err["loc"] if p != "[key]"]
        path = ".".join(loc)
        if err["type"] == "extra_forbidden":
            out.append((path, _unknown_key(loc, expanded.data)))
        elif err["type"] == "channel_incomplete":
            out.extend(_incomplete_channel(path, err.get("ctx") or {}, expanded))
        else:
            out.append((path, err["msg"].removeprefix("Value error, ")))
    return out


def _unknown_key(loc: list[str], data: Any) -> str:
    key, parent = loc[-1], loc[:-1]
    model = _model_at(parent)
    known: Sequence[str] = list(model.model_fields) if model else []
    where = ""
    if model is ChannelConfig:
        kind = _value_at(parent, data, "type")
        if isinstance(kind, str) and kind in CHANNEL_KEYS:
            known, where = CHANNEL_KEYS[kind], f" in a {kind} channel"
    return f"unknown key{where}{did_you_mean(key, known)}"


def _incomplete_channel(path: str, ctx: dict[str, Any], expanded: Expanded) -> list[Problem]:
    kind, out = ctx.get("type", ""), []
    for key in ctx.get("missing", []):
        source = expanded.source_of(f"{path}.{key}")
        what = f"is empty (from {source})" if source else "is not given"
        out.append((f"{path}.{key}", f"{what}, and this {kind} channel says enabled: true"))
    return out


def _model_at(loc: list[str]) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` (list indices skipped)."""
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None:
            return None
        if part.isdigit():
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None or get_args(annotation):
        for arg in get_args(annotation):
            if found := _model_in(arg):
                return found
    return None


def _value_at(loc: list[str], data: Any, key: str) -> Any:
    node = data
    for part in loc:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node.get(key) if isinstance(node, dict) else None
