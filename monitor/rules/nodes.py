"""Compiled query nodes: each evaluates itself over an article (``QueryDoc``) to a match and
the token spans that made it, and knows which atoms it needs (for the engine's rule index).
Built by ``monitor.rules.query.parse_query``. Pure.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from itertools import accumulate

from monitor.rules.catalogue import COUNTRY_NAMES
from monitor.rules.document import QueryDoc, Span

Trigger = tuple[str, str]
PAIRWISE_UP_TO = 256  # NEAR sides with at most this many pairs are checked pair by pair


@dataclass(frozen=True)
class Result:
    matched: bool
    spans: tuple[Span, ...] = ()


NO = Result(False)


@dataclass(frozen=True, eq=False)
class Node:
    """A compiled query node. Nodes compare and hash by identity: ``parse_query`` interns
    equal subtrees (across all rules when they share an ``Interner``), so that an article's
    memo finds a term, or a whole query, that several rules use under one key."""

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        raise NotImplementedError

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        """``evaluate(doc, fields).matched``, where possible without positions (an entity
        ref's tokens are then never counted): for NOT, and before an AND collects spans."""
        return self.evaluate(doc, fields).matched

    def possible(self, doc: QueryDoc) -> bool:
        """A cheap test that is False only when the node cannot match (no tokenizing), so
        that hundreds of rules mostly stop here."""
        return True

    def triggers(self) -> frozenset[Trigger] | None:
        """Atoms of which at least one must be in an article for the node to match: words
        ("w", word) and entity refs ("r", ref), or the same in the title only ("wt", "rt");
        None when no such set exists (NOT, prefixes). The engine indexes rules by them, so a
        rule is looked at only when it can fire."""
        return None

    def positional(self) -> bool:
        """Whether the node yields positions (usable beside NEAR)."""
        return True


def _commonness(triggers: frozenset[Trigger]) -> float:
    """A rough guess of how often one of ``triggers`` is in an article: a country is named in
    most of what a desk watches, a person or a word in fewer, and anything in the title
    only in few."""
    total = 0.0
    for kind, ref in triggers:
        guess = 10.0 if kind[0] == "r" and ref in COUNTRY_NAMES else 3.0 if kind[0] == "r" \
            else 1.0
        total += guess / 5 if kind.endswith("t") else guess
    return total


@dataclass(frozen=True, eq=False)
class Terms(Node):
    words: tuple[str, ...]  # casefolded; one word, or a phrase
    prefix: bool = False
    text: str = ""
    cjk: bool = False  # Chinese: matched as a substring

    @property
    def needle(self) -> str:
        """What must be in the case-folded text for the term to match (a substring)."""
        return self.text.casefold() if self.cjk else self.words[0]

    def possible(self, doc: QueryDoc) -> bool:
        return doc.contains(self.needle)

    def triggers(self) -> frozenset[Trigger] | None:
        if self.cjk or (self.prefix and len(self.words) == 1):
            return None
        return frozenset({("w", self.words[0])})

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        key = (self, fields)
        if (hit := doc.memo.get(key)) is None:
            hit = doc.memo[key] = self._find(doc, fields)
        return hit

    def _find(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        spans: list[Span] = []
        for name in fields:
            if self.cjk:
                plain = doc.plain(name)
                needle = self.text.casefold()
                for m in re.finditer(re.escape(needle), plain):
                    p = m.start()
                    t = doc.token_count(name, p)
                    inside = p > 0 and not plain[p - 1].isspace()  # within a CJK run
                    first = t - 1 if inside else t
                    spans.append(Span(name, first, doc.token_count(name, m.end()) or first + 1))
                continue
            if self.words[0] not in doc.folded_field(name):
                continue  # a substring test in C spares most fields their word index
            toks = doc.tokens(name)
            index = doc.index(name)
            n = len(self.words)
            if n == 1 and self.prefix:
                starts = sorted(i for word, pos in index.items()
                                if word.startswith(self.words[0]) for i in pos)
            else:
                starts = index.get(self.words[0], [])
            for i in starts:
                if i + n > len(toks):
                    continue
                ok = all(toks[i + k] == self.words[k] for k in range(1, n - 1))
                if n > 1:
                    last = toks[i + n - 1]
                    ok = ok and (last.startswith(self.words[-1]) if self.prefix
                                 else last == self.words[-1])
                if ok:
                    spans.append(Span(name, i, i + n))
        return Result(bool(spans), tuple(spans))


@dataclass(frozen=True, eq=False)
class EntityRef(Node):
    ref: str  # a country code or an entity id

    def possible(self, doc: QueryDoc) -> bool:
        return self.ref in doc.refs

    def triggers(self) -> frozenset[Trigger] | None:
        return frozenset({("r", self.ref)})

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        return not doc.fields_of(self.ref).isdisjoint(fields)

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        key = (self, fields)
        if (hit := doc.memo.get(key)) is None:
            spans = tuple(s for s in doc.spans_of(self.ref) if s.field in fields)
            hit = doc.memo[key] = Result(bool(spans), spans)
        return hit


@dataclass(frozen=True, eq=False)
class Scoped(Node):
    fields: tuple[str, ...]
    child: Node

    def within(self, fields: tuple[str, ...]) -> tuple[str, ...]:
        """The fields the child is evaluated in, given those around the scope."""
        return tuple(f for f in self.fields if f in fields)

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        return self.child.evaluate(doc, self.within(fields))

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        return self.child.holds(doc, tuple(f for f in self.fields if f in fields))

    def possible(self, doc: QueryDoc) -> bool:
        return self.child.possible(doc)

    def triggers(self) -> frozenset[Trigger] | None:
        inner = self.child.triggers()
        if inner is None or self.fields != ("title",):
            return inner
        return frozenset((kind + "t" if kind in ("w", "r") else kind, value)
                         for kind, value in inner)

    def positional(self) -> bool:
        return self.child.positional()


@dataclass(frozen=True, eq=False)
class And(Node):
    children: tuple[Node, ...]

    def possible(self, doc: QueryDoc) -> bool:
        return all(c.possible(doc) for c in self.children)

    def triggers(self) -> frozenset[Trigger] | None:
        known = [t for c in self.children if (t := c.triggers()) is not None]
        # Any child's set will do; the one least often present leaves the rule asleep the
        # most.
        return min(known, key=_commonness) if known else None

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        return all(c.holds(doc, fields) for c in self.children)

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        if not self.holds(doc, fields):  # spans only once every child is known to match
            return NO
        spans: list[Span] = []
        for child in self.children:
            spans.extend(child.evaluate(doc, fields).spans)
        return Result(True, tuple(spans))

    def positional(self) -> bool:
        return False


@dataclass(frozen=True, eq=False)
class Or(Node):
    children: tuple[Node, ...]

    def possible(self, doc: QueryDoc) -> bool:
        return any(c.possible(doc) for c in self.children)

    def triggers(self) -> frozenset[Trigger] | None:
        out: set[Trigger] = set()
        for child in self.children:
            t = child.triggers()
            if t is None:
                return None
            out |= t
        return frozenset(out)

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        return any(c.holds(doc, fields) for c in self.children)

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        spans: list[Span] = []
        matched = False
        for child in self.children:
            r = child.evaluate(doc, fields)
            if r.matched:
                matched = True
                spans.extend(r.spans)
        return Result(matched, tuple(spans))

    def positional(self) -> bool:
        return all(c.positional() for c in self.children)


@dataclass(frozen=True, eq=False)
class Not(Node):
    child: Node

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        return Result(self.holds(doc, fields))

    def holds(self, doc: QueryDoc, fields: tuple[str, ...]) -> bool:
        return not self.child.holds(doc, fields)

    def positional(self) -> bool:
        return False


@dataclass(frozen=True, eq=False)
class Near(Node):
    left: Node
    right: Node
    distance: int

    def possible(self, doc: QueryDoc) -> bool:
        return self.left.possible(doc) and self.right.possible(doc)

    def triggers(self) -> frozenset[Trigger] | None:
        return And((self.left, self.right)).triggers()

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        # Words first: they often fail ("oil" was only in "soil"), and then the entity side
        # never needs its token positions counted.
        first, second = ((self.right, self.left) if isinstance(self.left, EntityRef)
                         else (self.left, self.right))
        if not second.holds(doc, fields):  # an entity not there needs no positions
            return NO
        a = first.evaluate(doc, fields)
        if not a.matched:
            return NO
        b = second.evaluate(doc, fields)
        if not b.matched:
            return NO
        found = near_spans(a.spans, b.spans, self.distance)
        return Result(bool(found), found)


class _Side:
    """One field's spans of a NEAR's second side, sorted by start, with the furthest end
    reached so far, and which of them are listed already (skipped by path halving)."""

    def __init__(self, spans: list[tuple[int, int, int]]) -> None:
        spans.sort()
        self.starts = [s for s, _e, _i in spans]
        self.ends = [e for _s, e, _i in spans]
        self.order = [i for _s, _e, i in spans]  # the span's index on its side
        self.reach = list(accumulate(self.ends, max))
        self.longest = max(e - s for s, e, _i in spans)
        self.next = list(range(len(spans) + 1))  # the first unlisted position from here

    def _unlisted(self, j: int) -> int:
        nxt = self.next
        while nxt[j] != j:
            nxt[j] = nxt[nxt[j]]
            j = nxt[j]
        return j

    def partners(self, x: Span, distance: int) -> list[int] | None:
        """None if no span is within ``distance`` of ``x``; else the side indices of those
        within it that were not listed before (now listed)."""
        hi = bisect_right(self.starts, x.end + distance)  # those starting early enough
        if hi == 0 or self.reach[hi - 1] < x.start - distance:
            return None
        out = []
        j = self._unlisted(bisect_left(self.starts, x.start - distance - self.longest))
        while j < hi:
            if self.ends[j] >= x.start - distance:
                out.append(self.order[j])
                self.next[j] = j + 1
            j = self._unlisted(j + 1)
        return sorted(out)


def _near_pairwise(a: tuple[Span, ...], b: tuple[Span, ...], distance: int
                   ) -> tuple[Span, ...]:
    found: dict[Span, None] = {}
    for x in a:
        for y in b:
            if x.field == y.field and max(y.start - x.end, x.start - y.end, 0) <= distance:
                found[x] = None
                found[y] = None
    return tuple(found)


def near_spans(a: tuple[Span, ...], b: tuple[Span, ...], distance: int) -> tuple[Span, ...]:
    """The spans of ``a`` and of ``b`` that have one of the other side at most ``distance``
    tokens away in the same field, listed as a scan of every pair would (each span of ``a``
    that has a partner, then its partners not yet listed, in ``b``'s order), in
    O((|a| + |b|) log |b|) instead of |a| x |b| (a long article names Russia thousands of
    times). Few pairs (most articles) are simply all checked: that is cheaper there."""
    if len(a) * len(b) <= PAIRWISE_UP_TO:
        return _near_pairwise(a, b, distance)
    by_field: dict[str, list[tuple[int, int, int]]] = {}
    for i, y in enumerate(b):
        by_field.setdefault(y.field, []).append((y.start, y.end, i))
    sides = {name: _Side(spans) for name, spans in by_field.items()}
    found: dict[Span, None] = {}
    for x in a:
        side = sides.get(x.field)
        if side is None or (partners := side.partners(x, distance)) is None:
            continue
        found[x] = None
        for i in partners:
            found[b[i]] = None
    return tuple(found)


def terms_of(node: Node) -> Iterator[Terms]:
    """Every word or phrase term in a query tree."""
    if isinstance(node, Terms):
        yield node
        return
    for f in dataclass_fields(node):
        value = getattr(node, f.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Node):
                yield from terms_of(child)
