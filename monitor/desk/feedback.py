"""Analysts' marks → each rule's precision (``monitor eval --feedback``).

A rule's verdict on a story is the latest mark (not undone) of kind ``relevant`` or
``false_positive`` on one of the rule's hits on that story; without one, the latest such mark
on the whole story (``hit_id`` null); without either, the story is unreviewed for that rule. A
rule's precision is relevant / (relevant + false positive) over the stories it fired on
(once per story, however many of its articles it fired on), ``None`` while none is reviewed.
``since`` counts the hits found in that window (when the rule fired, not when it was marked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, RuleConfig
from monitor.db.models import Article, Hit, Mark

VERDICT_KINDS = ("relevant", "false_positive")
NO_REASON = "unspecified"  # a false positive marked without a reason


@dataclass(frozen=True)
class FiredHit:
    """A stored hit of a rule on an article of a story."""

    hit_id: int
    story_id: int
    rule: str
    article_id: int


@dataclass(frozen=True)
class Judgement:
    """A mark that judges (relevant or false positive), not undone."""

    id: int
    story_id: int
    hit_id: int | None
    kind: str
    reason: str | None
    user: str
    created_at: datetime


@dataclass(frozen=True)
class Verdict:
    """What the marks say of one rule on one story; ``kind`` None: unreviewed."""

    story_id: int
    rule: str
    kind: str | None
    reason: str | None = None
    user: str | None = None
    on_hit: bool = False  # from a mark on the rule's hit, not on the whole story


@dataclass(frozen=True)
class RulePrecision:
    """One rule's precision from the marks: relevant and false-positive hits counted."""
    rule: str
    stories: int  # stories it fired on
    relevant: int
    false_positive: int
    unreviewed: int
    precision: float | None  # None: no story reviewed
    reasons: Mapping[str, int] = field(default_factory=dict)  # false positives by reason

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "stories": self.stories, "relevant": self.relevant,
                "false_positive": self.false_positive, "unreviewed": self.unreviewed,
                "precision": self.precision, "reasons": dict(self.reasons)}


@dataclass(frozen=True)
class FeedbackReport:
    """Each rule's precision from the marks, on hits found since ``since``."""
    since: datetime | None  # hits found from this time on; None: all
    rules: tuple[RulePrecision, ...]

    def as_json(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "rules": [r.as_json() for r in self.rules]}


def _latest(marks: Iterable[Judgement]) -> Judgement | None:
    return max(marks, key=lambda m: (m.created_at, m.id), default=None)


def verdicts(fired: Iterable[FiredHit], marks: Iterable[Judgement]) -> list[Verdict]:
    """Each (story, rule) the hits cover, with its verdict, in story then rule order. Pure."""
    by_hit: dict[int, list[Judgement]] = {}
    by_story: dict[int, list[Judgement]] = {}
    for mark in marks:
        if mark.kind not in VERDICT_KINDS:
            continue
        if mark.hit_id is None:
            by_story.setdefault(mark.story_id, []).append(mark)
        else:
            by_hit.setdefault(mark.hit_id, []).append(mark)
    hits_of: dict[tuple[int, str], list[int]] = {}
    for hit in fired:
        hits_of.setdefault((hit.story_id, hit.rule), []).append(hit.hit_id)
    out = []
    for (story, rule), hit_ids in sorted(hits_of.items()):
        on_hit = _latest(m for h in hit_ids for m in by_hit.get(h, ()))
        latest = on_hit or _latest(by_story.get(story, ()))
        out.append(Verdict(story, rule, None) if latest is None else
                   Verdict(story, rule, latest.kind, latest.reason, latest.user,
                           on_hit is not None))
    return out


def rule_names(rules: Sequence[RuleConfig], seen: Iterable[str]) -> list[str]:
    """The configured rules in their order, then rules only stored hits name, sorted."""
    names = [r.name for r in rules]
    return names + sorted(set(seen) - set(names))


def precision_by_rule(judged: Sequence[Verdict], names: Sequence[str]
                      ) -> tuple[RulePrecision, ...]:
    """Counts and precision of each rule named. Pure."""
    out = []
    for name in names:
        mine = [v for v in judged if v.rule == name]
        relevant = sum(1 for v in mine if v.kind == "relevant")
        false = [v for v in mine if v.kind == "false_positive"]
        reviewed = relevant + len(false)
        reasons = Counter(v.reason or NO_REASON for v in false)
        out.append(RulePrecision(
            rule=name, stories=len(mine), relevant=relevant, false_positive=len(false),
            unreviewed=len(mine) - reviewed,
            precision=round(relevant / reviewed, 4) if reviewed else None,
            reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))))
    return tuple(out)


def cutoff(since: timedelta | None, now: datetime) -> datetime | None:
    """From when hits count: ``since`` back from ``now`` (None: every hit)."""
    return now - since if since is not None else None


def fired_hits(session: Session, after: datetime | None) -> list[FiredHit]:
    """Every hit found at or after ``after`` (all with None) on an article of a story."""
    query = (select(Hit.id, Article.story_id, Hit.rule, Hit.article_id)
             .join(Article, Article.id == Hit.article_id)
             .where(Article.story_id.is_not(None)).order_by(Hit.id))
    if after is not None:
        query = query.where(Hit.created_at >= after)
    return [FiredHit(hit_id, story, rule, article)
            for hit_id, story, rule, article in session.execute(query) if story is not None]


def judgements(session: Session, story_ids: Iterable[int]) -> list[Judgement]:
    """The marks that judge (not undone) of these stories."""
    wanted = set(story_ids)
    rows = session.execute(
        select(Mark.id, Mark.story_id, Mark.hit_id, Mark.kind, Mark.reason, Mark.user,
               Mark.created_at)
        .where(Mark.undone_at.is_(None), Mark.kind.in_(VERDICT_KINDS)).order_by(Mark.id))
    return [Judgement(*row) for row in rows if row[1] in wanted]


def story_verdicts(session: Session, since: timedelta | None, now: datetime
                   ) -> tuple[list[FiredHit], list[Verdict]]:
    """The hits of the window and every (story, rule) verdict on them."""
    fired = fired_hits(session, cutoff(since, now))
    return fired, verdicts(fired, judgements(session, {h.story_id for h in fired}))


def rule_feedback(session: Session, rules: Sequence[RuleConfig], since: timedelta | None,
                  now: datetime) -> FeedbackReport:
    """Each rule's precision from the marks, over the hits found since ``now - since``; the
    configured rules are listed even when they fired on nothing."""
    fired, judged = story_verdicts(session, since, now)
    names = rule_names(rules, (h.rule for h in fired))
    return FeedbackReport(cutoff(since, now), precision_by_rule(judged, names))



def feedback_of(config: Config, since: timedelta | None, now: datetime) -> FeedbackReport:
    """``rule_feedback`` on the configured database (read-only), for the CLI."""
    from monitor.api import _session

    with _session(config, read_only=True) as session:
        return rule_feedback(session, config.rules, since, now)
