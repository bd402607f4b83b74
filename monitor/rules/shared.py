"""What many rules need of one article, worked out once per article for all of them: the
query doc, the salience (``rules/salience.py``'s ``ArticleScores``, weighed on first use),
the verdict of each country condition, and the evidence parts (countries, snippets, the
texts a query matched). Built by ``rules/engine.py`` for each ``analyse``. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from monitor.evidence_model import CountryEvidence, EntityCount, Snippet
from monitor.rules.catalogue import COUNTRY_NAMES, Catalogue
from monitor.rules.document import QueryDoc, Span
from monitor.rules.evidence import merge, snippets
from monitor.rules.explain import Clause, trace_query
from monitor.rules.matcher import FIELDS, Fields, Mention
from monitor.rules.query import Query
from monitor.rules.salience import ArticleScores, CountryScore

Condition = tuple[tuple[str, ...], int, float | None]  # countries of, at_least, min_salience


class Shared:
    """What many rules need of one article, worked out once: its query doc, salience, the
    verdicts of country conditions and the evidence parts. ``scan`` finds the query words
    that one automaton pass looks for, and which those are (None: words are looked up one
    by one)."""

    def __init__(self, fields: Fields, mentions: list[Mention], scores: ArticleScores,
                 catalogue: Catalogue, threshold: float,
                 scan: tuple[Callable[[str], frozenset[str]], frozenset[str]] | None) -> None:
        self._fields, self._mentions, self.scores = fields, mentions, scores
        self._catalogue, self._threshold, self._scan = catalogue, threshold, scan
        self._countries: dict[float, dict[str, CountryEvidence]] = {}
        self._snippets: dict[tuple[Span, ...], tuple[Snippet, ...]] = {}
        self._sentences: dict[str, list[tuple[int, int]]] = {}  # per field, for snippets
        self._doc: QueryDoc | None = None
        self._span_texts: dict[Span, str] = {}
        self._conditions: dict[Condition, tuple[bool, list[str]]] = {}
        self._query_matches: dict[tuple[Span, ...], tuple[str, ...]] = {}

    @cached_property
    def about(self) -> list[str]:
        return [c for c, score in self.scores.scores.items() if score.about]

    @cached_property
    def saliences(self) -> dict[str, float]:
        return {c: score.salience for c, score in self.scores.scores.items()}

    def country_condition(self, key: Condition) -> tuple[bool, list[str]]:
        """Whether ``at_least`` of the countries ``of`` are about (or reach ``min_salience``),
        and which; worked out once per article for all the rules that state it."""
        if (known := self._conditions.get(key)) is None:
            of, at_least, min_salience = key
            if min_salience is None:
                about = [c for c in of if c in self.about]
            else:
                scores = self.scores.scores
                about = [c for c in of if c in scores and scores[c].salience >= min_salience]
            known = self._conditions[key] = (len(about) >= at_least, about)
        return known

    def clause(self, query: Query, held: bool) -> Clause:
        """A query's clause tree over this article (``held``: the query's verdict)."""
        return trace_query(query.text, query.root, held, self.doc, FIELDS, self.span_text)

    @property
    def doc(self) -> QueryDoc:
        if self._doc is None:
            doc = QueryDoc(self._fields, self._mentions, self._catalogue)
            if self._scan is not None:
                find, doc.scanned = self._scan
                doc.present = find(doc.folded)
            self._doc = doc
        return self._doc

    def query_matches(self, spans: tuple[Span, ...]) -> tuple[str, ...]:
        """The distinct texts a query matched (rules with the same query share them)."""
        if (texts := self._query_matches.get(spans)) is None:
            texts = self._query_matches[spans] = tuple(sorted({self.span_text(s)
                                                               for s in spans}))
        return texts

    def span_text(self, span: Span) -> str:
        text = self._span_texts.get(span)
        if text is None:  # rules share terms, and so spans: each is cut once
            start, end = self.doc.char_range(span)
            text = self._span_texts[span] = self._fields.get(span.field)[start:end]
        return text

    def countries(self, threshold: float) -> dict[str, CountryEvidence]:
        if threshold not in self._countries:
            default = threshold == self._threshold
            self._countries[threshold] = {
                code: CountryEvidence(
                    name=COUNTRY_NAMES[code],
                    salience=score.salience,
                    about=score.about if default else score.salience >= threshold,
                    entities=self._entity_list(score),
                )
                for code, score in sorted(self.scores.scores.items(),
                                          key=lambda kv: -kv[1].salience)
            }
        return self._countries[threshold]

    def snippets(self, spans: tuple[Span, ...]) -> tuple[Snippet, ...]:
        if (found := self._snippets.get(spans)) is not None:  # the same query's spans
            return found
        key = tuple(sorted(set(spans)))  # spans sort by field, start, end
        if key not in self._snippets:
            extra = [Mention((), self.span_text(s), s.field, *self.doc.char_range(s))
                     for s in key]
            self._snippets[key] = tuple(snippets(self._fields, merge(self._mentions, extra),
                                                 self._sentences, focus=extra))
        found = self._snippets[spans] = self._snippets[key]
        return found

    def _entity_list(self, score: CountryScore) -> tuple[EntityCount, ...]:
        ents = sorted(score.entities.items(), key=lambda kv: -kv[1])
        entities = self._catalogue.entities
        return tuple(EntityCount(eid, entities[eid].name, n) for eid, n in ents)
