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

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any, TypeVar

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from monitor.errors import RuleError
from monitor.rules.catalogue import COUNTRY_NAMES, Catalogue
from monitor.rules.document import QueryDoc, is_cjk, words_of
from monitor.rules.matcher import FIELDS
from monitor.rules.nodes import (
    NO,
    And,
    EntityRef,
    Near,
    Node,
    Not,
    Or,
    Result,
    Scoped,
    Terms,
)

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
MAX_QUERY_DEPTH = 40  # nesting (NOT NOT …, NEAR chains): evaluation recurses this deep



class QuerySyntaxError(RuleError):
    """A query string that does not parse; ``column`` is 1-based."""

    def __init__(self, query: str, column: int, reason: str) -> None:
        self.query = query
        self.column = column
        pointer = " " * (column - 1) + "^"
        super().__init__(f"query syntax error at column {column}: {reason}\n  {query}\n  {pointer}")


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


class _TooDeep(Exception):
    pass


N = TypeVar("N")


def _depth(root: N, children: Callable[[N], list[N]]) -> int:
    """How deep a tree goes (without recursion: the point is to refuse what is too deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(node))
    return deepest


def _children(node: Node) -> list[Node]:
    out: list[Node] = []
    for f in dataclass_fields(node):
        value = getattr(node, f.name)
        out += [c for c in (value if isinstance(value, tuple) else (value,))
                if isinstance(c, Node)]
    return out


class _Invalid(Exception):
    def __init__(self, tok: Token, reason: str) -> None:
        self.column = int(getattr(tok, "column", 1) or 1)
        self.reason = reason


Interner = dict[tuple[Any, ...], Node]


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

    def holds(self, doc: QueryDoc) -> bool:
        """Whether the query matches (for an exclusion: no spans needed)."""
        key = (self.root, "holds")
        if (hit := doc.memo.get(key)) is None:
            hit = doc.memo[key] = self.root.possible(doc) and self.root.holds(doc, FIELDS)
        return bool(hit)


def parse_query(text: str, catalogue: Catalogue, interner: Interner | None = None) -> Query:
    """Compile a query string. Raises ``QuerySyntaxError`` (a ``RuleError``) with the column.
    Queries compiled with one ``interner`` share their equal subtrees."""
    if not text.strip():
        raise QuerySyntaxError(text, 1, "empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(text[:60] + "…", 1, f"longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = _PARSER.parse(text)
        if _depth(tree, lambda t: [c for c in t.children if isinstance(c, Tree)]) \
                > MAX_QUERY_DEPTH:
            raise _TooDeep
        root = _Build(catalogue).transform(tree)
        if isinstance(root, Node) and _depth(root, _children) > MAX_QUERY_DEPTH:
            raise _TooDeep  # NEAR chains: flat in the parse tree, nested once built
    except (_TooDeep, RecursionError):
        raise QuerySyntaxError(text[:60] + ("…" if len(text) > 60 else ""), 1,
                               f"nested deeper than {MAX_QUERY_DEPTH} levels "
                               "(NOT, NEAR, parentheses)") from None
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
