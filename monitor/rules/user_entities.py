"""User entities: ``entities:`` in config.yaml merged into the packaged catalogue, and finding
an entity (and its ``@id``) by any alias. Pure but for reading the packaged catalogue.

A user entity whose id is already in the catalogue adds its aliases (and weak aliases,
patterns) to that entity; its country may be restated but not changed. Any other id is a new
entity and needs a name and a country (or related countries), as in the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from monitor.rules.catalogue import Alias, Catalogue, _slug, load_catalogue, parse_catalogue

if TYPE_CHECKING:
    from monitor.config import Config, EntityConfig

MERGED_LISTS = ("weak_aliases", "surnames", "patterns")
FIXED = ("related", "kind", "weak")  # what a user entry cannot change on a catalogue entity


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


def _alone(raw: Mapping[str, Any], group: Mapping[str, Any], base: Catalogue
           ) -> dict[str, Any]:
    """An extra entity as a group that parses on its own: an entry for a catalogue id takes
    that entity's name, country, kind and links."""
    ent_id = str(raw.get("id") or _slug(str(raw.get("name", ""))))
    ent = base.entities.get(ent_id)
    if ent is None:
        return {**group, "entities": [dict(raw)]}
    links = {c: w for c, w in ent.weights.items() if c != ent.country}
    entry = {**raw, "id": ent_id, "name": ent.name, "weak": ent.weak,
             **({"related": links} if links else {})}
    return {"country": ent.country, "kind": ent.kind, "entities": [entry]}


def merge_catalogue(base: Catalogue, extra: Sequence[Mapping[str, Any]]) -> Catalogue:
    """``base`` with the ``extra`` groups merged in: an entity whose id ``base`` has gets
    their aliases (and patterns) added, the others are new. Extra aliases are parsed by the
    catalogue's own rules (stems, scripts); one equal to a catalogue alias names both."""
    groups = [_alone(raw, group, base) for group in extra for raw in group.get("entities") or []]
    more = parse_catalogue({"groups": groups})
    merged: dict[tuple[str, bool], Alias] = {}
    for alias in (*base.aliases, *more.aliases):
        key = (alias.text, alias.stem)
        if (known := merged.get(key)) is None:
            merged[key] = alias
        else:
            ids = known.entity_ids + tuple(e for e in alias.entity_ids
                                           if e not in known.entity_ids)
            merged[key] = replace(known, entity_ids=ids)
    return replace(base, entities={**more.entities, **base.entities},
                   aliases=list(merged.values()), patterns=base.patterns + more.patterns)


def check_entities(entities: Sequence[EntityConfig]) -> list[tuple[str, str]]:
    """What is wrong with the user entities against the packaged catalogue, as (key path,
    message) pairs; empty when they merge."""
    known = load_catalogue().entities
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, entity in enumerate(entities):
        ent_id, where = entity_id(entity), f"entities.{i}"
        if ent_id in seen:
            problems.append((f"{where}.id", f"{ent_id} is already given at entities."
                                            f"{seen[ent_id]} (put its aliases there)"))
            continue
        seen[ent_id] = i
        if (ent := known.get(ent_id)) is not None:
            if entity.country is not None and entity.country != ent.country:
                problems.append((f"{where}.country", f"{ent_id} is "
                                 f"{ent.country or 'a related entity'} in the catalogue, "
                                 f"not {entity.country}"))
            problems += [(f"{where}.{key}", f"{ent_id} is in the catalogue: only aliases, "
                          "weak_aliases, surnames and patterns can be added to it")
                         for key in FIXED if key in entity.model_fields_set]
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


def entity_lines(found: list[dict[str, Any]]) -> list[str]:
    """``find_entities``' result for a terminal: the @id, name, country and kind, what
    matched, the aliases."""
    lines = []
    for e in found:
        links = ", ".join(f"{c} {w:g}" for c, w in e["related"].items())
        country = e["country"] or f"related: {links}"
        flags = "".join(f", {flag}" for flag in ("weak", "user") if e[flag])
        lines.append(f"{e['ref']:<28} {e['name']} ({country}, {e['kind']}{flags})")
        if e["matched"]:
            lines.append(f"    matched: {', '.join(e['matched'][:8])}")
        aliases = ", ".join(e["aliases"][:12]) + (" …" if len(e["aliases"]) > 12 else "")
        lines.append(f"    aliases: {aliases or '(its patterns only)'}")
    return lines
