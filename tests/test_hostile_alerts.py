"""Hostile input against the alert channels: what an article, a feed or a server sends must
never break a message, ping a Slack channel, add an email header, link a ``javascript:`` URL,
leak a webhook token or leave an alert untried; one slow channel never delays another.

Real servers on 127.0.0.1: a Slack stand-in that refuses what Slack refuses (Block Kit's
limits, answered with ``400 invalid_blocks``), aiosmtpd, raw sockets that answer garbage or
drip their answer a byte a second.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html as htmllib
import io
import json
import logging
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api, clock, scheduler
from monitor.alerts.render import (
    AlertView,
    console_batch_text,
    console_text,
    email_batch_parts,
    email_parts,
    slack_batch_payload,
    slack_payload,
    webhook_payload,
)
from monitor.alerts.retry_after import parse_retry_after
from monitor.app import open_app
from monitor.config import parse_config
from monitor.errors import DeliveryError
from monitor.evidence_model import Evidence
from tests.conftest import Mailbox
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOSTILE = "<!channel> <!here> <@U123> <#C1|x> <script>alert(1)</script> a|b & c\r\nBcc: x@evil"
LEAD = "Putin and Xi meet in Moscow"

# ---- what Slack refuses, and what must never reach it -----------------------------------------


def block_kit_problems(payload: dict[str, Any]) -> list[str]:
    """Why Slack would refuse this message (Block Kit's documented limits)."""
    problems = []
    if len(payload.get("text", "")) > 40_000:
        problems.append("text longer than 40000")
    blocks = payload.get("blocks", [])
    if len(blocks) > 50:
        problems.append("more than 50 blocks")
    for i, block in enumerate(blocks):
        kind = block["type"]
        if kind == "section":
            if "text" in block and len(block["text"]["text"]) > 3000:
                problems.append(f"block {i}: section text longer than 3000")
            fields = block.get("fields", [])
            if len(fields) > 10 or any(len(f["text"]) > 2000 for f in fields):
                problems.append(f"block {i}: fields over 10 or longer than 2000")
        elif kind == "header":
            if block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > 150:
                problems.append(f"block {i}: header not plain_text of at most 150")
        elif kind == "context":
            elements = block["elements"]
            if len(elements) > 10 or any(len(e.get("text", "")) > 3000 for e in elements):
                problems.append(f"block {i}: context over 10 elements or 3000 characters")
    return problems


def mrkdwn_texts(payload: dict[str, Any]) -> Iterator[str]:
    yield payload["text"]
    for block in payload["blocks"]:
        if block["type"] == "section":
            if "text" in block:
                yield block["text"]["text"]
            yield from (f["text"] for f in block.get("fields", []))
        elif block["type"] == "context":
            yield from (e["text"] for e in block["elements"])


_LINK = re.compile(r"<([^<>]*)>")


def mrkdwn_problems(text: str) -> list[str]:
    """Mentions, broken markup, non-http links and raw control characters in Slack text."""
    problems = []
    for m in _LINK.finditer(text):
        inner = m.group(1)
        url = inner.split("|", 1)[0]
        if inner[:1] in "!@#":
            problems.append(f"special markup <{inner}>")
        elif not re.fullmatch(r"https?://[^\s|<>]+", url):
            problems.append(f"link to {url!r}")
    rest = re.sub(r"(?m)^> ", "", _LINK.sub("", text))  # "> " starts a quoted line
    if "<" in rest or ">" in rest:
        problems.append("unbalanced < or >")
    if re.search(r"&(?!amp;|lt;|gt;)", text):
        problems.append("raw &")
    if re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text):
        problems.append("control character")
    return problems


@pytest.fixture
def strict_slack(slack: HTTPServer) -> Iterator[tuple[HTTPServer, list[dict[str, Any]]]]:
    """The Slack stand-in: accepts a message as Slack would, or answers 400 invalid_blocks."""
    accepted: list[dict[str, Any]] = []

    def hook(req: Request) -> Response:
        payload = json.loads(req.get_data())
        if block_kit_problems(payload):
            return Response("invalid_blocks", status=400)
        accepted.append(payload)
        return Response("ok")

    slack.expect_request("/hook", method="POST").respond_with_handler(hook)
    yield slack, accepted


def _view(title: str = LEAD, url: str = "https://news.example/a?x=1&y=2",
          text: str = HOSTILE, **kw: Any) -> AlertView:
    evidence = {"clause": f"countries: at least 2 {text}", "about": ["RU", "CN"],
                "countries": {
                    "RU": {"name": f"Russia {text}", "salience": 3.0, "entities": [
                        {"id": "Q7747", "name": f"Vladimir Putin {text}", "count": 1}]},
                    "CN": {"name": "China", "salience": 2.0, "entities": [
                        {"id": "Q15031", "name": f"Xi {text}", "count": 1}]}},
                "snippets": [{"field": "title", "text": f"{title} {text}", "spans": [[0, 5]]},
                             {"field": "body", "text": text, "spans": [[0, 10]]}]}
    base: dict[str, Any] = dict(alert_id=1, rule="russia-china-us", severity="high",
                                title=title, url=url, site=f"Site {text}",
                                published_at=NOW, feeds=[f"feed {text}"],
                                evidence=Evidence.from_json(evidence),
                                score=5.0)
    return AlertView(**{**base, **kw})


HOSTILE_VIEWS = {
    "everything hostile": _view(title=f"{LEAD} {HOSTILE}",
                                url="https://news.example/<!channel>|<@U123> x\r\ny&z"),
    "javascript link": _view(url="javascript:alert(document.cookie)//<!channel>"),
    "data link": _view(url="data:text/html,<script>alert(1)</script>"),
    "headline of 3500": _view(title=LEAD + " " + "x" * 3500),
    "headline of & growing past 3000": _view(title=LEAD + " &" * 1400),
    "url of 3000": _view(url="https://news.example/" + "a" * 3000),
    "url of 3000 with entities": _view(url="https://news.example/?" + "a=<&" * 800),
    "snippets of 5000 &": _view(text="&<>" * 1700),
}


@pytest.mark.parametrize("name", list(HOSTILE_VIEWS))
def test_slack_messages_are_valid_and_ping_nobody(name: str) -> None:
    view = HOSTILE_VIEWS[name]
    follow = _view(alert_id=2, kind="followup", parent_id=1, site=HOSTILE, url=view.url)
    for payload in (slack_payload(view),
                    slack_batch_payload([view, follow, *[view] * 60], f"3 new {HOSTILE}")):
        assert block_kit_problems(payload) == []
        headline = next(b for b in payload["blocks"] if b["type"] == "section")
        assert "Putin and Xi meet" in headline["text"]["text"]  # the headline is shown
        assert "Putin and Xi meet" in payload["text"]
        for text in mrkdwn_texts(payload):
            assert mrkdwn_problems(text) == [], text[:300]


def test_a_truncated_slack_text_ends_in_an_ellipsis_and_keeps_whole_escapes() -> None:
    payload = slack_payload(HOSTILE_VIEWS["headline of & growing past 3000"])
    header = payload["blocks"][0]["text"]["text"]
    assert len(header) <= 3000 and header.startswith("*<https://news.example/a?")
    assert header.endswith("…>*")  # the headline cut with an ellipsis, still the link's label
    assert re.search(r"&(?!amp;)", header) is None  # no &am… left cut


@pytest.mark.parametrize("name", list(HOSTILE_VIEWS))
def test_email_is_escaped_single_line_headed_and_links_only_http(name: str) -> None:
    view = HOSTILE_VIEWS[name]
    for subject, text, page in (email_parts(view), email_batch_parts([view, view], HOSTILE)):
        assert "\r" not in subject and "\n" not in subject
        assert "<script>" not in page and "<!channel>" not in page
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert all(htmllib.unescape(h).startswith(("http://", "https://")) for h in hrefs)
        assert "\r" not in text  # no line of the plain part is broken by a headline
        assert not re.search(r"(?m)^Bcc:", text)


@pytest.mark.parametrize("name", list(HOSTILE_VIEWS))
def test_console_shows_no_control_characters(name: str) -> None:
    view = HOSTILE_VIEWS[name]
    for out in (console_text(view), console_batch_text([view, view], "x")):
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", out)
        assert not re.search(r"(?m)^Bcc:", out)


def test_webhook_payload_carries_the_article_as_found() -> None:
    """JSON needs no escaping: the receiver gets the exact strings (documented as raw)."""
    view = HOSTILE_VIEWS["everything hostile"]
    got = json.loads(json.dumps(webhook_payload(view)))
    assert (got["title"], got["url"], got["site"], got["feeds"]) == (
        view.title, view.url, view.site, view.feeds)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 7 ", 7.0), ("99999999999999", 86400.0), ("9" * 5000, 86400.0),
    ("²", None), ("١٢٠", None), ("-5", None), ("1e9", None), ("12.5", None), ("", None),
    (None, None), ("Mon, 05 Jan 2026 12:01:00 GMT", 60.0), ("Mon, 05 Jan 2099 12:00:00 GMT",
                                                           86400.0),
    ("Mon, 05 Jan 2020 12:00:00 GMT", 0.0), ("garbage, 99 Foo 12345678901 99:99:99", None),
])
def test_retry_after_is_parsed_strictly_and_clamped(value: str | None,
                                                    seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


# ---- through the pipeline, against real servers ---------------------------------------------

def _feed(web: HTTPServer, title: str, link: str = "http://127.0.0.1:9/story",
          description: str = "The Kremlin hosted Beijing's leader. Washington objected.") -> str:
    web.expect_request("/feed.xml").respond_with_data(
        rss([{"title": title, "guid": "1", "link": link, "description": description}]),
        content_type="application/rss+xml")
    return web.url_for("/feed.xml")


@pytest.mark.parametrize(("title", "link"), [
    (LEAD + " " + "x" * 3500, "http://127.0.0.1:9/story"),
    (LEAD + " &" * 1400, "http://127.0.0.1:9/story"),
    (LEAD, "http://127.0.0.1:9/" + "a" * 3000),
], ids=["headline of 3500", "& growing past 3000", "url of 3000"])
def test_oversized_articles_still_reach_slack(sqlite_url: str, web: HTTPServer,
                                              strict_slack: tuple[HTTPServer, list[Any]],
                                              title: str, link: str) -> None:
    server, accepted = strict_slack
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, title, link)}],
                         full_text=False, slack_url=server.url_for("/hook"))
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.total("hits") == 1
    assert report.dispatch.sent == 1 and len(accepted) == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "sent"


def test_a_hostile_story_pings_nobody_in_slack(sqlite_url: str, web: HTTPServer,
                                               strict_slack: tuple[HTTPServer, list[Any]]
                                               ) -> None:
    server, accepted = strict_slack
    link = "https://news.example/x?<!channel>=1&b=<@U123>|z"
    config = make_config(sqlite_url, [{"name": f"feed {HOSTILE}",
                                       "url": _feed(web, f"{LEAD} {HOSTILE}", link,
                                                    f"Kremlin and Beijing. {HOSTILE}")}],
                         full_text=False, slack_url=server.url_for("/hook"))
    assert api.poll_once(config, now=NOW, workers=0).dispatch.sent == 1
    (payload,) = accepted
    for text in mrkdwn_texts(payload):
        assert mrkdwn_problems(text) == [], text


def test_a_javascript_link_is_not_a_link_in_slack_or_email(
        sqlite_url: str, web: HTTPServer, strict_slack: tuple[HTTPServer, list[Any]],
        smtp: tuple[Mailbox, int]) -> None:
    server, accepted = strict_slack
    box, port = smtp
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(
        web, LEAD, "javascript:alert(document.cookie)")}], full_text=False,
        slack_url=server.url_for("/hook"), smtp_port=port)
    report = api.poll_once(config, now=NOW, workers=0)
    # The story is still caught (its entry is known by title and text, not by the bad link).
    assert report.cycle.total("hits") == 1
    assert report.dispatch.sent == 2
    assert "javascript:" not in "".join(_LINK.findall(json.dumps(accepted[0])))
    page = box.messages[0].get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert 'href="javascript' not in page


def test_a_headline_with_cr_lf_is_mailed_with_one_subject_line(
        sqlite_url: str, web: HTTPServer, smtp: tuple[Mailbox, int]) -> None:
    """og:title may carry CR/LF: the mail goes out, its Subject one line, no header added."""
    box, port = smtp
    web.expect_request("/story").respond_with_data(
        "<html><head><meta property='og:title' content='Putin and Xi meet&#13;&#10;Bcc: "
        "victim@evil.test&#13;&#10;X-Injected: 1'><title>t</title></head><body><article>"
        + "<p>Putin and Xi met in Moscow. The Kremlin hosted Beijing's leader.</p>" * 8
        + "</article></body></html>", content_type="text/html")
    web.expect_request("/feed.xml").respond_with_data(  # an entry without a title
        rss([{"guid": "1", "link": web.url_for("/story"), "description": "Kremlin."}]),
        content_type="application/rss+xml")
    config = make_config(sqlite_url, [{"name": "f", "url": web.url_for("/feed.xml")}],
                         full_text=True, smtp_port=port)
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.cycle.total("hits") == 1
    (alert,) = api.alerts(config)
    assert "\n" in alert["title"]  # the headline as found, CR/LF and all
    assert report.dispatch.sent == 1, alert
    (mail,) = box.messages
    assert "X-Injected" not in mail and mail["Bcc"] is None
    assert "Putin and Xi meet" in mail["Subject"] and "\n" not in mail["Subject"]
    assert box.envelopes[0].rcpt_tos == ["desk@test"]


@pytest.mark.parametrize("retry_after", ["99999999999999", "²", "Mon, 99 Foo 99999 99:99:99"])
def test_a_wild_retry_after_is_one_counted_attempt(sqlite_url: str, web: HTTPServer,
                                                   slack: HTTPServer, retry_after: str) -> None:
    slack.expect_request("/hook", method="POST").respond_with_data(
        "rate limited", status=429, headers={"Retry-After": retry_after})
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}],
                         full_text=False, slack_url=slack.url_for("/hook"))
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "pending" and alert["attempts"] == 1
    assert "HTTP 429" in alert["last_error"]
    wait = datetime.fromisoformat(alert["next_attempt_at"]) - NOW
    assert timedelta(0) < wait <= timedelta(days=1, minutes=1)


def test_a_slack_api_answering_a_json_list_is_a_recorded_attempt(
        sqlite_url: str, web: HTTPServer, slack: HTTPServer) -> None:
    slack.expect_request("/api", method="POST").respond_with_json([1, 2])
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}], full_text=False,
                         extra={"alerts": {"channels": [{
                             "name": "slack", "type": "slack", "bot_token": "xoxb-secret-1",
                             "slack_channel": "C1", "api_url": slack.url_for("/api")}]}})
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "pending" and alert["attempts"] == 1 and alert["last_error"]


# ---- secrets ----------------------------------------------------------------------------------

TOKEN = "T0SECRET/B0SECRET/s3cr3tW3bh00kT0k3n"


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with ``answer(conn)``."""

    def __init__(self, answer: Any) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.connections = 0
        self.open = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        self.open += 1
        try:
            with conn:
                conn.settimeout(5)
                conn.recv(65536)
                self.answer(conn)
        except OSError:
            pass
        finally:
            self.open -= 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def garbage_server() -> Iterator[RawServer]:
    server = RawServer(lambda conn: conn.sendall(
        f"SSH-2.0-NotHTTP {TOKEN} \x00\xff garbage\r\n".encode("latin-1")))
    yield server
    server.close()


def _webhook_config(sqlite_url: str, feed_url: str, url: str, timeout: str = "5s") -> Any:
    return make_config(sqlite_url, [{"name": "f", "url": feed_url}], full_text=False,
                       extra={"alerts": {"channels": [{"name": "hook", "type": "webhook",
                                                       "webhook_url": url, "timeout": timeout}],
                                         "retry": {"base_seconds": 1, "max_seconds": 5,
                                                   "max_attempts": 3}}})


def _assert_no_token(text: str) -> None:
    for part in TOKEN.split("/"):
        assert part not in text, text


@pytest.mark.parametrize("kind", ["404 echoing its path", "non-HTTP garbage"])
def test_webhook_token_never_reaches_errors_or_logs(
        sqlite_url: str, web: HTTPServer, slack: HTTPServer, garbage_server: RawServer,
        caplog: pytest.LogCaptureFixture, kind: str) -> None:
    if kind == "404 echoing its path":
        slack.expect_request(re.compile("/hooks/.*")).respond_with_handler(
            lambda req: Response(f"<h1>Not found: {req.path}</h1> {req.url}", status=404))
        url = slack.url_for(f"/hooks/{TOKEN}")
    else:
        url = f"http://127.0.0.1:{garbage_server.port}/hooks/{TOKEN}"
    config = _webhook_config(sqlite_url, _feed(web, LEAD), url)
    caplog.set_level(logging.DEBUG)
    report = api.poll_once(config, now=NOW, workers=0)
    assert report.dispatch.retrying + report.dispatch.failed == 1
    (alert,) = api.alerts(config)
    assert alert["attempts"] == 1 and alert["last_error"]
    _assert_no_token(alert["last_error"])
    with pytest.raises(DeliveryError) as err:
        api.send_test_alert(config, "hook")
    _assert_no_token(str(err.value))
    # monitor's own log lines (the server's access log and httpx's request lines, which
    # monitor.logs keeps at WARNING, are not monitor's), with their exception text
    ours = [r for r in caplog.records if r.name.startswith("monitor")]
    assert ours
    _assert_no_token("\n".join(logging.Formatter().format(r) for r in ours))


# ---- a slow channel -------------------------------------------------------------------------

def _drip(conn: socket.socket) -> None:
    """Headers at once, then the body one byte a second (never a read timeout)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n")
    for _ in range(600):
        time.sleep(1)
        conn.sendall(b".")


def test_a_dripping_webhook_does_not_hold_back_slack(sqlite_url: str, web: HTTPServer,
                                                     slack: HTTPServer) -> None:
    """The daemon's own scheduler: while the webhook drips its answer to the first story,
    Slack still gets the stories that come after it."""
    drip = RawServer(_drip)
    stories = [{"title": f"{LEAD} on topic one", "guid": "1", "link": "http://127.0.0.1:9/1",
                "description": "The Kremlin hosted Beijing's leader."}]
    web.expect_request("/feed.xml").respond_with_handler(
        lambda req: Response(rss(stories), content_type="application/rss+xml"))
    on_slack: list[str] = []
    slack.expect_request("/hook", method="POST").respond_with_handler(
        lambda req: (on_slack.append(json.loads(req.get_data())["text"]), Response("ok"))[1])
    config = parse_config({
        "database": {"url": sqlite_url},
        "fetch": {"allow_private_addresses": True, "full_text": False},
        "scheduler": {"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                      "shutdown_timeout": "2s"},
        "feeds": [{"name": "wire", "url": web.url_for("/feed.xml"), "interval": "1s"}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [
            {"name": "slack", "type": "slack", "webhook_url": slack.url_for("/hook"),
             "min_gap": "0.1s"},
            {"name": "hook", "type": "webhook", "timeout": "120s",
             "webhook_url": f"http://127.0.0.1:{drip.port}/hook"}]},
    }, env={})
    api.prepare_database(config)

    async def until(what: str, cond: Any, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, f"no {what} within {timeout:g}s"
            await asyncio.sleep(0.1)

    async def main() -> None:
        async with open_app(config, workers=0) as app:
            from monitor import pipeline
            pipeline.sync_feeds(app, clock.utcnow())
            stop = asyncio.Event()
            daemon = asyncio.create_task(scheduler.run_forever(app, stop))
            try:
                await until("drip and first Slack message",
                            lambda: drip.open == 1 and any("topic one" in t for t in on_slack))
                stories.append({"title": "Xi Jinping receives Vladimir Putin at Zhongnanhai "
                                "for talks on grain, topic two", "guid": "2",
                                "link": "http://127.0.0.1:9/2",
                                "description": "Beijing welcomed a Kremlin delegation."})
                await until("second story on Slack",
                            lambda: any("topic two" in t for t in on_slack))
                assert drip.open == 1  # the webhook is still dripping its first answer
            finally:
                stop.set()
                await asyncio.wait_for(daemon, 60)

    try:
        asyncio.run(main())
    finally:
        drip.close()


PASSWORD = "hunter2-Sm7p-pa55"


def _smtp_echoing_credentials(conn: socket.socket) -> None:
    """An SMTP server that refuses AUTH quoting what it got, decoded (as some do)."""
    conn.sendall(b"220 smtp.test ESMTP\r\n")
    f = conn.makefile("rb")
    for raw in f:
        line = raw.decode("latin-1").strip()
        if line.upper().startswith(("EHLO", "HELO")):
            conn.sendall(b"250-smtp.test\r\n250 AUTH PLAIN\r\n")
        elif line.upper().startswith("AUTH PLAIN"):
            creds = base64.b64decode(line.split()[-1]).decode("latin-1").replace("\0", " ")
            conn.sendall(f"535 5.7.8 bad credentials: {creds}\r\n".encode("latin-1"))
        elif line.upper().startswith("QUIT"):
            conn.sendall(b"221 bye\r\n")
            return
        else:
            conn.sendall(b"502 no\r\n")


def test_smtp_password_never_reaches_errors_or_logs(sqlite_url: str, web: HTTPServer,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                with conn:
                    _smtp_echoing_credentials(conn)

    threading.Thread(target=serve, daemon=True).start()
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}], full_text=False,
                         extra={"alerts": {"channels": [{
                             "name": "email", "type": "email", "host": "127.0.0.1",
                             "port": port, "security": "none", "username": "desk",
                             "password": PASSWORD, "from_addr": "m@test", "to": ["d@test"]}]}})
    caplog.set_level(logging.DEBUG)
    try:
        report = api.poll_once(config, now=NOW, workers=0)
        with pytest.raises(DeliveryError) as err:
            api.send_test_alert(config, "email")
    finally:
        server.close()
    assert report.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["attempts"] == 1 and "535" in alert["last_error"]
    ours = "\n".join(logging.Formatter().format(r) for r in caplog.records
                     if r.name.startswith("monitor"))
    for text in (alert["last_error"], str(err.value), ours):
        assert PASSWORD not in text, text


def test_a_dripping_answer_is_cut_at_the_timeout_and_retried(sqlite_url: str,
                                                             web: HTTPServer) -> None:
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 600\r\n\r\n")
        while not stop.wait(1):
            conn.sendall(b".")

    server = RawServer(drip)
    config = _webhook_config(sqlite_url, _feed(web, LEAD),
                             f"http://127.0.0.1:{server.port}/hook", timeout="2s")
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(api.poll_once(config, now=NOW,
                                                                       workers=0)))
    worker.start()
    worker.join(timeout=30)  # a guard, not a speed claim: unbounded, it drips for 10 minutes
    finished_while_dripping = bool(done)
    stop.set()
    server.close()
    worker.join(timeout=30)
    assert finished_while_dripping, "the round still waited for the dripping answer after 30 s"
    assert done[0].dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "pending" and alert["attempts"] == 1
    assert "within 2s" in alert["last_error"]


def test_any_error_a_channel_raises_is_a_recorded_attempt(sqlite_url: str,
                                                         web: HTTPServer) -> None:
    """The last line of defence: the console's stream is closed (a broken pipe), so the
    channel raises what no channel translates; the alert is tried, counted and retried."""
    out = io.StringIO()
    out.close()
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}], full_text=False,
                         extra={"alerts": {"channels": [{"name": "console",
                                                         "type": "console"}]}})
    report = api.poll_once(config, out=out, now=NOW, workers=0)
    assert report.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["status"] == "pending" and alert["attempts"] == 1
    assert "ValueError" in alert["last_error"]
    assert datetime.fromisoformat(alert["next_attempt_at"]) > NOW


def test_a_dripping_smtp_server_is_cut_at_the_timeout_and_sends_nothing_late(
        sqlite_url: str, web: HTTPServer) -> None:
    """smtplib's timeout bounds each read, not the session: a server that answers EHLO with an
    endless reply, one byte at a time, held the send (and its thread) for ever, and a message
    handed over later would arrive after the attempt was given up. The session ends at the
    channel's timeout: the attempt is recorded, and the client hangs up."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    hung_up = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"220 smtp.test ESMTP\r\n")
            conn.recv(1024)  # EHLO
            conn.sendall(b"250-")
            try:
                for _ in range(3000):  # ten minutes of a reply that never ends
                    time.sleep(0.2)
                    conn.sendall(b"x")
            except OSError:  # the client shut the connection
                hung_up.set()

    threading.Thread(target=serve, daemon=True).start()
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}], full_text=False,
                         extra={"alerts": {"channels": [{
                             "name": "email", "type": "email", "host": "127.0.0.1",
                             "port": port, "security": "none", "timeout": "2s",
                             "from_addr": "m@test", "to": ["d@test"]}]}})
    try:
        report = api.poll_once(config, now=NOW, workers=0)
        assert hung_up.wait(30), "the client never hung up: the SMTP session outlived its timeout"
    finally:
        server.close()
    assert report.dispatch.retrying == 1
    (alert,) = api.alerts(config)
    assert alert["attempts"] == 1 and alert["status"] == "pending"
    assert "no complete SMTP exchange within 2s" in alert["last_error"]


@pytest.mark.parametrize("answer", ["refuse", "reset", "close"])
def test_a_webhook_error_says_what_happened(answer: str) -> None:
    """httpx-aiohttp reports a refused connection as ConnectTimeout: the delivery error says
    what happened instead (as the fetcher does), and a timeout only when there was one."""
    from monitor.alerts.http_post import post_json

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    if answer == "refuse":
        server.close()
    else:
        def serve() -> None:
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                conn.recv(65536)
                if answer == "reset":  # RST instead of an answer
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                conn.close()
        threading.Thread(target=serve, daemon=True).start()

    async def main() -> str:
        from monitor.config import FetchConfig
        from monitor.net.client import make_client
        async with make_client(FetchConfig()) as http:
            with pytest.raises(DeliveryError) as err:
                await post_json(http, "hook", f"http://127.0.0.1:{port}/T0KEN/hook", {}, 5.0)
            return err.value.reason

    try:
        reason = asyncio.run(main())
    finally:
        server.close()
    assert "timed out" not in reason and "Timeout" not in reason, reason
    assert "T0KEN" not in reason
    expected = {"refuse": "connection refused", "reset": "reset",
                "close": "closed the connection"}[answer]
    assert expected in reason, reason
