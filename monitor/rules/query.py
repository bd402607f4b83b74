"""The rule query language: parse once, evaluate over an article's fields and entity mentions.

    query    := or
    or       := and ("OR" and)*
    and      := not ("AND"? not)*            adjacent terms are ANDed
    not      := "NOT" not | near
    near     := atom ("NEAR/" N atom)*        both sides within N words, same field
    atom     := "(" or ")" | FIELD ":" atom | term
    term     := "a phrase" | word | prefix*   | @RU | @Q7747 | @entity-slug

Words and phrases match case-insensitively on word boundaries; ``sanction*`` matches any word
starting with ``sanction``; ``@RU`` matches a mention of any entity of Russia, ``@Q7747`` of
that entity; ``title:``, ``lead:``, ``body:`` and ``text:`` (lead + body) scope a term. Chinese
terms match as substrings. Parsing uses lark; a syntax error says the column. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from monitor.errors import RuleError
from monitor.rules.catalogue import COUNTRY_NAMES, Catalogue
from monitor.rules.document import QueryDoc, Span, is_cjk, words_of
from monitor.rules.matcher import FIELDS

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND? not_expr)*
?not_expr: _NOT not_expr -> not_
         | near_expr
?near_expr: atom (NEAR atom)*
?atom: "(" or_expr ")"
     | FIELD ":" atom -> scoped
     | PHRASE -> phrase
     | ENTITY -> entity
     | PREFIX -> prefix
     | WORD -> word

_OR.2: "OR"
_AND.2: "AND"
_NOT.2: "NOT"
NEAR.3: /NEAR\/[0-9]+/
FIELD.2: /(title|lead|body|text)(?=:)/
PHRASE: /"[^"]*"/
ENTITY: /@[A-Za-z0-9_-]+/
PREFIX.1: /[^\s"():*@]+\*/
WORD: /[^\s"():*@]+/

%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)
MAX_QUERY_CHARS = 2000


Trigger = tuple[str, str]


class QuerySyntaxError(RuleError):
    """A query string that does not parse; ``column`` is 1-based."""

    def __init__(self, query: str, column: int, reason: str) -> None:
        self.query = query
        self.column = column
        pointer = " " * (column - 1) + "^"
        super().__init__(f"query syntax error at column {column}: {reason}\n  {query}\n  {pointer}")


# ---- compiled nodes ---------------------------------------------------------------------------

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

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        return self.child.evaluate(doc, tuple(f for f in self.fields if f in fields))

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

    def evaluate(self, doc: QueryDoc, fields: tuple[str, ...]) -> Result:
        spans: list[Span] = []
        for child in self.children:
            r = child.evaluate(doc, fields)
            if not r.matched:
                return NO
            spans.extend(r.spans)
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
        return Result(not self.child.evaluate(doc, fields).matched)

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
        a = first.evaluate(doc, fields)
        if not a.matched:
            return NO
        b = second.evaluate(doc, fields)
        if not b.matched:
            return NO
        found: dict[Span, None] = {}
        for x in a.spans:
            for y in b.spans:
                if x.field != y.field:
                    continue
                gap = max(y.start - x.end, x.start - y.end, 0)
                if gap <= self.distance:
                    found[x] = None
                    found[y] = None
        return Result(bool(found), tuple(found))


# ---- parsing ----------------------------------------------------------------------------------

_FIELD_SCOPES = {"title": ("title",), "lead": ("lead",), "body": ("body",),
                 "text": ("lead", "body")}


@v_args(inline=True)
class _Build(Transformer[Token, Node]):
    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue

    def word(self, tok: Token) -> Node:
        words = words_of(str(tok))
        if not words:
            raise _Invalid(tok, f"{str(tok)!r} has no letters or digits")
        return Terms(words, text=str(tok), cjk=is_cjk(str(tok)))

    def prefix(self, tok: Token) -> Node:
        stem = str(tok)[:-1]
        words = words_of(stem)
        if not words:
            raise _Invalid(tok, "a wildcard needs at least one letter before '*'")
        return Terms(words, prefix=True, text=stem, cjk=is_cjk(stem))

    def phrase(self, tok: Token) -> Node:
        inner = str(tok)[1:-1]
        words = words_of(inner)
        if not words:
            raise _Invalid(tok, "empty phrase")
        return Terms(words, text=inner.strip(), cjk=is_cjk(inner))

    def entity(self, tok: Token) -> Node:
        ref = str(tok)[1:]
        if ref not in COUNTRY_NAMES and ref not in self.catalogue.entities:
            raise _Invalid(tok, f"unknown entity @{ref} (a country code or a catalogue id)")
        return EntityRef(ref)

    def scoped(self, name: Token, child: Node) -> Node:
        return Scoped(_FIELD_SCOPES[str(name)], child)

    def not_(self, child: Node) -> Node:
        return Not(child)

    def and_expr(self, *children: Node) -> Node:
        return And(tuple(children))

    def or_expr(self, *children: Node) -> Node:
        return Or(tuple(children))

    def near_expr(self, *items: Node | Token) -> Node:
        node = items[0]
        assert isinstance(node, Node)
        for i in range(1, len(items), 2):
            op, right = items[i], items[i + 1]
            assert isinstance(op, Token) and isinstance(right, Node)
            if not (node.positional() and right.positional()):
                raise _Invalid(op, "NEAR joins words, phrases, entities or OR-groups of them")
            node = Near(node, right, int(str(op).split("/", 1)[1]))
        return node


class _Invalid(Exception):
    def __init__(self, tok: Token, reason: str) -> None:
        self.column = int(getattr(tok, "column", 1) or 1)
        self.reason = reason


Interner = dict[tuple[Any, ...], Node]


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


def _intern(node: Node, table: Interner) -> Node:
    """The one node equal to ``node`` in ``table`` (children first, so that equal children
    are the same object and a node's key can hold them by identity)."""
    values: list[Any] = []
    for f in dataclass_fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            value = _intern(value, table)
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            value = tuple(_intern(v, table) for v in value)
        values.append(value)
    key = (type(node), *values)
    if key not in table:
        table[key] = type(node)(*values)
    return table[key]


@dataclass(frozen=True)
class Query:
    text: str
    root: Node

    def evaluate(self, doc: QueryDoc) -> Result:
        key = (self.root, "query")  # rules with the same query share its result
        if (hit := doc.memo.get(key)) is None:
            hit = doc.memo[key] = (self.root.evaluate(doc, FIELDS) if self.root.possible(doc)
                                   else NO)
        return hit


def parse_query(text: str, catalogue: Catalogue, interner: Interner | None = None) -> Query:
    """Compile a query string. Raises ``QuerySyntaxError`` (a ``RuleError``) with the column.
    Queries compiled with one ``interner`` share their equal subtrees."""
    if not text.strip():
        raise QuerySyntaxError(text, 1, "empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(text[:60] + "…", 1, f"longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = _PARSER.parse(text)
        root = _Build(catalogue).transform(tree)
    except _Invalid as exc:
        raise QuerySyntaxError(text, exc.column, exc.reason) from None
    except UnexpectedEOF:
        raise QuerySyntaxError(text, len(text) + 1, "the query ends too early") from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0
        raise QuerySyntaxError(text, exc.column, f"unexpected {text[pos:pos + 1]!r}") from None
    except UnexpectedInput as exc:
        tok = getattr(exc, "token", None)
        if tok is None or getattr(tok, "type", "") == "$END" or not str(tok):
            raise QuerySyntaxError(text, len(text) + 1, "the query ends too early") from None
        col = getattr(exc, "column", 1)
        col = col if isinstance(col, int) and col > 0 else 1
        raise QuerySyntaxError(text, col, f"unexpected {str(tok)!r}") from None
    except LarkError as exc:  # a transformer error wraps _Invalid
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, _Invalid):
            raise QuerySyntaxError(text, inner.column, inner.reason) from None
        raise QuerySyntaxError(text, 1, str(exc).splitlines()[0]) from None
    if isinstance(root, Token):  # pragma: no cover - every terminal is transformed
        raise QuerySyntaxError(text, 1, "not a query")
    return Query(text, _intern(root, {} if interner is None else interner))
