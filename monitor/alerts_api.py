"""The Python API behind ``monitor alerts retry`` and the ``alerts dispatch`` summary.

``retry_alert`` requeues one alert by id: an unknown id is a ``NotFoundError``, and an alert
already sent is refused (a ``UsageError``) unless ``force``, so a typo or a second run does not
send a story twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from monitor import clock
from monitor.api import _session, prepare_database
from monitor.config import Config
from monitor.db import outbox
from monitor.db.models import Alert
from monitor.dispatch import DispatchReport
from monitor.errors import NotFoundError, UsageError


def retry_alert(config: Config, alert_id: int, force: bool = False) -> int:
    """Put alert ``alert_id`` back in the queue, due now; returns 1."""
    prepare_database(config)
    with _session(config) as s:
        status = s.scalar(select(Alert.status).where(Alert.id == alert_id))
        if status is None:
            latest = s.scalar(select(Alert.id).order_by(Alert.id.desc()).limit(1))
            hint = (f"alert ids go up to {latest}; `monitor alerts` lists them" if latest
                    else "the outbox is empty")
            raise NotFoundError("alert", str(alert_id), [], hint=hint)
        if status == "sent" and not force:
            raise UsageError(f"alert #{alert_id} was already sent; use --force to send it "
                             "again")
        return outbox.requeue(s, clock.utcnow(), alert_id)


def dispatch_ok(report: DispatchReport) -> bool:
    """Whether every alert the round tried was delivered (or folded): none failed for good
    and none is waiting for a retry after an error."""
    return report.failed == 0 and report.retrying == 0


def dispatch_json(report: DispatchReport) -> dict[str, Any]:
    """The ``alerts dispatch --json`` summary."""
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed,
            "folded": report.folded, "ok": dispatch_ok(report)}
