"""The Python API behind managing the feed list: add (with feed discovery), remove, disable,
enable, poll one feed now, and OPML import with a report of what was skipped.

Feeds from config.yaml are managed there: ``remove`` and ``disable`` refuse them (saying so),
since every start and poll makes the database match the config again. Names a user types
that match no feed raise ``UsageError`` with the closest names.
"""

from __future__ import annotations

import asyncio
import difflib
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from monitor import clock, pipeline
from monitor.api import _session, daemon_running, prepare_database
from monitor.app import open_app
from monitor.config import Config
from monitor.db import feeds
from monitor.errors import FeedParseError, MonitorError, UsageError
from monitor.ingest.admission import Known, plan_import, refusal, unique_name
from monitor.ingest.discover import FeedLink
from monitor.ingest.opml import Skipped, import_source, read_opml_items
from monitor.ingest.probe import Probe, probe
from monitor.ingest.sources import ADDED, ADDED_LAN
from monitor.model import PolledFeed


@dataclass(frozen=True)
class Added:
    """A feed ``add`` stored: polled at the next cycle (or by ``feeds poll NAME``)."""

    name: str
    url: str
    title: str
    entries: int
    tags: list[str]
    source: str


@dataclass(frozen=True)
class Choices:
    """``add`` was given a page naming several feeds (or one): which to add is the user's
    choice (``pick``, 1-based)."""

    url: str
    links: list[FeedLink]
    guessed: bool  # from common paths, the page named none


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "skipped": [asdict(s) for s in self.skipped]}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "feed"


def _known(config: Config) -> Known:
    with _session(config, read_only=True) as s:
        rows = feeds.list_feeds(s)
    urls = {u: f.name for f in rows for u in (f.url, f.config_url) if u}
    urls.update({f.url: f.name for f in config.feeds if f.url not in urls})
    return Known(urls, frozenset({f.name for f in rows} | {f.name for f in config.feeds}))


def unknown(config: Config, name: str) -> UsageError:
    """The error for a feed name that matches none, with the closest names."""
    names = sorted(_known(config).names)
    return UsageError(f"no feed named {name!r}",
                      difflib.get_close_matches(name, names, n=3, cutoff=0.6))


def _configured(config: Config, name: str) -> bool:
    return any(f.name == name for f in config.feeds)


def add_feed(config: Config, url: str, *, name: str | None = None,
             tags: list[str] | None = None, allow_private: bool = False,
             pick: int | None = None, now: datetime | None = None) -> Added | Choices:
    """Add the feed at ``url`` after fetching and parsing it. A page instead of a feed gives
    the feeds it names (``Choices``), or, with ``pick``, adds the one picked. Raises
    ``UsageError`` for a URL that cannot be a feed's or is one already, a name taken, a pick
    out of range; ``FetchError`` / ``FeedParseError`` when the URL does not answer with one."""
    prepare_database(config)
    private = allow_private or config.fetch.allow_private_addresses
    known = _known(config)
    if name is not None and name in known.names:
        raise UsageError(f"a feed named {name!r} exists already")
    found = _probe(config, url, private, known, discover=True)
    if found.feed is None:
        if not found.links:
            raise FeedParseError(f"{url} is not a feed ({found.not_feed}) and its page names "
                                 "no feed")
        if pick is None:
            return Choices(url, found.links, found.guessed)
        if not 1 <= pick <= len(found.links):
            raise UsageError(f"--pick {pick}: the page names {len(found.links)} feed(s)")
        url = found.links[pick - 1].url
        found = _probe(config, url, private, known, discover=False)
        if found.feed is None:
            raise FeedParseError(f"{url} is not a feed: {found.not_feed}")
    title = found.feed.title if found.feed else ""
    name = name or unique_name(_slug(title or urlsplit(url).hostname or url), known.names)
    source = ADDED_LAN if allow_private else ADDED
    with _session(config) as s:
        feeds.import_feeds(s, [(name, url, list(tags or []))], now or clock.utcnow(),
                           source=source)
    return Added(name, url, title, len(found.feed.entries) if found.feed else 0,
                 list(tags or []), source)


def _probe(config: Config, url: str, private: bool, known: Known, *, discover: bool
           ) -> Probe:
    if reason := refusal(url, allow_private=private):
        raise UsageError(f"{url}: {reason.replace('import with', 'add with')}")
    if url in known.urls:
        raise UsageError(f"{url} is already a feed: {known.urls[url]!r}")
    return asyncio.run(probe(config.fetch, url, allow_private=private, discover=discover))


def remove_feed(config: Config, name: str) -> None:
    """Delete an added or imported feed (its articles, hits and alerts stay)."""
    prepare_database(config)
    if _configured(config, name):
        raise UsageError(f"feed {name!r} comes from config.yaml: remove it there (the next "
                         "start or poll then turns it off; its history stays)")
    with _session(config) as s:
        if feeds.delete_feed(s, name):
            return
    raise unknown(config, name)


def set_enabled(config: Config, name: str, enabled: bool, now: datetime | None = None
                ) -> str:
    """Turn an added or imported feed off, or on (due at once, revived if it was dead).
    Returns what was done, in words."""
    prepare_database(config)
    if _configured(config, name):
        if enabled:
            return f"feed {name!r} is enabled: it comes from config.yaml"
        raise UsageError(f"feed {name!r} comes from config.yaml: to stop polling it, remove "
                         "it there")
    with _session(config) as s:
        row = feeds.feed_by_name(s, name)
        if row is not None and row.source == "config" and enabled:
            raise UsageError(f"feed {name!r} was removed from config.yaml: add it back there "
                             "to poll it again")
        if row is not None:
            was = row.enabled
            feeds.set_feed_enabled(s, name, enabled, now or clock.utcnow())
            state = "enabled" if enabled else "disabled"
            return f"feed {name!r} {'was already ' if was == enabled else ''}{state}"
    raise unknown(config, name)


def poll_feed_now(config: Config, name: str, out: TextIO | None = None,
                  workers: int | None = None, now: datetime | None = None
                  ) -> pipeline.PollOutcome:
    """Poll one feed at once, whatever its schedule, and store what it brings (alerts are
    queued for the next dispatch)."""
    prepare_database(config)
    if name not in _known(config).names:
        raise unknown(config, name)

    async def main() -> pipeline.PollOutcome:
        async with open_app(config, out=out, workers=workers) as app:
            at = now or clock.utcnow()
            await asyncio.to_thread(pipeline.sync_feeds, app, at,
                                    daemon_running=daemon_running(config))
            feed = await pipeline.run_db(app, _claim, name, at, app.instance,
                                         config.scheduler.lease)
            if isinstance(feed, MonitorError):
                raise feed
            outcome, state = await pipeline.poll_feed(app, feed, at)
            if state is not None:
                await pipeline.run_db(app, feeds.record_poll, feed.id, state)
            return outcome

    return asyncio.run(main())


def _claim(session: Session, name: str, now: datetime, owner: str, lease: float
           ) -> PolledFeed | MonitorError:
    """The feed, leased; or why it cannot be polled now (a disabled feed is a usage error,
    exit 2; one removed meanwhile or polled by another instance a runtime one, exit 1)."""
    row = feeds.feed_by_name(session, name)
    if row is None:
        return MonitorError(f"feed {name!r} was removed meanwhile")
    if not row.enabled:
        return UsageError(f"feed {name!r} is disabled: `monitor feeds enable {name}` first")
    feed = feeds.claim_feed(session, name, now, owner, lease)
    if feed is None:
        return MonitorError(f"feed {name!r} is being polled by {row.lease_owner} right now")
    return feed


def import_opml(config: Config, path: str | Path, allow_private: bool = False,
                now: datetime | None = None) -> ImportReport:
    """Add the feeds of an OPML file (kept in the database beside the config's feeds), and
    say which were skipped and why. They are fetched from public addresses only (unless
    ``fetch.allow_private_addresses``), or from any address with ``allow_private``."""
    prepare_database(config)
    read = read_opml_items(Path(path).read_bytes())
    add, skipped = plan_import(read.feeds, _known(config),
                               allow_private=allow_private
                               or config.fetch.allow_private_addresses)
    with _session(config) as s:
        added = feeds.import_feeds(s, [(f.name, f.url, f.tags) for f in add],
                                   now or clock.utcnow(), source=import_source(allow_private))
    return ImportReport(added, read.skipped + skipped)
