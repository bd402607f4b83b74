"""The rule workbench's Python API: an edited rule against the current one over the stored
articles of the last N days (the hits it gains and loses, and the precision of both on the
stories analysts marked), and saving it to the stored rules.

The work is bounded (``Bounds``: days, articles); the comparison says when the bound cut it
short. A rule comes from the form as strings (``RuleForm``) and is checked by the same model
and query compiler as ``config.yaml``'s rules (``db.stored_rules.check_definition``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, RuleConfig
from monitor.db import articles, stored_rules
from monitor.db.models import Article, Mark
from monitor.errors import ConfigError
from monitor.rules.catalogue import Catalogue
from monitor.rules.engine import Context, RuleEngine, RuleResult
from monitor.rules.user_entities import catalogue_for

DEFAULT_DAYS = 30
MAX_DAYS = 365
DEFAULT_MAX_ARTICLES = 5000
PAGE = 500
EDITED, CURRENT = "edited", "current"  # the two rules' names inside the comparison's engine


@dataclass(frozen=True)
class Bounds:
    """How much history a run reads: the last ``days`` days, at most ``max_articles``."""

    days: int = DEFAULT_DAYS
    max_articles: int = DEFAULT_MAX_ARTICLES


@dataclass(frozen=True)
class RuleForm:
    """A rule as the workbench's form sends it: every field a string (lists comma-separated,
    empty = not set), ``countries_of`` the codes ticked."""

    name: str = ""
    query: str = ""
    exclude: str = ""
    countries_at_least: str = ""
    countries_of: tuple[str, ...] = ()
    min_salience: str = ""
    languages: str = ""
    feeds: str = ""
    tags: str = ""
    severity: str = "medium"

    def definition(self) -> dict[str, Any]:
        """The ``rules:`` item the form stands for (only what was filled in)."""
        out: dict[str, Any] = {"name": self.name.strip(), "severity": self.severity or "medium"}
        for key in ("query", "exclude"):
            if text := getattr(self, key).strip():
                out[key] = text
        if self.countries_at_least.strip() or self.countries_of:
            countries: dict[str, Any] = {}
            if self.countries_at_least.strip():
                countries["at_least"] = self.countries_at_least.strip()
            if self.countries_of:
                countries["of"] = list(self.countries_of)
            out["countries"] = countries
        if self.min_salience.strip():
            out["min_salience"] = self.min_salience.strip()
        for key in ("languages", "feeds", "tags"):
            if items := [x.strip() for x in getattr(self, key).split(",") if x.strip()]:
                out[key] = items
        return out

    @classmethod
    def of_rule(cls, rule: RuleConfig) -> RuleForm:
        """The form filled in with an existing rule."""
        c = rule.countries
        return cls(name=rule.name, query=rule.query or "", exclude=rule.exclude or "",
                   countries_at_least=str(c.at_least) if c else "",
                   countries_of=tuple(c.of) if c else (),
                   min_salience="" if rule.min_salience is None else str(rule.min_salience),
                   languages=", ".join(rule.languages or ()), feeds=", ".join(rule.feeds or ()),
                   tags=", ".join(rule.tags or ()), severity=rule.severity)


@dataclass(frozen=True)
class WorkbenchHit:
    """An article one rule matches and the other does not."""

    article_id: int
    story_id: int | None
    title: str
    site: str | None
    url: str
    created_at: datetime
    why: str  # the clause of the rule that matched it


@dataclass(frozen=True)
class Precision:
    """Of the marked stories a rule hits: how many were judged relevant, how many false
    positives (the latest mark of either kind not undone, per story)."""

    relevant: int = 0
    false_positive: int = 0

    @property
    def marked(self) -> int:
        return self.relevant + self.false_positive

    @property
    def value(self) -> float | None:
        return self.relevant / self.marked if self.marked else None


@dataclass(frozen=True)
class Side:
    """One rule's outcome over the articles read: articles and stories hit, precision."""

    rule: RuleConfig | None
    articles: int = 0
    stories: int = 0
    precision: Precision = field(default_factory=Precision)


@dataclass(frozen=True)
class Comparison:
    """An edited rule against the current one over the same articles: hits gained, lost, kept,
    and each one's precision on marked stories."""
    edited: Side
    current: Side
    gained: tuple[WorkbenchHit, ...]  # newest first
    lost: tuple[WorkbenchHit, ...]
    kept: int  # articles both match
    scanned: int  # articles read
    truncated: bool  # more articles were in the window than ``bounds.max_articles``
    since: datetime
    bounds: Bounds


def parse_rule(form: RuleForm, catalogue: Catalogue) -> RuleConfig:
    """The form's rule, checked as a config rule (``ConfigError`` listing each problem)."""
    return stored_rules.check_definition(form.definition(), catalogue)


def current_rule(s: Session, config: Config, name: str) -> RuleConfig | None:
    """The rule called ``name`` now: ``config.yaml``'s, else the stored one; None if neither."""
    for rule in config.rules:
        if rule.name == name:
            return rule
    found = stored_rules.find_rule(s, name)
    return found.rule if found else None


def compare(s: Session, catalogue: Catalogue, edited: RuleConfig, current: RuleConfig | None,
            now: datetime, bounds: Bounds = Bounds()) -> Comparison:
    """Run ``edited`` and ``current`` (None: a new rule, which had no hits) over the stored
    articles found in the last ``bounds.days`` days (title, and text or else summary, with
    their feeds' names and tags, as a poll sees them), at most ``bounds.max_articles``."""
    if not 1 <= bounds.days <= MAX_DAYS or bounds.max_articles < 1:
        raise ConfigError([("days", f"between 1 and {MAX_DAYS} days, at least one article")])
    rules = [edited.model_copy(update={"name": EDITED})]
    if current is not None:
        rules.append(current.model_copy(update={"name": CURRENT}))
    engine = RuleEngine(rules, catalogue)
    since = now - timedelta(days=bounds.days)
    gained: list[WorkbenchHit] = []
    lost: list[WorkbenchHit] = []
    hit_stories: dict[str, set[int]] = {EDITED: set(), CURRENT: set()}
    counts = {EDITED: 0, CURRENT: 0}
    kept = scanned = last = 0
    for art, results in _analysed(s, engine, since, bounds.max_articles):
        scanned, last = scanned + 1, art.id
        for name in results:
            counts[name] += 1
            if art.story_id is not None:
                hit_stories[name].add(art.story_id)
        if len(results) == 2:
            kept += 1
        elif EDITED in results:
            gained.append(_hit(art, results[EDITED]))
        elif CURRENT in results:
            lost.append(_hit(art, results[CURRENT]))
    truncated = scanned >= bounds.max_articles and bool(
        articles.articles_since(s, since, 1, last))
    marks = story_marks(s, hit_stories[EDITED] | hit_stories[CURRENT])
    return Comparison(
        edited=Side(edited, counts[EDITED], len(hit_stories[EDITED]),
                    _precision(hit_stories[EDITED], marks)),
        current=Side(current, counts[CURRENT], len(hit_stories[CURRENT]),
                     _precision(hit_stories[CURRENT], marks)),
        gained=tuple(reversed(gained)), lost=tuple(reversed(lost)), kept=kept,
        scanned=scanned, truncated=truncated, since=since, bounds=bounds)


def _analysed(s: Session, engine: RuleEngine, since: datetime, limit: int
              ) -> Iterator[tuple[Article, dict[str, RuleResult]]]:
    """Each article of the window, oldest first, with the rules that matched it."""
    after = read = 0
    while read < limit:
        page = articles.articles_since(s, since, min(PAGE, limit - read), after)
        if not page:
            return
        after = page[-1].id
        read += len(page)
        carriers = articles.feeds_and_tags(s, [a.id for a in page])
        for art in page:
            feeds, tags = carriers.get(art.id, ([], []))
            ctx = Context(language=art.language, feeds=tuple(feeds), tags=tuple(tags))
            analysis = engine.analyse(art.title, art.text or art.summary, ctx)
            yield art, {r.rule: r for r in analysis.hits}


def story_marks(s: Session, story_ids: set[int]) -> dict[int, str]:
    """Each story's judgement: its latest ``relevant`` or ``false_positive`` mark (of the
    story or of one of its hits) that was not undone."""
    if not story_ids:
        return {}
    rows = s.execute(select(Mark.story_id, Mark.kind)
                     .where(Mark.story_id.in_(story_ids), Mark.undone_at.is_(None),
                            Mark.kind.in_(("relevant", "false_positive")))
                     .order_by(Mark.created_at, Mark.id))
    return {story_id: kind for story_id, kind in rows}


def _precision(stories: set[int], marks: dict[int, str]) -> Precision:
    kinds = [marks[sid] for sid in stories if sid in marks]
    return Precision(relevant=kinds.count("relevant"),
                     false_positive=kinds.count("false_positive"))


def _hit(art: Article, result: RuleResult) -> WorkbenchHit:
    return WorkbenchHit(article_id=art.id, story_id=art.story_id, title=art.title,
                        site=art.site_name, url=art.url, created_at=art.created_at,
                        why=result.evidence.clause)


@dataclass(frozen=True)
class WorkbenchPage:
    """What the workbench page shows: the form, its problems, a run's comparison, the stored
    rules and the names ``config.yaml`` keeps."""

    form: RuleForm
    errors: tuple[tuple[str, str], ...] = ()
    comparison: Comparison | None = None
    stored: tuple[stored_rules.StoredRuleView, ...] = ()
    config_rules: tuple[str, ...] = ()
    bounds: Bounds = Bounds()


def open_page(s: Session, config: Config, form: RuleForm | None, start: str | None,
              run: bool, now: datetime, bounds: Bounds = Bounds(),
              catalogue: Catalogue | None = None) -> WorkbenchPage:
    """The page: ``form`` as sent, or the form of rule ``start`` (``?rule=NAME``), or an empty
    one; with ``run``, the comparison of its rule with the current rule of that name.
    ``catalogue``: the one to compile with (default: the config's, loaded now)."""
    if form is None:
        rule = current_rule(s, config, start) if start else None
        form = RuleForm.of_rule(rule) if rule else RuleForm(name=start or "")
    errors: tuple[tuple[str, str], ...] = ()
    comparison = None
    if run:
        try:
            catalogue = catalogue or catalogue_for(config)
            edited = parse_rule(form, catalogue)
            comparison = compare(s, catalogue, edited, current_rule(s, config, edited.name),
                                 now, bounds)
        except ConfigError as exc:
            errors = tuple(exc.problems)
    return WorkbenchPage(form=form, errors=errors, comparison=comparison,
                         stored=tuple(stored_rules.stored_rules(s)),
                         config_rules=tuple(r.name for r in config.rules), bounds=bounds)


def save(s: Session, config: Config, form: RuleForm, user: str, now: datetime,
         catalogue: Catalogue | None = None) -> stored_rules.StoredRuleView:
    """Check the form's rule and store it (a name ``config.yaml`` has is refused: that rule
    is edited there); ``ConfigError`` lists the problems and nothing is written."""
    rule = stored_rules.check_definition(form.definition(), catalogue or catalogue_for(config),
                                         {r.name for r in config.rules})
    return stored_rules.save_rule(s, rule, user, now)
