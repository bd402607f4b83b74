"""What `monitor poll --once` says: its one-line summary, its --json object, its progress line.

Pure: the values come in (the cycle's outcomes, the dispatch counts, the next due feed, ``now``)
and text or JSON-ready dicts go out; the CLI decides where they are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from monitor.human import moment, one_line, until

if TYPE_CHECKING:  # the CLI imports this module; the pipeline loads only when a command runs
    from monitor.dispatch import DispatchReport
    from monitor.pipeline import CycleReport, PollOutcome


@dataclass(frozen=True)
class NextDue:
    """The enabled feed whose next check comes first, and when."""

    feed: str
    at: datetime


def succeeded(cycle: CycleReport, sent: DispatchReport) -> bool:
    """Exit 0 only when every feed polled and every alert due was delivered (none failed for
    good, none waits for a retry after an error: as `alerts dispatch`)."""
    return cycle.failed == 0 and sent.failed == 0 and sent.retrying == 0


def summary_json(cycle: CycleReport, sent: DispatchReport, next_due: NextDue | None
                 ) -> dict[str, Any]:
    """The one object `poll --once --json` prints."""
    return {
        "ok": succeeded(cycle, sent),
        "feeds_polled": cycle.polled,
        "feeds_failed": cycle.failed,
        "failures": [{"feed": o.feed, "status": o.status, "error": o.error}
                     for o in cycle.outcomes if not o.ok],
        "new_entries": cycle.total("new_entries"),
        "articles": cycle.total("articles"),
        "hits": cycle.total("hits"),
        "alerts": {"sent": sent.sent, "retrying": sent.retrying, "failed": sent.failed},
        "next_due": ({"feed": next_due.feed, "at": next_due.at.isoformat()}
                     if next_due else None),
    }


def summary_lines(cycle: CycleReport, sent: DispatchReport, next_due: NextDue | None,
                  now: datetime) -> list[str]:
    """The summary for people: one line, then one line per failed feed (or, when nothing was
    due, when the next feed is)."""
    alerts = f"alerts sent {sent.sent}, retrying {sent.retrying}, failed {sent.failed}"
    if cycle.polled == 0:
        return [f"{nothing_due(next_due, now)}; {alerts}"]
    lines = [f"polled {cycle.polled} feeds ({cycle.failed} failed): "
             f"{cycle.total('new_entries')} new entries, {cycle.total('articles')} articles, "
             f"{cycle.total('hits')} hits; {alerts}"]
    for o in cycle.outcomes:
        if not o.ok:
            status = f" (HTTP {o.status})" if o.status else ""
            lines.append(f"  failed: {one_line(o.feed)}{status}: {one_line(o.error or '?')}")
    return lines


def nothing_due(next_due: NextDue | None, now: datetime) -> str:
    if next_due is None:
        return "nothing due; no enabled feed to poll"
    return (f"nothing due; next: {one_line(next_due.feed)} at {moment(next_due.at)} "
            f"({until(next_due.at, now)})")


@dataclass
class Progress:
    """Feeds done out of those due, new articles and hits so far, as one status line."""

    total: int = 0
    done: int = 0
    failed: int = 0
    articles: int = 0
    hits: int = 0

    def add(self, outcome: PollOutcome) -> None:
        self.done += 1
        self.failed += not outcome.ok
        self.articles += outcome.articles
        self.hits += outcome.hits

    def line(self) -> str:
        total = max(self.total, self.done)
        failed = f" ({self.failed} failed)" if self.failed else ""
        return (f"polling: {self.done}/{total} feeds{failed}, {self.articles} new articles, "
                f"{self.hits} hits")
