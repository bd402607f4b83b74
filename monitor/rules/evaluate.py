"""Labeled stories → precision, recall and F1 of aboutness per country, of the flag and of each
rule, on all rows, clear rows and per language; and the stories scored worst. Pure.

The labeled format is described in the project's data README: one object per line with
``title``, ``body`` and ``countries`` (the gold set among RU, CN, US), and optionally
``borderline`` (the analyst's call was close: scored apart from the "clear" rows), ``lang``
(scored per language), ``why`` (the analyst's reason, shown beside errors) and ``rules``.

The flag is the ``russia-china-us`` rule: a story is a positive when at least two of its gold
countries are among the rule's ``of`` (its own ``at_least``). A rule that is a country
condition and nothing else is scored the same way against its own ``at_least`` and ``of``.
Any other rule (a query, an exclusion, a feed or tag filter) is scored only on rows that label
it: ``rules: {NAME: true|false}``, or ``rules: [NAME, ...]`` (the rules listed should fire, the
other non-country rules should not). A mapping also overrides a country rule's derived label.

``split`` keeps part of the data aside: a story belongs to the holdout part when a hash of its
id falls in the last fifth, so tuning on ``tune`` can be checked on ``holdout``.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Literal

from monitor.config import RuleConfig
from monitor.rules.baseline import baseline_about
from monitor.rules.engine import Analysis, Context, RuleEngine
from monitor.rules.evidence import marked

COUNTRIES = ("RU", "CN", "US")
FLAG_RULE = "russia-china-us"
Split = Literal["all", "tune", "holdout"]
MAX_MENTIONS = 6  # mentions listed per country in an error's evidence


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
class Slice:
    """Scores over one set of rows (all, clear, borderline, one language)."""

    stories: int = 0
    flag: Counts = field(default_factory=Counts)
    countries: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in COUNTRIES})

    def add(self, about: set[str], gold: set[str], flag: bool, gold_flag: bool) -> None:
        self.stories += 1
        self.flag.add(flag, gold_flag)
        for country in COUNTRIES:
            self.countries[country].add(country in about, country in gold)

    def as_dict(self) -> dict[str, Any]:
        micro = Counts(*(sum(getattr(c, k) for c in self.countries.values())
                         for k in ("tp", "fp", "fn")))
        return {"stories": self.stories, "flag": self.flag.scores(),
                "countries": {c: n.scores() for c, n in self.countries.items()},
                "micro": micro.scores()}


@dataclass
class Scoreboard:
    """The same slices for one system (the monitor, or the keyword baseline)."""

    slices: dict[str, Slice] = field(
        default_factory=lambda: {k: Slice() for k in ("all", "clear", "borderline")})
    languages: dict[str, Slice] = field(default_factory=dict)
    languages_clear: dict[str, Slice] = field(default_factory=dict)  # borderline rows left out

    def add(self, row: dict[str, Any], about: set[str], gold: set[str], flag: bool,
            gold_flag: bool) -> None:
        for key in ("all", "borderline" if row.get("borderline") else "clear"):
            self.slices[key].add(about, gold, flag, gold_flag)
        if lang := row.get("lang"):
            self.languages.setdefault(str(lang), Slice()).add(about, gold, flag, gold_flag)
            clear = self.languages_clear.setdefault(str(lang), Slice())
            if not row.get("borderline"):
                clear.add(about, gold, flag, gold_flag)

    def as_dict(self) -> dict[str, Any]:
        return {"slices": {k: s.as_dict() for k, s in self.slices.items()},
                "languages": {k: s.as_dict() for k, s in sorted(self.languages.items())},
                "languages_clear": {k: s.as_dict()
                                    for k, s in sorted(self.languages_clear.items())}}


@dataclass
class Report:
    stories: int = 0
    board: Scoreboard = field(default_factory=Scoreboard)
    rules: dict[str, Counts] = field(default_factory=dict)
    unscored: list[str] = field(default_factory=list)  # rules no row labels
    baseline: Scoreboard | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)  # the worst first

    @property
    def countries(self) -> dict[str, Counts]:
        return self.board.slices["all"].countries

    def as_dict(self) -> dict[str, Any]:
        board = self.board.as_dict()
        doc: dict[str, Any] = {
            "stories": self.stories,
            "countries": board["slices"]["all"]["countries"],
            "flag": board["slices"]["all"]["flag"],
            "rules": {r: n.scores() for r, n in self.rules.items() if r not in self.unscored},
            "unscored_rules": list(self.unscored),
            **board,
            "errors": self.errors,
        }
        if self.baseline is not None:
            doc["baseline"] = self.baseline.as_dict()
        return doc


def in_split(story_id: str, split: Split) -> bool:
    if split == "all":
        return True
    holdout = int(hashlib.sha1(story_id.encode()).hexdigest()[:8], 16) % 5 == 4
    return holdout if split == "holdout" else not holdout


def is_country_rule(rule: RuleConfig) -> bool:
    """A rule that is a country condition and nothing else (its label follows from the
    story's countries)."""
    return (rule.countries is not None and rule.query is None and rule.exclude is None
            and not rule.feeds and not rule.tags)


def _condition_holds(rule: RuleConfig | None, countries: set[str]) -> bool:
    need, of = ((rule.countries.at_least, set(rule.countries.of))
                if rule is not None and rule.countries else (2, set(COUNTRIES)))
    return len(countries & of) >= need


def rule_label(rule: RuleConfig, row: dict[str, Any], gold: set[str]) -> bool | None:
    """What the rule should do on the row: True (fire), False, or None (not labeled)."""
    labels = row.get("rules")
    if isinstance(labels, dict) and rule.name in labels:
        return bool(labels[rule.name])
    if is_country_rule(rule):
        lang = row.get("lang")
        if rule.languages and lang and str(lang).split("-")[0] not in rule.languages:
            return False
        return _condition_holds(rule, gold)
    if isinstance(labels, list):
        return rule.name in labels
    return None


def evaluate(rows: Iterable[dict[str, Any]], engine: RuleEngine, split: Split = "all",
             keep_errors: int = 0, baseline: bool = False) -> Report:
    """Score the engine on the rows of ``split``; ``keep_errors`` keeps that many of the
    worst-scored stories with their evidence; ``baseline`` scores the keyword baseline too."""
    report = Report(baseline=Scoreboard() if baseline else None)
    rules = {r.name: r for r in engine.rules}
    flag_rule = rules.get(FLAG_RULE)
    labeled = {name: 0 for name in rules}
    report.rules = {name: Counts() for name in rules}
    worst: list[tuple[tuple[Any, ...], int, dict[str, Any], Analysis]] = []
    tiebreak = count()
    for row in rows:
        if not in_split(str(row.get("id", "")), split):
            continue
        report.stories += 1
        gold = set(row.get("countries") or []) & set(COUNTRIES)
        title, body = row.get("title") or "", row.get("body") or ""
        lang = row.get("lang")
        analysis = engine.analyse(title, body, Context(language=str(lang) if lang else None))
        about = {c for c, s in analysis.countries.items() if s.about} & set(COUNTRIES)
        fired = {r.rule for r in analysis.hits}
        flag = (FLAG_RULE in fired) if flag_rule else len(about) >= 2
        gold_flag = _condition_holds(flag_rule, gold)
        report.board.add(row, about, gold, flag, gold_flag)
        if report.baseline is not None:
            guess = baseline_about(title, body)
            report.baseline.add(row, guess, gold, _condition_holds(flag_rule, guess), gold_flag)
        wrong_rules = []
        for name, rule in rules.items():
            label = rule_label(rule, row, gold)
            if label is None:
                continue
            labeled[name] += 1
            report.rules[name].add(name in fired, label)
            if (name in fired) != label and name != FLAG_RULE:
                wrong_rules.append({"rule": name, "fired": name in fired, "label": label})
        if keep_errors:
            key = _badness(row, about, gold, flag != gold_flag, wrong_rules, analysis,
                           engine.params.threshold)
            if key is not None:
                info = {"row": row, "about": about, "gold": gold, "flag": flag,
                        "gold_flag": gold_flag, "wrong_rules": wrong_rules}
                item = (key, next(tiebreak), info, analysis)
                if len(worst) < keep_errors:
                    heapq.heappush(worst, item)
                elif item[0] > worst[0][0]:
                    heapq.heapreplace(worst, item)
    report.unscored = [name for name, n in labeled.items() if n == 0]
    name_of: Callable[[str], str] = lambda eid: engine.catalogue.entities[eid].name  # noqa: E731
    report.errors = [{**_error(info, analysis, name_of), "evidence": _explained(engine, info)}
                     for _k, _n, info, analysis in sorted(worst, reverse=True)]
    return report


def _explained(engine: RuleEngine, info: dict[str, Any]) -> dict[str, Any]:
    """The engine's own account of the flag and the wrongly scored rules on the row: each
    rule's clause (what it needs, what the story had) and, where it fired, its sentences."""
    row = info["row"]
    lang = row.get("lang")
    analysis = engine.analyse(row.get("title") or "", row.get("body") or "",
                              Context(language=str(lang) if lang else None), explain=True)
    names = {FLAG_RULE, *(r["rule"] for r in info["wrong_rules"])}
    return {r.rule: {"clause": r.evidence.clause,
                     "snippets": [marked(snip) for snip in r.evidence.snippets]}
            for r in analysis.results if r.rule in names}


def _badness(row: dict[str, Any], about: set[str], gold: set[str], flag_wrong: bool,
             wrong_rules: list[dict[str, Any]], analysis: Analysis,
             threshold: float) -> tuple[Any, ...] | None:
    """How badly the story is scored, as a sort key (bigger is worse); None when right. A
    wrong flag first, then clear rows before borderline ones, then the number of wrong
    verdicts, then how far the wrong countries' salience is from the threshold."""
    wrong = about ^ gold
    if not (flag_wrong or wrong or wrong_rules):
        return None
    margin = sum(abs((analysis.countries[c].salience if c in analysis.countries else 0.0)
                     - threshold) for c in wrong)
    return (flag_wrong, not row.get("borderline"), len(wrong) + len(wrong_rules),
            round(margin, 3))


def _error(info: dict[str, Any], analysis: Analysis,
           name_of: Callable[[str], str]) -> dict[str, Any]:
    """One badly scored story with the evidence behind each verdict."""
    row, about, gold = info["row"], info["about"], info["gold"]
    countries = {}
    for code in sorted(set(analysis.countries) | gold, key=COUNTRIES.index):
        score = analysis.countries.get(code)
        mentions = [{"text": m.text, "field": m.field} for m in analysis.mentions
                    if any(code in analysis.catalogue.entities[e].weights
                           for e in m.entity_ids)]
        countries[code] = {
            "salience": score.salience if score else 0.0,
            "about": code in about, "gold": code in gold,
            "entities": [{"id": eid, "name": name_of(eid), "count": n}
                         for eid, n in sorted((score.entities if score else {}).items(),
                                              key=lambda kv: -kv[1])],
            "mentions": mentions[:MAX_MENTIONS],
        }
    return {"id": row.get("id"), "title": row.get("title") or "", "lang": row.get("lang"),
            "borderline": bool(row.get("borderline")), "why": row.get("why"),
            "gold": sorted(gold, key=COUNTRIES.index),
            "about": sorted(about, key=COUNTRIES.index),
            "flag": {"predicted": info["flag"], "gold": info["gold_flag"]},
            "wrong_countries": sorted(about ^ gold, key=COUNTRIES.index),
            "wrong_rules": info["wrong_rules"], "countries": countries}
