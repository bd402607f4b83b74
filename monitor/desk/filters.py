"""The story list's filter as a typed value, read from and written back to a URL query string
(the state of the desk's list is its URL), and the keyset cursor of its pages. Pure."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from monitor.errors import UsageError

REVIEW_STATES = ("unreviewed", "relevant", "false_positive", "starred")
MULTI = ("rule", "country", "entity", "outlet", "tag", "lang")  # facets: each value must hold
MAX_VALUE_CHARS = 200
_SINCE = re.compile(r"^(\d{1,5})([hdw])$")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class FilterError(UsageError):
    """A story-list URL parameter that does not mean anything: the message says which and
    what would."""


@dataclass(frozen=True)
class StoryFilter:
    """Which stories the list shows. Each facet tuple is ANDed (``country=RU&country=CN``:
    stories about both). ``since``/``until`` are a time (UTC) or, for ``since``, a span back
    from now (``24h``, ``7d``, ``2w``). ``q`` is a query in the rule language."""

    rule: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    entity: tuple[str, ...] = ()  # catalogue ids, e.g. Q15031 (Xi Jinping)
    outlet: tuple[str, ...] = ()  # feed names
    tag: tuple[str, ...] = ()  # feed tags
    lang: tuple[str, ...] = ()
    review: str | None = None  # one of REVIEW_STATES
    since: datetime | timedelta | None = None
    until: datetime | None = None
    q: str = ""

    def window(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(since, until) as times, ``since`` resolved against ``now``."""
        since = now - self.since if isinstance(self.since, timedelta) else self.since
        return since, self.until

    def adding(self, facet: str, value: str) -> StoryFilter:
        """This filter with ``value`` added to ``facet`` (``review``: set to it)."""
        if facet == "review":
            return replace(self, review=value)
        current: tuple[str, ...] = getattr(self, facet)
        changes: dict[str, Any] = {facet: (*current, value)}
        return self if value in current else replace(self, **changes)

    def removing(self, facet: str, value: str) -> StoryFilter:
        if facet == "review":
            return replace(self, review=None)
        current: tuple[str, ...] = getattr(self, facet)
        changes: dict[str, Any] = {facet: tuple(v for v in current if v != value)}
        return replace(self, **changes)

    def has(self, facet: str, value: str) -> bool:
        if facet == "review":
            return self.review == value
        return value in getattr(self, facet)

    def is_empty(self) -> bool:
        return self == StoryFilter()


def _time(name: str, value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        span = " or a span back from now (24h, 7d, 2w)" if name == "since" else ""
        raise FilterError(f"{name}={value!r} is not a time: give an ISO date or time "
                          f"(2026-01-05, 2026-01-05T12:00Z){span}") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _since(value: str) -> datetime | timedelta:
    if m := _SINCE.match(value):
        return int(m.group(1)) * _UNIT[m.group(2)]
    return _time("since", value)


def _check(name: str, value: str) -> str:
    if len(value) > MAX_VALUE_CHARS and name != "q":
        raise FilterError(f"{name} is longer than {MAX_VALUE_CHARS} characters")
    if name == "country" and not _COUNTRY.match(value):
        raise FilterError(f"country={value!r} is not a country code (two capital letters: "
                          "RU, CN, US)")
    if name == "lang" and not _LANG.match(value):
        raise FilterError(f"lang={value!r} is not a language code (en, ru, zh)")
    return value


def from_query(query: str) -> StoryFilter:
    """The filter a URL query string states (unknown parameters, e.g. ``after``, ignored).
    Raises ``FilterError`` naming the parameter that is wrong."""
    multi: dict[str, list[str]] = {name: [] for name in MULTI}
    single: dict[str, str] = {}
    for name, raw in parse_qsl(query, keep_blank_values=False):
        value = raw.strip()
        if not value:
            continue
        if name in multi:
            if value not in multi[name]:
                multi[name].append(_check(name, value))
        elif name in ("review", "since", "until", "q"):
            single[name] = _check(name, value)
    review = single.get("review")
    if review is not None and review not in REVIEW_STATES:
        raise FilterError(f"review={review!r} is not a review state: one of "
                          + ", ".join(REVIEW_STATES))
    return StoryFilter(
        **{name: tuple(values) for name, values in multi.items()},
        review=review,
        since=_since(single["since"]) if "since" in single else None,
        until=_time("until", single["until"]) if "until" in single else None,
        q=single.get("q", ""))


def _span(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    return f"{seconds // 86400}d" if seconds % 86400 == 0 else f"{seconds // 3600}h"


def to_query(flt: StoryFilter) -> str:
    """The URL query string of ``flt`` (``from_query`` reads it back equal)."""
    pairs: list[tuple[str, str]] = []
    for f in fields(flt):
        value = getattr(flt, f.name)
        if f.name in MULTI:
            pairs += [(f.name, v) for v in value]
        elif isinstance(value, timedelta):
            pairs.append((f.name, _span(value)))
        elif isinstance(value, datetime):
            pairs.append((f.name, value.astimezone(UTC).isoformat().replace("+00:00", "Z")))
        elif value:
            pairs.append((f.name, str(value)))
    return urlencode(pairs)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the list starts: after the story first seen at ``first_seen`` with
    ``id`` (the list is newest first, ties by id, descending)."""

    first_seen: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.first_seen.astimezone(UTC).isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            at, _, ident = raw.partition("|")
            first_seen = datetime.fromisoformat(at)
            if first_seen.tzinfo is None:
                raise ValueError("naive")
            return cls(first_seen.astimezone(UTC), int(ident))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise FilterError(f"after={text[:40]!r} is not a page cursor: follow the list's "
                              "next-page link") from None
