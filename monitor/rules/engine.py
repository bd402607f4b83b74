"""Compiled rules × one article → hits with evidence. Pure.

``RuleEngine`` is built once at start-up from the config's rules and the catalogue (queries are
parsed then); ``analyse`` runs the matcher once per article and every rule over its result. A
rule fires when each condition it states holds: its filters (language, feed, tag), its country
condition, its query, and not its exclusion. Each ``RuleResult`` carries the evidence a reader
needs to trust it: the clauses that fired, the countries with salience and the entities behind
them, and up to three snippets with the matched spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from monitor.config import RuleConfig
from monitor.rules.catalogue import COUNTRY_NAMES, Catalogue
from monitor.rules.matcher import Fields, Matcher, Mention, split_fields
from monitor.rules.query import Query, QueryDoc, Span, parse_query
from monitor.rules.salience import DEFAULT_PARAMS, CountryScore, SalienceParams, country_scores

MAX_SNIPPETS = 3
MAX_SNIPPET_CHARS = 320
_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+[\"'”’»]?|\n|$)")


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
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Analysis:
    fields: Fields
    mentions: list[Mention]
    countries: dict[str, CountryScore]
    results: list[RuleResult]
    catalogue: Catalogue

    @property
    def hits(self) -> list[RuleResult]:
        return [r for r in self.results if r.matched]


@dataclass(frozen=True)
class CompiledRule:
    config: RuleConfig
    query: Query | None
    exclude: Query | None

    @property
    def name(self) -> str:
        return self.config.name


def compile_rules(rules: list[RuleConfig], catalogue: Catalogue) -> list[CompiledRule]:
    """Parse every rule's queries (raises ``QuerySyntaxError``)."""
    return [CompiledRule(r, parse_query(r.query, catalogue) if r.query else None,
                         parse_query(r.exclude, catalogue) if r.exclude else None)
            for r in rules]


class RuleEngine:
    def __init__(self, rules: list[RuleConfig], catalogue: Catalogue,
                 params: SalienceParams = DEFAULT_PARAMS) -> None:
        self.rules = rules
        self.compiled = compile_rules(rules, catalogue)
        self.catalogue = catalogue
        self.params = params
        self.matcher = Matcher(catalogue)

    def analyse(self, title: str, text: str, context: Context | None = None) -> Analysis:
        fields = split_fields(title, text)
        mentions = self.matcher.find(fields)
        countries = country_scores(mentions, self.catalogue, self.params)
        shared = _Shared(self, fields, mentions, countries)
        ctx = context or Context()
        results = [self._evaluate(rule, countries, shared, ctx) for rule in self.compiled]
        return Analysis(fields, mentions, countries, results, self.catalogue)

    def _evaluate(self, rule: CompiledRule, countries: dict[str, CountryScore],
                  shared: _Shared, ctx: Context) -> RuleResult:
        cfg = rule.config
        clauses: list[str] = []
        evidence: dict[str, Any] = {"about": [c for c, s in countries.items() if s.about]}
        matched, extra_spans = _filters_pass(cfg, ctx, clauses), []
        threshold = cfg.min_salience if cfg.min_salience is not None else self.params.threshold
        if matched and cfg.countries is not None:
            cond = cfg.countries
            about = [c for c in cond.of if c in countries and (
                countries[c].about if cfg.min_salience is None
                else countries[c].salience >= threshold)]
            evidence["about"] = about
            matched = len(about) >= cond.at_least
            clauses.append(f"countries: at least {cond.at_least} of {', '.join(cond.of)} "
                           f"with salience >= {threshold:g} ({', '.join(about) or 'none'})")
        if matched and rule.query is not None:
            result = rule.query.evaluate(shared.doc)
            matched = result.matched
            extra_spans = list(result.spans)
            clauses.append(f"query: {rule.query.text}")
            evidence["query_matches"] = sorted({shared.span_text(s) for s in result.spans})
        if matched and rule.exclude is not None and rule.exclude.evaluate(shared.doc).matched:
            matched = False
            clauses.append(f"excluded by: {rule.exclude.text}")
        evidence["clause"] = "; ".join(clauses)
        evidence["countries"] = shared.countries(threshold)
        evidence["snippets"] = shared.snippets(extra_spans) if matched else []
        score = round(sum(countries[c].salience for c in evidence["about"] if c in countries), 3)
        return RuleResult(cfg.name, matched, score, cfg.severity, cfg.channels, evidence)

    def _entity_list(self, score: CountryScore) -> list[dict[str, Any]]:
        ents = sorted(score.entities.items(), key=lambda kv: -kv[1])
        return [{"id": eid, "name": self.catalogue.entities[eid].name, "count": n}
                for eid, n in ents]


def _filters_pass(cfg: RuleConfig, ctx: Context, clauses: list[str]) -> bool:
    if cfg.languages and ctx.language and ctx.language.split("-")[0] not in cfg.languages:
        return False
    if cfg.feeds and not set(ctx.feeds) & set(cfg.feeds):
        return False
    if cfg.tags and not set(ctx.tags) & set(cfg.tags):
        return False
    for key in ("languages", "feeds", "tags"):
        if getattr(cfg, key):
            clauses.append(f"{key}: {', '.join(getattr(cfg, key))}")
    return True


class _Shared:
    """Evidence parts that many rules share, computed once per article."""

    def __init__(self, engine: RuleEngine, fields: Fields, mentions: list[Mention],
                 scores: dict[str, CountryScore]) -> None:
        self._engine, self._fields, self._mentions, self._scores = engine, fields, mentions, scores
        self._countries: dict[float, dict[str, Any]] = {}
        self._snippets: list[dict[str, Any]] | None = None
        self._doc: QueryDoc | None = None

    @property
    def doc(self) -> QueryDoc:
        if self._doc is None:
            self._doc = QueryDoc(self._fields, self._mentions, self._engine.catalogue)
        return self._doc

    def span_text(self, span: Span) -> str:
        return self._fields.get(span.field)[span.char_start:span.char_end]

    def countries(self, threshold: float) -> dict[str, Any]:
        if threshold not in self._countries:
            default = threshold == self._engine.params.threshold
            self._countries[threshold] = {
                code: {
                    "name": COUNTRY_NAMES[code],
                    "salience": score.salience,
                    "about": score.about if default else score.salience >= threshold,
                    "entities": self._engine._entity_list(score),
                }
                for code, score in sorted(self._scores.items(), key=lambda kv: -kv[1].salience)
            }
        return self._countries[threshold]

    def snippets(self, spans: list[Span]) -> list[dict[str, Any]]:
        if not spans:
            if self._snippets is None:
                self._snippets = snippets(self._fields, self._mentions)
            return self._snippets
        extra = [Mention((), self.span_text(s), s.field, s.char_start, s.char_end)
                 for s in spans]
        return snippets(self._fields, _merge(self._mentions, extra))


def _merge(mentions: list[Mention], extra: list[Mention]) -> list[Mention]:
    """Mentions plus query matches, without overlaps (the longer span wins)."""
    out: list[Mention] = []
    for m in sorted(mentions + extra, key=lambda m: (m.field, m.start, -(m.end - m.start))):
        if out and out[-1].field == m.field and m.start < out[-1].end:
            continue
        out.append(m)
    return out


@dataclass
class _Candidate:
    score: int
    order: int
    snippet: dict[str, Any] = field(default_factory=dict)


def snippets(fields: Fields, mentions: list[Mention]) -> list[dict[str, Any]]:
    """Up to three sentences with the most distinct matches, spans relative to the snippet."""
    by_field: dict[str, list[Mention]] = {}
    for m in mentions:
        by_field.setdefault(m.field, []).append(m)
    candidates: list[_Candidate] = []
    for field_name, field_mentions in by_field.items():
        text = fields.get(field_name)
        for sent in _SENTENCE.finditer(text):
            s, e = sent.start(), sent.end()
            inside = [m for m in field_mentions if m.start >= s and m.end <= e]
            if not inside:
                continue
            s += len(sent.group()) - len(sent.group().lstrip())
            chunk = text[s:e].rstrip()
            if len(chunk) > MAX_SNIPPET_CHARS:
                chunk = chunk[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
            spans = [[m.start - s, m.end - s] for m in inside if m.end - s <= len(chunk)]
            distinct = len({eid for m in inside for eid in m.entity_ids} |
                           {m.text.casefold() for m in inside if not m.entity_ids})
            candidates.append(_Candidate(distinct, len(candidates),
                                         {"field": field_name, "text": chunk, "spans": spans}))
    candidates.sort(key=lambda c: (-c.score, c.order))
    chosen: list[dict[str, Any]] = []
    for cand in candidates:
        if all(cand.snippet["text"] != c["text"] for c in chosen):  # titles often open texts
            chosen.append(cand.snippet)
        if len(chosen) == MAX_SNIPPETS:
            break
    return chosen


def marked(snippet: dict[str, Any], before: str = "[", after: str = "]") -> str:
    """A snippet's text with its spans wrapped in markers (for plain text output)."""
    text: str = snippet["text"]
    out, pos = [], 0
    for start, end in snippet["spans"]:
        out += [text[pos:start], before, text[start:end], after]
        pos = end
    out.append(text[pos:])
    return "".join(out)
