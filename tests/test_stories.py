"""One story, one alert: articles about the same story from several outlets are grouped;
follow-ups thread on Slack (bot token), are folded on webhooks and single emails, and are
listed in digests. Bursts become one message. Real local servers throughout."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from monitor.cli import cli
from monitor.stories import _MASKS, Signature, StoryIndex, minhash, signature
from tests.conftest import Mailbox
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
OUTLET_A = {"title": "Xi and Putin pledge deeper ties in Moscow", "guid": "a1",
            "link": "http://127.0.0.1:9/a/xi-putin",
            "description": "Chinese President Xi Jinping met Vladimir Putin in the Kremlin on "
                           "Monday as Washington warned against a one-sided ceasefire."}
OUTLET_B = {"title": "Putin and Xi pledge deeper ties during Moscow visit", "guid": "b1",
            "link": "http://127.0.0.1:9/b/putin-xi-moscow",
            "description": "Xi Jinping met Vladimir Putin at the Kremlin in Moscow on Monday, "
                           "and the White House warned against a one-sided ceasefire."}


def _serve(web: HTTPServer, name: str, items: list[dict[str, str]]) -> str:
    web.expect_request(f"/{name}.xml").respond_with_data(rss(items),
                                                         content_type="application/rss+xml")
    return web.url_for(f"/{name}.xml")


def _body(mail: Message) -> str:
    return "".join(p.get_payload(decode=True).decode() for p in mail.walk()
                   if not p.is_multipart())


def test_story_index_groups_rewordings_not_other_stories() -> None:
    index = StoryIndex(threshold=0.5)
    a = signature(OUTLET_A["title"], OUTLET_A["description"])
    b = signature(OUTLET_B["title"], OUTLET_B["description"])
    other = signature("Kremlin and Beijing sign gas pipeline deal",
                      "Gazprom and CNPC agreed prices for the Power of Siberia 2 pipeline.")
    assert a and b and other
    index.add(1, a, NOW)
    assert index.find(b, NOW) == 1
    assert index.find(other, NOW) is None
    assert index.find(b, NOW + timedelta(days=3)) is None  # outside the window


def _sig_digest(sig: Signature) -> str:
    return hashlib.sha256(repr((sorted(sig.words), sig.minhash)).encode()).hexdigest()


# The signature of OUTLET_A as first released: the index is refilled from stored articles at
# every start, so a new version (or a faster one) must give the same values, or a restart
# would part stories the previous process had joined.
OUTLET_A_SIGNATURE = "f94b7095134d80ec3790fb8b947ac43e4b5fc1a751036fe207c4155ac3e48f59"


def test_a_signature_is_the_same_in_every_process_and_version() -> None:
    sig = signature(OUTLET_A["title"], OUTLET_A["description"])
    assert sig is not None and len(sig.words) == 19
    assert _sig_digest(sig) == OUTLET_A_SIGNATURE
    again = signature(OUTLET_A["title"], OUTLET_A["description"])  # (cached word hashes)
    assert again is not None and _sig_digest(again) == OUTLET_A_SIGNATURE
    assert again.bands == sig.bands
    # The other processes import only monitor.stories (not this test module and all it
    # imports), and digest as _sig_digest does.
    code = ("import hashlib, sys; from monitor.stories import signature; "
            "sig = signature(sys.argv[1], sys.argv[2]); "
            "sys.stdout.write(hashlib.sha256(repr((sorted(sig.words), sig.minhash)).encode()"
            ").hexdigest())")
    for seed in ("1", "2"):  # str hashes differ from process to process
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, OUTLET_A["title"],
                              OUTLET_A["description"]], env=env, capture_output=True,
                             text=True, check=True).stdout
        assert out == OUTLET_A_SIGNATURE


# 64-bit signed word hashes, often sharing their top byte (the case ``minhash`` breaks ties in)
_HASHES = st.one_of(
    st.integers(-(2 ** 63), 2 ** 63 - 1),
    st.builds(lambda top, low: (top << 56) | low, st.sampled_from([-128, -1, 0, 1, 127]),
              st.integers(0, 2 ** 56 - 1)))


@given(st.frozensets(_HASHES, min_size=1, max_size=120))
def test_minhash_is_the_minimum_of_each_masked_hash(hashes: frozenset[int]) -> None:
    assert minhash(hashes) == tuple(min(h ^ m for h in hashes) for m in _MASKS)


def test_index_forgets_the_oldest_past_its_capacity_and_takes_back_an_add() -> None:
    index = StoryIndex(threshold=0.5, capacity=2)
    a = signature(OUTLET_A["title"], OUTLET_A["description"])
    b = signature(OUTLET_B["title"], OUTLET_B["description"])
    c = signature("Kremlin and Beijing sign gas pipeline deal",
                  "Gazprom and CNPC agreed prices for the Power of Siberia 2 pipeline.")
    d = signature("Flood waters recede across the Rhine valley towns",
                  "Residents returned home as the river fell below the warning level.")
    assert a and b and c and d
    index.add(1, a, NOW)
    index.add(2, c, NOW)
    assert index.find(b, NOW) == 1
    entry = index.add(3, d, NOW)  # a third article: the oldest (story 1) goes
    assert len(index) == 2
    assert index.find(b, NOW) is None
    assert index.find(d, NOW) == 3
    assert entry is not None
    index.remove(entry)  # its transaction was rolled back
    assert index.find(d, NOW) is None
    assert index.find(c, NOW) == 2


def test_the_same_story_in_another_language_joins_it() -> None:
    ents = frozenset({"Q15031", "Q7747", "Q649"})  # Xi Jinping, Vladimir Putin, Moscow
    english = signature(OUTLET_A["title"], OUTLET_A["description"], ents, "en")
    russian = signature("Си Цзиньпин прибыл в Москву на переговоры с Путиным",
                        "Председатель КНР встретился с президентом России в Кремле.", ents, "ru")
    other = signature("Путин провел совещание в Москве с Си Цзиньпином по видеосвязи",
                      "Обсуждались вопросы торговли.", ents | {"Q956"}, "ru")
    assert english and russian and other
    index = StoryIndex()
    index.add(1, english, NOW)
    assert index.find(russian, NOW + timedelta(hours=2)) == 1
    assert index.find(other, NOW + timedelta(hours=2)) is None  # not the same people and places
    assert index.find(russian, NOW + timedelta(hours=13)) is None  # too long after


def test_two_outlets_one_slack_message_and_one_email(sqlite_url: str, web: HTTPServer,
                                                     slack: HTTPServer,
                                                     smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    feeds = [{"name": "outlet-a", "url": _serve(web, "a", [OUTLET_A])},
             {"name": "outlet-b", "url": _serve(web, "b", [OUTLET_B])}]
    config = make_config(sqlite_url, feeds, full_text=False, slack_url=slack.url_for("/hook"),
                         smtp_port=port, extra={"scheduler": {"batch_size": 1}})
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.total("articles") == 2 and report.cycle.total("hits") == 2
    assert len(slack.log) == 1 and len(box.messages) == 1
    rows = api.alerts(config)
    assert sorted((r["kind"], r["status"]) for r in rows) == [
        ("alert", "sent"), ("alert", "sent"), ("followup", "folded"), ("followup", "folded")]
    assert len({r["story_id"] for r in rows}) == 1


def test_headline_cannot_ping_the_channel(sqlite_url: str, web: HTTPServer,
                                          slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    evil = {**OUTLET_A, "title": "<!channel> Xi and Putin <@U123> meet in Moscow"}
    config = make_config(sqlite_url, [{"name": "a", "url": _serve(web, "a", [evil])}],
                         full_text=False, slack_url=slack.url_for("/hook"))
    api.poll_once(config, now=NOW, workers=0)
    (message,) = [json.loads(req.get_data()) for req, _ in slack.log]
    text = json.dumps(message)
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "<@U123>" not in text


def test_slack_bot_threads_follow_ups(sqlite_url: str, web: HTTPServer,
                                      slack: HTTPServer) -> None:
    posts: list[dict[str, Any]] = []

    def post_message(req: Request) -> Response:
        assert req.headers["Authorization"] == "Bearer xoxb-test"
        posts.append(json.loads(req.get_data()))
        return Response(json.dumps({"ok": True, "ts": f"1700000000.{len(posts):06d}"}),
                        content_type="application/json")

    slack.expect_request("/api/chat.postMessage", method="POST").respond_with_handler(
        post_message)
    channels = [{"name": "desk", "type": "slack", "bot_token": "xoxb-test",
                 "slack_channel": "#desk", "api_url": slack.url_for("/api/chat.postMessage"),
                 "min_gap": "0.1s"}]
    config = make_config(sqlite_url, [{"name": "a", "url": _serve(web, "a", [OUTLET_A])}],
                         full_text=False, extra={"alerts": {"channels": channels}})
    api.poll_once(config, now=NOW, workers=0)
    # Later another outlet carries the story.
    config_b = make_config(sqlite_url, [{"name": "a", "url": web.url_for("/a.xml")},
                                        {"name": "b", "url": _serve(web, "b", [OUTLET_B])}],
                           full_text=False, extra={"alerts": {"channels": channels}})
    api.poll_once(config_b, now=NOW + timedelta(minutes=10), workers=0)
    assert len(posts) == 2
    assert posts[0]["channel"] == "#desk" and "thread_ts" not in posts[0]
    assert posts[1]["thread_ts"] == "1700000000.000001"  # a reply under the first message


def test_slack_bot_errors(sqlite_url: str, web: HTTPServer, slack: HTTPServer) -> None:
    slack.expect_request("/api", method="POST").respond_with_data(
        json.dumps({"ok": False, "error": "channel_not_found"}), content_type="application/json")
    channels = [{"name": "desk", "type": "slack", "bot_token": "xoxb-test",
                 "slack_channel": "#gone", "api_url": slack.url_for("/api")}]
    config = make_config(sqlite_url, [{"name": "a", "url": _serve(web, "a", [OUTLET_A])}],
                         full_text=False, extra={"alerts": {"channels": channels}})
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.failed == 1
    (row,) = api.alerts(config, status="failed")
    assert "channel_not_found" in row["last_error"]
    # `monitor alerts retry --failed` puts it back in the queue.
    assert api.retry_alerts(config, failed=True) == 1
    assert api.alerts(config)[0]["status"] == "pending"


def test_a_burst_becomes_one_message(sqlite_url: str, web: HTTPServer,
                                     slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    stories = [{"title": f"{who} meets Putin in Moscow about {topic}", "guid": f"s{i}",
                "link": f"http://127.0.0.1:9/s{i}", "description": f"Xi Jinping's envoy {who} "
                f"and the Kremlin discussed {topic}; Washington objected."}
               for i, (who, topic) in enumerate([("Wang Yi", "grain"), ("Li Qiang", "gas"),
                                                 ("Han Zheng", "arms"), ("Qin Gang", "Arctic"),
                                                 ("Liu He", "banks")])]
    config = make_config(sqlite_url, [{"name": "wire", "url": _serve(web, "w", stories)}],
                         full_text=False, slack_url=slack.url_for("/hook"))
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.total("hits") == 5 and report.dispatch.sent == 5
    (message,) = [json.loads(req.get_data()) for req, _ in slack.log]
    assert message["blocks"][0]["text"]["text"] == "5 new stories"
    assert all(s["title"].split(" meets")[0] in json.dumps(message) for s in stories)


def test_email_digest_groups_by_story_and_per_rule_recipients(
        sqlite_url: str, web: HTTPServer, smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    channels = [{"name": "digest", "type": "email", "host": "127.0.0.1", "port": port,
                 "security": "none", "from_addr": "monitor@test", "to": ["desk@test"],
                 "digest": "hourly"},
                {"name": "instant", "type": "email", "host": "127.0.0.1", "port": port,
                 "security": "none", "from_addr": "monitor@test", "to": ["desk@test"]}]
    rules = [{"name": "russia-china-us", "countries": {"at_least": 2},
              "email_to": ["analyst@test"], "channels": ["instant", "digest"]}]
    feeds = [{"name": "outlet-a", "url": _serve(web, "a", [OUTLET_A])},
             {"name": "outlet-b", "url": _serve(web, "b", [OUTLET_B])}]
    config = make_config(sqlite_url, feeds, full_text=False, extra={
        "alerts": {"channels": channels}, "rules": rules, "scheduler": {"batch_size": 1}})
    api.poll_once(config, now=NOW, workers=0)
    (instant,) = box.messages  # the digest waits for the hour
    assert box.envelopes[0].rcpt_tos == ["analyst@test"]  # the rule's own recipients
    assert api.dispatch_once(config, now=NOW + timedelta(minutes=30)).sent == 0
    report = api.dispatch_once(config, now=NOW + timedelta(hours=1))
    assert report.sent == 2 and len(box.messages) == 2
    digest = box.messages[1]
    body = _body(digest)
    assert "hourly digest" in digest["Subject"]
    assert OUTLET_A["title"] in body and "also:" in body  # the second outlet under the story
    assert instant["Subject"] != digest["Subject"]


def test_alerts_test_command(tmp_path: Any, slack: HTTPServer) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data("ok")
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        "alerts": {"channels": [{"name": "slack", "type": "slack",
                                 "webhook_url": slack.url_for("/hook")}]}}))
    result = CliRunner().invoke(cli, ["--config", str(config), "alerts", "test", "slack"],
                                obj={})
    assert result.exit_code == 0 and "test message sent" in result.stdout
    (message,) = [json.loads(req.get_data()) for req, _ in slack.log]
    assert "[monitor test]" in json.dumps(message)
    missing = CliRunner().invoke(cli, ["--config", str(config), "alerts", "test", "pager"],
                                 obj={})
    assert missing.exit_code == 2 and "no enabled channel named 'pager'" in missing.stderr
