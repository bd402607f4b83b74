"""Why a rule did or did not fire: a typed trace of each condition it states. Pure.

The engine builds the trace from the values that decide (``RuleEngine.analyse`` with
``explain``): each filter's check, the country condition's per-country verdicts, and each query
clause's own ``evaluate`` over the article, so the explanation cannot disagree with the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from monitor.config import RuleConfig
from monitor.rules.document import QueryDoc, Span
from monitor.rules.nodes import And, EntityRef, Near, Node, Not, Or, Scoped, Terms

MAX_FOUND = 5  # matched texts listed per clause


@dataclass(frozen=True)
class FilterCheck:
    """A ``languages``, ``feeds`` or ``tags`` filter against where the story came from."""

    key: str
    wanted: tuple[str, ...]
    story: tuple[str, ...]  # the story's language, feeds or tags (empty: unknown)
    held: bool


@dataclass(frozen=True)
class CountryCheck:
    code: str
    salience: float
    passed: bool  # about (or at least ``min_salience``)


@dataclass(frozen=True)
class CountryTrace:
    """``countries: {at_least, of}`` with each country's salience against the bar: the
    rule's ``min_salience``, or else the story's own "about" (at least ``threshold`` and a
    share of the most salient country's)."""

    at_least: int
    of: tuple[str, ...]
    min_salience: float | None
    threshold: float
    countries: tuple[CountryCheck, ...]
    held: bool


@dataclass(frozen=True)
class Clause:
    """One query clause: whether it held over the article, and the clauses inside it."""

    text: str
    kind: str  # and | or | not | near | field | term | entity
    held: bool
    found: tuple[str, ...] = ()  # what a term or an entity matched
    parts: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class RuleTrace:
    matched: bool
    filters: tuple[FilterCheck, ...]
    countries: CountryTrace | None
    query: Clause | None
    exclude: Clause | None  # the condition holds when this clause does not


def filter_checks(cfg: RuleConfig, language: str | None, feeds: tuple[str, ...],
                  tags: tuple[str, ...]) -> tuple[FilterCheck, ...]:
    """The rule's filters, each checked (an unknown language passes)."""
    out = []
    if cfg.languages:
        story = (language,) if language else ()
        out.append(FilterCheck("languages", tuple(cfg.languages), story,
                               not language or language.split("-")[0] in cfg.languages))
    if cfg.feeds:
        out.append(FilterCheck("feeds", tuple(cfg.feeds), feeds,
                               bool(set(feeds) & set(cfg.feeds))))
    if cfg.tags:
        out.append(FilterCheck("tags", tuple(cfg.tags), tags, bool(set(tags) & set(cfg.tags))))
    return tuple(out)


def country_trace(condition: tuple[tuple[str, ...], int, float | None], held: bool,
                  about: list[str], saliences: dict[str, float],
                  threshold: float) -> CountryTrace:
    """A country condition (of, at_least, min_salience) that ``held`` or not, with each
    country's salience; those in ``about`` (the condition's own verdict) passed."""
    of, at_least, min_salience = condition
    checks = tuple(CountryCheck(c, saliences.get(c, 0.0), c in about) for c in of)
    return CountryTrace(at_least, of, min_salience, threshold, checks, held)


_SCOPE_NAMES = {("title",): "title", ("lead",): "lead", ("body",): "body",
                ("lead", "body"): "text"}


def describe(node: Node, nested: bool = False) -> str:
    """A compiled clause written back in the query language."""
    if isinstance(node, Terms):
        if node.prefix:
            return f"{node.text}*"
        return f'"{node.text}"' if len(node.words) > 1 else node.text
    if isinstance(node, EntityRef):
        return f"@{node.ref}"
    if isinstance(node, Scoped):
        return f"{_SCOPE_NAMES.get(node.fields, '+'.join(node.fields))}:" \
               f"{describe(node.child, True)}"
    if isinstance(node, Not):
        return f"NOT {describe(node.child, True)}"
    if isinstance(node, Near):
        text = f"{describe(node.left, True)} NEAR/{node.distance} {describe(node.right, True)}"
    elif isinstance(node, And):
        text = " AND ".join(describe(c, True) for c in node.children)
    elif isinstance(node, Or):
        text = " OR ".join(describe(c, True) for c in node.children)
    else:  # pragma: no cover - every node type is listed
        text = type(node).__name__
    return f"({text})" if nested else text


def _kind(node: Node) -> str:
    kinds = {Terms: "term", EntityRef: "entity", Scoped: "field", Not: "not", Near: "near",
             And: "and", Or: "or"}
    return kinds.get(type(node), type(node).__name__.lower())


def trace_query(text: str, root: Node, held: bool, doc: QueryDoc, fields: tuple[str, ...],
                text_of: Callable[[Span], str]) -> Clause:
    """The clause tree of a query (``text`` as written) whose verdict was ``held``: every
    clause inside evaluated by its own node over ``doc`` (results are memoized: the verdict's
    work is reused). A field scope and the clause it scopes are one line."""

    def clause(node: Node, scope: tuple[str, ...], verdict: bool | None) -> Clause:
        result = node.evaluate(doc, scope)
        matched = result.matched if verdict is None else verdict
        shown = node
        while isinstance(shown, Scoped):
            scope = shown.within(scope)
            shown = shown.child
        found: tuple[str, ...] = ()
        if isinstance(shown, (Terms, EntityRef)):
            found = tuple(dict.fromkeys(text_of(s) for s in shown.evaluate(doc, scope).spans)
                          )[:MAX_FOUND]
        return Clause(describe(node), _kind(node), matched, found,
                      tuple(clause(c, scope, None) for c in _children(shown)))

    top = clause(root, fields, held)
    return Clause(text, top.kind, top.held, top.found, top.parts)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Not):
        return (node.child,)
    if isinstance(node, Near):
        return (node.left, node.right)
    if isinstance(node, (And, Or)):
        return node.children
    return ()
