"""Evidence snippets: the sentences of an article that best show why a rule fired, with the
matched spans marked. Pure.

Mentions and query matches are merged (the longer span wins where they overlap), placed in
their sentences (``rules/sentences.py``, which also bounds the lead), and the sentences with
the most distinct matches win, up to three.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from monitor.evidence_model import Snippet
from monitor.rules import sentences
from monitor.rules.matcher import Fields, Mention

MAX_SNIPPETS = 3
MAX_SNIPPET_CHARS = 320


def merge(mentions: list[Mention], extra: list[Mention]) -> list[Mention]:
    """Mentions plus query matches, without overlaps (the longer span wins)."""
    out: list[Mention] = []
    for m in sorted(mentions + extra, key=lambda m: (m.field, m.start, -(m.end - m.start))):
        if out and out[-1].field == m.field and m.start < out[-1].end:
            continue
        out.append(m)
    return out


@dataclass
class _Candidate:
    focus: int  # distinct query matches in the sentence: why a query rule fired comes first
    score: int
    order: int
    snippet: Snippet


def snippets(fields: Fields, mentions: list[Mention],
             bounds: dict[str, list[tuple[int, int]]] | None = None,
             focus: list[Mention] | None = None) -> list[Snippet]:
    """Up to three sentences, those with the most distinct ``focus`` matches (a query's)
    first, then those with the most distinct matches; spans relative to the snippet.
    Sentences are those that bound the lead (``sentences.spans``); ``bounds`` holds each
    field's when the caller has them already."""
    bounds = {} if bounds is None else bounds

    def sentence_of(m: Mention) -> tuple[str, int] | None:
        if m.field not in bounds:
            bounds[m.field] = sentences.spans(fields.get(m.field))
        sents = bounds[m.field]
        i = bisect_right(sents, (m.start, len(fields.get(m.field)) + 1)) - 1
        return (m.field, i) if i >= 0 and m.end <= sents[i][1] else None

    by_sentence: dict[tuple[str, int], list[Mention]] = {}
    for m in sorted(mentions, key=lambda m: (m.field, m.start)):
        if (where := sentence_of(m)) is not None:
            by_sentence.setdefault(where, []).append(m)
    focused: dict[tuple[str, int], set[str]] = {}
    for m in focus or []:
        if (where := sentence_of(m)) is not None:
            focused.setdefault(where, set()).add(m.text.casefold())
    candidates: list[_Candidate] = []
    for (field_name, i), inside in by_sentence.items():
        s, e = bounds[field_name][i]
        chunk = fields.get(field_name)[s:e].rstrip()
        if len(chunk) > MAX_SNIPPET_CHARS:
            chunk = chunk[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
        spans = tuple((m.start - s, m.end - s) for m in inside if m.end - s <= len(chunk))
        distinct = len({eid for m in inside for eid in m.entity_ids} |
                       {m.text.casefold() for m in inside if not m.entity_ids})
        candidates.append(_Candidate(len(focused.get((field_name, i), ())), distinct,
                                     len(candidates),
                                     Snippet(field_name, chunk, spans)))
    candidates.sort(key=lambda c: (-c.focus, -c.score, c.order))
    chosen: list[Snippet] = []
    for cand in candidates:
        if all(cand.snippet.text != c.text for c in chosen):  # titles often open texts
            chosen.append(cand.snippet)
        if len(chosen) == MAX_SNIPPETS:
            break
    return chosen


def marked(snippet: Snippet, before: str = "[", after: str = "]") -> str:
    """A snippet's text with its spans wrapped in markers (for plain text output)."""
    return "".join(f"{before}{piece}{after}" if hit else piece
                   for piece, hit in snippet.segments())
