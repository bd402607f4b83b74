"""Evidence: why a rule fired on an article, as typed values from the engine to every reader.
Pure.

The rules engine builds an ``Evidence`` per result; the database stores it as JSON (the hits'
``evidence`` column, ``to_json``) and reads it back (``from_json``); alerts, the CLI and the API
read the typed value and print ``to_json()`` where they show JSON, so the JSON is the one
documented shape (``clause``, ``about``, ``countries``, ``snippets``, ``query_matches`` when
the rule has a query). ``from_json`` accepts every row written in that shape, including those
older than a key (a missing key takes its empty value), and raises ``EvidenceError`` naming
the part that is wrong otherwise.

``Snippet.segments`` is the one walk over a snippet's marked spans: plain text, Slack, HTML
and the terminal all render from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TypeAlias

from pydantic import TypeAdapter, ValidationError

from monitor.errors import EvidenceError

JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = "dict[str, JSONValue]"
SpanPair: TypeAlias = tuple[int, int]  # (start, end) in a snippet's text


@dataclass(frozen=True)
class EntityCount:
    """A catalogue entity and how often the article names it."""

    id: str
    name: str
    count: int

    def to_json(self) -> JSONObject:
        return {"id": self.id, "name": self.name, "count": self.count}


@dataclass(frozen=True)
class CountryEvidence:
    """A country the article mentions: its salience, whether it passes the rule's threshold
    (``about``) and the entities behind it, most named first."""

    name: str
    salience: float
    about: bool = False
    entities: tuple[EntityCount, ...] = ()

    def to_json(self) -> JSONObject:
        return {"name": self.name, "salience": self.salience, "about": self.about,
                "entities": [e.to_json() for e in self.entities]}


@dataclass(frozen=True)
class Snippet:
    """A sentence of the article (``field``: title, lead or body) with the matched words'
    spans, relative to ``text``."""

    field: str
    text: str
    spans: tuple[SpanPair, ...] = ()

    def segments(self) -> Iterator[tuple[str, bool]]:
        """The text in order as (piece, marked) pairs. A span that is empty, runs past the
        text or overlaps the one before is left unmarked."""
        pos = 0
        for start, end in self.spans:
            if start < pos or end > len(self.text) or start >= end:
                continue
            yield self.text[pos:start], False
            yield self.text[start:end], True
            pos = end
        yield self.text[pos:], False

    def to_json(self) -> JSONObject:
        return {"field": self.field, "text": self.text,
                "spans": [[start, end] for start, end in self.spans]}


@dataclass(frozen=True)
class Evidence:
    """Why a rule fired (or, with ``explain``, did not): the rule's conditions in words
    (``clause``), the countries it found the story about (``about``), every country mentioned
    (most salient first), up to three snippets, and the texts the rule's query matched
    (``None`` when the rule has no query)."""

    clause: str = ""
    about: tuple[str, ...] = ()
    countries: Mapping[str, CountryEvidence] = field(default_factory=dict)
    snippets: tuple[Snippet, ...] = ()
    query_matches: tuple[str, ...] | None = None

    def to_json(self) -> JSONObject:
        """The JSON the database stores and ``--json``, the API and the webhook show."""
        out: JSONObject = {
            "clause": self.clause,
            "about": list(self.about),
            "countries": {code: c.to_json() for code, c in self.countries.items()},
            "snippets": [s.to_json() for s in self.snippets],
        }
        if self.query_matches is not None:
            out["query_matches"] = list(self.query_matches)
        return out

    @classmethod
    def from_json(cls, data: object) -> Evidence:
        """Evidence from its JSON (a stored row); ``EvidenceError`` when it is not that."""
        try:
            return _adapter().validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "evidence"
            raise EvidenceError(f"stored evidence is not valid at {where}: {first['msg']} "
                                f"({exc.error_count()} problem(s))") from None

    def map_text(self, fn: Callable[[str], str]) -> Evidence:
        """The evidence with ``fn`` applied to every string value (not to the country codes
        that key ``countries``): e.g. ``one_line``, which keeps lengths and so spans."""
        return Evidence(
            clause=fn(self.clause), about=tuple(fn(c) for c in self.about),
            countries={code: replace(c, name=fn(c.name), entities=tuple(
                replace(e, id=fn(e.id), name=fn(e.name)) for e in c.entities))
                for code, c in self.countries.items()},
            snippets=tuple(replace(s, field=fn(s.field), text=fn(s.text))
                           for s in self.snippets),
            query_matches=None if self.query_matches is None
            else tuple(fn(t) for t in self.query_matches))


@cache
def _adapter() -> TypeAdapter[Evidence]:
    """The validator of stored evidence, built on first use."""
    return TypeAdapter(Evidence)
