"""The entity catalogue: load and validate ``rules/data/entities.yaml`` into ``Catalogue``.

See the YAML file's header for the alias conventions (case, stems, CJK, blockers).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import RuleError

COUNTRY_NAMES = {"RU": "Russia", "CN": "China", "US": "United States"}


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    country: str
    kind: str


@dataclass(frozen=True)
class Alias:
    text: str
    entity_ids: tuple[str, ...]  # empty for a blocker
    stem: bool = False  # Russian stem: up to 3 more Cyrillic letters may follow
    boundaries: bool = True  # False for CJK


@dataclass(frozen=True)
class Catalogue:
    entities: dict[str, Entity]
    aliases: list[Alias]


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def parse_catalogue(data: Any) -> Catalogue:
    """Validate a catalogue tree (as loaded from YAML). Raises ``RuleError``."""
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise RuleError("catalogue: expected a mapping with an 'entities' list")
    entities: dict[str, Entity] = {}
    by_alias: dict[tuple[str, bool], list[str]] = {}
    for i, raw in enumerate(data["entities"]):
        where = f"catalogue entities[{i}]"
        try:
            ent = Entity(id=str(raw["id"]), name=str(raw["name"]), country=str(raw["country"]),
                         kind=str(raw.get("kind", "")))
            alias_langs = raw["aliases"]
        except (KeyError, TypeError) as exc:
            raise RuleError(f"{where}: missing {exc}") from None
        if ent.country not in COUNTRY_NAMES:
            raise RuleError(f"{where} ({ent.id}): unknown country {ent.country!r}")
        if ent.id in entities:
            raise RuleError(f"{where}: duplicate id {ent.id}")
        entities[ent.id] = ent
        for lang, names in alias_langs.items():
            for name in names:
                text = str(name).strip()
                stem = lang == "ru" and text.endswith("*")
                text = text.rstrip("*")
                if not text:
                    raise RuleError(f"{where} ({ent.id}): empty alias in {lang}")
                ids = by_alias.setdefault((text, stem), [])
                if ent.id not in ids:
                    ids.append(ent.id)
    aliases = [Alias(text, tuple(ids), stem, not _is_cjk(text))
               for (text, stem), ids in by_alias.items()]
    aliases += [Alias(str(b), (), False, not _is_cjk(str(b))) for b in data.get("blockers", [])]
    return Catalogue(entities=entities, aliases=aliases)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue shipped in the package, or the one at ``path``."""
    if path is None:
        text = resources.files("monitor.rules").joinpath("data/entities.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    try:
        return parse_catalogue(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise RuleError(f"catalogue is not valid YAML: {exc}") from None
