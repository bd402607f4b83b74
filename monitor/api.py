"""The Python API behind every CLI command: each daemon job, runnable once.

Functions take a loaded ``Config`` and return values; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from monitor import dispatch, pipeline, scheduler
from monitor.app import open_app
from monitor.config import Config, CountryCondition, RuleConfig
from monitor.db import store
from monitor.db.engine import current_revision, make_engine, upgrade
from monitor.errors import MonitorError, StoreError
from monitor.ingest.extract import extract_article
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import Analysis, Context, RuleEngine
from monitor.rules.evaluate import Split, evaluate


def upgrade_database(config: Config) -> str | None:
    """Apply pending migrations; returns the revision the database is at."""
    engine = make_engine(config.database.url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def prepare_database(config: Config) -> None:
    """Upgrade when ``database.auto_upgrade``; otherwise refuse to run on an old schema."""
    if config.database.auto_upgrade:
        upgrade_database(config)
        return
    engine = make_engine(config.database.url)
    try:
        from alembic.script import ScriptDirectory

        from monitor.db.engine import alembic_config

        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        if current_revision(engine) != head:
            raise StoreError("database schema is not up to date: run `monitor db upgrade`")
    finally:
        engine.dispose()


def run_daemon(config: Config) -> None:
    """Run until SIGINT/SIGTERM."""
    prepare_database(config)

    async def main() -> None:
        async with open_app(config) as app:
            pipeline.sync_feeds(app, pipeline.utcnow())
            await scheduler.run_forever(app)

    asyncio.run(main())


@dataclass
class OnceReport:
    cycle: pipeline.CycleReport
    dispatch: dispatch.DispatchReport


def poll_once(config: Config, out: TextIO | None = None, workers: int | None = None,
              now: datetime | None = None) -> OnceReport:
    """One poll cycle over every feed due at ``now`` (default: the current time), then one
    dispatch of the alerts that are due."""
    prepare_database(config)

    async def main() -> OnceReport:
        async with open_app(config, out=out, workers=workers) as app:
            at = now or pipeline.utcnow()
            pipeline.sync_feeds(app, at)
            cycle = await pipeline.poll_cycle(app, at, until_empty=True)
            sent = await dispatch.dispatch_due(app, at)
            return OnceReport(cycle, sent)

    return asyncio.run(main())


def dispatch_once(config: Config, out: TextIO | None = None,
                  now: datetime | None = None) -> dispatch.DispatchReport:
    """Deliver the alerts due at ``now`` (default: the current time), once."""
    prepare_database(config)

    async def main() -> dispatch.DispatchReport:
        async with open_app(config, out=out, workers=0) as app:
            pipeline.release_stale_leases(app)
            return await dispatch.dispatch_due(app, now or pipeline.utcnow())

    return asyncio.run(main())


def send_test_alert(config: Config, channel: str, out: TextIO | None = None) -> None:
    """Send a test message through one configured channel (raises ``DeliveryError``)."""
    from monitor.alerts.render import AlertView

    view = AlertView(
        alert_id=0, rule="test", severity="low", title="monitor test alert: Xi and Putin meet "
        "in Moscow", url="https://example.org/monitor-test", site="monitor",
        published_at=pipeline.utcnow(), feeds=["test"], score=0.0, test=True,
        evidence={"clause": "a test message, not a real hit", "about": ["RU", "CN"],
                  "countries": {"RU": {"name": "Russia", "salience": 4.0, "entities": [
                      {"id": "Q7747", "name": "Vladimir Putin", "count": 1}]},
                      "CN": {"name": "China", "salience": 4.0, "entities": [
                          {"id": "Q15031", "name": "Xi Jinping", "count": 1}]}},
                  "snippets": [{"field": "title", "text": "Xi and Putin meet in Moscow",
                                "spans": [[0, 2], [7, 12], [21, 27]]}]})

    async def main() -> None:
        async with open_app(config, out=out, workers=0) as app:
            target = app.channels.get(channel)
            if target is None:
                known = ", ".join(app.channel_names) or "none"
                raise MonitorError(f"no enabled channel named {channel!r} (enabled: {known})")
            await target.send(view)

    asyncio.run(main())


def retry_alerts(config: Config, alert_id: int | None = None, failed: bool = False) -> int:
    """Requeue one alert, or every failed one; returns how many."""
    prepare_database(config)
    engine = make_engine(config.database.url)
    try:
        with store.unit_of_work(engine) as s:
            return store.requeue(s, pipeline.utcnow(), alert_id, failed)
    finally:
        engine.dispose()


def feeds_health(config: Config) -> list[dict[str, Any]]:
    engine = make_engine(config.database.url)
    try:
        with store.unit_of_work(engine) as s:
            counts = store.article_counts_by_feed(s)
            return [{
                "name": f.name, "url": f.url, "enabled": f.enabled, "status": f.last_status,
                "last_error": f.last_error, "error_count": f.error_count,
                "last_checked_at": _iso(f.last_checked_at), "next_check_at": _iso(f.next_check_at),
                "articles": counts.get(f.id, 0), "entries_per_week": f.entries_per_week,
                "dead_reason": f.dead_reason, "source": f.source, "tags": list(f.tags or []),
            } for f in store.list_feeds(s)]
    finally:
        engine.dispose()


def import_opml(config: Config, path: str | Path) -> list[str]:
    """Add the feeds of an OPML file (kept in the database beside the config's feeds)."""
    from monitor.ingest.opml import read_opml

    prepare_database(config)
    feeds = read_opml(Path(path).read_bytes())
    engine = make_engine(config.database.url)
    try:
        with store.unit_of_work(engine) as s:
            return store.import_feeds(s, [(f.name, f.url, f.tags) for f in feeds],
                                      pipeline.utcnow())
    finally:
        engine.dispose()


def export_opml(config: Config) -> str:
    """Every enabled feed (from the config and imported) as OPML."""
    from monitor.ingest.opml import OpmlFeed, write_opml

    prepare_database(config)
    engine = make_engine(config.database.url)
    try:
        with store.unit_of_work(engine) as s:
            listed = [OpmlFeed(f.name, f.url, list(f.tags or []))
                              for f in store.list_feeds(s) if f.enabled]
    finally:
        engine.dispose()
    known = {f.name for f in listed}
    listed += [OpmlFeed(f.name, f.url, list(f.tags)) for f in config.feeds
                       if f.name not in known]  # configured but never polled yet
    return write_opml(listed)


def recent_hits(config: Config, since: timedelta | None = None, rule: str | None = None,
                now: datetime | None = None) -> list[dict[str, Any]]:
    engine = make_engine(config.database.url)
    now = now or pipeline.utcnow()
    try:
        with store.unit_of_work(engine) as s:
            hits = store.list_hits(s, now - since if since else None, rule)
            return [{
                "id": h.id, "rule": h.rule, "severity": h.severity, "score": h.score,
                "created_at": _iso(h.created_at), "title": h.article.title, "url": h.article.url,
                "feeds": store.feeds_of_article(s, h.article_id), "evidence": h.evidence,
            } for h in hits]
    finally:
        engine.dispose()


def alerts(config: Config, status: str | None = None) -> list[dict[str, Any]]:
    engine = make_engine(config.database.url)
    try:
        with store.unit_of_work(engine) as s:
            return [{
                "id": a.id, "channel": a.channel, "status": a.status, "attempts": a.attempts,
                "kind": a.kind, "parent_id": a.parent_id,
                "story_id": a.hit.article.story_id,
                "next_attempt_at": _iso(a.next_attempt_at), "sent_at": _iso(a.sent_at),
                "last_error": a.last_error, "rule": a.hit.rule, "title": a.hit.article.title,
                "url": a.hit.article.url,
            } for a in store.list_alerts(s, status)]
    finally:
        engine.dispose()


def analyse_source(config: Config, source: str, stdin: TextIO | None = None
                   ) -> tuple[str, Analysis]:
    """Run the rules over a file (text or HTML), a URL or ``-``; returns (title, analysis)."""
    if source == "-":
        raw: bytes | str = (stdin or sys.stdin).read()
    elif source.startswith(("http://", "https://")):
        raw = _fetch_page(config, source)
    else:
        raw = Path(source).read_bytes()
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    title = ""
    if text.lstrip()[:1] == "<":
        extracted = extract_article(text, source if "://" in source else None)
        title, text = extracted.title or "", extracted.text
    engine = RuleEngine(config.rules, load_catalogue())
    return title, engine.analyse(title, text, explain=True)


def _fetch_page(config: Config, url: str) -> bytes:
    from monitor.ingest.fetch import fetch, make_client

    async def get() -> bytes:
        async with make_client(config.fetch) as client:
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
                           "evidence": r.evidence} for r in analysis.results},
        "countries": countries,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ---- rules: evaluation and backtest -----------------------------------------------------------

DEFAULT_FLAG_RULE = RuleConfig(name="russia-china-us",
                               countries=CountryCondition(at_least=2, of=["RU", "CN", "US"]))


def evaluate_file(config: Config, path: str | Path, split: Split = "all") -> dict[str, Any]:
    """Precision/recall/F1 of aboutness and of every rule on a labeled JSONL file; the
    russia-china-us rule is added with its defaults when the config has none."""
    rules = list(config.rules)
    if not any(r.name == DEFAULT_FLAG_RULE.name for r in rules):
        rules.append(DEFAULT_FLAG_RULE)
    engine = RuleEngine(rules, load_catalogue())

    def rows() -> Iterator[dict[str, Any]]:
        with Path(path).open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MonitorError(f"{path}:{n}: not JSON: {exc.msg}") from None

    report = evaluate(rows(), engine, split)
    return {"data": str(path), "split": split, **report.as_dict()}


@dataclass
class BacktestHit:
    article_id: int
    rule: str
    title: str
    url: str
    created_at: str | None
    stored: bool  # already a stored hit
    evidence: dict[str, Any]


def backtest(config: Config, since: timedelta | None, rule: str | None = None,
             apply: bool = False, now: datetime | None = None) -> list[BacktestHit]:
    """Re-run the rules over stored articles; list what fires. ``apply`` stores the hits that
    were not stored yet (no alerts are queued)."""
    rules = [r for r in config.rules if rule is None or r.name == rule]
    if rule is not None and not rules:
        raise MonitorError(f"no rule named {rule!r} in the config")
    engine = RuleEngine(rules, load_catalogue())
    now = now or pipeline.utcnow()
    db = make_engine(config.database.url)
    out: list[BacktestHit] = []
    try:
        after = 0
        while True:
            with store.unit_of_work(db) as s:
                page = store.articles_since(s, now - since if since else None, 500, after)
                if not page:
                    break
                after = page[-1].id
                ids = [a.id for a in page]
                carriers = store.feeds_and_tags(s, ids)
                stored = store.existing_hits(s, ids)
                for art in page:
                    feeds, tags = carriers.get(art.id, ([], []))
                    ctx = Context(language=art.language, feeds=tuple(feeds), tags=tuple(tags))
                    analysis = engine.analyse(art.title, art.text or art.summary, ctx)
                    for hit in analysis.hits:
                        known = (art.id, hit.rule) in stored
                        out.append(BacktestHit(art.id, hit.rule, art.title, art.url,
                                               _iso(art.created_at), known, hit.evidence))
                        if apply and not known:
                            store.add_hit(s, art.id, store.NewHit(
                                hit.rule, hit.severity, hit.score, hit.evidence, []), now)
    finally:
        db.dispose()
    return out
