"""`monitor story ID`: every article of a story with its outlet and times, every alert with
its channel, status, sent time and attempts, and which were follow-ups. Real feeds and a
real Slack webhook on loopback, a real SQLite file filled by poll cycles."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.cli_pipeline import NOW, OUTLET_A, OUTLET_B, poll, run, serve, write_config


def test_a_story_timeline(tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    channels = [{"name": "desk", "type": "slack", "webhook_url": slack.url_for("/hook")}]
    feed_a = {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A])}
    poll(write_config(tmp_path, [feed_a], channels))
    # Ten minutes later a second outlet carries the story: a follow-up, folded on a webhook.
    path = write_config(tmp_path, [feed_a, {"name": "outlet-b",
                                            "url": serve(web, "b", [OUTLET_B])}], channels)
    poll(path, NOW + timedelta(minutes=10))

    _, out, _ = run(path, "hits", "--json")
    story_id = {h["story_id"] for h in json.loads(out)}.pop()
    code, out, _ = run(path, "story", str(story_id), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["id"] == story_id
    first, second = doc["articles"]
    assert first["feeds"] == ["outlet-a"] and second["feeds"] == ["outlet-b"]
    assert first["published_at"] == "2026-01-05T11:30:00+00:00"
    assert first["found_at"] == "2026-01-05T12:00:00+00:00"
    assert second["found_at"] == "2026-01-05T12:10:00+00:00"
    assert first["rules"] == second["rules"] == ["russia-china-us"]
    (alert,) = first["alerts"]
    assert (alert["channel"], alert["kind"], alert["status"], alert["attempts"]) == (
        "desk", "alert", "sent", 1)
    assert alert["sent_at"] is not None
    (follow,) = second["alerts"]
    assert (follow["kind"], follow["status"], follow["parent_id"]) == (
        "followup", "folded", alert["id"])

    code, out, _ = run(path, "story", str(story_id))
    assert code == 0
    assert f"story #{story_id}: {OUTLET_A['title']}" in out
    assert "1. outlet-a · published 2026-01-05 11:30 UTC · found 2026-01-05 12:00 UTC" in out
    assert "2. outlet-b · published 2026-01-05 11:45 UTC · found 2026-01-05 12:10 UTC" in out
    assert f"alert #{alert['id']} [russia-china-us] → desk: sent " in out
    assert f"follow-up #{follow['id']} of alert #{alert['id']} [russia-china-us] → desk: " \
           "folded" in out


def test_an_unknown_story_is_a_usage_error(tmp_path: Path, web: HTTPServer) -> None:
    path = write_config(tmp_path, [{"name": "outlet-a", "url": serve(web, "a", [OUTLET_A])}])
    poll(path)
    code, out, err = run(path, "story", "99", "--json")
    assert code == 2 and out == ""
    assert "no story '99'" in err and "story ids go up to 1" in err
    assert "`monitor hits` shows each hit's story id" in err
