"""Alert dispatch: deliver the outbox rows that are due, each channel in parallel.

    outbox row → render (AlertView) → channel → mark sent, or schedule a retry / fail

Each outcome is written as soon as it is known, so a crash re-sends at most the alert that was
in flight (the one window for a duplicate).
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime

from monitor.alerts.outbox import next_attempt
from monitor.alerts.render import AlertView
from monitor.app import App
from monitor.db import store
from monitor.db.models import Alert
from monitor.errors import DeliveryError
from monitor.pipeline import utcnow

log = logging.getLogger("monitor.dispatch")


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _view(alert: Alert, feeds: list[str]) -> AlertView:
    hit, art = alert.hit, alert.hit.article
    return AlertView(alert_id=alert.id, rule=hit.rule, severity=hit.severity, title=art.title,
                     url=art.url, site=art.site_name, published_at=art.published_at,
                     feeds=feeds, evidence=hit.evidence, score=hit.score)


async def dispatch_due(app: App, now: datetime, limit: int = 500) -> DispatchReport:
    """Deliver every alert that is due; channels work in parallel, alerts in order per channel.
    Each outcome is written as soon as it is known, so a crash re-sends at most the alert that
    was in flight (the one window for a duplicate)."""
    with store.unit_of_work(app.engine) as s:
        due = store.due_alerts(s, now, limit)
        views = {a.id: _view(a, store.feeds_of_article(s, a.hit.article_id)) for a in due}
    by_channel: dict[str, list[Alert]] = {}
    for alert in due:
        by_channel.setdefault(alert.channel, []).append(alert)
    report = DispatchReport()
    await asyncio.gather(*(_deliver(app, name, alerts, views, now, report)
                           for name, alerts in by_channel.items()))
    return report


async def _deliver(app: App, name: str, alerts: list[Alert], views: dict[int, AlertView],
                   now: datetime, report: DispatchReport) -> None:
    channel = app.channels.get(name)
    for alert in alerts:
        try:
            if channel is None:
                raise DeliveryError(name, "channel is not configured or not enabled",
                                    permanent=True)
            await channel.send(views[alert.id])
        except DeliveryError as exc:
            attempts = alert.attempts + 1
            retry_at = next_attempt(now, attempts, app.config.alerts.retry,
                                    jitter=random.random(), retry_after=exc.retry_after,
                                    permanent=exc.permanent)
            log.warning("alert delivery failed alert=%d channel=%s attempt=%d error=%r "
                        "retry_at=%s", alert.id, name, attempts, exc.reason,
                        retry_at.isoformat() if retry_at else "never")
            with store.unit_of_work(app.engine) as s:
                store.mark_attempt_failed(s, alert.id, exc.reason, retry_at)
            if retry_at is None:
                report.failed += 1
                continue
            # The channel is struggling (down, throttling): leave its other alerts for the
            # next round instead of hammering it; other channels carry on in parallel.
            report.retrying += 1
            break
        with store.unit_of_work(app.engine) as s:
            store.mark_sent(s, alert.id, utcnow())
        report.sent += 1
        log.info("alert sent alert=%d channel=%s rule=%s", alert.id, name,
                 views[alert.id].rule)
