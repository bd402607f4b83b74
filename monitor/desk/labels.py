"""Reviewed stories → labeled JSONL rows (``monitor feedback export``), in the format of the
labeled evaluation files, so that ``monitor eval --data`` scores the rules on them.

One row per story with at least one verdict (see ``monitor.desk.feedback``): its lead article's
title and text (``body``: the extracted text, else the feed's summary, as the rules read it),
``rules: {RULE: true|false}`` for every rule judged on it (the exact label), and ``countries``,
the analyst's set as far as the verdicts imply it (README "Feedback"):

- the base is the countries the monitor found the lead article about (``countries_monitor``);
- a relevant verdict on a country rule confirms the countries it claimed: they stay;
- a false positive on a country rule (for a reason other than ``duplicate`` or ``bad_source``,
  which say nothing of the text) means fewer than ``at_least`` of its ``of`` are about the
  story: the least salient claimed countries (never a confirmed one) are dropped until so;
- ``borderline`` is true unless a relevant country verdict confirmed the set and nothing was
  dropped (which country was wrong is a guess) nor disputed (``wrong_entity`` on another rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, RuleConfig
from monitor.db.articles import feeds_and_tags
from monitor.db.models import Article, Hit
from monitor.desk.feedback import FiredHit, Verdict, story_verdicts
from monitor.rules.evaluate import COUNTRIES, FLAG_RULE, is_country_rule
from monitor.rules_api import DEFAULT_FLAG_RULE

SILENT_REASONS = ("duplicate", "bad_source")  # false positives that say nothing of the text


@dataclass(frozen=True)
class Claim:
    """What a rule's hit said of the lead article: the countries it is about, and salience."""

    about: tuple[str, ...]
    salience: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Labels:
    """One story's labels as a row of ``../shared/data/labeled`` carries them."""
    countries: tuple[str, ...]
    countries_monitor: tuple[str, ...]
    borderline: bool
    rules: Mapping[str, bool]
    why: str


@dataclass(frozen=True)
class LabeledRow:
    """One exported row: the labeled files' fields, plus where it came from."""

    id: str  # the lead article's canonical URL
    story_id: int
    url: str
    source: str
    date: str | None
    title: str
    body: str
    lang: str | None
    tags: tuple[str, ...]
    labels: Labels

    def as_json(self) -> dict[str, Any]:
        lab = self.labels
        return {"id": self.id, "source": self.source, "date": self.date, "title": self.title,
                "body": self.body, "countries": list(lab.countries),
                "countries_monitor": list(lab.countries_monitor), "tags": list(self.tags),
                "lang": self.lang, "why": lab.why, "borderline": lab.borderline,
                "rules": dict(lab.rules), "story_id": self.story_id, "url": self.url}


def _ordered(codes: set[str]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda c: (COUNTRIES.index(c) if c in COUNTRIES else 9, c)))


def _verdict_text(v: Verdict) -> str:
    reason = f"/{v.reason}" if v.kind == "false_positive" and v.reason else ""
    return f"{v.rule} {v.kind}{reason} ({v.user}{', on the hit' if v.on_hit else ''})"


def label_story(judged: Sequence[Verdict], claims: Mapping[str, Claim],
                rules: Mapping[str, RuleConfig]) -> Labels:
    """The labels the verdicts on one story imply (see the module's docstring). Pure."""
    judged = [v for v in judged if v.kind is not None]
    base = {c for claim in claims.values() for c in claim.about}
    salience: dict[str, float] = {}
    for claim in claims.values():
        for code, value in claim.salience.items():
            salience[code] = max(value, salience.get(code, 0.0))
    country_rule = {name: r for name, r in rules.items() if is_country_rule(r)}
    keep = {c for v in judged if v.kind == "relevant" and v.rule in country_rule
            for c in claims.get(v.rule, Claim(())).about}
    countries, notes = set(base), [_verdict_text(v) for v in judged]
    unsure = not keep
    for v in judged:
        rule = country_rule.get(v.rule)
        if v.kind != "false_positive":
            continue
        if rule is None or rule.countries is None or v.reason in SILENT_REASONS:
            unsure = unsure or v.reason == "wrong_entity"
            continue
        of, need = set(rule.countries.of), rule.countries.at_least
        while len(countries & of) >= need:
            free = sorted((countries & of) - keep, key=lambda c: (salience.get(c, 0.0), c))
            if not free:
                notes.append(f"{v.rule}: its countries were confirmed by another rule")
                break
            countries.discard(free[0])
            notes.append(f"dropped {free[0]} (the least salient of {v.rule}'s)")
        unsure = True
    return Labels(countries=_ordered(countries), countries_monitor=_ordered(base),
                  borderline=unsure, rules={v.rule: v.kind == "relevant" for v in judged},
                  why="desk: " + "; ".join(notes))


def lead_candidates(fired: Sequence[FiredHit], judged: Sequence[Verdict]) -> list[int]:
    """The articles a story's row may be made of: those carrying hits of the most judged
    rules. Pure."""
    rules = {v.rule for v in judged if v.kind is not None}
    count: dict[int, int] = {}
    for hit in fired:
        count[hit.article_id] = count.get(hit.article_id, 0) + (hit.rule in rules)
    best = max(count.values())
    return sorted(a for a, n in count.items() if n == best)


def _first_found(articles: Sequence[Article]) -> Article:
    """The first found; of those found together, the first published."""
    return min(articles, key=lambda a: (a.created_at, a.published_at or a.created_at, a.id))


def _claims(session: Session, fired: Sequence[FiredHit], lead: int) -> dict[str, Claim]:
    """Each rule's claim from its hit on the lead article, else its first hit on the story."""
    ids = sorted((h.article_id != lead, h.hit_id) for h in fired)
    chosen: dict[str, int] = {}
    rule_of = {h.hit_id: h.rule for h in fired}
    for _other, hit_id in ids:
        chosen.setdefault(rule_of[hit_id], hit_id)
    evidence = {hit_id: ev for hit_id, ev in session.execute(
        select(Hit.id, Hit.evidence).where(Hit.id.in_(list(chosen.values()))))}
    return {rule: Claim(tuple(evidence[h].about),
                        {c: e.salience for c, e in evidence[h].countries.items()})
            for rule, h in chosen.items()}


def story_row(session: Session, fired: Sequence[FiredHit], judged: Sequence[Verdict],
              rules: Mapping[str, RuleConfig]) -> LabeledRow:
    """The labeled row of one reviewed story (``fired``: its hits; ``judged``: its verdicts)."""
    art = _first_found(session.scalars(select(Article).where(
        Article.id.in_(lead_candidates(fired, judged)))).all())
    lead = art.id
    _feeds, tags = feeds_and_tags(session, [lead]).get(lead, ([], []))
    when = art.published_at or art.created_at
    return LabeledRow(
        id=art.canonical_url, story_id=judged[0].story_id, url=art.url,
        source=art.site_name or (_feeds[0] if _feeds else ""), date=when.isoformat(),
        title=art.title, body=art.text or art.summary, lang=art.language,
        tags=tuple(tags), labels=label_story(judged, _claims(session, fired, lead), rules))


@dataclass(frozen=True)
class ExportSummary:
    """What `monitor feedback export` wrote: rows, borderline ones, each rule's labels."""
    rows: int
    borderline: int
    rules: Mapping[str, Mapping[str, int]]  # rule → {"true": n, "false": n}

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "borderline": self.borderline,
                "rules": {k: dict(v) for k, v in self.rules.items()}}


def summary(rows: Sequence[LabeledRow]) -> ExportSummary:
    """How many rows, borderline ones, and each rule's labels. Pure."""
    rules: dict[str, dict[str, int]] = {}
    for row in rows:
        for rule, label in row.labels.rules.items():
            counts = rules.setdefault(rule, {"true": 0, "false": 0})
            counts["true" if label else "false"] += 1
    return ExportSummary(len(rows), sum(1 for r in rows if r.labels.borderline),
                         dict(sorted(rules.items())))


def export_rows(session: Session, rules: Sequence[RuleConfig], since: timedelta | None,
                now: datetime) -> list[LabeledRow]:
    """A labeled row for every story reviewed among the hits found since ``now - since``
    (all with None), in story order."""
    fired, judged = story_verdicts(session, since, now)
    by_name = {FLAG_RULE: DEFAULT_FLAG_RULE, **{r.name: r for r in rules}}  # as eval does
    hits_of: dict[int, list[FiredHit]] = {}
    for hit in fired:
        hits_of.setdefault(hit.story_id, []).append(hit)
    verdicts_of: dict[int, list[Verdict]] = {}
    for v in judged:
        if v.kind is not None:
            verdicts_of.setdefault(v.story_id, []).append(v)
    return [story_row(session, hits_of[story], mine, by_name)
            for story, mine in sorted(verdicts_of.items())]


def export_of(config: Config, since: timedelta | None, now: datetime) -> list[LabeledRow]:
    """``export_rows`` on the configured database (read-only), for the CLI."""
    from monitor.api import _session

    with _session(config, read_only=True) as session:
        return export_rows(session, config.rules, since, now)
