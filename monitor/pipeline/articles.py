"""One article end to end: fetch and extract the page (when asked), fall back to the feed's
text, run the rules; an article several feeds bring at once is built once. With full text off
a feed's new articles are built together (``build_from_feed``), their rules in one hop to a
rules thread. Also what identifies an article's story, and when a channel wants its alerts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from monitor import model
from monitor.alerts.outbox import next_digest
from monitor.app import App
from monitor.db.models import Article
from monitor.errors import BlockedAddressError, FetchError
from monitor.ingest.extract import Extracted
from monitor.ingest.feeds import Entry
from monitor.ingest.fetch import fetch
from monitor.ingest.identity import canonical_url
from monitor.ingest.workers import extract_in_pool
from monitor.model import PolledFeed
from monitor.rules.engine import Analysis, Context
from monitor.stories import Signature, signature

log = logging.getLogger("monitor.pipeline")
NOT_REQUESTED = Extracted(text="", error="full text not requested")


async def articles_or_fallbacks(app: App, feed: PolledFeed, to_build: dict[str, Entry],
                                 built: list[model.NewArticle | BaseException],
                                 feed_title: str, context: Context
                                 ) -> tuple[list[model.NewArticle], list[str]]:
    """The articles built; one whose building raised (a bug, a link nothing foresaw) is
    built again from the feed's own text, and dropped only if that fails too. Returns the
    articles and what failed."""
    articles: list[model.NewArticle] = []
    failed: list[str] = []
    for (url, entry), result in zip(to_build.items(), built, strict=True):
        if isinstance(result, model.NewArticle):
            articles.append(result)
            continue
        if not isinstance(result, Exception):  # cancelled, or the process is exiting
            raise result
        log.error("article failed feed=%s url=%s error=%r", feed.name, url, str(result),
                  exc_info=result)
        reason = f"{url[:200]}: {type(result).__name__}: {result}"
        try:
            art = await build_article(app, url, entry, False, feed_title, context)
        except Exception as exc:
            log.error("article dropped feed=%s url=%s", feed.name, url, exc_info=exc)
            failed.append(reason + " (dropped)")
            continue
        articles.append(replace(art, text_source=f"feed: article failed: {type(result).__name__}"))
        failed.append(reason)
    return articles, failed


def story_signature(article: model.NewArticle | Article, app: App) -> Signature | None:
    """What identifies an article's story: the words of its title and lead, and the
    catalogue entities they name (for other languages)."""
    lead = (article.text or article.summary or "")[:400]
    mentions = (app.rules.matcher.find_in(article.title, "title")
                + app.rules.matcher.find_in(lead, "lead"))
    entities = frozenset(e for m in mentions for e in m.entity_ids)
    return signature(article.title, lead, entities, article.language)


def due_at(app: App, channel: str, now: datetime) -> datetime:
    """When ``channel`` wants an alert queued at ``now``: at once, or its next digest."""
    cfg = app.channel_configs.get(channel)
    return next_digest(now, cfg.digest, cfg.digest_at) if cfg else now


async def article_once(app: App, url: str, entry: Entry, full_text: bool,
                        feed_title: str, context: Context) -> model.NewArticle:
    """Build an article, sharing the work when several feeds bring the same URL at once."""
    running = app.polling.inflight.get(url)
    if running is not None:
        return await asyncio.shield(running)
    task = asyncio.ensure_future(build_article(app, url, entry, full_text, feed_title, context))
    app.polling.inflight[url] = task
    try:
        return await task
    finally:
        app.polling.inflight.pop(url, None)


async def build_article(app: App, canonical: str, entry: Entry, full_text: bool,
                        feed_title: str = "", context: Context | None = None
                        ) -> model.NewArticle:
    """Fetch and extract the page (when asked), fall back to the feed's text, run the rules.
    ``canonical`` is the entry's article key (its canonical link)."""
    extracted, final = NOT_REQUESTED, None
    if full_text and entry.link:
        extracted, final = await _fetch_and_extract(app, entry.link)
    draft = _draft(canonical, entry, extracted, final, feed_title, context)
    analysis = await app.pool.run_rules(app.rules.analyse, draft.title, draft.text, draft.context)
    return _finish(app, draft, analysis)


async def build_from_feed(app: App, to_build: dict[str, Entry], feed_title: str,
                          context: Context) -> list[model.NewArticle | BaseException]:
    """The articles of a feed's new entries from the feed's own text (full text off), in the
    order of ``to_build``: what ``build_article`` makes of each, with the rules of them all
    run in one hop to a rules thread (one hop an article cost more than a short article's
    rules). An article whose building raised is its exception, at its place; the others are
    built all the same. One of them another feed is building at the moment is shared, as
    ``article_once`` does."""
    inflight = app.polling.inflight
    loop = asyncio.get_running_loop()
    mine = {url: loop.create_future() for url in to_build if url not in inflight}
    others = {url: inflight[url] for url in to_build if url not in mine}
    inflight.update(mine)
    try:
        drafts = [_draft(url, to_build[url], NOT_REQUESTED, None, feed_title, context)
                  for url in mine]
        analyses = await app.pool.run_rules(analyse_each, app.rules.analyse,
                                            [(d.title, d.text, d.context) for d in drafts])
        for draft, analysis, future in zip(drafts, analyses, mine.values(), strict=True):
            _settle(future, partial(_finish, app, draft, analysis))
    finally:
        for url, future in mine.items():
            inflight.pop(url, None)
            future.cancel()  # (only those not settled: cancelled with this poll)
    shared = await asyncio.gather(*(asyncio.shield(f) for f in others.values()),
                                  return_exceptions=True)
    results: dict[str, model.NewArticle | BaseException] = dict(zip(others, shared, strict=True))
    results.update((url, future.exception() or future.result()) for url, future in mine.items())
    return [results[url] for url in to_build]


def analyse_each(analyse: Callable[[str, str, Context], Analysis],
                 articles: Sequence[tuple[str, str, Context]]) -> list[Analysis | Exception]:
    """``analyse(title, text, context)`` of each article; one that raises (a bug, a text
    nothing foresaw) is its exception, at its place, and costs none of the others."""
    out: list[Analysis | Exception] = []
    for title, text, context in articles:
        try:
            out.append(analyse(title, text, context))
        except Exception as exc:
            out.append(exc)
    return out


def _settle(future: asyncio.Future[model.NewArticle],
            finish: Callable[[], model.NewArticle]) -> None:
    """``future`` given what ``finish`` returns, or what it raises (raised by its analysis:
    an exception given)."""
    try:
        future.set_result(finish())
    except Exception as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: a future nobody else awaits must not log it


@dataclass(frozen=True)
class _Draft:
    """An article before its rules: its page fetched and extracted, or not."""

    canonical: str
    link_key: str
    url: str
    title: str
    text: str
    source: str
    entry: Entry
    extracted: Extracted
    feed_title: str
    context: Context
    meta: dict[str, Any]


def _draft(canonical: str, entry: Entry, extracted: Extracted, final: str | None,
           feed_title: str, context: Context | None) -> _Draft:
    link_key, url, meta = canonical, entry.link or canonical, dict[str, Any]()
    if final and canonical_url(final) != canonical:
        # A redirector (an aggregator such as Google News, a link shortener): the article
        # is known by where the link led, so other feeds linking it directly share it.
        meta["via"] = entry.link
        url, canonical = final, canonical_url(final)
    if extracted.error is None:
        text, source = extracted.text, "full"
    else:
        feed_text = entry.content if len(entry.content) > len(entry.summary) else entry.summary
        text, source = feed_text, f"feed: {extracted.error}"
    return _Draft(canonical, link_key, url, entry.title or extracted.title or "", text, source,
                  entry, extracted, feed_title,
                  replace(context or Context(), language=extracted.language), meta)


def _finish(app: App, d: _Draft, analysis: Analysis | Exception) -> model.NewArticle:
    """The article, given its rules' analysis (raised when that failed)."""
    if isinstance(analysis, Exception):
        raise analysis
    hits = [model.NewHit(rule=r.rule, severity=r.severity, score=r.score, evidence=r.evidence,
                         channels=[c for c in (r.channels or app.channel_names)
                                   if c in app.channels])
            for r in analysis.hits]
    entry, extracted, meta = d.entry, d.extracted, d.meta
    if extracted.date:
        meta["date"] = extracted.date
    if entry.tags:
        meta["tags"] = list(entry.tags)
    return model.NewArticle(
        canonical_url=d.canonical, url=d.url, title=d.title,
        summary=entry.summary[:5000], text=d.text, text_source=d.source,
        published_at=entry.published, author=entry.author or extracted.author,
        site_name=extracted.site_name or d.feed_title or None, language=extracted.language,
        meta=meta, hits=hits, link_key=d.link_key)


async def _fetch_and_extract(app: App, link: str) -> tuple[Extracted, str | None]:
    """The extracted page and the URL it was finally served from (None if not fetched)."""
    cfg = app.config.fetch
    try:
        async with app.fetch_slots:
            page = await fetch(app.fetcher, link, max_bytes=cfg.max_body_bytes,
                               total_timeout=cfg.timeout * 2, gate=app.gate,
                               allow_private=cfg.allow_private_addresses,
                               max_redirects=cfg.max_redirects,
                               accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    except BlockedAddressError as exc:
        return Extracted(text="", error=f"not fetched: {exc.reason}"), None
    except FetchError as exc:
        log.info("article fetch failed url=%s error=%r", link, exc.reason)
        return Extracted(text="", error=f"page fetch failed: {exc.reason}"), None
    result = await extract_in_pool(app.pool, page.body, page.url, cfg.extract_timeout)
    return result, page.url
