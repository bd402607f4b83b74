"""Compiled rules × one article → hits with evidence. Pure.

``RuleEngine`` is built once at start-up from the config's rules and the catalogue (queries are
parsed then); ``analyse`` runs the matcher once per article and every rule over its result;
mentions are weighed into salience (their roles read) only when a rule needs it: a country
condition of which enough countries are named, or the evidence of a rule that fires. A
rule fires when each condition it states holds: its filters (language, feed, tag), its country
condition, its query, and not its exclusion. Each ``RuleResult`` carries the evidence a reader
needs to trust it: the clauses that fired, the countries with salience and the entities behind
them, and up to three snippets with the matched spans. With ``explain`` (``rules test``) each
result also carries a trace of every condition (``rules/explain.py``), taken from the values
that decided it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import ahocorasick_rs

from monitor.config import RuleConfig
from monitor.evidence_model import Evidence
from monitor.rules.catalogue import Catalogue
from monitor.rules.document import Span
from monitor.rules.explain import (
    CountryTrace,
    RuleTrace,
    country_trace,
    filter_checks,
)
from monitor.rules.matcher import Fields, Matcher, Mention, split_fields
from monitor.rules.nodes import Trigger, terms_of
from monitor.rules.query import Interner, Query, parse_query
from monitor.rules.salience import (
    DEFAULT_PARAMS,
    ArticleScores,
    CountryScore,
    SalienceParams,
    counted,
)
from monitor.rules.shared import Condition, Shared

NEEDLE_SCAN_FROM = 250  # query words from which one automaton pass beats substring searches
MAX_EVIDENCE_SPANS = 30


@dataclass(frozen=True)
class Context:
    """What is known about an article besides its text (for rule filters)."""

    language: str | None = None
    feeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    rule: str
    matched: bool
    score: float
    severity: str
    channels: list[str] | None
    evidence: Evidence
    trace: RuleTrace | None = None  # each condition with whether it held (``explain``)


@dataclass(frozen=True)
class Analysis:
    fields: Fields
    mentions: list[Mention]
    scores: ArticleScores
    results: list[RuleResult]
    catalogue: Catalogue

    @property
    def countries(self) -> dict[str, CountryScore]:
        """Salience per country code (worked out here if no rule needed it)."""
        return self.scores.scores

    @property
    def hits(self) -> list[RuleResult]:
        return [r for r in self.results if r.matched]

    def matched(self, rule: str) -> bool:
        return any(r.matched for r in self.results if r.rule == rule)




@dataclass(frozen=True)
class CompiledRule:
    config: RuleConfig
    query: Query | None
    exclude: Query | None

    @property
    def name(self) -> str:
        return self.config.name

    @cached_property
    def unfiltered(self) -> bool:
        return not (self.config.languages or self.config.feeds or self.config.tags)

    @cached_property
    def condition(self) -> Condition | None:
        c = self.config.countries
        return None if c is None else (tuple(c.of), c.at_least, self.config.min_salience)


def compile_rules(rules: list[RuleConfig], catalogue: Catalogue) -> list[CompiledRule]:
    """Parse every rule's queries (raises ``QuerySyntaxError``). Equal subtrees are shared
    across rules, so an article works out each distinct term and query once."""
    interner: Interner = {}
    return [CompiledRule(r, parse_query(r.query, catalogue, interner) if r.query else None,
                         parse_query(r.exclude, catalogue, interner) if r.exclude else None)
            for r in rules]


def _rule_triggers(rule: CompiledRule) -> frozenset[Trigger] | None:
    """What must be in an article for the rule to possibly fire (None: always look)."""
    if rule.config.countries is not None:
        return frozenset(("m", c) for c in rule.config.countries.of)
    if rule.query is not None:
        return rule.query.root.triggers()
    return None


@dataclass(frozen=True)
class _Verdict:
    matched: bool
    about: list[str]
    query_spans: tuple[Span, ...]
    excluded: bool
    trace: RuleTrace | None = None


def _verdict_key(rule: CompiledRule) -> tuple[Any, ...]:
    """Rules with equal keys reach the same verdict on every article (they may differ in
    name, severity and channels): query roots are interned, so equal queries are one object."""
    cfg = rule.config
    return (rule.condition, id(rule.query.root) if rule.query else None,
            id(rule.exclude.root) if rule.exclude else None,
            tuple(cfg.languages or ()), tuple(cfg.feeds or ()), tuple(cfg.tags or ()))


class RuleEngine:
    """Rules compiled once. Rules that state the same conditions share one verdict per
    article. Verdicts are indexed: a rule that is only a country condition by that condition
    (the levels of min_salience sorted), any other by its rarest required part (a title word,
    a word, a person, a country), so an article costs one look-up per distinct trigger plus
    the verdicts that can come out true, not a pass over every rule.
    ``python -m bench.rules_vs_extraction``: 500 distinct rules cost 1.3x what 50 do.
    """

    def __init__(self, rules: list[RuleConfig], catalogue: Catalogue,
                 params: SalienceParams = DEFAULT_PARAMS) -> None:
        self.rules = rules
        self.compiled = compile_rules(rules, catalogue)
        self.catalogue = catalogue
        self.params = params
        self.matcher = Matcher(catalogue)
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, rule in enumerate(self.compiled):
            groups.setdefault(_verdict_key(rule), []).append(i)
        self._groups = list(groups.values())  # rule indices per verdict, in rule order
        self._always: list[int] = []
        self._by_trigger: dict[Trigger, list[int]] = {}
        # Rules that are a country condition and nothing else are looked up by it: per
        # (countries, at_least), the groups by min_salience, so that those that fire are
        # found by bisection and the others cost nothing.
        self._by_condition: dict[tuple[tuple[str, ...], int],
                                 tuple[list[float], list[int]]] = {}
        self._by_about: dict[tuple[tuple[str, ...], int], list[int]] = {}
        for g, members in enumerate(self._groups):
            rule = self.compiled[members[0]]
            if (rule.condition is not None and rule.query is None and rule.exclude is None
                    and rule.unfiltered):
                of, at_least, min_salience = rule.condition
                if min_salience is None:  # "about" as salience decides it for the article
                    self._by_about.setdefault((of, at_least), []).append(g)
                    continue
                levels, found = self._by_condition.setdefault((of, at_least), ([], []))
                at = bisect_right(levels, min_salience)
                levels.insert(at, min_salience)
                found.insert(at, g)
                continue
            triggers = _rule_triggers(rule)
            if triggers is None:
                self._always.append(g)
            else:
                for t in triggers:
                    self._by_trigger.setdefault(t, []).append(g)
        # With hundreds of query words, one Aho-Corasick pass per article finds which are in
        # it; with fewer, a substring search each is cheaper. Measured on the rules
        # benchmark's pages: 33 words 0.20 ms (search) vs 0.23 ms (pass), 183 words 0.50 vs
        # 0.52, 292 words 0.65 vs 0.58.
        needles = sorted({t.needle for rule in self.compiled for q in (rule.query, rule.exclude)
                          if q is not None for t in terms_of(q.root)})
        if len(needles) < NEEDLE_SCAN_FROM:
            needles = []
        self._needles = needles
        self._needle_set = frozenset(needles)
        self._needle_scan = (ahocorasick_rs.AhoCorasick(
            needles, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
            if needles else None)
        self._scan = None if self._needle_scan is None else (self.present, self._needle_set)

    def present(self, folded: str) -> frozenset[str]:
        """The needles in an article's case-folded text."""
        if self._needle_scan is None:
            return frozenset()
        needles = self._needles
        return frozenset(needles[i] for i, _s, _e in
                         self._needle_scan.find_matches_as_indexes(folded, overlapping=True))

    def _candidates(self, shared: Shared) -> list[int]:
        """The groups whose verdict can come out true. Saliences are weighed only where at
        least ``at_least`` of a condition's countries are named."""
        found = set(self._always)
        named = shared.scores.named
        for (of, at_least), (levels, groups) in self._by_condition.items():
            if sum(c in named for c in of) < at_least:
                continue
            countries = shared.scores.scores
            reached = sorted((countries[c].salience for c in of if c in named),
                             reverse=True)
            # the at_least-th most salient sets the bar
            found.update(groups[:bisect_right(levels, reached[at_least - 1])])
        for (of, at_least), groups in self._by_about.items():
            if sum(c in named for c in of) >= at_least and \
                    sum(c in shared.about for c in of) >= at_least:
                found.update(groups)
        doc = shared.doc
        refs = doc.refs
        for (kind, value), groups in self._by_trigger.items():
            if kind == "m":
                present = value in named
            elif kind == "w":
                present = doc.contains(value)
            elif kind == "r":
                present = value in refs
            elif kind == "wt":
                present = value in doc.folded_field("title")
            else:  # "rt"
                present = value in doc.title_refs
            if present:
                found.update(groups)
        return sorted(found)

    def analyse(self, title: str, text: str, context: Context | None = None,
                explain: bool = False) -> Analysis:
        """Run the rules over one article. ``results`` holds the rules that fire, with their
        evidence; with ``explain`` every rule is listed, fired or not, with its evidence
        (``monitor rules test``)."""
        fields = split_fields(title, text)
        mentions = counted(self.matcher.find(fields), self.catalogue)
        scores = ArticleScores(mentions, self.catalogue, self.params, fields)
        shared = Shared(fields, mentions, scores, self.catalogue, self.params.threshold, self._scan)
        ctx = context or Context()
        chosen = range(len(self._groups)) if explain else self._candidates(shared)
        indexed: list[tuple[int, RuleResult]] = []
        for g in chosen:
            members = self._groups[g]
            verdict = self._verdict(self.compiled[members[0]], shared, ctx, explain)
            if verdict.matched or explain:
                indexed += [(i, self._result(self.compiled[i], verdict, shared))
                            for i in members]
        results = [r for _i, r in sorted(indexed, key=lambda ir: ir[0])]
        return Analysis(fields, mentions, scores, results, self.catalogue)

    def _verdict(self, rule: CompiledRule, shared: Shared, ctx: Context,
                 explain: bool = False) -> _Verdict:
        """Whether the rule fires, and what its evidence needs. With ``explain`` every
        condition is worked out (not only up to the first that fails) and traced."""
        if not explain and rule.query is not None and not rule.query.root.possible(shared.doc):
            return _Verdict(False, [], (), False)  # (before any salience is weighed)
        checks = () if rule.unfiltered else filter_checks(rule.config, ctx.language,
                                                           ctx.feeds, ctx.tags)
        matched = all(c.held for c in checks)
        about: list[str] | None = None  # the article's about countries, unless a condition
        countries: CountryTrace | None = None
        if (matched or explain) and rule.condition is not None:
            held, passed = shared.country_condition(rule.condition)
            if explain:
                countries = country_trace(rule.condition, held, passed, shared.saliences,
                                          self.params.threshold)
            if matched:
                matched, about = held, passed
        query_spans: tuple[Span, ...] = ()
        query_held = True
        if (matched or explain) and rule.query is not None:
            result = rule.query.evaluate(shared.doc)
            query_held = result.matched
            if matched:
                query_spans = result.spans
            matched = matched and result.matched
        exclude_held = ((matched or explain) and rule.exclude is not None
                        and rule.exclude.holds(shared.doc))
        excluded = matched and exclude_held
        trace = None
        if explain:
            trace = RuleTrace(
                matched and not excluded, checks, countries,
                shared.clause(rule.query, query_held) if rule.query else None,
                shared.clause(rule.exclude, exclude_held) if rule.exclude else None)
        if about is None:  # (read only for a result: one that fires, or any with explain)
            about = shared.about if explain or (matched and not excluded) else []
        return _Verdict(matched and not excluded, about, query_spans, excluded, trace)

    def _result(self, rule: CompiledRule, verdict: _Verdict, shared: Shared) -> RuleResult:
        """The rule's result with its evidence."""
        countries = shared.scores.scores
        cfg, about, matched = rule.config, verdict.about, verdict.matched
        threshold = cfg.min_salience if cfg.min_salience is not None else self.params.threshold
        query_spans = verdict.query_spans[:MAX_EVIDENCE_SPANS]  # "bank*" may match 100 words
        evidence = Evidence(
            clause=_clause(rule, threshold, about, verdict.excluded),
            about=tuple(about),
            countries=shared.countries(threshold),
            snippets=shared.snippets(query_spans) if matched else (),
            query_matches=(shared.query_matches(query_spans) if rule.query is not None
                           else None))
        score = round(sum(countries[c].salience for c in about if c in countries), 3)
        return RuleResult(cfg.name, matched, score, cfg.severity, cfg.channels, evidence,
                          verdict.trace)


def _clause(rule: CompiledRule, threshold: float, about: list[str], excluded: bool) -> str:
    """The rule's conditions in words, for the evidence."""
    cfg, parts = rule.config, []
    for key in ("languages", "feeds", "tags"):
        if getattr(cfg, key):
            parts.append(f"{key}: {', '.join(getattr(cfg, key))}")
    if cfg.countries is not None:
        parts.append(f"countries: at least {cfg.countries.at_least} of "
                     f"{', '.join(cfg.countries.of)} with salience >= {threshold:g} "
                     f"({', '.join(about) or 'none'})")
    if rule.query is not None:
        parts.append(f"query: {rule.query.text}")
    if excluded and rule.exclude is not None:
        parts.append(f"excluded by: {rule.exclude.text}")
    return "; ".join(parts)
