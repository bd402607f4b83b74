"""One pass over an article's text for every alias in the catalogue (Aho-Corasick).

Returns ``Mention``s with their field (title, lead, body) and character positions. Aliases are
matched case-sensitively, in ALL CAPS, and capitalised when written in lower case; in spaced
scripts a match must be a whole word, give or take the affixes its script attaches to names
(``rules/morphology.py``: Slavic stems, Arabic prefixes, Indic suffixes, Korean particles);
CJK aliases match anywhere. The catalogue's few patterns (stock tickers) are regular
expressions run beside the automaton. Overlapping matches keep the longest, so blockers
("Washington Post") hide the aliases inside them.

The automaton is ahocorasick-rs: on 77,000 characters of the extraction benchmark's texts it
took 0.85 ms where pyahocorasick took 2.8 ms, and that scan was the largest part of matching
an article (``python -m bench.rules_vs_extraction``). Its contiguous NFA, not its DFA: the DFA
was twice as fast again but took 9.4 MB of memory against 1.2 MB, in every process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import islice

import ahocorasick_rs

from monitor.rules import sentences
from monitor.rules.catalogue import Alias, Catalogue
from monitor.rules.morphology import (
    ARABIC,
    arabic_folded,
    end_of,
    fold_arabic,
    is_word,
    script_of,
    start_ok,
)

FIELDS = ("title", "lead", "body")
# Line breaks, tabs and no-break spaces read as spaces, one for one (offsets stay valid), so
# that "White\nHouse" in a hard-wrapped wire story matches "White House".
_SPACES = "\n\r\t\f\v\xa0\u2009\u202f"
LEAD_SENTENCES = 2
# Letters with two encodings in Unicode (Bengali য় as one code point or য + nukta, the same for
# Devanagari's nukta letters): an alias matches either.
_TWIN_LETTERS = (("\u09df", "\u09af\u09bc"), ("\u09dc", "\u09a1\u09bc"), ("\u09dd", "\u09a2\u09bc"),
                 ("\u0958", "\u0915\u093c"), ("\u095b", "\u091c\u093c"), ("\u095c", "\u0921\u093c"),
                 ("\u095e", "\u092b\u093c"))


@dataclass(frozen=True)
class Mention:
    entity_ids: tuple[str, ...]
    text: str  # the matched text as it appears
    field: str  # title | lead | body
    start: int  # position within the field's text
    end: int
    weak: bool = False  # an alias ambiguous on its own (see the catalogue's weak_aliases)
    surname: bool = False  # a bare surname (see the catalogue's surnames)


@dataclass(frozen=True)
class Fields:
    title: str
    lead: str
    body: str

    def get(self, name: str) -> str:
        return str(getattr(self, name))


def split_fields(title: str, text: str) -> Fields:
    """Title, lead (first two sentences of the text) and the rest of the body."""
    text = text.strip()
    pos = next(islice(sentences.ends(text), LEAD_SENTENCES - 1, None), len(text))
    return Fields(title=title.strip(), lead=text[:pos].strip(), body=text[pos:].strip())


_SPECIAL = ".^$*+?{}[]()|\\"


def _top_level_bar(source: str) -> bool:
    """Whether a regular expression's source has an alternative outside any group."""
    depth, i, n = 0, 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: skip past its end ("]" first in it is a literal)
            i += 1
            i += source[i:i + 1] == "^"
            i += source[i:i + 1] == "]"
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
            i += 1
            continue
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _before_a_name(text: str, end: int) -> bool:
    """Whether another capitalised word follows ``text[:end]`` after a space: a bare surname
    there is a first name ("Harris Kim", "Jean-Pierre Raffarin") or a firm's ("Kerry Group")."""
    rest = text[end:end + 3]
    return len(rest) > 1 and rest[0] == " " and rest[1].isupper()


def required_first(pattern: re.Pattern[str]) -> str | None:
    """A character that every match of ``pattern`` starts with, where its source shows one
    plainly (a literal first, not made optional, no alternative outside a group); else None."""
    source = pattern.pattern
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not source:
        return None
    if source[0] == "\\" and len(source) > 1 and not source[1].isalnum():
        first, rest = source[1], source[2:]
    elif source[0] not in _SPECIAL:
        first, rest = source[0], source[1:]
    else:
        return None
    if rest[:1] in ("?", "*", "{") or _top_level_bar(source):
        return None
    return first


def _spellings(text: str) -> set[str]:
    """The alias and its other encodings (Indic letters with a nukta); an Arabic name with
    the article also as written after the preposition ل (الصين -> للصين: ل + لصين)."""
    out = {text}
    if text.startswith("ال") and script_of(text) == ARABIC:
        out.add(text[1:])
    for one, two in _TWIN_LETTERS:
        out |= {t.replace(one, two) for t in out} | {t.replace(two, one) for t in out}
    return out


class Matcher:
    """Built once from a catalogue; ``find`` is then pure and thread-safe."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        keys: dict[str, Alias] = {}
        for alias in catalogue.aliases:
            if script_of(alias.text) == ARABIC:
                alias = Alias(fold_arabic(alias.text), alias.entity_ids, alias.stem,
                              alias.boundaries, alias.weak, alias.exact, alias.surname)
            variants = _spellings(alias.text) | (set() if alias.exact else {alias.text.upper()})
            # "midterms" also opens a sentence or a headline
            if alias.text[:1].islower() and not alias.exact:
                variants.add(alias.text[0].upper() + alias.text[1:])
            for key in variants:
                # An ALL-CAPS variant only for aliases long enough not to become an acronym.
                if key == alias.text.upper() != alias.text and len(alias.text) <= 3:
                    continue
                prev = keys.get(key)
                if prev is None or (not alias.entity_ids and prev.entity_ids):
                    keys[key] = alias
                elif alias.entity_ids and prev.entity_ids and key == alias.text:
                    ids = tuple(dict.fromkeys(prev.entity_ids + alias.entity_ids))
                    keys[key] = Alias(key, ids, prev.stem or alias.stem, prev.boundaries,
                                      prev.weak and alias.weak,
                                      surname=prev.surname and alias.surname)
        self._aliases = list(keys.values())
        self._scripts = [script_of(alias.text) for alias in self._aliases]
        # (a pattern is run only over text that has the character its matches start with)
        self._patterns = [(p.regex, required_first(p.regex) or "",
                           Alias(p.regex.pattern, p.entity_ids, False, False))
                          for p in catalogue.patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(
            list(keys), implementation=ahocorasick_rs.Implementation.ContiguousNFA)

    def find_in(self, text: str, field: str) -> list[Mention]:
        """Mentions in one field, longest-first, without overlaps."""
        if not text:
            return []
        scan = text
        for space in _SPACES:  # str.replace: 20x re.sub's speed, 250x str.translate's
            if space in scan:
                scan = scan.replace(space, " ")
        found = self._aliases_in(text, scan)
        for pattern, first, alias in self._patterns:
            if first in scan:
                found.extend((m.start(), m.end(), alias) for m in pattern.finditer(scan))
        return [Mention(alias.entity_ids, text[start:end], field, start, end, alias.weak,
                        alias.surname)
                for start, end, alias in _longest(found, len(text))
                if alias.entity_ids and not (alias.surname and _before_a_name(text, end))]

    def _aliases_in(self, text: str, scan: str) -> list[tuple[int, int, Alias]]:
        """Every alias the automaton finds in ``scan`` (``text`` with spaces for its line
        breaks) at a word's bounds in ``text``, overlaps kept."""
        found: list[tuple[int, int, Alias]] = []
        n = len(text)
        aliases, scripts = self._aliases, self._scripts
        # Arabic script: one letter for Arabic and Persian yeh and kaf, hamza seats dropped,
        # vowel marks, tatweel and ZWNJ skipped; ``at`` maps the folded text back.
        at: list[int] | None = None
        if not scan.isascii():
            scan, at = arabic_folded(scan)
        for index, start, end in self._automaton.find_matches_as_indexes(scan, overlapping=True):
            alias = aliases[index]
            if at is not None:
                start, end = at[start], at[end - 1] + 1
            if alias.boundaries:
                script = scripts[index]
                if start > 0 and is_word(text[start - 1]) and not start_ok(text, start, script):
                    continue
                if end < n and (alias.stem or is_word(text[end])):
                    real_end = end_of(text, start, end, script, alias.stem)
                    if real_end is None:
                        continue
                    end = real_end
            found.append((start, end, alias))
        return found

    def find(self, fields: Fields) -> list[Mention]:
        """Mentions in every field of an article."""
        out: list[Mention] = []
        for name in FIELDS:
            out.extend(self.find_in(fields.get(name), name))
        return out


def _longest(found: list[tuple[int, int, Alias]], n: int) -> list[tuple[int, int, Alias]]:
    """The longest match wins; shorter ones overlapping it are dropped, and of two as long a
    blocker wins (سیاه, black, over سیا, the CIA, with a suffix). In text order. But Han and
    kana compounds chain: in 米中露 or 中露首脳 two aliases share a character without either
    holding the other, and each names a country the other lacks (``_chained``)."""
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0], bool(m[2].entity_ids)))
    taken = bytearray(n)
    kept: list[tuple[int, int, Alias]] = []
    dropped: list[tuple[int, int, Alias]] = []
    for start, end, alias in found:
        if any(taken[start:end]):
            dropped.append((start, end, alias))
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((start, end, alias))
    kept += [c for c in (_chained(m, kept) for m in dropped) if c is not None]
    kept.sort(key=lambda m: m[0])
    return kept


def _chained(match: tuple[int, int, Alias], kept: list[tuple[int, int, Alias]]
             ) -> tuple[int, int, Alias] | None:
    """A dropped Han/kana alias kept beside the ones it overlaps, for the entities none of them
    names: it overlaps entity aliases only (never a blocker), only in part (neither holds the
    other). 中露 beside 露首脳 adds China (Russia is counted once); 米中 inside 米中間選挙
    is held by it: dropped."""
    start, end, alias = match
    if alias.boundaries or not alias.entity_ids:
        return None
    over = [(s, e, a) for s, e, a in kept if s < end and start < e]
    if any(not a.entity_ids or (s <= start and end <= e) for s, e, a in over):
        return None
    named = {entity for _, _, a in over for entity in a.entity_ids}
    added = tuple(entity for entity in alias.entity_ids if entity not in named)
    return (start, end, replace(alias, entity_ids=added)) if added else None
