"""Alert rendering and delivery against real local servers (HTTP for Slack, aiosmtpd)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from monitor.alerts.outbox import next_attempt
from monitor.alerts.render import AlertView, email_parts, slack_payload
from monitor.config import RetryConfig
from monitor.evidence_model import Evidence
from tests.conftest import Mailbox
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
STORY = {"title": "Putin and Xi meet in Moscow", "guid": "1",
         "description": "The Kremlin hosted Beijing's leader. Washington objected."}


def _view(title: str) -> AlertView:
    evidence = {"clause": "countries: at least 2", "about": ["RU", "CN"],
                "countries": {"RU": {"name": "Russia", "salience": 3.0, "entities": [
                    {"id": "Q7747", "name": "Vladimir Putin", "count": 1}]},
                    "CN": {"name": "China", "salience": 2.0, "entities": [
                        {"id": "Q15031", "name": "Xi Jinping", "count": 1}]}},
                "snippets": [{"field": "title", "text": title, "spans": []}]}
    return AlertView(alert_id=1, rule="russia-china-us", severity="high", title=title,
                     url="https://news.example/a?x=1&y=2", site="Example", published_at=NOW,
                     feeds=["f"], evidence=Evidence.from_json(evidence), score=5.0)


def test_slack_text_from_articles_cannot_ping_anyone() -> None:
    payload = json.dumps(slack_payload(_view("<!channel> Putin & Xi <@U123> meet")))
    assert "<!channel>" not in payload and "<@U123>" not in payload
    assert "&lt;!channel&gt;" in payload and "&lt;@U123&gt;" in payload
    assert "Putin &amp; Xi" in payload


def test_email_html_is_escaped() -> None:
    subject, text, html = email_parts(_view("<script>alert(1)</script> Putin meets Xi"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" in text  # plain text needs no escaping
    assert "\n" not in subject


@pytest.mark.parametrize(("attempts", "retry_after", "permanent", "wait"), [
    (1, None, False, 10.0),    # base, with jitter 1.0
    (3, None, False, 40.0),    # doubles per attempt
    (6, None, False, 100.0),   # capped at max_seconds
    (1, 300.0, False, 300.0),  # Retry-After is a floor
    (8, None, False, None),    # max_attempts reached: failed
    (1, None, True, None),     # a permanent error is not retried
])
def test_outbox_backoff(attempts: int, retry_after: float | None, permanent: bool,
                        wait: float | None) -> None:
    retry = RetryConfig(base_seconds=10, max_seconds=100, max_attempts=8)
    got = next_attempt(NOW, attempts, retry, jitter=1.0, retry_after=retry_after,
                       permanent=permanent)
    assert (None if got is None else (got - NOW).total_seconds()) == wait


def test_jitter_spreads_retries() -> None:
    retry = RetryConfig(base_seconds=100, max_seconds=1000, max_attempts=5)
    low = next_attempt(NOW, 1, retry, jitter=0.0)
    high = next_attempt(NOW, 1, retry, jitter=1.0)
    assert low and high and (low - NOW).total_seconds() == 50 and (high - NOW).seconds == 100


def _feed(web: HTTPServer) -> str:
    web.expect_request("/feed.xml").respond_with_data(
        rss([{**STORY, "link": "http://127.0.0.1:9/story"}]), content_type="application/rss+xml")
    return web.url_for("/feed.xml")


def test_slack_down_then_back_delivers_exactly_once(sqlite_url: str, web: HTTPServer,
                                                    slack: HTTPServer) -> None:
    answers = [500, 500, 200]
    received: list[int] = []

    def hook(req: Request) -> Response:
        status = answers.pop(0) if answers else 200
        if status == 200:
            received.append(len(req.get_data()))
        return Response("error" if status != 200 else "ok", status=status)

    slack.expect_request("/hook", method="POST").respond_with_handler(hook)
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web)}], full_text=False,
                         slack_url=slack.url_for("/hook"))
    first = api.poll_once(config, now=NOW, workers=0)
    assert first.cycle.total("hits") == 1 and first.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "pending" and "HTTP 500" in alert["last_error"]

    assert api.dispatch_once(config, now=NOW).sent == 0  # not due yet: backing off
    reports = [api.dispatch_once(config, now=NOW + timedelta(minutes=m)) for m in (10, 20, 30)]
    assert [r.sent for r in reports] == [0, 1, 0]
    (alert,) = api.alerts(config)
    assert alert["status"] == "sent" and alert["attempts"] == 3
    assert len(received) == 1


def test_slack_429_retry_after_is_honoured(sqlite_url: str, web: HTTPServer,
                                           slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data(
        "rate limited", status=429, headers={"Retry-After": "600"})
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web)}], full_text=False,
                         slack_url=slack.url_for("/hook"))
    api.poll_once(config, now=NOW, workers=0)
    (alert,) = api.alerts(config)
    wait = datetime.fromisoformat(alert["next_attempt_at"]) - NOW
    assert alert["status"] == "pending" and wait >= timedelta(seconds=600)


def test_permanent_failure_is_visible_as_failed(sqlite_url: str, web: HTTPServer,
                                                slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("no_service", status=404)
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web)}], full_text=False,
                         slack_url=slack.url_for("/hook"))
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.failed == 1
    (alert,) = api.alerts(config, status="failed")
    assert "HTTP 404" in alert["last_error"]


def test_smtp_refusing_then_accepting(sqlite_url: str, web: HTTPServer,
                                      smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    box.refuse = 1
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web)}], full_text=False,
                         smtp_port=port)
    first = api.poll_once(config, now=NOW, workers=0)
    assert first.dispatch.retrying == 1 and box.messages == []
    later = api.dispatch_once(config, now=NOW + timedelta(hours=1))
    assert later.sent == 1 and len(box.messages) == 1
    mail = box.messages[0]
    assert mail["To"] == "desk@test" and "Putin and Xi meet in Moscow" in mail["Subject"]
    assert box.envelopes[0].rcpt_tos == ["desk@test"]


def test_one_failing_channel_does_not_hold_up_another(sqlite_url: str, web: HTTPServer,
                                                      slack: HTTPServer,
                                                      smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    slack.expect_request("/hook", method="POST").respond_with_data("down", status=503)
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web)}], full_text=False,
                         slack_url=slack.url_for("/hook"), smtp_port=port)
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.sent == 1 and report.dispatch.retrying == 1
    assert len(box.messages) == 1
