"""Start-up of polling: the feeds table brought in line with the config, the leases a dead
process left behind given back, the story index filled from the recent stories."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime

from monitor.app import App
from monitor.db import dialect, feeds, outbox, stories
from monitor.db.session import unit_of_work
from monitor.pipeline.articles import story_signature

log = logging.getLogger("monitor.pipeline")


def sync_feeds(app: App, now: datetime, *, daemon_running: bool = False) -> None:
    """Bring the feeds table in line with the config (at start-up). ``daemon_running``: a
    one-shot command beside a running daemon (SQLite), which must leave its leases alone."""
    with unit_of_work(app.engine) as s:
        feeds.sync_feeds(s, app.config.feeds, now)
    release_stale_leases(app, daemon_running=daemon_running)
    if not len(app.stories):
        load_stories(app, now)


def release_stale_leases(app: App, *, daemon_running: bool = False) -> int:
    """SQLite runs a single daemon: a lease found at start-up whose owner is no longer
    running is a dead process's, and is given back. Nothing is released while a daemon runs
    elsewhere (a one-shot command beside it), nor the leases of processes still alive on this
    host (a one-shot command beside a daemon starting). Returns the owners released."""
    if not dialect.single_writer(app.engine) or daemon_running:
        return 0
    released = 0
    with unit_of_work(app.engine) as s:
        for owner in feeds.lease_owners(s):
            if owner != app.instance and _owner_alive(owner):
                continue
            feeds.release_leases(s, owner)
            outbox.release_alert_leases(s, owner)
            log.info("released stale leases owner=%s", owner)
            released += 1
    return released


def _owner_alive(owner: str) -> bool:
    """Whether the process an instance id (``host:pid``) names still runs on this host; an
    owner from another host counts as gone (SQLite is one host's file)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_stories(app: App, now: datetime) -> None:
    """Fill the story index with the recent stories, so a restart keeps grouping."""
    with unit_of_work(app.engine) as s:
        recent = stories.recent_story_articles(s, now - app.stories.window)
    for art in recent:
        if art.story_id is not None and (sig := story_signature(art, app)):
            app.stories.add(art.story_id, sig, art.created_at)
