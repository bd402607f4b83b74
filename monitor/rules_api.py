"""The Python API of the rules: try them on a document, evaluate them on labeled stories,
re-run them over stored articles. The CLI's `rules` and `eval` commands call these."""

from __future__ import annotations

import asyncio
import difflib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from monitor import clock, model
from monitor.config import Config, CountryCondition, RuleConfig
from monitor.config.languages import known_languages, rule_language
from monitor.db import articles, hits, stored_rules
from monitor.db.engine import check_schema, make_engine
from monitor.db.session import unit_of_work
from monitor.errors import MonitorError, NotFoundError, UnknownFeedError, UsageError
from monitor.evidence_model import Evidence
from monitor.ingest.extract import extract_article
from monitor.rules.baseline import BASELINE_ALIASES
from monitor.rules.engine import Analysis, Context, RuleEngine
from monitor.rules.evaluate import Split, evaluate
from monitor.rules.user_entities import catalogue_for, entity_id, find_entities


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def analyse_source(config: Config, source: str, stdin: TextIO | None = None,
                   context: Context | None = None) -> tuple[str, Analysis]:
    """Run the rules over a file (text or HTML), a URL or ``-``, as if it came from where
    ``context`` says; returns (title, analysis) with every rule's trace. A text's first line
    is its title."""
    if source == "-":
        raw: bytes | str = (stdin or sys.stdin).read()
    elif source.startswith(("http://", "https://")):
        raw = _fetch_page(config, source)
    else:
        raw = Path(source).read_bytes()
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.lstrip()[:1] == "<":
        extracted = extract_article(text, source if "://" in source else None)
        title, text = extracted.title or "", extracted.text
    else:
        title, _, text = text.strip().partition("\n")
    engine = RuleEngine(config.rules, catalogue_for(config))
    return title.strip(), engine.analyse(title, text, context, explain=True)


def feed_context(config: Config, feed: str | None, tags: tuple[str, ...] = (),
                 language: str | None = None) -> Context:
    """Where a story came from, for ``rules test``: a configured feed (its name and tags), more
    tags, a language. An unknown feed name raises ``UnknownFeedError`` with the closest names;
    a tag neither a configured feed nor a rule has is a ``NotFoundError`` (it could only be a
    typo: no rule would see it), and a language that is not an ISO 639 code (``EN``,
    ``english``) a ``UsageError`` saying which code was meant."""
    _check_tags(config, tags)
    if language is not None and language.split("-")[0] not in known_languages():
        try:
            rule_language(language)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    feeds: tuple[str, ...] = ()
    all_tags = list(tags)
    if feed is not None:
        known = {f.name: f for f in config.feeds}
        if feed not in known:
            raise UnknownFeedError(feed, difflib.get_close_matches(feed, list(known), n=3))
        feeds = (feed,)
        all_tags = known[feed].tags + all_tags
    return Context(language=language or None, feeds=feeds,
                   tags=tuple(dict.fromkeys(all_tags)))


def _check_tags(config: Config, tags: tuple[str, ...]) -> None:
    known = sorted({t for f in config.feeds for t in f.tags}
                   | {t for r in config.rules for t in (r.tags or ())})
    for tag in tags:
        if tag not in known:
            raise NotFoundError("tag", tag, known, hint="no configured feed or rule has a tag")


def _fetch_page(config: Config, url: str) -> bytes:
    from monitor.ingest.fetch import Fetcher, fetch

    async def get() -> bytes:
        async with Fetcher(config.fetch) as client:
            resp = await fetch(client, url, max_bytes=config.fetch.max_body_bytes,
                               total_timeout=config.fetch.timeout * 2,
                               allow_private=config.fetch.allow_private_addresses)
            return resp.body

    return asyncio.run(get())


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    """The ``rules test --json`` document: every rule's verdict and every country's mentions."""
    entities = analysis.catalogue.entities
    countries: dict[str, Any] = {}
    for code, score in analysis.countries.items():
        countries[code] = {
            "salience": score.salience, "about": score.about,
            "mentions": [{"text": m.text, "field": m.field, "start": m.start, "end": m.end,
                          "entities": [eid for eid in m.entity_ids
                                       if code in entities[eid].weights]}
                         for m in analysis.mentions
                         if any(code in entities[eid].weights for eid in m.entity_ids)],
        }
    return {
        "rules": {r.rule: {"matched": r.matched, "score": r.score, "severity": r.severity,
                           "evidence": r.evidence.to_json(),
                           "conditions": asdict(r.trace) if r.trace else None}
                  for r in analysis.results},
        "countries": countries,
    }


DEFAULT_FLAG_RULE = RuleConfig(name="russia-china-us",
                               countries=CountryCondition(at_least=2, of=["RU", "CN", "US"]))


def evaluate_file(config: Config, path: str | Path, split: Split = "all", errors: int = 0,
                  baseline: bool = False) -> dict[str, Any]:
    """Precision/recall/F1 of aboutness, of the flag and of every rule on a labeled JSONL file
    (all rows, clear rows, per language); the russia-china-us rule is added with its defaults
    when the config has none. ``errors``: that many worst-scored stories with their evidence;
    ``baseline``: the keyword baseline scored in the same run."""
    rules = list(config.rules)
    if not any(r.name == DEFAULT_FLAG_RULE.name for r in rules):
        rules.append(DEFAULT_FLAG_RULE)
    engine = RuleEngine(rules, catalogue_for(config))

    def rows() -> Iterator[dict[str, Any]]:
        with Path(path).open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MonitorError(f"{path}:{n}: not JSON: {exc.msg}") from None
                if not isinstance(row, dict):
                    raise MonitorError(f"{path}:{n}: expected a JSON object")
                yield row

    report = evaluate(rows(), engine, split, keep_errors=errors, baseline=baseline)
    doc = {"data": str(path), "split": split, **report.as_dict()}
    if baseline:
        doc["baseline"]["keywords"] = BASELINE_ALIASES
    return doc


def entities(config: Config, query: str | None = None) -> list[dict[str, Any]]:
    """Catalogue entities (the packaged ones and the config's) whose id, name or an alias
    contains ``query``, exact matches first; ``user`` marks those the config adds to."""
    user = frozenset(entity_id(e) for e in config.entities)
    return find_entities(catalogue_for(config), query, user)


@dataclass
class BacktestHit:
    article_id: int
    rule: str
    title: str
    url: str
    created_at: str | None
    stored: bool  # already a stored hit
    evidence: Evidence

    def as_json(self) -> dict[str, Any]:
        """The ``rules backtest --json`` row."""
        return {"article_id": self.article_id, "rule": self.rule, "title": self.title,
                "url": self.url, "created_at": self.created_at, "stored": self.stored,
                "evidence": self.evidence.to_json()}


def backtest(config: Config, since: timedelta | None, rule: str | None = None,
             apply: bool = False, now: datetime | None = None) -> list[BacktestHit]:
    """Re-run the rules (the config's and the enabled stored ones) over stored articles; list
    what fires. ``apply`` stores the hits that were not stored yet (no alerts are queued). An
    unknown ``rule`` is a ``NotFoundError`` naming the known ones."""
    now = now or clock.utcnow()
    db = make_engine(config.database.url)
    out: list[BacktestHit] = []
    try:
        check_schema(db, require_migrated=True)  # "run `monitor db upgrade`", not "no such table"
        catalogue = catalogue_for(config)
        with unit_of_work(db) as s:  # the enabled rules saved from the workbench run too
            every = list(config.rules) + stored_rules.enabled_rules(
                s, catalogue, {r.name for r in config.rules})
        rules = [r for r in every if rule is None or r.name == rule]
        if rule is not None and not rules:
            raise NotFoundError("rule", rule, sorted(r.name for r in every))
        engine = RuleEngine(rules, catalogue)
        after = 0
        while True:
            with unit_of_work(db) as s:
                page = articles.articles_since(s, now - since if since else None, 500, after)
                if not page:
                    break
                after = page[-1].id
                ids = [a.id for a in page]
                carriers = articles.feeds_and_tags(s, ids)
                stored = hits.existing_hits(s, ids)
                for art in page:
                    feeds, tags = carriers.get(art.id, ([], []))
                    ctx = Context(language=art.language, feeds=tuple(feeds), tags=tuple(tags))
                    analysis = engine.analyse(art.title, art.text or art.summary, ctx)
                    for hit in analysis.hits:
                        known = (art.id, hit.rule) in stored
                        out.append(BacktestHit(art.id, hit.rule, art.title, art.url,
                                               _iso(art.created_at), known, hit.evidence))
                        if apply and not known:
                            hits.add_hit(s, art.id, model.NewHit(
                                hit.rule, hit.severity, hit.score, hit.evidence, []), now)
    finally:
        db.dispose()
    return out
