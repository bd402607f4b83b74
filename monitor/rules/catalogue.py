"""The entity catalogue: load and validate ``rules/data/entities.yaml`` into ``Catalogue``.

See the YAML file's header for the alias conventions (case, stems, CJK, blockers). The
shipped catalogue also merges the names of the other languages the feeds speak, kept apart
and keyed by entity id: ``country-names.yaml`` (generated from CLDR by
``bench/gen_country_names.py``), ``entities-i18n.yaml`` (typed: demonyms, leaders,
institutions, state media, blockers) and ``entities-es-fr.yaml`` (the same for Spanish and
French: spellings, transliterations, idioms). The names of the world's other countries
(``world-names.yaml``, also generated from CLDR) come along as ``Catalogue.world``, read by the
role patterns (``rules/world.py``), never matched as entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from monitor.config.languages import CATALOGUE_LANGUAGES as LANGUAGES
from monitor.errors import RuleError
from monitor.rules.morphology import CJK, CYRILLIC, SLAVIC_ENDINGS, script_of
from monitor.rules.world import NO_WORLD, World, load_world

# libyaml's safe loader when PyYAML has it: the same data, ten times faster than pure Python
# (about 1 s of every engine build, paid by each CLI command and daemon start).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COUNTRY_NAMES = {"RU": "Russia", "CN": "China", "US": "United States"}


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    country: str | None  # the country it identifies; None for a related entity
    kind: str
    weights: dict[str, float]  # country -> how much a mention counts towards it (1.0 for own)
    weak: bool = False  # ambiguous alone (Congress, Senate): counts only beside a strong mention
    # weak, yet naming its country's politics for a politician's bare surname beside it (the
    # Democrats and Republicans: "the Democrats ... called the election for Harris")
    corroborates: bool = False


@dataclass(frozen=True)
class Alias:
    text: str
    entity_ids: tuple[str, ...]  # empty for a blocker
    stem: bool = False  # a stem: up to 3 more letters of its script may follow
    boundaries: bool = True  # False for CJK (Han and kana)
    weak: bool = False  # this alias is ambiguous even where its entity is not
    exact: bool = False  # matched only as written: no capitalised or ALL-CAPS form
    # a bare surname ("Harris"): counts only where the story names its entity otherwise or
    # names its country's politics (rules/salience.py's ``counted``)
    surname: bool = False


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
    world: World = NO_WORLD  # the other countries' names (rules/world.py)


def _is_cjk(text: str) -> bool:
    return script_of(text) == CJK


TRANSLATIONS = ("country-names.yaml", "entities-i18n.yaml", "entities-es-fr.yaml")
Translations = Mapping[str, Mapping[str, Any]]


def _forms(text: str) -> list[tuple[str, bool]]:
    """An alias as (text, stem) keys: a final "*" makes a stem; in Cyrillic an inner "*"
    (``сборн* России``) stands for each Slavic case ending."""
    stem = text.endswith("*")
    text = text.rstrip("*")
    if "*" not in text:
        return [(text, stem)]
    if script_of(text) != CYRILLIC:
        raise RuleError(f"alias {text!r}: an inner '*' is for Slavic aliases only")
    head, _, tail = text.partition("*")
    return [(form, s) for ending in SLAVIC_ENDINGS for form, s in _forms(head + ending + tail
                                                                        + ("*" if stem else ""))]


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


def _translated(data: dict[str, Any], translations: list[Any]) -> dict[str, Any]:
    """The catalogue tree with the translation files merged in: their entities that the tree
    lacks become a group each, and their blockers are added."""
    known = {str(raw.get("id") or _slug(str(raw.get("name", "")))) for _w, raw in _entries(data)}
    groups = list(data.get("groups") or [])
    blockers = list(data.get("blockers") or [])
    for t, doc in enumerate(translations):
        if not isinstance(doc, dict):
            raise RuleError(f"catalogue translations[{t}]: expected a mapping")
        for raw in doc.get("entities") or []:
            if not isinstance(raw, dict) or "id" not in raw:
                raise RuleError(f"catalogue translations[{t}]: an entity needs an id")
            if str(raw["id"]) not in known:
                groups.append({"entities": [raw]})
                known.add(str(raw["id"]))
        for lang_blockers in (doc.get("blockers") or {}).values():
            blockers.extend(lang_blockers or [])
    return {**data, "groups": groups, "blockers": blockers}


def _merge(translations: list[Any], key: str) -> dict[str, dict[str, list[Any]]]:
    """entity id -> language -> names, over every translation file's ``key`` section."""
    out: dict[str, dict[str, list[Any]]] = {}
    for doc in translations:
        section = doc.get(key) or {} if isinstance(doc, dict) else {}
        if not isinstance(section, dict):
            raise RuleError(f"catalogue translations: '{key}' must map entity ids to languages")
        for ent_id, langs in section.items():
            if not isinstance(langs, dict):
                raise RuleError(f"catalogue translations {key}.{ent_id}: expected languages")
            for lang, names in langs.items():
                if not isinstance(names, list):
                    raise RuleError(f"catalogue translations {key}.{ent_id}.{lang}: a list")
                out.setdefault(str(ent_id), {}).setdefault(str(lang), []).extend(names)
    return out


def parse_catalogue(data: Any, translations: list[Any] | None = None) -> Catalogue:
    """Validate a catalogue tree (as loaded from YAML), with the aliases of ``translations``
    (trees of the translation files' form) merged in. Raises ``RuleError``."""
    if not isinstance(data, dict):
        raise RuleError("catalogue: expected a mapping with a 'groups' list")
    translations = translations or []
    if translations:
        data = _translated(data, translations)
    extra = _merge(translations, "aliases")
    extra_weak = _merge(translations, "weak_aliases")
    _check_translated_ids(data, set(extra) | set(extra_weak))
    entities: dict[str, Entity] = {}
    index = _AliasIndex()
    patterns: list[Pattern] = []
    for where, raw in _entries(data):
        entity = _entity(where, raw)
        if entity.id in entities:
            raise RuleError(f"{where}: duplicate id {entity.id}")
        entities[entity.id] = entity
        patterns.extend(_patterns(where, entity.id, raw))
        weak = _weak_aliases(where, entity.id, raw, extra_weak)
        for alias in weak:
            index.add_weak(str(alias).strip(), entity.id)
        for alias in _surnames(where, entity.id, raw):
            index.add_surname(str(alias).strip(), entity.id)
        for lang, names in _names(raw, entity, weak, extra).items():
            if not isinstance(names, list):
                raise RuleError(f"{where} ({entity.id}): {lang} aliases must be a list")
            for alias in names:
                if not str(alias).strip().rstrip("*"):
                    raise RuleError(f"{where} ({entity.id}): empty alias in {lang}")
                index.add(str(alias).strip(), entity.id)
    return Catalogue(entities=entities, aliases=index.aliases(data.get("blockers", [])),
                     patterns=tuple(patterns))


@dataclass
class _AliasIndex:
    """The aliases read so far: (text, stem) -> entity ids, and which texts are weak or exact."""

    by_alias: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    weak: set[str] = field(default_factory=set)
    # written "=russo": the capitalised form is a surname
    exact: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)

    def _link(self, text: str, stem: bool, ent_id: str) -> None:
        ids = self.by_alias.setdefault((text, stem), [])
        if ent_id not in ids:
            ids.append(ent_id)

    def add_weak(self, written: str, ent_id: str) -> None:
        for text, stem in _forms(written):
            self.weak.add(text)
            self._link(text, stem, ent_id)

    def add_surname(self, written: str, ent_id: str) -> None:
        for text, stem in _forms(written):
            self.surnames.add(text)
            self._link(text, stem, ent_id)

    def add(self, written: str, ent_id: str) -> None:
        if written.startswith("="):
            written = written[1:]
            self.exact.update(text for text, _s in _forms(written))
        for text, stem in _forms(written):
            self._link(text, stem, ent_id)

    def aliases(self, blockers: list[Any]) -> list[Alias]:
        """Every alias, then the blockers (aliases of no entity)."""
        out = [Alias(text, tuple(ids), stem, not _is_cjk(text), text in self.weak,
                     text in self.exact, text in self.surnames)
               for (text, stem), ids in self.by_alias.items()]
        out += [Alias(text, (), stem, not _is_cjk(text))
                for b in blockers for text, stem in _forms(str(b))]
        return out


def _check_translated_ids(data: dict[str, Any], translated: set[str]) -> None:
    """The translation files name only entities the catalogue has."""
    if unknown := sorted(translated - {str(raw.get("id") or _slug(str(raw.get("name", ""))))
                                       for _w, raw in _entries(data)}):
        raise RuleError(f"catalogue translations: unknown entity ids {', '.join(unknown)}")


def _entity(where: str, raw: dict[str, Any]) -> Entity:
    """One catalogue entry's entity: its id, name and the countries it counts towards."""
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
    return Entity(id=ent_id, name=name, country=country, kind=str(raw.get("kind", "")),
                  weights=weights, weak=bool(raw.get("weak", False)),
                  corroborates=bool(raw.get("corroborates", False)))


def _patterns(where: str, ent_id: str, raw: dict[str, Any]) -> list[Pattern]:
    out = []
    for regex in raw.get("patterns") or []:
        try:
            out.append(Pattern(re.compile(str(regex)), (ent_id,)))
        except re.error as exc:
            raise RuleError(f"{where} ({ent_id}): bad pattern {regex!r}: {exc}") from None
    return out


def _weak_aliases(where: str, ent_id: str, raw: dict[str, Any],
                  extra_weak: dict[str, dict[str, list[Any]]]) -> list[Any]:
    """The entry's weak aliases and the translations' ones."""
    weak = raw.get("weak_aliases") or []
    if not isinstance(weak, list):
        raise RuleError(f"{where} ({ent_id}): weak_aliases must be a list")
    return weak + [a for names in extra_weak.get(ent_id, {}).values() for a in names]


def _surnames(where: str, ent_id: str, raw: dict[str, Any]) -> list[Any]:
    """The entry's bare surnames ("Harris" of Kamala Harris), matched as its aliases but
    counted only where the story also names the entity otherwise or its country's politics."""
    surnames = raw.get("surnames") or []
    if not isinstance(surnames, list):
        raise RuleError(f"{where} ({ent_id}): surnames must be a list")
    return surnames


def _names(raw: dict[str, Any], entity: Entity, weak: list[Any],
           extra: dict[str, dict[str, list[Any]]]) -> dict[str, Any]:
    """language -> the entry's aliases, the translations' added; an entry without aliases is
    matched by its name in English, unless it has patterns or weak aliases (then by those)."""
    langs = {lang: raw[lang] for lang in LANGUAGES if lang in raw}
    if not langs and not (raw.get("patterns") or weak or raw.get("surnames")):
        langs = {"en": [entity.name]}
    for lang, names in extra.get(entity.id, {}).items():
        langs = {**langs, lang: [*langs.get(lang, []), *names]}
    return langs


def load_catalogue(path: str | Path | None = None,
                   extra: Sequence[Mapping[str, Any]] = ()) -> Catalogue:
    """The catalogue shipped in the package (with its translations), or the one at ``path``;
    ``extra`` groups (the config's ``entities:``, see rules/user_entities.py) are merged in."""
    data = resources.files("monitor.rules").joinpath("data")
    if path is None:
        text = data.joinpath("entities.yaml").read_text("utf-8")
        translations = [data.joinpath(name).read_text("utf-8") for name in TRANSLATIONS]
    else:
        text, translations = Path(path).read_text("utf-8"), []
    try:
        catalogue = parse_catalogue(yaml.load(text, Loader=_LOADER),
                                    [yaml.load(t, Loader=_LOADER) for t in translations])
    except yaml.YAMLError as exc:
        raise RuleError(f"catalogue is not valid YAML: {exc}") from None
    if path is None:
        catalogue = replace(catalogue, world=load_world())
    if extra:
        from monitor.rules.user_entities import merge_catalogue

        catalogue = merge_catalogue(catalogue, extra)
    return catalogue
