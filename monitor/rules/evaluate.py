"""Labeled stories → precision, recall and F1 of aboutness per country and of each rule. Pure.

The labeled format is described in the project's data README: one object per line with
``title``, ``body`` and ``countries`` (the gold set among RU, CN, US). A story is a positive for
a rule when ``len(countries) >= 2`` (the rule's own ``at_least``, over its ``of`` countries).

``split`` keeps part of the data aside: a story belongs to the holdout part when a hash of its
id falls in the last fifth, so tuning on ``tune`` can be checked on ``holdout``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from monitor.rules.engine import RuleEngine

COUNTRIES = ("RU", "CN", "US")
Split = Literal["all", "tune", "holdout"]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, gold: bool) -> None:
        if predicted and gold:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    stories: int = 0
    countries: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in COUNTRIES})
    rules: dict[str, Counts] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)  # misclassified stories

    def as_dict(self) -> dict[str, Any]:
        return {"stories": self.stories,
                "countries": {c: n.scores() for c, n in self.countries.items()},
                "rules": {r: n.scores() for r, n in self.rules.items()}}


def in_split(story_id: str, split: Split) -> bool:
    if split == "all":
        return True
    holdout = int(hashlib.sha1(story_id.encode()).hexdigest()[:8], 16) % 5 == 4
    return holdout if split == "holdout" else not holdout


def evaluate(rows: Iterable[dict[str, Any]], engine: RuleEngine, split: Split = "all",
             keep_errors: int = 0) -> Report:
    report = Report()
    rules = {r.name: r for r in engine.rules}
    for name in rules:
        report.rules[name] = Counts()
    for row in rows:
        if not in_split(str(row.get("id", "")), split):
            continue
        report.stories += 1
        gold = set(row.get("countries") or [])
        analysis = engine.analyse(row.get("title") or "", row.get("body") or "")
        about = {c for c, s in analysis.countries.items() if s.about}
        for country in COUNTRIES:
            report.countries[country].add(country in about, country in gold)
        fired = {r.rule for r in analysis.hits}
        for name, rule in rules.items():
            cond = rule.countries
            need, of = (cond.at_least, set(cond.of)) if cond else (2, set(COUNTRIES))
            gold_hit = len(gold & of) >= need
            report.rules[name].add(name in fired, gold_hit)
            if (name in fired) != gold_hit and len(report.errors) < keep_errors:
                report.errors.append({"id": row.get("id"), "rule": name,
                                      "predicted": name in fired, "gold": sorted(gold),
                                      "about": sorted(about), "title": row.get("title"),
                                      "salience": {c: s.salience for c, s
                                                   in analysis.countries.items()}})
    return report
