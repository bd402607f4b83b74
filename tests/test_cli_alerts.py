"""The `alerts` commands' exit codes: `dispatch` exits 1 when an alert was not delivered (its
summary says so, also as --json), `test` of an unknown channel and `retry` of an unknown alert
are usage errors (2), and `retry` of an alert already sent refuses unless --force. Real feeds
and a real Slack webhook on loopback, a real SQLite file filled by a poll cycle."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.cli_pipeline import OUTLET_A, poll, run, serve, write_config


def _slack(slack: HTTPServer, answers: list[int]) -> list[dict[str, object]]:
    """The webhook answers with the statuses in ``answers`` (then 200); returns the posts."""
    posts: list[dict[str, object]] = []

    def hook(req: Request) -> Response:
        posts.append(json.loads(req.get_data()))
        status = answers.pop(0) if answers else 200
        return Response("ok" if status == 200 else "server error", status=status)

    slack.expect_request("/hook", method="POST").respond_with_handler(hook)
    return posts


def _config(tmp_path: Path, web: HTTPServer, slack: HTTPServer, max_attempts: int = 3) -> Path:
    return write_config(tmp_path, [{"name": "outlet-a", "url": web.url_for("/a.xml")}],
                        [{"name": "desk", "type": "slack",
                          "webhook_url": slack.url_for("/hook")}], max_attempts)


def _served(tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> Path:
    serve(web, "a", [OUTLET_A])
    return _config(tmp_path, web, slack)


def test_dispatch_exits_1_while_an_alert_is_not_delivered(tmp_path: Path, web: HTTPServer,
                                                          slack: HTTPServer) -> None:
    posts = _slack(slack, [500, 500, 500])
    path = _served(tmp_path, web, slack)
    # The poll's dispatch makes the first attempt, due again a second later (the poll ran in
    # the past): `alerts dispatch` makes the second, and it is to be retried.
    assert poll(path).dispatch.retrying == 1
    code, out, err = run(path, "alerts", "dispatch", "--json")
    assert code == 1
    assert json.loads(out) == {"sent": 0, "retrying": 1, "failed": 0, "folded": 0,
                               "ok": False}
    assert "1 alert(s) not delivered (1 will be retried, 0 failed for good)" in err
    # With one attempt allowed, the requeued alert's next failure is final.
    path = _config(tmp_path, web, slack, max_attempts=1)
    assert run(path, "alerts", "retry", "1")[0] == 0
    code, out, err = run(path, "alerts", "dispatch")
    assert code == 1 and out.strip() == "sent 0, retrying 0, failed 1"
    assert "0 will be retried, 1 failed for good" in err
    code, _, _ = run(path, "alerts", "retry", "--failed")
    assert code == 0
    code, out, err = run(path, "alerts", "dispatch", "--json")  # the server is back
    assert code == 0 and "not delivered" not in err and json.loads(out)["sent"] == 1
    assert len(posts) == 4


def test_alerts_test_with_an_unknown_channel_is_a_usage_error(tmp_path: Path, web: HTTPServer,
                                                              slack: HTTPServer) -> None:
    posts = _slack(slack, [])
    path = _served(tmp_path, web, slack)
    code, _, err = run(path, "alerts", "test", "dsk")
    assert code == 2
    assert "no enabled channel named 'dsk'; did you mean 'desk'? (known: desk)" in err
    assert posts == []


def test_retry_refuses_an_unknown_or_already_sent_alert(tmp_path: Path, web: HTTPServer,
                                                        slack: HTTPServer) -> None:
    posts = _slack(slack, [])
    path = _served(tmp_path, web, slack)
    assert poll(path).dispatch.sent == 1
    code, _, err = run(path, "alerts", "retry", "99")
    assert code == 2 and "no alert '99'; alert ids go up to 1" in err
    code, _, err = run(path, "alerts", "retry", "1")
    assert code == 2 and "alert #1 was already sent; use --force to send it again" in err
    _, out, _ = run(path, "alerts", "--json")
    assert json.loads(out)[0]["status"] == "sent"
    code, out, _ = run(path, "alerts", "retry", "1", "--force")
    assert code == 0 and out.strip() == "requeued 1 alert(s)"
    code, out, _ = run(path, "alerts", "dispatch")
    assert code == 0 and out.strip() == "sent 1, retrying 0, failed 0"
    assert len(posts) == 2


def test_poll_once_exits_1_when_an_alert_was_not_delivered(tmp_path: Path, web: HTTPServer,
                                                           slack: HTTPServer) -> None:
    # "0 when everything asked was done": the feed polled, but its alert is to be retried
    # after an error, as `alerts dispatch` says with exit 1.
    _slack(slack, [500])
    path = _served(tmp_path, web, slack)
    code, out, err = run(path, "poll", "--once", "--json")
    assert code == 1, err
    doc = json.loads(out)
    assert doc["ok"] is False and doc["feeds_failed"] == 0
    assert doc["alerts"] == {"sent": 0, "retrying": 1, "failed": 0}
