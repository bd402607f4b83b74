"""User entities: ``entities:`` in config.yaml merged into the packaged catalogue, and finding
an entity (and its ``@id``) by any alias. Pure but for reading the packaged catalogue file.

A user entity whose id is already in the catalogue adds its aliases (and weak aliases,
patterns) to that entity; its country may be restated but not changed. Any other id is a new
entity and needs a name and a country (or related countries), as in the catalogue.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from monitor.rules.catalogue import LANGUAGES, Catalogue, _slug, load_catalogue

if TYPE_CHECKING:
    from monitor.config import Config, EntityConfig

MERGED_LISTS = ("weak_aliases", "patterns")


@cache
def _packaged_text() -> str:
    return resources.files("monitor.rules").joinpath("data/entities.yaml").read_text("utf-8")


def _raw_entities(data: dict[str, Any]) -> Iterator[tuple[str, str | None, dict[str, Any] | None,
                                                          dict[str, Any], str | None]]:
    """Every entity of a raw catalogue tree as (id, country, raw entry or None for a
    ``names:`` shorthand, its group or the tree, the shorthand's name)."""
    for group in data.get("groups") or []:
        for raw in group.get("entities") or []:
            yield (str(raw.get("id") or _slug(str(raw.get("name", "")))),
                   raw.get("country", group.get("country")), raw, group, None)
        for name in group.get("names") or []:
            yield _slug(str(name)), group.get("country"), None, group, str(name)
    for raw in data.get("related") or []:
        yield str(raw.get("id") or _slug(str(raw.get("name", "")))), None, raw, data, None


def entity_id(entity: EntityConfig) -> str:
    return entity.id or _slug(entity.name or "")


def as_group(entity: EntityConfig) -> dict[str, Any]:
    """A user entity as a catalogue group of one (the ``extra`` of ``load_catalogue``)."""
    raw: dict[str, Any] = {"id": entity_id(entity), "weak": entity.weak, **entity.aliases}
    if entity.name:
        raw["name"] = entity.name
    if entity.related:
        raw["related"] = dict(entity.related)
    for key in MERGED_LISTS:
        if values := getattr(entity, key):
            raw[key] = list(values)
    return {"country": entity.country, "kind": entity.kind, "entities": [raw]}


def _merge_into(target: dict[str, Any], raw: dict[str, Any]) -> None:
    """Add ``raw``'s aliases, weak aliases and patterns to a catalogue entry."""
    if not any(lang in target for lang in LANGUAGES) and not any(
            target.get(key) for key in MERGED_LISTS):
        target["en"] = [target["name"]]  # it was matched by its name: keep that
    for key in (*LANGUAGES, *MERGED_LISTS):
        if key in raw:
            known = list(target.get(key) or [])
            target[key] = known + [a for a in raw[key] if a not in known]


def merge_groups(data: Any, extra: Sequence[Mapping[str, Any]]) -> Any:
    """The raw catalogue tree with ``extra`` groups merged in: an entity whose id exists gets
    its aliases added; the others are appended as new groups. ``data`` is not changed."""
    if not isinstance(data, dict):
        return data
    data = copy.deepcopy(data)
    for group in extra:
        fresh = []
        for raw in group.get("entities") or []:
            ent_id = str(raw.get("id") or _slug(str(raw.get("name", ""))))
            found = next((e for e in _raw_entities(data) if e[0] == ent_id), None)
            if found is None:
                fresh.append(dict(raw))
                continue
            _id, _country, target, parent, shorthand = found
            if target is None:  # a `names:` shorthand becomes an entry of its group
                parent["names"] = [n for n in parent["names"] if str(n) != shorthand]
                target = {"id": ent_id, "name": shorthand}
                parent.setdefault("entities", []).append(target)
            _merge_into(target, raw)
        if fresh:
            data.setdefault("groups", []).append({**group, "entities": fresh})
    return data


def check_entities(entities: Sequence[EntityConfig]) -> list[tuple[str, str]]:
    """What is wrong with the user entities against the packaged catalogue, as (key path,
    message) pairs; empty when they merge."""
    known = {eid: country for eid, country, *_ in _raw_entities(yaml.safe_load(_packaged_text()))}
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, entity in enumerate(entities):
        ent_id, where = entity_id(entity), f"entities.{i}"
        if ent_id in seen:
            problems.append((f"{where}.id", f"{ent_id} is already given at entities."
                                            f"{seen[ent_id]} (put its aliases there)"))
            continue
        seen[ent_id] = i
        if ent_id in known:
            if entity.country is not None and entity.country != known[ent_id]:
                problems.append((f"{where}.country", f"{ent_id} is "
                                 f"{known[ent_id] or 'a related entity'} in the catalogue, "
                                 f"not {entity.country}"))
            continue
        if entity.name is None:
            problems.append((f"{where}.name", f"no catalogue entity has id {ent_id}: a new "
                                              "entity needs a name"))
        if entity.country is None and not entity.related:
            problems.append((f"{where}.country", f"{ent_id} is a new entity: it needs a "
                                                 "country (RU, CN, US) or related countries"))
    return problems


def merged_catalogue(entities: Sequence[EntityConfig]) -> Catalogue:
    """The packaged catalogue with the user entities merged in (raises ``RuleError``)."""
    return load_catalogue(extra=[as_group(e) for e in entities])


def catalogue_for(config: Config) -> Catalogue:
    """The catalogue the rules of this config run with."""
    return merged_catalogue(config.entities) if config.entities else load_catalogue()


def find_entities(catalogue: Catalogue, query: str | None = None,
                  user_ids: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Entities whose id, name or an alias contains ``query`` (case-insensitive), or that the
    matcher finds in it (an inflected form, "Путина"); exact matches first; all without a
    query. Each with its ``@id`` reference and aliases."""
    from monitor.rules.matcher import Matcher

    aliases: dict[str, list[str]] = {}
    for alias in catalogue.aliases:
        text = alias.text + ("*" if alias.stem else "")
        for eid in alias.entity_ids:
            aliases.setdefault(eid, []).append(text)
    needle = (query or "").strip().casefold()
    written: dict[str, list[str]] = {}  # entity -> the texts the matcher found in the query
    for mention in Matcher(catalogue).find_in(query or "", "title"):
        for eid in mention.entity_ids:
            written.setdefault(eid, []).append(mention.text.casefold())
    found: list[tuple[int, str, dict[str, Any]]] = []
    for eid, ent in catalogue.entities.items():
        names = [eid, ent.name, *aliases.get(eid, [])]
        hits = [n for n in names if needle in n.rstrip("*").casefold()
                or any(w.startswith(n.rstrip("*").casefold()) for w in written.get(eid, []))]
        if needle and not hits:
            continue
        exact = eid in written or any(n.rstrip("*").casefold() == needle for n in names)
        found.append((0 if exact else 1, ent.name.casefold(), {
            "ref": f"@{eid}", "id": eid, "name": ent.name, "country": ent.country,
            "related": {c: w for c, w in ent.weights.items() if c != ent.country},
            "kind": ent.kind, "weak": ent.weak, "user": eid in user_ids,
            "aliases": aliases.get(eid, []),
            "matched": [n for n in hits if n not in (eid, ent.name)] if needle else [],
        }))
    return [doc for *_key, doc in sorted(found, key=lambda f: (f[0], f[1]))]
