"""Compiled rules × one article → hits with evidence. Pure.

``RuleEngine`` is built once at start-up from the config's rules and the catalogue; ``analyse``
runs the matcher once per article and every rule over its result. Each ``RuleResult`` carries
the evidence a reader needs to trust it: the clause that fired, the countries with salience and
the entities behind them, and up to three snippets with the matched spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from monitor.config import RuleConfig
from monitor.rules.catalogue import COUNTRY_NAMES, Catalogue
from monitor.rules.matcher import Fields, Matcher, Mention, split_fields
from monitor.rules.salience import DEFAULT_PARAMS, CountryScore, SalienceParams, country_scores

MAX_SNIPPETS = 3
MAX_SNIPPET_CHARS = 320
_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+[\"'”’»]?|\n|$)")


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


class RuleEngine:
    def __init__(self, rules: list[RuleConfig], catalogue: Catalogue,
                 params: SalienceParams = DEFAULT_PARAMS) -> None:
        self.rules = rules
        self.catalogue = catalogue
        self.params = params
        self.matcher = Matcher(catalogue)

    def analyse(self, title: str, text: str) -> Analysis:
        fields = split_fields(title, text)
        mentions = self.matcher.find(fields)
        countries = country_scores(mentions, self.catalogue, self.params)
        shared = _Shared(self, fields, mentions, countries)
        results = [self._evaluate(rule, countries, shared) for rule in self.rules]
        return Analysis(fields, mentions, countries, results, self.catalogue)

    def _evaluate(self, rule: RuleConfig, countries: dict[str, CountryScore],
                  shared: _Shared) -> RuleResult:
        cond = rule.countries
        assert cond is not None  # validated by the config schema
        threshold = rule.min_salience if rule.min_salience is not None else self.params.threshold
        if rule.min_salience is None:
            about = [c for c in cond.of if c in countries and countries[c].about]
        else:
            about = [c for c in cond.of if c in countries and countries[c].salience >= threshold]
        matched = len(about) >= cond.at_least
        evidence: dict[str, Any] = {
            "clause": f"countries: at least {cond.at_least} of {', '.join(cond.of)} "
                      f"with salience >= {threshold:g}",
            "about": about,
            "countries": shared.countries(threshold),
            "snippets": shared.snippets() if matched else [],
        }
        score = round(sum(countries[c].salience for c in about), 3)
        return RuleResult(rule.name, matched, score, rule.severity, rule.channels, evidence)

    def _entity_list(self, score: CountryScore) -> list[dict[str, Any]]:
        ents = sorted(score.entities.items(), key=lambda kv: -kv[1])
        return [{"id": eid, "name": self.catalogue.entities[eid].name, "count": n}
                for eid, n in ents]


class _Shared:
    """Evidence parts that many rules share, computed once per article."""

    def __init__(self, engine: RuleEngine, fields: Fields, mentions: list[Mention],
                 scores: dict[str, CountryScore]) -> None:
        self._engine, self._fields, self._mentions, self._scores = engine, fields, mentions, scores
        self._countries: dict[float, dict[str, Any]] = {}
        self._snippets: list[dict[str, Any]] | None = None

    def countries(self, threshold: float) -> dict[str, Any]:
        if threshold not in self._countries:
            self._countries[threshold] = {
                code: {
                    "name": COUNTRY_NAMES[code],
                    "salience": score.salience,
                    "about": score.about if threshold == self._engine.params.threshold
                    else score.salience >= threshold,
                    "entities": self._engine._entity_list(score),
                }
                for code, score in sorted(self._scores.items(), key=lambda kv: -kv[1].salience)
            }
        return self._countries[threshold]

    def snippets(self) -> list[dict[str, Any]]:
        if self._snippets is None:
            self._snippets = snippets(self._fields, self._mentions)
        return self._snippets


def snippets(fields: Fields, mentions: list[Mention]) -> list[dict[str, Any]]:
    """Up to three sentences with the most mentions, spans given relative to the snippet."""
    by_field: dict[str, list[Mention]] = {}
    for m in mentions:
        by_field.setdefault(m.field, []).append(m)
    candidates: list[tuple[int, int, dict[str, Any]]] = []
    order = 0
    for field_name, field_mentions in by_field.items():
        text = fields.get(field_name)
        for sent in _SENTENCE.finditer(text):
            s, e = sent.start(), sent.end()
            inside = [m for m in field_mentions if m.start >= s and m.end <= e]
            if not inside:
                continue
            lead_trim = len(sent.group()) - len(sent.group().lstrip())
            s += lead_trim
            chunk = text[s:e].rstrip()
            if len(chunk) > MAX_SNIPPET_CHARS:
                chunk = chunk[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
            spans = [[m.start - s, m.end - s] for m in inside if m.end - s <= len(chunk)]
            distinct = len({eid for m in inside for eid in m.entity_ids})
            candidates.append((-distinct, order, {"field": field_name, "text": chunk,
                                                  "spans": spans}))
            order += 1
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen: list[dict[str, Any]] = []
    for _, _, snip in candidates:
        if all(snip["text"] != c["text"] for c in chosen):  # the title often opens the text
            chosen.append(snip)
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
