"""Orchestration: one poll cycle, one feed poll end to end, one article end to end.

    fetch feed → decide (ingest.decide) → drop seen entries → fetch + extract article → rules
    → store (with the feed's state) → outbox

No SQL, HTTP or parsing lives here, nor any decision a pure function can make: only the order
of the stages and what happens on failure. ``cycle`` (claiming, the sliding window, failures
written in groups), ``poll`` (one feed), ``articles`` (one article, its story), ``feeds``
(start-up: the feeds table, stale leases, the story index), ``units`` (database work from the
event loop).
"""

from monitor.db_work import read_db, run_db
from monitor.pipeline.articles import build_article, story_signature
from monitor.pipeline.cycle import CycleReport, poll_cycle
from monitor.pipeline.feeds import load_stories, release_stale_leases, sync_feeds
from monitor.pipeline.poll import PollOutcome, poll_feed

__all__ = ["CycleReport", "PollOutcome", "build_article", "load_stories", "poll_cycle",
           "poll_feed", "read_db", "release_stale_leases", "run_db", "story_signature",
           "sync_feeds"]
