"""Alert dispatch: deliver the outbox rows that are due, each channel in parallel.

    outbox rows → views → channel → mark sent, or schedule a retry, or fail

Per channel, in one round: a digest channel gets all its due rows as one message; otherwise
follow-ups (later articles of an alerted story) go as thread replies where the channel has
threads and are *folded* (kept, not sent) where it has not, and the story alerts go one by
one, or as one message listing them when several are due at once (a burst), never closer than
the channel's ``min_gap``. Each outcome is written as soon as it is known, so a crash re-sends
at most what was in flight: the one window for a duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.alerts.channel import Channel
from monitor.alerts.outbox import next_attempt
from monitor.alerts.render import AlertView
from monitor.app import App
from monitor.db import outbox, store
from monitor.db.models import Alert
from monitor.errors import DeliveryError
from monitor.pipeline import utcnow

log = logging.getLogger("monitor.dispatch")
PARENT_WAIT = timedelta(seconds=30)  # a follow-up waits this long for its alert to be sent


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    folded: int = 0


def _view(app: App, alert: Alert, feeds: list[str]) -> AlertView:
    hit, art = alert.hit, alert.hit.article
    rule = next((r for r in app.config.rules if r.name == hit.rule), None)
    return AlertView(alert_id=alert.id, rule=hit.rule, severity=hit.severity, title=art.title,
                     url=art.url, site=art.site_name, published_at=art.published_at,
                     feeds=feeds, evidence=hit.evidence, score=hit.score,
                     story_id=art.story_id, kind=alert.kind, parent_id=alert.parent_id,
                     recipients=list(rule.email_to) if rule and rule.email_to else None)


async def dispatch_due(app: App, now: datetime, limit: int = 500) -> DispatchReport:
    """Deliver every alert that is due at ``now``."""
    with store.unit_of_work(app.engine) as s:
        outbox.release_alert_leases(s, app.instance)  # left over by a failed round
        due = outbox.claim_due_alerts(s, now, limit, app.instance,
                                     app.config.scheduler.lease)
        views = {a.id: _view(app, a, store.feeds_of_article(s, a.hit.article_id)) for a in due}
        parents = outbox.alert_states(s, {a.parent_id for a in due if a.parent_id})
    by_channel: dict[str, list[Alert]] = {}
    for alert in due:
        by_channel.setdefault(alert.channel, []).append(alert)
    report = DispatchReport()
    try:
        await asyncio.gather(*(_deliver(app, name, alerts, views, parents, now, report)
                               for name, alerts in by_channel.items()))
    finally:
        # What a channel left for its next round (it was struggling) is free to take again.
        with store.unit_of_work(app.engine) as s:
            outbox.release_alert_leases(s, app.instance)
    return report


async def _deliver(app: App, name: str, alerts: list[Alert], views: dict[int, AlertView],
                   parents: dict[int, tuple[str, str | None]], now: datetime,
                   report: DispatchReport) -> None:
    channel = app.channels.get(name)
    cfg = app.channel_configs.get(name)
    if channel is None or cfg is None:
        _failed(app, alerts, DeliveryError(name, "channel is not configured or not enabled",
                                           permanent=True), now, report)
        return
    if cfg.digest != "none":
        digest = f"{len(alerts)} alert(s), {cfg.digest} digest"
        await _send(app, channel, alerts, [views[a.id] for a in alerts], digest, now, report)
        return
    primaries = [a for a in alerts if a.kind != "followup"]
    for alert in (a for a in alerts if a.kind == "followup"):
        status, remote = parents.get(alert.parent_id or -1, ("missing", None))
        if not channel.threads or status in ("failed", "folded", "missing"):
            with store.unit_of_work(app.engine) as s:
                outbox.mark_folded(s, alert.id)
            report.folded += 1
            app.metrics.alerts.labels(name, "folded").inc()
        elif remote is None:  # its story's alert is not out yet: reply once it is
            with store.unit_of_work(app.engine) as s:
                outbox.postpone(s, alert.id, now + PARENT_WAIT)
        elif not await _send(app, channel, [alert], [views[alert.id]], None, now, report,
                             thread=remote):
            return  # the channel is struggling; the rest waits for the next round
    for i in range(0, len(primaries), cfg.batch_max):
        chunk = primaries[i:i + cfg.batch_max]
        burst = f"{len(chunk)} new stories" if len(chunk) > 1 else None
        if not await _send(app, channel, chunk, [views[a.id] for a in chunk], burst, now,
                           report):
            return


async def _send(app: App, channel: Channel, alerts: list[Alert], views: list[AlertView],
                heading: str | None, now: datetime, report: DispatchReport,
                thread: str | None = None) -> bool:
    """Send one message (one alert, or several under ``heading``); record the outcome."""
    await _pace(app, channel.name)
    try:
        if heading is None:
            remote = await channel.send(views[0], thread=thread)
        else:
            remote = await channel.send_many(views, heading)
    except DeliveryError as exc:
        _failed(app, alerts, exc, now, report)
        return False
    finally:
        app.last_sent[channel.name] = time.monotonic()
    with store.unit_of_work(app.engine) as s:
        for alert in alerts:
            outbox.mark_sent(s, alert.id, utcnow(), remote)
    report.sent += len(alerts)
    app.metrics.alerts.labels(channel.name, "sent").inc(len(alerts))
    log.info("alert sent alerts=%s channel=%s rule=%s", ",".join(str(a.id) for a in alerts),
             channel.name, ",".join(sorted({v.rule for v in views})))
    return True


async def _pace(app: App, name: str) -> None:
    """Keep at least the channel's ``min_gap`` between two messages."""
    cfg = app.channel_configs.get(name)
    gap = cfg.min_gap if cfg else 0.0
    last = app.last_sent.get(name)
    if last is not None and (wait := last + gap - time.monotonic()) > 0:
        await asyncio.sleep(wait)


def _failed(app: App, alerts: list[Alert], exc: DeliveryError, now: datetime,
            report: DispatchReport) -> None:
    with store.unit_of_work(app.engine) as s:
        for alert in alerts:
            attempts = alert.attempts + 1
            retry_at = next_attempt(now, attempts, app.config.alerts.retry,
                                    jitter=random.random(), retry_after=exc.retry_after,
                                    permanent=exc.permanent)
            log.warning("alert delivery failed alert=%d channel=%s attempt=%d error=%r "
                        "retry_at=%s", alert.id, alert.channel, attempts, exc.reason,
                        retry_at.isoformat() if retry_at else "never")
            outbox.mark_attempt_failed(s, alert.id, exc.reason, retry_at)
            if retry_at is None:
                report.failed += 1
            else:
                report.retrying += 1
            app.metrics.alerts.labels(alert.channel, "failed" if retry_at is None
                                      else "retrying").inc()
