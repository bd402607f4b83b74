"""One story for the desk, evidence first: each rule that fired with its conditions re-run
on the stored article (the ``rules test`` explanation), the countries and entities behind it,
its snippets, hits whose evidence is the same grouped to show it once; the story's timeline
across outlets; each article's text with the entities it names marked. Reads the database;
pure otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.safe_text import link_url
from monitor.config import Config
from monitor.db.articles import feeds_and_tags
from monitor.db.models import Article, Hit, Story
from monitor.db.stored_rules import enabled_rules
from monitor.errors import NotFoundError
from monitor.evidence_model import Evidence, Snippet
from monitor.rules.catalogue import Catalogue
from monitor.rules.engine import Analysis, Context, RuleEngine
from monitor.rules.explain import RuleTrace
from monitor.rules.user_entities import catalogue_for
from monitor.story_api import StoryTimeline, timeline_in

Segments: TypeAlias = tuple[tuple[str, bool], ...]  # (piece, marked) in order


@dataclass(frozen=True)
class FiredRule:
    """A hit of the story: the evidence stored when the rule fired (countries with the
    entities and counts behind them, snippets with matched spans) and the rule's conditions
    re-run now on the stored article (``trace``: None when the rule is no longer
    configured)."""

    hit_id: int
    article_id: int
    rule: str
    severity: str
    score: float
    created_at: datetime
    evidence: Evidence
    trace: RuleTrace | None

    @property
    def snippets(self) -> tuple[Segments, ...]:
        return tuple(tuple(s.segments()) for s in self.evidence.snippets)


@dataclass(frozen=True)
class TextField:
    """One field of an article's text, the entities it names marked."""
    name: str  # title | lead | body
    segments: Segments  # the field's text, the entities it names marked


@dataclass(frozen=True)
class ArticleText:
    """An article of the story as stored, with a link to the original when it is http(s)."""

    article_id: int
    title: str
    link: str | None
    site: str | None
    feeds: tuple[str, ...]
    fields: tuple[TextField, ...]
    marked: tuple[str, ...]  # the distinct texts marked, in order of appearance


@dataclass(frozen=True)
class EvidenceGroup:
    """Hits of the story with the same evidence (stored, and the conditions re-run on their
    article): e.g. one rule on two outlets carrying the same text. The page shows the
    evidence once, headed by the rules and the outlets it applies to."""

    hits: tuple[FiredRule, ...]  # one at least, in the story's order
    rules: tuple[str, ...]  # the hits' rules, each once, in order
    outlets: tuple[str, ...]  # the hits' articles' feeds (or else site), each once, in order

    @property
    def first(self) -> FiredRule:
        """The group's first hit: its evidence, trace and snippets are every hit's."""
        return self.hits[0]


@dataclass(frozen=True)
class StoryDetail:
    """A story for its page: the rules that fired, grouped by their evidence, the timeline,
    the articles' text."""
    id: int
    title: str
    created_at: datetime
    rules: tuple[FiredRule, ...]  # in the order the articles were found, then by rule
    timeline: StoryTimeline
    texts: tuple[ArticleText, ...]
    groups: tuple[EvidenceGroup, ...]  # ``rules`` grouped by their evidence (evidence_groups)


class StoryRules:
    """The rules the story page explains with (the config's, on ``catalogue``), built on first
    use and then shared by every request: building them takes about a second. Thread-safe."""

    def __init__(self, config: Config, catalogue: Callable[[], Catalogue]) -> None:
        self._config = config
        self._catalogue = catalogue
        self._engine: RuleEngine | None = None
        self._lock = threading.Lock()

    def engine(self) -> RuleEngine:
        with self._lock:
            if self._engine is None:
                self._engine = RuleEngine(self._config.rules, self._catalogue())
            return self._engine


def story_detail(s: Session, story_id: int, config: Config,
                 engine: RuleEngine | None = None) -> StoryDetail:
    """The story ``story_id``; ``NotFoundError`` when there is none. ``engine``: the rules
    to explain with (default: ``rules_engine``, the config's and the enabled stored ones)."""
    story = s.get(Story, story_id)
    if story is None:
        raise NotFoundError("story", str(story_id), [])
    timeline = timeline_in(s, story_id)
    articles = list(s.scalars(select(Article).where(Article.story_id == story_id)
                              .order_by(Article.created_at, Article.id)))
    ids = [a.id for a in articles]
    carriers = feeds_and_tags(s, ids)
    rules = engine or rules_engine(s, config)
    analyses: dict[int, Analysis] = {}
    for art in articles:
        feeds, tags = carriers.get(art.id, ([], []))
        ctx = Context(language=art.language, feeds=tuple(feeds), tags=tuple(tags))
        analyses[art.id] = rules.analyse(art.title, art.text or art.summary, ctx, explain=True)
    order = {article_id: n for n, article_id in enumerate(ids)}
    stored = sorted(s.scalars(select(Hit).where(Hit.article_id.in_(ids))),
                    key=lambda h: (order[h.article_id], h.rule, h.id))
    fired = tuple(FiredRule(h.id, h.article_id, h.rule, h.severity, h.score, h.created_at,
                            h.evidence, _trace(analyses[h.article_id], h.rule))
                  for h in stored)
    texts = tuple(_text(a, carriers.get(a.id, ([], []))[0], analyses[a.id]) for a in articles)
    return StoryDetail(story.id, story.title, story.created_at, fired, timeline, texts,
                       evidence_groups(fired, texts))


def evidence_groups(fired: tuple[FiredRule, ...], texts: tuple[ArticleText, ...]
                    ) -> tuple[EvidenceGroup, ...]:
    """``fired`` grouped by equal evidence and trace, the groups in the order of their first
    hit; ``texts`` name each hit's outlets."""
    grouped: list[list[FiredRule]] = []
    for hit in fired:
        same = next((g for g in grouped if _same_evidence(g[0], hit)), None)
        if same is None:
            grouped.append([hit])
        else:
            same.append(hit)
    outlets = {t.article_id: t.feeds or ((t.site,) if t.site else ()) for t in texts}
    return tuple(EvidenceGroup(tuple(g), _each_once(h.rule for h in g),
                               _each_once(o for h in g for o in outlets.get(h.article_id, ())))
                 for g in grouped)


def _same_evidence(a: FiredRule, b: FiredRule) -> bool:
    return a.evidence == b.evidence and a.trace == b.trace


def _each_once(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def rules_engine(s: Session, config: Config) -> RuleEngine:
    """The rules the poll runs: the config's and, beside them, the enabled stored rules."""
    catalogue = catalogue_for(config)
    stored = enabled_rules(s, catalogue, {r.name for r in config.rules})
    return RuleEngine([*config.rules, *stored], catalogue)


def _trace(analysis: Analysis, rule: str) -> RuleTrace | None:
    return next((r.trace for r in analysis.results if r.rule == rule), None)


def _text(art: Article, feeds: list[str], analysis: Analysis) -> ArticleText:
    fields = []
    marked: dict[str, None] = {}
    for name in ("title", "lead", "body"):
        text = analysis.fields.get(name)
        spans = sorted({(m.start, m.end) for m in analysis.mentions if m.field == name},
                       key=lambda se: (se[0], -se[1]))
        segments = tuple(Snippet(name, text, tuple(spans)).segments())
        marked.update((piece, None) for piece, on in segments if on)
        if text:
            fields.append(TextField(name, segments))
    return ArticleText(art.id, art.title, link_url(art.url), art.site_name, tuple(feeds),
                       tuple(fields), tuple(marked))
