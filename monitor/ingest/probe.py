"""Whether a URL a user gives is a feed: fetched (through the fetch guard) and parsed; when it
is an HTML page instead, the feeds the page names (``discover``), or else the common feed
paths of its site that answer with a feed."""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.config import FetchConfig
from monitor.errors import FeedParseError, FetchError
from monitor.ingest.discover import FeedLink, common_feed_urls, feed_links
from monitor.ingest.feeds import ParsedFeed, parse_feed
from monitor.ingest.fetch import Fetcher, fetch

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True)
class Probe:
    """What a URL turned out to be: a feed (``feed`` set), or a page naming ``links``."""

    url: str
    feed: ParsedFeed | None = None
    not_feed: str | None = None  # why it is not a feed
    links: list[FeedLink] = field(default_factory=list)
    guessed: bool = False  # the links come from common paths, not from the page


async def _get_feed(client: Fetcher, cfg: FetchConfig, url: str, allow_private: bool
                    ) -> tuple[bytes, str, ParsedFeed | None, str | None]:
    """(body, final URL, the feed or None, why not a feed); raises ``FetchError``."""
    resp = await fetch(client, url, max_bytes=cfg.max_body_bytes, total_timeout=cfg.timeout * 2,
                       allow_private=allow_private, accept=FEED_ACCEPT,
                       max_redirects=cfg.max_redirects)
    if resp.status != 200:
        raise FetchError(url, f"HTTP {resp.status}", status=resp.status)
    try:
        return resp.body, resp.url, parse_feed(resp.body, url,
                                               resp.headers.get("content-type")), None
    except FeedParseError as exc:
        return resp.body, resp.url, None, str(exc)


async def probe(cfg: FetchConfig, url: str, *, allow_private: bool,
                discover: bool = True) -> Probe:
    """Fetch ``url`` and parse it as a feed; if it is not one and ``discover``, look for the
    feeds its page names (then, if it names none, at the site's common feed paths). Raises
    ``FetchError`` when ``url`` cannot be fetched."""
    async with Fetcher(cfg) as client:
        body, final, feed, why = await _get_feed(client, cfg, url, allow_private)
        if feed is not None or not discover:
            return Probe(url, feed=feed, not_feed=why)
        links = feed_links(body, final)
        if links:
            return Probe(url, not_feed=why, links=links)
        found = []
        for candidate in common_feed_urls(final):
            try:
                _, _, parsed, _ = await _get_feed(client, cfg, candidate, allow_private)
            except FetchError:
                continue
            if parsed is not None:
                found.append(FeedLink(candidate, parsed.version or "feed", parsed.title))
        return Probe(url, not_feed=why, links=found, guessed=True)
