"""An article prepared for queries: its fields as case-folded words (built on first use),
their positions, and the catalogue entities mentioned. Tokenizing is done in C (a regular
expression blanks punctuation one character for one, then ``str.split``), so that char offsets
stay valid and hundreds of rules cost little.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import FIELDS, Fields, Mention


def is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


class Span(NamedTuple):  # a tuple: hashed in C, and spans are hashed a lot
    field: str
    start: int  # token index
    end: int  # token index, exclusive


# Punctuation (anything but letters, digits, "_" and spaces) becomes a space, one for one, so
# that str.split() tokenizes in C and char offsets stay valid.
_PUNCT = re.compile(r"[^\w\s]")
# The same for ASCII text, as a byte table (2.5x faster on the extraction benchmark's pages):
# news text becomes ASCII once its typographic punctuation is blanked.
_TYPOGRAPHIC = "’‘“”—–…«»·•′″"
_ASCII_BLANKS = bytes(c if chr(c).isalnum() or chr(c) == "_" or chr(c).isspace() else 32
                      for c in range(128)) + bytes(range(128, 256))


def blank_punctuation(text: str) -> str:
    """``text`` with every character that is neither a letter, a digit, "_" nor a space
    replaced by a space (same length)."""
    for ch in _TYPOGRAPHIC:
        if ch in text:
            text = text.replace(ch, " ")
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_BLANKS).decode("ascii")
    return _PUNCT.sub(" ", text)
_TOKEN = re.compile(r"\S+")


_ASCII_BYTES = bytes(range(128))


def fold(text: str) -> str:
    """Case-folded text of the same length (so char offsets stay valid): each character
    folded, unless that would change its length ("ß" stays "ß")."""
    if text.isascii():
        return text.lower()  # casefold and lower agree on ASCII; lower is 3x faster
    # Mostly ASCII with a few characters that have no case (typographic quotes and dashes):
    # the ASCII letters lowered as bytes (str.casefold walks every character).
    raw = text.encode("utf-8", "surrogatepass")
    others = raw.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    if len(others) <= len(text) // 16 and others.casefold() == others:
        return raw.lower().decode("utf-8", "surrogatepass")
    folded = text.casefold()
    if len(folded) == len(text):
        return folded
    # Casefolding maps each character on its own, none to nothing: a word whose folded
    # length is its own has no "ß" and is taken whole; only the others go char by char.
    return " ".join(f if len(f := word.casefold()) == len(word) else
                    "".join(f if len(f := ch.casefold()) == 1 else ch for ch in word)
                    for word in text.split(" "))


def words_of(text: str) -> tuple[str, ...]:
    """A query term's words, tokenized exactly as documents are."""
    return tuple(blank_punctuation(fold(text)).split())


@dataclass
class QueryDoc:
    """An article prepared for queries: words per field (built on first use) and mentions."""

    fields: Fields
    mentions: Sequence[Mention]
    catalogue: Catalogue
    _plain: dict[str, str] = field(default_factory=dict)
    _folded: dict[str, str] = field(default_factory=dict)
    _tokens: dict[str, list[str]] = field(default_factory=dict)
    _offsets: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _index: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    _by_ref: dict[str, list[Span]] = field(default_factory=dict)
    _ref_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    # Per field, the chars whose token counts are known (sorted), and those counts.
    _counted: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    # Results per (query node, fields or purpose): rules share terms and whole queries, so
    # each is worked out once per doc.
    memo: dict[tuple[Any, Any], Any] = field(default_factory=dict)
    # Needles (query terms' first words) found by one scan for all of them, and the needles
    # that scan looked for; others are looked for one by one.
    present: frozenset[str] = frozenset()
    scanned: frozenset[str] = frozenset()
    _contains: dict[str, bool] = field(default_factory=dict)

    def contains(self, needle: str) -> bool:
        """Whether the case-folded article contains ``needle`` (a cheap "could match" test)."""
        if (hit := self._contains.get(needle)) is None:
            hit = self._contains[needle] = (needle in self.present if needle in self.scanned
                                            else needle in self.folded)
        return hit

    def plain(self, name: str) -> str:
        """A field folded and with punctuation blanked: same length as the field."""
        if name not in self._plain:
            self._plain[name] = blank_punctuation(self.folded_field(name))
        return self._plain[name]

    def folded_field(self, name: str) -> str:
        """A field case-folded, cut from ``folded`` (one casefold per article)."""
        if (cut := self._folded.get(name)) is None:
            start = 0
            for f in FIELDS:
                end = start + len(self.fields.get(f))
                self._folded[f] = self.folded[start:end]
                start = end + 1
            cut = self._folded[name]
        return cut

    def tokens(self, name: str) -> list[str]:
        """The field's case-folded words."""
        if name not in self._tokens:
            self._tokens[name] = self.plain(name).split()
        return self._tokens[name]

    def offsets(self, name: str) -> list[tuple[int, int]]:
        """Char (start, end) of each token; only needed for evidence."""
        if name not in self._offsets:
            self._offsets[name] = [m.span() for m in _TOKEN.finditer(self.plain(name))]
        return self._offsets[name]

    def index(self, name: str) -> dict[str, list[int]]:
        """word -> token positions in a field (built once per field, so that hundreds of
        rules cost a dictionary lookup each rather than a scan of the text)."""
        if name not in self._index:
            idx: dict[str, list[int]] = {}
            for i, word in enumerate(self.tokens(name)):
                idx.setdefault(word, []).append(i)
            self._index[name] = idx
        return self._index[name]

    def char_range(self, span: Span) -> tuple[int, int]:
        offs = self.offsets(span.field)
        if not offs:
            return 0, 0
        start = offs[min(span.start, len(offs) - 1)][0]
        end = offs[min(max(span.end - 1, span.start), len(offs) - 1)][1]
        return start, end

    def token_count(self, name: str, char: int) -> int:
        """How many tokens start before ``char``."""
        return len(self.plain(name)[:char].split())

    @cached_property
    def folded(self) -> str:
        """All fields case-folded (not tokenized), for the cheap "could this match at all"
        test: a substring test in C, a superset of what can match."""
        return fold("\n".join(self.fields.get(f) for f in FIELDS))  # offsets kept

    @cached_property
    def refs(self) -> frozenset[str]:
        """Entity ids and country codes mentioned anywhere."""
        return frozenset(self._ref_index)

    @cached_property
    def _ref_index(self) -> dict[str, list[Mention]]:
        """Entity id or country code -> its mentions, in order: one pass for every ref."""
        index: dict[str, list[Mention]] = {}
        entities = self.catalogue.entities
        for m in self.mentions:
            for eid in m.entity_ids:
                for ref in (eid, entities[eid].country):
                    if not ref:
                        continue
                    found = index.setdefault(ref, [])
                    if not found or found[-1] is not m:  # (a mention of two of its entities)
                        found.append(m)
        return index

    @cached_property
    def title_refs(self) -> frozenset[str]:
        """Entity ids and country codes mentioned in the title."""
        return self._refs_in([m for m in self.mentions if m.field == "title"])

    def _refs_in(self, mentions: Sequence[Mention]) -> frozenset[str]:
        out: set[str] = set()
        for m in mentions:
            for eid in m.entity_ids:
                out.add(eid)
                country = self.catalogue.entities[eid].country
                if country:
                    out.add(country)
        return frozenset(out)

    def mentions_of(self, ref: str) -> list[Mention]:
        """The mentions of an entity id or of any entity of a country code."""
        return self._ref_index.get(ref, [])

    def fields_of(self, ref: str) -> frozenset[str]:
        """The fields that mention ``ref`` (whether it is there, without counting tokens)."""
        if (found := self._ref_fields.get(ref)) is None:
            found = self._ref_fields[ref] = frozenset(m.field for m in self.mentions_of(ref))
        return found

    def spans_of(self, ref: str) -> list[Span]:
        """Spans of the mentions of an entity id or of any entity of a country code (worked
        out per ref: tokens are counted only as far as that ref's last mention, and only
        from the nearest char another ref's counted)."""
        if (spans := self._by_ref.get(ref)) is None:
            spans = self._by_ref[ref] = self._mention_spans(self.mentions_of(ref))
        return spans

    def _mention_spans(self, mentions: list[Mention]) -> list[Span]:
        """Token spans of mentions."""
        spans = []
        for m in mentions:
            a = self._tokens_before(m.field, m.start)
            plain = self.plain(m.field)
            if m.start > 0 and not plain[m.start - 1].isspace() and m.start < len(plain) \
                    and not plain[m.start].isspace():
                a -= 1  # the mention starts inside a token (CJK run)
            spans.append(Span(m.field, a, max(a + 1, self._tokens_before(m.field, m.end))))
        return spans

    def _tokens_before(self, name: str, char: int) -> int:
        """How many tokens lie wholly or partly before ``char``: counted from the nearest
        char counted before (for any ref), so that the refs' sweeps share their counts."""
        chars, totals = self._counted.setdefault(name, ([0], [0]))
        at = bisect_right(chars, char) - 1
        prev = chars[at]
        if prev == char:
            return totals[at]
        plain = self.plain(name)
        chunk = plain[prev:char]
        n = len(chunk.split())
        if n and prev > 0 and not plain[prev - 1].isspace() and not chunk[0].isspace():
            n -= 1  # that token started before prev and was counted already
        chars.insert(at + 1, char)
        totals.insert(at + 1, totals[at] + n)
        return totals[at] + n
