"""Where a text names one of the world's other countries. Pure.

``rules/data/world-names.yaml`` (generated from CLDR by ``bench/gen_country_names.py``) lists
the name of every country other than Russia, China and the United States, and of the European
Union, in each language the feeds speak. The catalogue does not match them as entities (they
make no story about RU, CN or the US); the role patterns of ``rules/roles_i18n.py`` read them
to see what else a story is about: a title naming another country, a country named in a list
of countries.

A name is found where the matcher would find an alias of its script (``rules/morphology.py``:
Slavic stems, Arabic and Persian attached prefixes and suffixes, Indic case suffixes, Korean
particles, no boundaries in Chinese and Japanese), so "Ирана", "وإيران", "ভারতের", "인도와"
name Iran and India.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import ahocorasick_rs
import yaml

from monitor.errors import RuleError
from monitor.rules.morphology import (
    ARABIC,
    CJK,
    arabic_folded,
    end_of,
    fold_arabic,
    script_of,
    start_ok,
)

# libyaml's safe loader when PyYAML has it: the same data, ten times faster than pure Python
# (about 1 s of every engine build, paid by each CLI command and daemon start).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WORLD_NAMES = "world-names.yaml"
_MIN_KANA = 3  # a two-kana name (マリ) is a syllable of many words


@dataclass(frozen=True)
class World:
    """The other countries' names (with whether each is a Slavic stem) and an automaton over
    them (built once: a text is then read in one pass)."""

    names: tuple[str, ...] = ()
    stems: tuple[bool, ...] = ()
    automaton: ahocorasick_rs.AhoCorasick | None = field(default=None, compare=False)

    def __bool__(self) -> bool:
        return bool(self.names)


NO_WORLD = World()


def parse_world(data: Any) -> World:
    """``{names: {language: [name, ...]}}`` -> World; a final "*" makes a Slavic stem."""
    names = data.get("names") if isinstance(data, dict) else None
    if not isinstance(names, dict):
        raise RuleError(f"{WORLD_NAMES}: expected a mapping with a 'names' mapping")
    forms: dict[str, bool] = {}
    for lang, listed in names.items():
        if not isinstance(listed, list):
            raise RuleError(f"{WORLD_NAMES}: names.{lang}: expected a list")
        for text, stem in (_form(str(n)) for n in listed):
            if text and not (script_of(text) == CJK and _kana(text) and len(text) < _MIN_KANA):
                forms[text] = forms.get(text, False) or stem
    if not forms:
        return NO_WORLD
    keys = sorted(forms)
    return World(tuple(keys), tuple(forms[k] for k in keys), ahocorasick_rs.AhoCorasick(
        keys, implementation=ahocorasick_rs.Implementation.ContiguousNFA))


def _form(name: str) -> tuple[str, bool]:
    stem = name.endswith("*")
    text = name.rstrip("*")
    return (fold_arabic(text) if script_of(text) == ARABIC else text), stem


def _kana(text: str) -> bool:
    return all("\u3040" <= ch <= "\u30ff" for ch in text)


@cache
def load_world() -> World:
    """The names shipped in the package (read once: they are data of the package)."""
    text = resources.files("monitor.rules").joinpath("data", WORLD_NAMES).read_text("utf-8")
    return parse_world(yaml.load(text, Loader=_LOADER))


def spans(text: str, world: World) -> list[tuple[int, int]]:
    """(start, end) of each other country's name in ``text``, longest first where names
    overlap, in order."""
    if world.automaton is None or not text:
        return []
    folded, at = arabic_folded(text)
    found: list[tuple[int, int]] = []
    for index, start, end in world.automaton.find_matches_as_indexes(folded, overlapping=True):
        name = world.names[index]
        script = script_of(name)
        if not start_ok(folded, start, script):
            continue
        real_end = end_of(folded, start, end, script, world.stems[index])
        if real_end is not None:
            found.append((start, real_end))
    found.sort(key=lambda se: (se[0], -se[1]))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    if at is None:
        return kept
    return [(at[s], at[e - 1] + 1) for s, e in kept]


def names_other(text: str, world: World) -> bool:
    """Whether ``text`` names one of the other countries."""
    return bool(spans(text, world))


__all__ = ["NO_WORLD", "World", "load_world", "names_other", "parse_world", "spans"]
