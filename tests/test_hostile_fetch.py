"""Hostile servers and URLs at the fetch edge: every fault becomes a FetchError with a truthful
reason, recorded on its feed, and the rest of the cycle goes on; decoding is bounded per layer.

The faults a well-behaved HTTP server cannot produce come from ``RawServer``: a socket
server on 127.0.0.1 that writes exact bytes (or resets the connection) for each path."""

from __future__ import annotations

import asyncio
import gzip
import json
import resource
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.config import FetchConfig, load_config
from monitor.errors import FetchError
from monitor.ingest.fetch import Fetcher, Response, fetch
from tests.helpers import make_config, rss

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
Action = bytes | Callable[[socket.socket], None]


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class RawServer:
    """Answers each request path with fixed bytes (then closes), or runs an action on the
    socket; counts the requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Action] = {}
        self.hits: Counter[str] = Counter()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port: int = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode("latin-1") if data.count(b" ") >= 2 else "/"
            self.hits[path] += 1
            action = self.routes.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            try:
                if callable(action):
                    action(conn)
                else:
                    conn.sendall(action)
            except OSError:
                pass

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


def _fetch(url: str, *, allow_private: bool = True, max_bytes: int = 100_000) -> Response:
    async def go() -> Response:
        async with Fetcher(FetchConfig(timeout=5)) as client:
            return await fetch(client, url, max_bytes=max_bytes, total_timeout=10,
                               allow_private=allow_private)
    return asyncio.run(go())


def _redirect(location: str) -> bytes:
    return (f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "\r\n").encode("latin-1")


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
FEED = rss([{"title": "Internal story", "guid": "1", "link": "http://127.0.0.1:9/1"}])

# path -> (what the server does, words the recorded reason must contain)
SERVER_FAULTS: dict[str, tuple[Action, str]] = {
    "/bad-status": (b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "invalid HTTP response"),
    "/not-http": (b"SSH-2.0-OpenSSH_9.6\r\n", "invalid HTTP response"),
    "/huge-header": (OK_HEAD + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n",
                     "invalid HTTP response"),
    "/many-headers": (OK_HEAD + b"".join(b"X-%d: v\r\n" % i for i in range(20_000))
                      + b"\r\n", "invalid HTTP response"),
    "/bad-length": (OK_HEAD + b"Content-Length: abc\r\n\r\n<rss/>", "invalid HTTP response"),
    "/broken-chunk": (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n<rss/>\r\n0\r\n\r\n",
                      "chunk size"),
    "/short-chunk": (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n100\r\n<rss/>",
                     "broken response body"),
    "/short-body": (OK_HEAD + b"Content-Length: 1000\r\n\r\n<rss>", "broken response body"),
    "/nul-header": (OK_HEAD + b"X-A: a\x00b\r\nContent-Length: 0\r\n\r\n",
                    "invalid HTTP response"),
    "/reset": (_reset, "connection reset"),
    "/mid-headers": (b"HTTP/1.1 200 OK\r\nContent-Ty", "server closed the connection"),
    "/silent-close": (b"", "server closed the connection"),
    "/to-unclosed-ipv6": (_redirect("http://[::1"), "redirect to"),
    "/to-empty-label": (_redirect("http://a..b/"), "empty label"),
    "/to-long-label": (_redirect(f"http://{'a' * 70}.example/"), "longer than 63"),
    "/to-bare-xn": (_redirect("http://xn--/"), "invalid host name"),
    "/to-space": (_redirect("http://exa mple.com/"), "whitespace"),
    "/to-javascript": (_redirect("javascript:alert(1)"), "not an HTTP URL"),
    "/to-bad-port": (_redirect("http://example.com:99999/"), "unparseable URL"),
    "/to-numeric-host": (_redirect("http://2130706433/"), "not a valid IP address"),
}


@pytest.mark.parametrize("path", list(SERVER_FAULTS))
def test_every_server_fault_is_a_fetch_error_with_a_truthful_reason(raw: RawServer,
                                                                    path: str) -> None:
    action, words = SERVER_FAULTS[path]
    raw.routes[path] = action
    with pytest.raises(FetchError) as caught:
        _fetch(raw.url(path))
    assert words in caught.value.reason, caught.value.reason
    assert "timed out" not in caught.value.reason  # none of these waited for anything


@pytest.mark.parametrize(("url", "words"), [
    ("http://news..example/a", "empty label"),
    (f"http://{'b' * 70}.example/", "longer than 63"),
    ("http://xn--/", "invalid host name"),
    ("http://xn--zz.example/", "invalid host name"),
    ("http://[::1/", "unparseable URL"),
    ("http://example.com/a\nb", "control characters"),
    ("http://exa\x00mple.com/", "control characters"),
    ("ftp://example.com/feed", "not an HTTP URL"),
    ("http:///feed", "no host"),
    ("http://-bad-.example/", "bad label"),
])
def test_unfetchable_urls_are_refused_before_any_request(url: str, words: str) -> None:
    with pytest.raises(FetchError) as caught:
        _fetch(url)
    assert words in caught.value.reason, caught.value.reason


def test_valid_hosts_still_pass_validation() -> None:
    from monitor.net.guard import validate_url
    for url in ("http://bücher.example/feed", "https://xn--bcher-kva.example/",
                "http://my_host.example:8080/a?b=c", "http://[2606:4700::1]/",
                "http://8.8.8.8/", "http://example.com./feed"):
        validate_url(url)


# ---- the whole cycle goes on ------------------------------------------------------------------

def test_a_hostile_feed_is_recorded_and_the_rest_of_the_cycle_goes_on(
        sqlite_url: str, web: HTTPServer, raw: RawServer) -> None:
    """One poll cycle with hostile feeds beside a healthy one and one answering 500: nothing
    escapes, each hostile feed has its error recorded and counted, the healthy one is stored
    (its articles linking to bad hosts included, with the feed's own text)."""
    for path in ("/bad-status", "/reset", "/to-empty-label", "/huge-header", "/broken-chunk"):
        raw.routes[path] = SERVER_FAULTS[path][0]
    good_items = [
        {"title": "Healthy story", "guid": "1", "link": web.url_for("/page"),
         "description": "Fine."},
        {"title": "Bad host link", "guid": "2", "link": "http://news..example/story",
         "description": "Link with an empty label."},
        {"title": "Long label link", "guid": "3", "link": f"http://{'c' * 70}.example/s",
         "description": "Link with a 70-character label."},
        {"title": "A-label link", "guid": "4", "link": "http://xn--/s",
         "description": "Link to a bare xn-- host."},
    ]
    web.expect_request("/good").respond_with_data(rss(good_items),
                                                  content_type="application/rss+xml")
    web.expect_request("/page").respond_with_data(
        "<html><body><article><p>" + "A healthy page. " * 50 + "</p></article></body></html>",
        content_type="text/html")
    web.expect_request("/json").respond_with_data(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "JSON",
        "items": [{"id": "n1", "url": web.url_for("/page") + "\nX-Injected: 1",
                   "title": "Newline in URL", "content_text": "newline"},
                  {"id": "n2", "url": web.url_for("/page") + "\x00", "title": "NUL in URL",
                   "content_text": "nul"}]}), content_type="application/feed+json")
    web.expect_request("/broken").respond_with_data("oops", status=500)
    feeds = {"good": web.url_for("/good"), "json": web.url_for("/json"),
             "broken": web.url_for("/broken"),
             **{p.strip("/"): raw.url(p) for p in raw.routes}}
    config = make_config(sqlite_url, [{"name": n, "url": u} for n, u in feeds.items()],
                         extra={"fetch": {"timeout": "5s"}})
    report = api.poll_once(config, now=NOW, workers=0)  # must not raise
    health = {f["name"]: f for f in api.feeds_health(config)}
    assert health["good"]["error_count"] == 0 and health["good"]["articles"] == 4
    assert health["json"]["error_count"] == 0 and health["json"]["articles"] == 2
    assert health["broken"]["error_count"] == 1 and "HTTP 500" in health["broken"]["last_error"]
    for path in raw.routes:
        feed = health[path.strip("/")]
        assert feed["error_count"] == 1, feed
        assert SERVER_FAULTS[path][1] in feed["last_error"], feed
        assert datetime.fromisoformat(feed["next_check_at"]) > NOW  # backed off
    assert report.cycle.failed == 1 + len(raw.routes)


# ---- the address policy -----------------------------------------------------------------------

@pytest.mark.parametrize(("ip", "public"), [
    ("8.8.8.8", True), ("1.1.1.1", True), ("2606:4700::1", True), ("2001:4860:4860::8888", True),
    ("::ffff:8.8.8.8", True), ("2002:808:808::1", True), ("64:ff9b::808:808", True),
    ("100.64.0.1", False), ("100.100.100.200", False), ("2002:a9fe:a9fe::", False),
    ("2002:7f00:1::", False), ("fec0::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:7f00:1", False), ("64:ff9b::7f00:1", False), ("64:ff9b::a00:1", False),
    ("64:ff9b:1::808:808", False), ("::127.0.0.1", False), ("::a9fe:a9fe", False),
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo, client 10.0.0.1
    ("2001:0:a00:1:8000:63bf:3fff:fdd2", False),       # Teredo, server 10.0.0.1
    ("0.0.0.0", False), ("::", False), ("::1", False), ("127.0.0.1", False),
    ("169.254.169.254", False), ("fe80::1", False), ("fe80::1%eth0", False), ("fd00::1", False),
    ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False), ("192.0.0.8", False),
    ("192.0.2.1", False), ("198.18.0.1", False), ("240.0.0.1", False),
    ("255.255.255.255", False), ("224.0.0.1", False), ("233.1.1.1", False),
    ("ff0e::1", False), ("2001:db8::1", False), ("100::1", False), ("not-an-ip", False),
])
def test_only_globally_routable_addresses_are_public(ip: str, public: bool) -> None:
    from monitor.ingest.fetch import is_public_address
    assert is_public_address(ip) is public


def test_the_connection_itself_refuses_private_addresses(raw: RawServer) -> None:
    """The check is on the address connected to: a guarded request to a name resolving to
    loopback is refused by the connector even when nothing checked the name before it."""
    raw.routes["/secret"] = OK_HEAD + b"Content-Length: 6\r\n\r\n<rss/>"

    async def go() -> None:
        async with Fetcher(FetchConfig(timeout=5)) as client, client.get(
                f"http://localhost:{raw.port}/secret", {}, allow_private=False) as resp:
            await resp.aread()
    with pytest.raises(Exception) as caught:  # httpx's error, straight from the transport
        asyncio.run(go())
    from monitor.net.guard import blocked_in
    blocked = blocked_in(caught.value)
    assert blocked is not None and "non-public" in str(blocked)
    from monitor.errors import BlockedAddressError
    for host in ("localhost", "127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0"):
        with pytest.raises(BlockedAddressError, match="non-public"):
            _fetch(f"http://{host}:{raw.port}/secret", allow_private=False)
    assert raw.hits["/secret"] == 0
    assert _fetch(raw.url("/secret"), allow_private=True).body == b"<rss/>"


def test_the_resolver_keeps_only_public_answers() -> None:
    from aiohttp.abc import AbstractResolver, ResolveResult

    from monitor.net.guard import BlockedResolution, GlobalOnlyResolver

    class Fixed(AbstractResolver):
        def __init__(self, hosts: list[str]) -> None:
            self.hosts = hosts

        async def resolve(self, host: str, port: int = 0,
                          family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
            return [ResolveResult(hostname=host, host=h, port=port, family=family, proto=0,
                                  flags=0) for h in self.hosts]

        async def close(self) -> None:
            pass

    async def go(hosts: list[str]) -> list[str]:
        return [r["host"] for r in await GlobalOnlyResolver(Fixed(hosts)).resolve("x.test", 80)]
    assert asyncio.run(go(["127.0.0.1", "8.8.8.8", "100.100.100.200"])) == ["8.8.8.8"]
    with pytest.raises(BlockedResolution, match="non-public"):
        asyncio.run(go(["127.0.0.1", "::ffff:10.0.0.1"]))


# ---- decoding is bounded per layer ------------------------------------------------------------

def _double_gzip_of_zeros(megabytes: int) -> bytes:
    """gzip(gzip(zeros)), built as a stream (the zeros are never in memory at once)."""
    inner = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1024 * 1024)
    layer = b"".join(inner.compress(block) for _ in range(megabytes)) + inner.flush()
    return gzip.compress(layer, compresslevel=9)


def test_stacked_gzip_is_bounded_at_every_layer(web: HTTPServer) -> None:
    bomb = _double_gzip_of_zeros(512)  # a few kilobytes on the wire, 512 MB inside
    web.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip"}, content_type="application/rss+xml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(FetchError, match="limit"):
        _fetch(web.url_for("/bomb"), max_bytes=1_000_000)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"peak memory grew by {grown_mb:.0f} MB"


def test_stacked_gzip_within_the_limit_is_decoded(web: HTTPServer) -> None:
    body = rss([{"title": "Twice compressed", "guid": "1"}])
    web.expect_request("/twice").respond_with_data(
        gzip.compress(gzip.compress(body)), headers={"Content-Encoding": "gzip, gzip"})
    web.expect_request("/deflate").respond_with_data(
        zlib.compress(body), headers={"Content-Encoding": "deflate"})
    assert _fetch(web.url_for("/twice")).body == body
    assert _fetch(web.url_for("/deflate")).body == body


@pytest.mark.parametrize(("encoding", "words"), [
    ("gzip, gzip, gzip", "stacked"), ("compress", "unsupported"), ("br", "unsupported")])
def test_unknown_or_excessive_encodings_are_errors(web: HTTPServer, encoding: str,
                                                  words: str) -> None:
    data: Any = b"<rss/>"
    for _ in encoding.split(","):
        data = gzip.compress(data)
    web.expect_request("/enc").respond_with_data(data, headers={"Content-Encoding": encoding})
    with pytest.raises(FetchError, match=words):
        _fetch(web.url_for("/enc"))


# ---- feeds imported from OPML go through the guard -------------------------------------------

def test_imported_feeds_obey_the_guard_unless_imported_with_allow_private(
        tmp_path: Path, raw: RawServer) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli
    from monitor.db import feeds
    from monitor.db.engine import make_engine
    from monitor.db.session import unit_of_work
    from monitor.ingest.opml import OpmlFeed, write_opml

    raw.routes["/internal.xml"] = (OK_HEAD + b"Content-Length: %d\r\n\r\n" % len(FEED) + FEED)
    raw.routes["/lan.xml"] = raw.routes["/internal.xml"]
    raw.routes["/old.xml"] = raw.routes["/internal.xml"]
    cfg = tmp_path / "config.yaml"
    cfg.write_text(json.dumps({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
                               "fetch": {"full_text": False}}))  # JSON is YAML
    runner = CliRunner()
    outputs = {}
    for name, flags in (("internal", []), ("lan", ["--allow-private"])):
        opml = tmp_path / f"{name}.opml"
        opml.write_text(write_opml([OpmlFeed(name, raw.url(f"/{name}.xml"))]))
        result = runner.invoke(cli, ["--config", str(cfg), "feeds", "import", *flags,
                                     str(opml)], obj={})
        assert result.exit_code == 0, result.output
        outputs[name] = result.output
    # A private address is refused when the file is imported, saying why ...
    assert "imported 0 feeds" in outputs["internal"] and "private address" in outputs["internal"]
    # ... and a row imported before that check (or one whose name resolves to a private address)
    # is refused by the fetch guard when it is polled.
    config = load_config(cfg, env={})
    engine = make_engine(config.database.url)
    with unit_of_work(engine) as s:
        feeds.import_feeds(s, [("internal", raw.url("/old.xml"), [])], datetime.now(UTC))
    engine.dispose()
    api.poll_once(config, workers=0)
    health = {f["name"]: f for f in api.feeds_health(config)}
    assert health["internal"]["error_count"] == 1
    assert "non-public" in health["internal"]["last_error"]
    assert raw.hits["/internal.xml"] == 0 and raw.hits["/old.xml"] == 0  # never connected to
    assert health["lan"]["error_count"] == 0 and health["lan"]["articles"] == 1
