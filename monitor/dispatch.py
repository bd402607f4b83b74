"""Alert dispatch: deliver the outbox rows that are due, each channel on its own.

    outbox rows → views → channel → mark sent, or schedule a retry, or fail

Per channel, in one round, ``alerts.plan.plan_round`` (pure) decides what happens to each
row: a digest channel gets all its due rows as one message; otherwise follow-ups (later
articles of an alerted story) go as thread replies where the channel has threads and are
*folded* (kept, not sent) where it has not, and the story alerts go one by one, or as one
message listing them when several are due at once (a burst), never closer than the channel's
``min_gap``. This module carries the plan out, step by step. Each outcome is written as soon
as it is known, so a crash re-sends at most what was in flight: the one window for a
duplicate. The stage's own state (when each channel last sent, the channels still sending)
is ``app.delivery``.

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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from monitor.alerts.channel import Channel
from monitor.alerts.plan import (
    ChannelPolicy,
    Due,
    Fail,
    Fold,
    ParentState,
    Postpone,
    Send,
    Step,
    after_failure,
    pause_left,
    plan_round,
)
from monitor.alerts.redact import redact, secrets_of
from monitor.alerts.render import AlertView
from monitor.alerts.safe_text import squeeze
from monitor.app import App
from monitor.clock import utcnow
from monitor.config import ChannelConfig
from monitor.db import articles, outbox
from monitor.db.models import Alert
from monitor.db_work import run_db
from monitor.errors import DeliveryError

log = logging.getLogger("monitor.dispatch")


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
    rule = next((r for r in app.rules.rules if r.name == hit.rule), None)  # stored too
    return AlertView(alert_id=alert.id, rule=hit.rule, severity=hit.severity, title=art.title,
                     url=art.url, site=art.site_name, published_at=art.published_at,
                     feeds=feeds, evidence=hit.evidence, score=hit.score,
                     story_id=art.story_id, kind=alert.kind, parent_id=alert.parent_id,
                     recipients=list(rule.email_to) if rule and rule.email_to else None)


def busy_channels(app: App) -> set[str]:
    """The channels still sending what an earlier round gave them."""
    return {name for name, task in app.delivery.sending.items() if not task.done()}


async def settle(app: App) -> None:
    """Wait for the channels still sending from earlier rounds."""
    if tasks := [t for t in app.delivery.sending.values() if not t.done()]:
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
    feeds = articles.feeds_of_articles(s, sorted({a.hit.article_id for a in due}))
    views = {a.id: _view(app, a, feeds.get(a.hit.article_id, [])) for a in due}
    parents = outbox.alert_states(s, {a.parent_id for a in due if a.parent_id})
    return due, views, parents


def _start(rnd: _Round, name: str, alerts: list[Alert], views: dict[int, AlertView],
           parents: dict[int, tuple[str, str | None]]) -> asyncio.Task[None]:
    app = rnd.app
    task = asyncio.create_task(_channel_round(rnd, name, alerts, views, parents),
                               name=f"dispatch:{name}")
    app.delivery.sending[name] = task

    def done(t: asyncio.Task[None]) -> None:
        if app.delivery.sending.get(name) is t:
            del app.delivery.sending[name]
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
    """Carry out the channel's plan for this round, step by step, up to a failed send."""
    by_id = {a.id: a for a in alerts}
    states = {i: ParentState(status, remote) for i, (status, remote) in parents.items()}
    policy = _policy(rnd.app, name)
    for step in plan_round([_due(a) for a in alerts], states, policy, rnd.now):
        if not await _carry_out(rnd, name, step, by_id, views):
            return  # the channel is struggling; the rest waits for the next round


def _policy(app: App, name: str) -> ChannelPolicy | None:
    """How the channel sends, or None when it is not configured or not enabled."""
    channel, cfg = app.channels.get(name), app.channel_configs.get(name)
    if channel is None or cfg is None:
        return None
    return ChannelPolicy(name, threads=channel.threads, digest=cfg.digest,
                         batch_max=cfg.batch_max, min_gap=cfg.min_gap)


def _due(alert: Alert) -> Due:
    return Due(alert.id, alert.kind, alert.parent_id, alert.attempts)


async def _carry_out(rnd: _Round, name: str, step: Step, by_id: dict[int, Alert],
                     views: dict[int, AlertView]) -> bool:
    """Do one step of the plan; False when the round must stop for this channel."""
    app = rnd.app
    if isinstance(step, Fail):
        await _failed(rnd, [by_id[i] for i in step.alert_ids],
                      DeliveryError(name, step.reason, permanent=step.permanent))
        return False
    if isinstance(step, Fold):
        await run_db(app, outbox.mark_folded, step.alert_id, app.instance)
        rnd.report.folded += 1
        app.metrics.alerts.labels(name, "folded").inc()
        return True
    if isinstance(step, Postpone):
        await run_db(app, outbox.postpone, step.alert_id, step.until, app.instance)
        return True
    alerts = [by_id[i] for i in step.alert_ids]
    return await _send(rnd, step, alerts, [views[a.id] for a in alerts])


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


async def _send(rnd: _Round, step: Send, alerts: list[Alert], views: list[AlertView]) -> bool:
    """Send one message (one alert, or several under a heading); record the outcome.
    False when the channel failed (the rest of its rows wait for a later round)."""
    app = rnd.app
    channel, cfg = app.channels[alerts[0].channel], app.channel_configs[alerts[0].channel]
    await _pace(app, channel.name, step.pause)
    deadline = cfg.timeout + 1.0  # the channel's own timeout fires first, with its reason
    alerts, views = await _confirm(rnd, cfg, alerts, views, deadline)
    if not alerts:
        return True
    error, remote = await _attempt(app, channel, cfg, step, views, deadline)
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


async def _attempt(app: App, channel: Channel, cfg: ChannelConfig, step: Send,
                   views: list[AlertView], deadline: float
                   ) -> tuple[DeliveryError | None, str | None]:
    """Hand the message to the channel: (the error, if it failed; the channel's id for it)."""
    title = step.heading(len(views))
    try:
        async with asyncio.timeout(deadline):
            if title is None:
                return None, await channel.send(views[0], thread=step.thread)
            return None, await channel.send_many(views, title)
    except DeliveryError as exc:
        return exc, None
    except TimeoutError:
        return DeliveryError(channel.name, f"no answer within {deadline:g}s"), None
    except Exception as exc:  # a channel's bug or an untranslated error: still an attempt
        # No traceback in the log: its last line is the error's text, which may hold a secret.
        detail = squeeze(redact(str(exc), secrets_of(cfg)))[:300]
        error = DeliveryError(channel.name, f"unexpected {type(exc).__name__}: {detail}")
        log.error("channel raised an unexpected error channel=%s error=%r", channel.name,
                  error.reason)
        return error, None
    finally:
        app.delivery.last_sent[channel.name] = time.monotonic()


def _mark_sent(s: Session, ids: list[int], remote: str | None, owner: str) -> list[int]:
    """Mark the alerts sent; returns those whose claim was lost meanwhile."""
    return [i for i in ids if not outbox.mark_sent(s, i, utcnow(), remote, owner=owner)]


async def _pace(app: App, name: str, gap: float) -> None:
    """Keep at least ``gap`` seconds after the channel's previous message."""
    if (wait := pause_left(app.delivery.last_sent.get(name), gap, time.monotonic())) > 0:
        await asyncio.sleep(wait)


async def _failed(rnd: _Round, alerts: list[Alert], exc: DeliveryError) -> None:
    app, report = rnd.app, rnd.report
    outcomes = after_failure([_due(a) for a in alerts], exc, app.config.alerts.retry,
                             rnd.clock(), [random.random() for _ in alerts])
    owner = app.instance

    def write(s: Session) -> None:
        for o in outcomes:
            outbox.mark_attempt_failed(s, o.alert_id, exc.reason, o.retry_at, owner=owner)

    await run_db(app, write)
    for alert, o in zip(alerts, outcomes, strict=True):
        log.warning("alert delivery failed alert=%d channel=%s attempt=%d error=%r "
                    "retry_at=%s", alert.id, alert.channel, o.attempt, exc.reason,
                    o.retry_at.isoformat() if o.retry_at else "never")
        if o.retry_at is None:
            report.failed += 1
        else:
            report.retrying += 1
        app.metrics.alerts.labels(alert.channel, "failed" if o.retry_at is None
                                  else "retrying").inc()
