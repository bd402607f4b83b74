"""Alert dispatch: deliver the outbox rows that are due, each channel on its own.

    outbox rows → views → channel → mark sent, or schedule a retry, or fail

Per channel, in one round: a digest channel gets all its due rows as one message; otherwise
follow-ups (later articles of an alerted story) go as thread replies where the channel has
threads and are *folded* (kept, not sent) where it has not, and the story alerts go one by
one, or as one message listing them when several are due at once (a burst), never closer than
the channel's ``min_gap``. Each outcome is written as soon as it is known, so a crash re-sends
at most what was in flight: the one window for a duplicate.

Each channel sends in its own task, and every send has a total deadline (the channel's
``timeout``): a webhook that drips its answer fails that send, and meanwhile the daemon's next
rounds carry on for the other channels (a channel still busy is skipped, not waited for).
Before each send the claim of exactly the rows in it is re-confirmed and extended, so a round
that outlasts ``scheduler.lease`` never sends a row another dispatcher took over. Whatever a
channel raises becomes a recorded, retried attempt: an alert is never left untried.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from monitor.alerts.channel import Channel
from monitor.alerts.outbox import next_attempt
from monitor.alerts.redact import redact, secrets_of
from monitor.alerts.render import AlertView
from monitor.alerts.safe_text import squeeze
from monitor.app import App
from monitor.config import ChannelConfig
from monitor.db import articles, outbox
from monitor.db.models import Alert
from monitor.errors import DeliveryError
from monitor.pipeline import run_db, utcnow

log = logging.getLogger("monitor.dispatch")
PARENT_WAIT = timedelta(seconds=30)  # a follow-up waits this long for its alert to be sent
Heading = Callable[[int], str | None]  # the heading of a message listing n alerts, or None


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    folded: int = 0


@dataclass
class _Round:
    app: App
    now: datetime
    report: DispatchReport = field(default_factory=DispatchReport)
    started: float = field(default_factory=time.monotonic)

    def clock(self) -> datetime:
        """``now`` moved on by the time the round has taken."""
        return self.now + timedelta(seconds=time.monotonic() - self.started)


def _view(app: App, alert: Alert, feeds: list[str]) -> AlertView:
    hit, art = alert.hit, alert.hit.article
    rule = next((r for r in app.config.rules if r.name == hit.rule), None)
    return AlertView(alert_id=alert.id, rule=hit.rule, severity=hit.severity, title=art.title,
                     url=art.url, site=art.site_name, published_at=art.published_at,
                     feeds=feeds, evidence=hit.evidence, score=hit.score,
                     story_id=art.story_id, kind=alert.kind, parent_id=alert.parent_id,
                     recipients=list(rule.email_to) if rule and rule.email_to else None)


def busy_channels(app: App) -> set[str]:
    """The channels still sending what an earlier round gave them."""
    return {name for name, task in app.dispatching.items() if not task.done()}


async def settle(app: App) -> None:
    """Wait for the channels still sending from earlier rounds."""
    if tasks := [t for t in app.dispatching.values() if not t.done()]:
        await asyncio.gather(*tasks, return_exceptions=True)


async def dispatch_due(app: App, now: datetime, limit: int = 500, *,
                       wait: bool = True) -> DispatchReport:
    """Deliver every alert that is due at ``now``.

    With ``wait`` (one-off runs, the last round at shutdown) the round first lets channels
    still busy from earlier rounds finish, then returns once its own sends are done. Without
    (the daemon's rounds) it starts a task per idle channel and returns at once; a channel
    still sending is left to finish and gets its next rows in a later round."""
    if wait:
        await settle(app)
    busy = busy_channels(app)
    due, views, parents = await run_db(app, _claim, app, now, limit, busy)
    by_channel: dict[str, list[Alert]] = {}
    for alert in due:
        by_channel.setdefault(alert.channel, []).append(alert)
    rnd = _Round(app, now)
    tasks = [_start(rnd, name, alerts, views, parents) for name, alerts in by_channel.items()]
    if wait and tasks:
        await asyncio.gather(*tasks)
    return rnd.report


def _claim(s: Session, app: App, now: datetime, limit: int, busy: set[str]
           ) -> tuple[list[Alert], dict[int, AlertView], dict[int, tuple[str, str | None]]]:
    """In a worker thread: claim the due alerts of the idle channels, with what rendering
    them needs (their views, the state of the alerts they follow)."""
    # Claims left over by a round that failed, except those of channels still sending.
    outbox.release_alert_leases(s, app.instance, keep_channels=busy)
    due = outbox.claim_due_alerts(s, now, limit, app.instance, app.config.scheduler.lease,
                                  skip_channels=busy)
    views = {a.id: _view(app, a, articles.feeds_of_article(s, a.hit.article_id)) for a in due}
    parents = outbox.alert_states(s, {a.parent_id for a in due if a.parent_id})
    return due, views, parents


def _start(rnd: _Round, name: str, alerts: list[Alert], views: dict[int, AlertView],
           parents: dict[int, tuple[str, str | None]]) -> asyncio.Task[None]:
    app = rnd.app
    task = asyncio.create_task(_channel_round(rnd, name, alerts, views, parents),
                               name=f"dispatch:{name}")
    app.dispatching[name] = task

    def done(t: asyncio.Task[None]) -> None:
        if app.dispatching.get(name) is t:
            del app.dispatching[name]
        if not t.cancelled() and (exc := t.exception()) is not None:
            log.error("dispatch failed channel=%s error=%r", name, str(exc))

    task.add_done_callback(done)
    return task


async def _channel_round(rnd: _Round, name: str, alerts: list[Alert],
                         views: dict[int, AlertView],
                         parents: dict[int, tuple[str, str | None]]) -> None:
    try:
        await _deliver(rnd, name, alerts, views, parents)
    finally:
        # What the channel left for its next round (it was struggling) is free to take again.
        owner, ids = rnd.app.instance, [a.id for a in alerts]
        await run_db(rnd.app, lambda s: outbox.release_alert_leases(s, owner, ids=ids))


async def _deliver(rnd: _Round, name: str, alerts: list[Alert], views: dict[int, AlertView],
                   parents: dict[int, tuple[str, str | None]]) -> None:
    app, now = rnd.app, rnd.now
    channel = app.channels.get(name)
    cfg = app.channel_configs.get(name)
    if channel is None or cfg is None:
        await _failed(rnd, alerts, DeliveryError(
            name, "channel is not configured or not enabled", permanent=True))
        return
    if cfg.digest != "none":
        digest = cfg.digest
        await _send(rnd, channel, cfg, alerts, [views[a.id] for a in alerts],
                    lambda n: f"{n} alert(s), {digest} digest")
        return
    primaries = [a for a in alerts if a.kind != "followup"]
    for alert in (a for a in alerts if a.kind == "followup"):
        status, remote = parents.get(alert.parent_id or -1, ("missing", None))
        if not channel.threads or status in ("failed", "folded", "missing"):
            await run_db(app, outbox.mark_folded, alert.id, app.instance)
            rnd.report.folded += 1
            app.metrics.alerts.labels(name, "folded").inc()
        elif remote is None:  # its story's alert is not out yet: reply once it is
            await run_db(app, outbox.postpone, alert.id, now + PARENT_WAIT, app.instance)
        elif not await _send(rnd, channel, cfg, [alert], [views[alert.id]], None,
                             thread=remote):
            return  # the channel is struggling; the rest waits for the next round
    for i in range(0, len(primaries), cfg.batch_max):
        chunk = primaries[i:i + cfg.batch_max]
        if not await _send(rnd, channel, cfg, chunk, [views[a.id] for a in chunk],
                           lambda n: f"{n} new stories" if n > 1 else None):
            return


async def _confirm(rnd: _Round, cfg: ChannelConfig, alerts: list[Alert], views: list[AlertView],
             deadline: float) -> tuple[list[Alert], list[AlertView]]:
    """The alerts (and views) whose claim this dispatcher still holds, extended to cover the
    send; the others were taken over after our lease ran out and are theirs to send."""
    app = rnd.app
    until = rnd.clock() + timedelta(seconds=app.config.scheduler.lease + deadline)
    # Awaited before the send: a claim taken over meanwhile is never sent by us.
    mine = await run_db(app, outbox.confirm_claims, [a.id for a in alerts], app.instance,
                        until)
    if lost := [a.id for a in alerts if a.id not in mine]:
        log.warning("alert claim lost, not sending alerts=%s channel=%s",
                    ",".join(map(str, lost)), cfg.name)
    kept = [(a, v) for a, v in zip(alerts, views, strict=True) if a.id in mine]
    return [a for a, _ in kept], [v for _, v in kept]


async def _send(rnd: _Round, channel: Channel, cfg: ChannelConfig, alerts: list[Alert],
                views: list[AlertView], heading: Heading | None,
                thread: str | None = None) -> bool:
    """Send one message (one alert, or several under a heading); record the outcome.
    False when the channel failed (the rest of its rows wait for a later round)."""
    app = rnd.app
    await _pace(app, channel.name)
    deadline = cfg.timeout + 1.0  # the channel's own timeout fires first, with its reason
    alerts, views = await _confirm(rnd, cfg, alerts, views, deadline)
    if not alerts:
        return True
    title = heading(len(views)) if heading else None
    error: DeliveryError | None = None
    try:
        async with asyncio.timeout(deadline):
            if title is None:
                remote = await channel.send(views[0], thread=thread)
            else:
                remote = await channel.send_many(views, title)
    except DeliveryError as exc:
        error = exc
    except TimeoutError:
        error = DeliveryError(channel.name, f"no answer within {deadline:g}s")
    except Exception as exc:  # a channel's bug or an untranslated error: still an attempt
        # No traceback in the log: its last line is the error's text, which may hold a secret.
        detail = squeeze(redact(str(exc), secrets_of(cfg)))[:300]
        error = DeliveryError(channel.name, f"unexpected {type(exc).__name__}: {detail}")
        log.error("channel raised an unexpected error channel=%s error=%r", channel.name,
                  error.reason)
    finally:
        app.last_sent[channel.name] = time.monotonic()
    if error is not None:
        await _failed(rnd, alerts, error)
        return False
    lost = await run_db(app, _mark_sent, [a.id for a in alerts], remote, app.instance)
    if lost:
        log.warning("alert sent after its claim was lost alerts=%s channel=%s",
                    ",".join(map(str, lost)), channel.name)
    rnd.report.sent += len(alerts)
    app.metrics.alerts.labels(channel.name, "sent").inc(len(alerts))
    log.info("alert sent alerts=%s channel=%s rule=%s", ",".join(str(a.id) for a in alerts),
             channel.name, ",".join(sorted({v.rule for v in views})))
    return True


def _mark_sent(s: Session, ids: list[int], remote: str | None, owner: str) -> list[int]:
    """Mark the alerts sent; returns those whose claim was lost meanwhile."""
    return [i for i in ids if not outbox.mark_sent(s, i, utcnow(), remote, owner=owner)]


async def _pace(app: App, name: str) -> None:
    """Keep at least the channel's ``min_gap`` between two messages."""
    cfg = app.channel_configs.get(name)
    gap = cfg.min_gap if cfg else 0.0
    last = app.last_sent.get(name)
    if last is not None and (wait := last + gap - time.monotonic()) > 0:
        await asyncio.sleep(wait)


async def _failed(rnd: _Round, alerts: list[Alert], exc: DeliveryError) -> None:
    app, report, now = rnd.app, rnd.report, rnd.clock()
    retries = [next_attempt(now, alert.attempts + 1, app.config.alerts.retry,
                            jitter=random.random(), retry_after=exc.retry_after,
                            permanent=exc.permanent) for alert in alerts]
    owner = app.instance

    def write(s: Session) -> None:
        for alert, retry_at in zip(alerts, retries, strict=True):
            outbox.mark_attempt_failed(s, alert.id, exc.reason, retry_at, owner=owner)

    await run_db(app, write)
    for alert, retry_at in zip(alerts, retries, strict=True):
        log.warning("alert delivery failed alert=%d channel=%s attempt=%d error=%r "
                    "retry_at=%s", alert.id, alert.channel, alert.attempts + 1, exc.reason,
                    retry_at.isoformat() if retry_at else "never")
        if retry_at is None:
            report.failed += 1
        else:
            report.retrying += 1
        app.metrics.alerts.labels(alert.channel, "failed" if retry_at is None
                                  else "retrying").inc()
