"""The independent adversarial run repeated with variants: siblings of issue 10's examples
that the first tests did not cover. Each test states what a user relies on; each was seen to
fail before its fix unless its docstring says it is a regression guard that passed already.

Real servers on 127.0.0.1: raw sockets that write exact bytes (a Latin-1 reason phrase, a
Retry-After past year 9999, an SMTP server that echoes credentials or drips its greeting),
pytest-httpserver for feeds, real SQLite files.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.alerts.render import slack_payload
from monitor.config import FetchConfig
from monitor.errors import DeliveryError, FeedParseError, FetchError
from monitor.ingest.feeds import parse_feed
from monitor.ingest.fetch import Fetcher, fetch, parse_retry_after
from monitor.logs import JsonFormatter, TextFormatter
from tests.helpers import make_config, rss
from tests.test_hostile_alerts import (
    LEAD,
    _feed,
    _smtp_echoing_credentials,
    _view,
    block_kit_problems,
    mrkdwn_problems,
    mrkdwn_texts,
)
from tests.test_hostile_fetch import RawServer

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
FEED = rss([{"title": "Local story", "guid": "1", "link": "http://127.0.0.1:9/1"}])


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


def _fetch(url: str) -> Any:
    async def go() -> Any:
        async with Fetcher(FetchConfig(timeout=5)) as client:
            return await fetch(client, url, max_bytes=100_000, total_timeout=10,
                               allow_private=True)
    return asyncio.run(go())


# ---- HTTP framing: a reason phrase that is not UTF-8 ----------------------------------------

LATIN1_OK = b"HTTP/1.1 200 Tr\xe8s bien\r\n"


def test_a_feed_whose_reason_phrase_is_latin1_is_read(sqlite_url: str, raw: RawServer) -> None:
    """'HTTP/1.1 200 Très bien' in Latin-1 (or any bytes) is a good answer, as for browsers:
    the feed is stored, not failed with a UnicodeEncodeError."""
    raw.routes["/feed"] = (LATIN1_OK + b"Content-Type: application/rss+xml\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(FEED) + FEED)
    raw.routes["/binary"] = (b"HTTP/1.1 200 \xff\xfe\x80\r\nContent-Length: %d\r\n\r\n"
                             % len(FEED) + FEED)
    assert _fetch(raw.url("/binary")).body == FEED
    config = make_config(sqlite_url, [{"name": "fr", "url": raw.url("/feed")}],
                         full_text=False)
    api.poll_once(config, now=NOW, workers=0)
    (feed,) = api.feeds_health(config)
    assert feed["error_count"] == 0 and feed["articles"] == 1, feed


def test_a_webhook_answering_a_latin1_reason_phrase_gets_the_alert_once(
        sqlite_url: str, web: HTTPServer, raw: RawServer) -> None:
    """The webhook took the message (200) with a Latin-1 reason phrase: the alert is sent,
    not retried (which would deliver it again)."""
    raw.routes["/hook"] = LATIN1_OK + b"Content-Length: 2\r\n\r\nok"
    config = make_config(sqlite_url, [{"name": "f", "url": _feed(web, LEAD)}],
                         full_text=False, extra={"alerts": {"channels": [
                             {"name": "hook", "type": "webhook",
                              "webhook_url": raw.url("/hook")}]}})
    api.poll_once(config, now=NOW, workers=0)
    (alert,) = api.alerts(config)
    assert alert["status"] == "sent", alert
    assert raw.hits["/hook"] == 1


# ---- Retry-After: a date Python cannot represent ---------------------------------------------

HUGE_DATE = "Mon, 01 Jan 99999999999999 00:00:00 GMT"


@pytest.mark.parametrize(("value", "expected"), [
    (HUGE_DATE, None), ("Fri, 31 Dec 9999 23:59:59 -2359", 1e9), ("9" * 5000, 1e9),
    ("Mon, 32 Jan 2026 00:00:00 GMT", None), ("\u00b2", None), ("120", 120.0),
])
def test_feed_retry_after_is_parsed_without_raising(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_a_429_with_a_retry_after_past_year_9999_is_still_a_429(raw: RawServer) -> None:
    """The status decides how the feed is treated (throttled, not failed): an odd
    Retry-After must not turn the answer into an 'unexpected error' without a status."""
    raw.routes["/slow"] = (f"HTTP/1.1 429 Too Many\r\nRetry-After: {HUGE_DATE}\r\n"
                           "Content-Length: 0\r\n\r\n").encode()
    with pytest.raises(FetchError) as caught:
        _fetch(raw.url("/slow"))
    assert caught.value.status == 429 and caught.value.reason == "HTTP 429", caught.value


# ---- feeds: character references, a byte order mark --------------------------------------------

BAD_REFS = ["&#1114112;", "&#x110000;", "&#99999999999999999999;", "&#x" + "f" * 30 + ";",
            "&#xD800;", "&#55296;", "&#xDFFF;"]


@pytest.mark.parametrize("ref", BAD_REFS)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_character_reference_outside_unicode_costs_nothing_else(ref: str, kind: str) -> None:
    """A reference to no character (past U+10FFFF, a surrogate) is a replacement character;
    the feed and the entry's siblings are read."""
    if kind == "rss":
        body = (f'<rss version="2.0"><channel><title>t</title><item><title>a{ref}b</title>'
                f"<guid>g{ref}</guid></item><item><title>ok</title><guid>2</guid></item>"
                "</channel></rss>").encode()
    else:
        body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>'
                f"<id>{ref}</id><title>a{ref}b</title></entry><entry><id>2</id>"
                "<title>ok</title></entry></feed>").encode()
    parsed = parse_feed(body, "http://127.0.0.1/feed")
    titles = [e.title for e in parsed.entries]
    assert titles == ["a\ufffdb", "ok"], titles
    for entry in parsed.entries:
        (entry.title + (entry.guid or "")).encode("utf-8")  # storable


@pytest.mark.parametrize("content_type", [None, "application/feed+json"])
def test_a_json_feed_with_a_byte_order_mark_is_read(content_type: str | None) -> None:
    body = b"\xef\xbb\xbf" + json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "BOM",
        "items": [{"id": "1", "title": "With a BOM", "url": "http://127.0.0.1:9/1"}]}).encode()
    parsed = parse_feed(body, "http://127.0.0.1/feed.json", content_type)
    assert [e.title for e in parsed.entries] == ["With a BOM"]


# ---- log forging through Unicode line breaks ---------------------------------------------------

FORGED = 'x\u2028{"level": "info", "event": "all-clear"}\u2029y\x85z\x1cw\r\nv'


@pytest.mark.parametrize("template", ["poll failed feed=%s", "feed %s failed"])
def test_a_log_record_is_one_line_whatever_the_feed_sends(template: str) -> None:
    """Log shippers split lines on U+2028, U+2029 and NEL too (Python's splitlines does):
    a feed name or entry title carrying them stays inside its record, in both formats."""
    record = logging.LogRecord("monitor.pipeline", logging.WARNING, __file__, 1, template,
                               (FORGED,), None)
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1, line
    doc = json.loads(line)
    assert doc.get("feed") == FORGED or FORGED in doc["event"], doc
    assert doc["level"] == "warning" and doc["logger"] == "monitor.pipeline"
    assert len(TextFormatter().format(record).splitlines()) == 1


# ---- Slack mentions in other spellings (regression guards: these passed already) -------------

@pytest.mark.parametrize("hostile", [
    "<!subteam^S0123|@desk>", "<!everyone>", "<\u200b!channel>", "<!channel\u200b>",
    "&lt;!channel&gt;", "<!date^1392734382^{date}|x>", "<#C024BE7LR>", "<@W123|bob>",
    "<mailto:x@evil.example|click>", "\u2028<!here>",
])
def test_other_mention_spellings_ping_nobody(hostile: str) -> None:
    view = _view(title=f"{LEAD} {hostile}", url=f"https://news.example/{hostile}",
                 text=hostile)
    payload = slack_payload(view)
    problems = [p for t in mrkdwn_texts(payload) for p in mrkdwn_problems(t)]
    assert problems + block_kit_problems(payload) == []


# ---- SMTP: credentials echoed with escapes, a server that drips --------------------------------

def _smtp_server(handler: Callable[[socket.socket], None]) -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                threading.Thread(target=_guarded, args=(handler, conn), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def _guarded(handler: Callable[[socket.socket], None], conn: socket.socket) -> None:
    with conn, contextlib.suppress(OSError):
        handler(conn)


def _email_config(sqlite_url: str, port: int, password: str | None = None,
                  timeout: str = "5s") -> Any:
    channel: dict[str, Any] = {"name": "email", "type": "email", "host": "127.0.0.1",
                               "port": port, "security": "none", "from_addr": "m@test",
                               "to": ["d@test"], "timeout": timeout}
    if password:
        channel |= {"username": "desk", "password": password}
    return make_config(sqlite_url, [], full_text=False,
                       extra={"alerts": {"channels": [channel]}})


@pytest.fixture
def echoing_smtp() -> Iterator[int]:
    yield from _smtp_server(_smtp_echoing_credentials)


@pytest.mark.parametrize("password", ['pa\\ss"wo\'rd-Sm7p', "tab\tand\\x41-secret"])
def test_an_echoed_password_with_escapable_characters_is_redacted(
        sqlite_url: str, echoing_smtp: int, password: str) -> None:
    """A 535 quoting the password: no form of it (raw, nor as Python would escape it)
    reaches the error an operator sees."""
    config = _email_config(sqlite_url, echoing_smtp, password)
    with pytest.raises(DeliveryError) as err:
        api.send_test_alert(config, "email")
    text = str(err.value)
    assert "535" in text
    for form in (password, repr(password)[1:-1], repr(password.encode())[2:-1]):
        for piece in (form[:6], form[-6:]):
            assert piece not in text, (piece, text)


def _drip_greeting(conn: socket.socket) -> None:
    """Greets one byte every 0.2 s, a multi-line greeting that never ends (for 2 minutes)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for byte in b"220-smtp.test slowly\r\n":
            conn.sendall(bytes([byte]))
            time.sleep(0.2)


def _silent(conn: socket.socket) -> None:
    """Accepts the connection and never greets (for 2 minutes, or until closed)."""
    conn.settimeout(120)
    with contextlib.suppress(OSError):
        conn.recv(1)


@pytest.mark.parametrize("server", [_drip_greeting, _silent], ids=["drip", "silent"])
def test_an_smtp_server_that_never_finishes_greeting_is_cut_at_the_timeout(
        sqlite_url: str, server: Callable[[socket.socket], None]) -> None:
    """``alerts test email`` (and every send) ends within the channel's timeout with an
    error, however slowly the server talks: smtplib's timeout is per read, so a server
    dripping a byte at a time would hold the send (and the process's exit) for ever."""
    outcome: list[BaseException | None] = []
    ports = _smtp_server(server)
    port = next(ports)
    config = _email_config(sqlite_url, port, timeout="2s")

    def run() -> None:
        try:
            api.send_test_alert(config, "email")
            outcome.append(None)
        except BaseException as exc:  # reported below
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)  # a guard, not a speed claim
    with contextlib.suppress(StopIteration):
        next(ports)
    assert not worker.is_alive(), "the send was still waiting for the SMTP greeting"
    (exc,) = outcome
    assert isinstance(exc, DeliveryError), exc
    assert "timed out" in exc.reason or "within" in exc.reason, exc.reason


# ---- secrets in other error paths ---------------------------------------------------------------

TOKEN = "Zq7T0KENsecret"


def _hook_config(sqlite_url: str, feed_url: str, hook_url: str) -> Any:
    return make_config(sqlite_url, [{"name": "f", "url": feed_url}], full_text=False,
                       extra={"alerts": {"channels": [
                           {"name": "hook", "type": "webhook", "webhook_url": hook_url}]}})


def test_an_unparseable_webhook_url_is_a_recorded_error_not_a_crash(
        sqlite_url: str, web: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    """A webhook URL the config accepts but urlsplit cannot read (``http://[::1/…``): the
    poll still stores its articles, the alert records an error, and the token is nowhere."""
    config = _hook_config(sqlite_url, _feed(web, LEAD), f"http://[::1/hooks/{TOKEN}")
    caplog.set_level(logging.DEBUG)
    api.poll_once(config, now=NOW, workers=0)  # must not raise
    (feed,) = api.feeds_health(config)
    assert feed["articles"] == 1
    (alert,) = api.alerts(config)
    assert alert["attempts"] == 1 and alert["last_error"], alert
    ours = "\n".join(logging.Formatter().format(r) for r in caplog.records
                     if r.name.startswith("monitor"))
    for text in (alert["last_error"], ours):
        assert TOKEN.lower() not in text.lower(), text


def test_a_token_in_the_webhook_host_is_redacted_from_url_errors(sqlite_url: str) -> None:
    """Some services put the token in a subdomain; the HTTP client quotes the host in its
    own way (here an IDNA error, before any connection): the token never reaches the error."""
    config = _hook_config(sqlite_url, "http://127.0.0.1:9/feed",
                          f"http://{TOKEN}\u00ad.hooks.example/catch")
    with pytest.raises(DeliveryError) as err:
        api.send_test_alert(config, "hook")
    assert TOKEN.lower() not in str(err.value).lower(), err.value


# ---- OPML ---------------------------------------------------------------------------------------

def test_an_opml_file_nested_thousands_deep_is_a_clear_error(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    cfg = tmp_path / "config.yaml"
    cfg.write_text(json.dumps({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"}}))
    opml = tmp_path / "deep.opml"
    opml.write_bytes(b'<opml version="2.0"><body>' + b'<outline text="f">' * 5000
                     + b'<outline text="x" xmlUrl="http://127.0.0.1:9/x"/>'
                     + b"</outline>" * 5000 + b"</body></opml>")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "feeds", "import", str(opml)],
                                obj={})
    assert not isinstance(result.exception, RecursionError), result.exception
    assert result.exit_code in (1, 2) and "nested too deeply" in result.output, result.output


def test_an_element_with_a_hundred_thousand_attributes_is_refused_at_once() -> None:
    """feedparser's attribute handling is quadratic: 100,000 attributes in a 1 MB item kept
    a worker busy for minutes (until the parse deadline killed it, at every poll). It is a
    clear error instead, and ordinary long attributes still parse."""
    body = (b'<rss version="2.0"><channel><item '
            + b" ".join(b'a%d="x"' % i for i in range(100_000))
            + b"><title>t</title><guid>1</guid></item></channel></rss>")
    done: list[BaseException | None] = []

    def run() -> None:
        try:
            parse_feed(body, "http://127.0.0.1/feed")
            done.append(None)
        except BaseException as exc:  # reported below
            done.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)  # a guard, not a speed claim
    assert done, "the parse was still running"
    assert isinstance(done[0], FeedParseError) and "attributes" in str(done[0]), done
    long_value = (b'<rss version="2.0"><channel><item><title>t</title><guid>1</guid>'
                  b'<enclosure url="http://127.0.0.1:9/a" type="audio/mpeg" length="1" x="'
                  + b"v" * 1_000_000 + b'"/></item></channel></rss>')
    assert [e.title for e in parse_feed(long_value).entries] == ["t"]


# ---- regression guards: framings, encodings and address spellings that passed already ----------

H = b"HTTP/1.1 200 OK\r\n"


def _moved(location: bytes) -> bytes:
    return b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"


FRAMINGS: dict[str, tuple[bytes, str]] = {
    "/two-lengths": (H + b"Content-Length: 6\r\nContent-Length: 7\r\n\r\n<rss/>x",
                     "invalid HTTP response"),
    "/negative-length": (H + b"Content-Length: -1\r\n\r\n<rss/>", "invalid HTTP response"),
    "/length-overflow": (H + b"Content-Length: " + b"9" * 400 + b"\r\n\r\n<rss/>",
                         "invalid HTTP response"),
    "/te-and-length": (H + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                       b"6\r\n<rss/>\r\n0\r\n\r\n", "invalid HTTP response"),
    "/chunk-overflow": (H + b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 40
                        + b"\r\n<rss/>\r\n0\r\n\r\n", "invalid HTTP response"),
    "/huge-trailer": (H + b"Transfer-Encoding: chunked\r\n\r\n6\r\n<rss/>\r\n0\r\n"
                      + b"".join(b"T%d: v\r\n" % i for i in range(20_000)) + b"\r\n",
                      "invalid HTTP response"),
    "/no-colon": (H + b"garbage line\r\nContent-Length: 6\r\n\r\n<rss/>",
                  "invalid HTTP response"),
    "/status-1000": (b"HTTP/1.1 1000 Weird\r\nContent-Length: 0\r\n\r\n", "invalid HTTP"),
    "/http-0.9": (b"<rss version='2.0'><channel></channel></rss>", "invalid HTTP response"),
    "/http2-frame": (b"\x00\x00\x12\x04\x00\x00\x00\x00\x00", "invalid HTTP response"),
    "/only-100-continue": (b"HTTP/1.1 100 Continue\r\n\r\n", "server closed the connection"),
    "/gzip-not-gzip": (H + b"Content-Encoding: gzip\r\nContent-Length: 6\r\n\r\n<rss/>",
                       "undecodable body"),
    "/zstd": (H + b"Content-Encoding: zstd\r\nContent-Length: 4\r\n\r\nxxxx", "unsupported"),
    "/to-file": (_moved(b"file:///etc/passwd"), "not an HTTP URL"),
    "/to-ftp": (_moved(b"ftp://127.0.0.1/feed"), "not an HTTP URL"),
    "/to-gopher": (_moved(b"gopher://127.0.0.1:6379/_FLUSHALL"), "not an HTTP URL"),
    "/to-v4-in-brackets": (_moved(b"http://[127.0.0.1]/"), "unparseable URL"),
    "/to-bidi-host": (_moved("http://\u202e.example/".encode()), "invalid host name"),
    "/to-octal": (_moved(b"http://0177.0.0.1/"), "not a valid IP address"),
    "/to-huge-location": (_moved(b"http://127.0.0.1/" + b"a" * 60_000),
                          "invalid HTTP response"),
}


@pytest.mark.parametrize("path", list(FRAMINGS))
def test_other_framings_are_fetch_errors_with_a_truthful_reason(raw: RawServer,
                                                                path: str) -> None:
    raw.routes[path], words = FRAMINGS[path]
    with pytest.raises(FetchError) as caught:
        _fetch(raw.url(path))
    assert words in caught.value.reason, caught.value.reason
    assert "timed out" not in caught.value.reason and "unexpected" not in caught.value.reason


@pytest.mark.parametrize("encoding", ["GZIP", "x-gzip", ",,gzip,,", "gzip, identity"])
def test_other_spellings_of_gzip_are_decoded(raw: RawServer, encoding: str) -> None:
    import gzip
    packed = gzip.compress(FEED)
    raw.routes["/enc"] = (H + f"Content-Encoding: {encoding}\r\n".encode()
                          + b"Content-Length: %d\r\n\r\n" % len(packed) + packed)
    assert _fetch(raw.url("/enc")).body == FEED


@pytest.mark.parametrize("url", [
    "http://127\u30020\u30020\u30021/", "http://[::1%25lo]/", "http://good@127.0.0.1/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[::ffff:0:127.0.0.1]/",
    "http://127.0.0.1%2e/", "http://evil.example\\@127.0.0.1/", "http://[::]/",
    "http://0/", "http://0177.0.0.1/", "http://\uff11\uff12\uff17.0.0.1/",
    "http://127.0.0.1\u200b/", "http://[fe80::1%25eth0]/", "http://[::ffff:a9fe:a9fe]/",
])
def test_other_spellings_of_private_addresses_are_refused(url: str) -> None:
    """Without any DNS: each spelling is refused as invalid or non-public, never fetched."""
    async def go() -> None:
        async with Fetcher(FetchConfig(timeout=5)) as client:
            await fetch(client, url, max_bytes=1000, total_timeout=10,
                        allow_private=False)
    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    assert "non-public" in caught.value.reason or "invalid" in caught.value.reason.lower() \
        or "not a valid" in caught.value.reason, caught.value.reason


# ---- a channel's answer is bounded like a feed's body -------------------------------------------

def test_a_webhook_answering_a_gzip_bomb_costs_no_memory(sqlite_url: str, raw: RawServer) -> None:
    """A 300 KB gzip of 300 MB of zeros in answer to a POST: read up to a small bound, the
    error recorded with its status (it took 900 MB of memory when decoded whole)."""
    import resource
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(300)) + packer.flush()
    raw.routes["/hook"] = (b"HTTP/1.1 500 Oops\r\nContent-Encoding: gzip\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(bomb) + bomb)
    config = _hook_config(sqlite_url, "http://127.0.0.1:9/feed", raw.url("/hook"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(DeliveryError, match="HTTP 500"):
        api.send_test_alert(config, "hook")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"peak memory grew by {grown_mb:.0f} MB"


# ---- what a Slack API answer may leave in the database -----------------------------------------

@pytest.mark.parametrize("ts", ["1700000000.1234\u0000", {"nested": [1]}, "9" * 100_000])
def test_a_slack_ts_the_database_cannot_store_does_not_resend_the_alert(
        pg_url: str, web: HTTPServer, slack: HTTPServer, ts: Any) -> None:
    """chat.postMessage said ok with a ts PostgreSQL refuses (a NUL) or that is no ts at
    all: the alert is recorded as sent and posted once, not retried into a duplicate."""
    slack.expect_request("/api/chat.postMessage").respond_with_json({"ok": True, "ts": ts})
    config = make_config(pg_url, [{"name": "f", "url": _feed(web, LEAD)}], full_text=False,
                         extra={"alerts": {"channels": [{
                             "name": "bot", "type": "slack", "bot_token": "xoxb-test-token",
                             "slack_channel": "C123",
                             "api_url": slack.url_for("/api/chat.postMessage")}]}})
    api.poll_once(config, now=NOW, workers=0)
    api.dispatch_once(config)  # a retry, if the first round had not recorded it
    (alert,) = api.alerts(config)
    assert alert["status"] == "sent", alert
    assert len(slack.log) == 1


def test_another_librarys_preformatted_message_adds_no_fields() -> None:
    """A library that formats a URL into its message itself: ``feed=forged`` in the URL is
    text of that message, never a field of the record (JSON) nor a bare pair (text)."""
    record = logging.LogRecord("trafilatura.downloads", logging.WARNING, __file__, 1,
                               "download failed: http://x.example/a feed=forged "
                               "level=debug event=all-clear", None, None)
    doc = json.loads(JsonFormatter().format(record))
    assert set(doc) == {"ts", "level", "logger", "event"}, doc
    assert doc["level"] == "warning" and "feed=forged" in doc["event"]
    text = TextFormatter().format(record)
    assert ' "download failed: http://x.example/a feed=forged' in text, text


def test_a_slack_answer_nested_too_deeply_is_a_delivery_error(sqlite_url: str,
                                                              slack: HTTPServer) -> None:
    """A 200 whose body is 100,000 nested arrays: json raises RecursionError, which is not
    a ValueError; it is a DeliveryError like any answer that is not a JSON object."""
    slack.expect_request("/api/chat.postMessage").respond_with_data(
        "[" * 100_000 + "]" * 100_000, content_type="application/json")
    config = make_config(sqlite_url, [], full_text=False, extra={"alerts": {"channels": [{
        "name": "bot", "type": "slack", "bot_token": "xoxb-test-token", "slack_channel": "C1",
        "api_url": slack.url_for("/api/chat.postMessage")}]}})
    with pytest.raises(DeliveryError, match="not a JSON object"):
        api.send_test_alert(config, "bot")


def _endless_greeting(conn: socket.socket) -> None:
    """A greeting of 8 KB continuation lines, as fast as the socket takes them (for 10 s)."""
    block = (b"220-" + b"x" * 8000 + b"\r\n") * 100
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        conn.sendall(block)


def test_an_endless_smtp_reply_is_refused_without_eating_memory(sqlite_url: str) -> None:
    """smtplib bounds a reply's lines, not their number: one server streaming continuation
    lines took 1.7 GB in 5 s. A reply past a small bound ends the send with an error."""
    import resource

    ports = _smtp_server(_endless_greeting)
    config = _email_config(sqlite_url, next(ports), timeout="5s")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    try:
        with pytest.raises(DeliveryError):
            api.send_test_alert(config, "email")
    finally:
        with contextlib.suppress(StopIteration):
            next(ports)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"peak memory grew by {grown_mb:.0f} MB"


# ---- validators a server sent that cannot be sent back ------------------------------------------

@pytest.mark.parametrize(("etag", "last_modified"), [
    (b'"\x85\x01"', b"Mon, 05 Jan 2026 12:00:00 GMT"),
    (b'"abc"', b"lun., 05 d\xe9c. 2026 12:00:00"),
    (b'"' + b"e" * 8000 + b'"', None),
])
def test_a_validator_that_cannot_be_sent_back_does_not_poison_the_feed(
        raw: RawServer, etag: bytes, last_modified: bytes | None) -> None:
    """The feed's next poll sends back what the last answer said (If-None-Match,
    If-Modified-Since); a value with bytes a request header cannot carry made every later
    poll fail for ever. It is left out: the poll is unconditional and succeeds."""
    head = b"HTTP/1.1 200 OK\r\nETag: " + etag + b"\r\n"
    if last_modified:
        head += b"Last-Modified: " + last_modified + b"\r\n"
    raw.routes["/f"] = head + b"Content-Length: %d\r\n\r\n" % len(FEED) + FEED

    async def two_polls() -> Any:
        async with Fetcher(FetchConfig(timeout=5)) as client:
            first = await fetch(client, raw.url("/f"), max_bytes=100_000, total_timeout=10,
                                allow_private=True)
            return await fetch(client, raw.url("/f"), max_bytes=100_000, total_timeout=10,
                               allow_private=True, etag=first.headers.get("etag"),
                               last_modified=first.headers.get("last-modified"))
    assert asyncio.run(two_polls()).body == FEED


# ---- a compressed body cut short ----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
def test_a_compressed_body_cut_short_is_an_error_not_a_partial_feed(raw: RawServer,
                                                                    encoding: str) -> None:
    """A gzip stream that stops before its end (the Content-Length matching the cut): a
    truncated feed or page would be stored with cut titles and text, for good (its entries
    are then known). It is a fetch error, retried at the next poll."""
    import gzip
    import zlib

    body = rss([{"title": f"Story {i}", "guid": str(i)} for i in range(200)])
    packed = body
    for layer in reversed([e.strip() for e in encoding.split(",")]):
        packed = gzip.compress(packed) if layer == "gzip" else zlib.compress(packed)
    cut = packed[:len(packed) // 2]
    raw.routes["/cut"] = (H + f"Content-Encoding: {encoding}\r\n".encode()
                          + b"Content-Length: %d\r\n\r\n" % len(cut) + cut)
    with pytest.raises(FetchError, match="truncated"):
        _fetch(raw.url("/cut"))
    raw.routes["/whole"] = (H + f"Content-Encoding: {encoding}\r\n".encode()
                            + b"Content-Length: %d\r\n\r\n" % len(packed) + packed)
    assert _fetch(raw.url("/whole")).body == body
