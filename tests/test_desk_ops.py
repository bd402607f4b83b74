"""The desk's ops API without HTTP: the strip (poll lag, feeds in error, the outbox), the
feeds' health and the failed alerts, and a retry that queues a failed alert again. On a
database filled by a real poll of loopback feeds with a failing Slack webhook."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.db.engine import make_engine
from monitor.db.session import unit_of_work
from monitor.desk import ops
from monitor.errors import NotFoundError
from tests.ops_fill import BROKEN, NOW, filled


def test_the_strip_counts_the_feed_in_error_and_the_failed_alert(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    _path, config = filled(tmp_path, web, slack)
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        strip = ops.ops_strip(s, NOW)
        later = ops.ops_strip(s, NOW + timedelta(days=30))
        health = {f.name: f for f in ops.feed_health(s)}
    assert (strip.feeds_in_error, strip.outbox_pending, strip.outbox_failed) == (1, 0, 1)
    assert strip.poll_lag == 0 and not strip.healthy  # just polled: no feed is overdue
    assert strip.lag_text == "none" and " d" in later.lag_text  # a month late: in days
    earliest = min(f.next_check_at for f in health.values() if f.next_check_at)
    assert later.poll_lag == (NOW + timedelta(days=30) - earliest).total_seconds() > 0
    broken = health[BROKEN]
    assert (broken.state, broken.status, broken.error_count) == ("error", 404, 1)
    assert broken.last_error and "404" in broken.last_error
    assert health["outlet-a"].state == "ok" and health["outlet-a"].last_error is None


def test_a_failed_alert_is_listed_and_a_retry_queues_it_again(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    _path, config = filled(tmp_path, web, slack)
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        (failed,) = ops.failed_alerts(s)
    assert (failed.channel, failed.rule, failed.attempts) == ("desk", "russia-china-us", 1)
    assert failed.title == "Xi and Putin pledge deeper ties in Moscow"
    assert failed.last_error and "500" in failed.last_error
    assert ops.retry_failed(config, failed.id) == 1
    with unit_of_work(engine) as s:
        strip = ops.ops_strip(s, NOW)
        assert ops.failed_alerts(s) == ()
    assert (strip.outbox_pending, strip.outbox_failed) == (1, 0)
    with pytest.raises(NotFoundError):
        ops.retry_failed(config, failed.id + 100)
