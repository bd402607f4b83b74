"""The entity catalogue: load and validate ``rules/data/entities.yaml`` into ``Catalogue``.

See the YAML file's header for the alias conventions (case, stems, CJK, blockers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
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
    country: str | None  # the country it identifies; None for a related entity
    kind: str
    weights: dict[str, float]  # country -> how much a mention counts towards it (1.0 for own)
    weak: bool = False  # ambiguous alone (Congress, Senate): counts only beside a strong mention


@dataclass(frozen=True)
class Alias:
    text: str
    entity_ids: tuple[str, ...]  # empty for a blocker
    stem: bool = False  # Russian stem: up to 3 more Cyrillic letters may follow
    boundaries: bool = True  # False for CJK
    weak: bool = False  # this alias is ambiguous even where its entity is not


@dataclass(frozen=True)
class Pattern:
    """A regular expression that identifies an entity where no fixed alias can (a ticker)."""

    regex: re.Pattern[str]
    entity_ids: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    entities: dict[str, Entity]
    aliases: list[Alias]
    patterns: tuple[Pattern, ...] = ()


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


LANGUAGES = ("en", "de", "fr", "es", "ru", "zh")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _entries(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every entity of the catalogue as (where, fields), group defaults applied."""
    groups = data.get("groups")
    if not isinstance(groups, list):
        raise RuleError("catalogue: expected a mapping with a 'groups' list")
    for g, group in enumerate(groups):
        if not isinstance(group, dict):
            raise RuleError(f"catalogue groups[{g}]: expected a mapping")
        defaults = {"country": group.get("country"), "kind": group.get("kind", ""),
                    "weak": group.get("weak", False)}
        for e, raw in enumerate(group.get("entities") or []):
            if not isinstance(raw, dict):
                raise RuleError(f"catalogue groups[{g}].entities[{e}]: expected a mapping")
            yield f"catalogue groups[{g}].entities[{e}]", {**defaults, **raw}
        for n, name in enumerate(group.get("names") or []):
            yield (f"catalogue groups[{g}].names[{n}]",
                   {**defaults, "id": _slug(str(name)), "name": str(name)})
    for r, raw in enumerate(data.get("related") or []):
        if not isinstance(raw, dict):
            raise RuleError(f"catalogue related[{r}]: expected a mapping")
        yield f"catalogue related[{r}]", raw


def parse_catalogue(data: Any) -> Catalogue:
    """Validate a catalogue tree (as loaded from YAML). Raises ``RuleError``."""
    if not isinstance(data, dict):
        raise RuleError("catalogue: expected a mapping with a 'groups' list")
    entities: dict[str, Entity] = {}
    by_alias: dict[tuple[str, bool], list[str]] = {}
    weak_aliases: set[str] = set()
    patterns: list[Pattern] = []
    for where, raw in _entries(data):
        if "name" not in raw:
            raise RuleError(f"{where}: missing 'name'")
        name = str(raw["name"])
        ent_id = str(raw.get("id") or _slug(name))
        country = raw.get("country")
        weights = {str(k): float(v) for k, v in (raw.get("related") or {}).items()}
        if country is not None:
            weights[str(country)] = 1.0
        if not weights:
            raise RuleError(f"{where} ({ent_id}): needs a country or related countries")
        if unknown := sorted(set(weights) - set(COUNTRY_NAMES)):
            raise RuleError(f"{where} ({ent_id}): unknown country {', '.join(unknown)}")
        if ent_id in entities:
            raise RuleError(f"{where}: duplicate id {ent_id}")
        entities[ent_id] = Entity(id=ent_id, name=name, country=country,
                                  kind=str(raw.get("kind", "")), weights=weights,
                                  weak=bool(raw.get("weak", False)))
        for regex in raw.get("patterns") or []:
            try:
                patterns.append(Pattern(re.compile(str(regex)), (ent_id,)))
            except re.error as exc:
                raise RuleError(f"{where} ({ent_id}): bad pattern {regex!r}: {exc}") from None
        weak = raw.get("weak_aliases") or []
        if not isinstance(weak, list):
            raise RuleError(f"{where} ({ent_id}): weak_aliases must be a list")
        for alias in weak:
            text = str(alias).strip()
            weak_aliases.add(text)
            ids = by_alias.setdefault((text, False), [])
            if ent_id not in ids:
                ids.append(ent_id)
        langs = {lang: raw[lang] for lang in LANGUAGES if lang in raw}
        if not langs and (raw.get("patterns") or weak):
            continue  # matched by its patterns only
        for lang, names in (langs or {"en": [name]}).items():
            if not isinstance(names, list):
                raise RuleError(f"{where} ({ent_id}): {lang} aliases must be a list")
            for alias in names:
                text = str(alias).strip()
                stem = lang == "ru" and text.endswith("*")
                text = text.rstrip("*")
                if not text:
                    raise RuleError(f"{where} ({ent_id}): empty alias in {lang}")
                ids = by_alias.setdefault((text, stem), [])
                if ent_id not in ids:
                    ids.append(ent_id)
    aliases = [Alias(text, tuple(ids), stem, not _is_cjk(text), text in weak_aliases)
               for (text, stem), ids in by_alias.items()]
    aliases += [Alias(str(b), (), False, not _is_cjk(str(b))) for b in data.get("blockers", [])]
    return Catalogue(entities=entities, aliases=aliases, patterns=tuple(patterns))


def load_catalogue(path: str | Path | None = None,
                   extra: Sequence[Mapping[str, Any]] = ()) -> Catalogue:
    """The catalogue shipped in the package, or the one at ``path``; ``extra`` groups (the
    config's ``entities:``, see rules/user_entities.py) are merged in."""
    if path is None:
        text = resources.files("monitor.rules").joinpath("data/entities.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"catalogue is not valid YAML: {exc}") from None
    catalogue = parse_catalogue(data)
    if extra:
        from monitor.rules.user_entities import merge_catalogue

        catalogue = merge_catalogue(catalogue, extra)
    return catalogue
