"""`monitor status` for people: the status summary (``api.status``) as lines, numbers
rounded, times to the minute with how long ago, untrusted text on one line. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.human import megabytes, moment, one_line, until


def status_lines(s: dict[str, Any], now: datetime) -> list[str]:
    feeds = s["feeds"]
    last = feeds["last_success"]
    polled = f"{moment(datetime.fromisoformat(last))} " \
             f"({until(datetime.fromisoformat(last), now)})" if last else "never"
    lines = [f"feeds: {feeds['total']} ({feeds['enabled']} enabled), {feeds['in_error']} in "
             f"error, {feeds['dead']} dead; last successful poll {polled}"]
    if waiting := feeds["not_polled"]:
        names = ", ".join(one_line(n) for n in waiting[:5])
        more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
        lines.append(f"  not polled yet: {names}{more} (`monitor poll --once` polls them)")
    for f in feeds["worst"]:
        problem = one_line(f["dead_reason"] or f["last_error"] or "")
        lines.append(f"  ! {one_line(f['name'])}: {problem} (errors: {f['error_count']})")
    lines.append(f"articles: {s['articles']}; stories: {s['stories']}; hits (24h): "
                 f"{s['hits_24h']}")
    for h in s["latest_hits"]:
        at = moment(datetime.fromisoformat(h["created_at"]))
        lines.append(f"  #{h['id']} {at} [{one_line(h['rule'])}] {one_line(h['title'] or '')[:80]}")
    outbox = ", ".join(f"{k} {v}" for k, v in sorted(s["outbox"].items())) or "empty"
    lines.append(f"outbox: {outbox}")
    size = s["database_bytes"]
    lines.append(f"database: {s['database']}" + (f" ({megabytes(size)})" if size is not None
                                                 else ""))
    return lines
