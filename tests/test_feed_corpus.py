"""Every file of feedparser's own test corpus goes through the real poller over a local HTTP
server, with the headers its leading comment asks for: no crash, and each feed is either stored
or has its error recorded. JSON Feed included."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import api
from monitor.ingest.feeds import parse_feed
from tests.conftest import shared
from tests.helpers import make_config

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
_HEADER = re.compile(rb"^Header:\s*([^:\r\n]+):\s*(.*?)\s*$", re.M)


def _corpus() -> list[Path]:
    root = shared("feeds/feedparser-tests/tests")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


def test_json_feed() -> None:
    (path,) = [p for p in _corpus() if p.suffix == ".json"]
    feed = parse_feed(path.read_bytes(), content_type="application/feed+json")
    assert feed.title == "My Example Feed" and len(feed.entries) == 2
    assert feed.entries[1].content == "Hello, world!"  # scripts are not text


def test_every_feedparser_test_file_goes_through_the_poller(tmp_path: Path,
                                                            web: HTTPServer) -> None:
    files = _corpus()
    assert len(files) > 2000
    served = {}
    for i, path in enumerate(files):
        body = path.read_bytes()
        headers = {k.decode(): v.decode("latin-1") for k, v in _HEADER.findall(body[:2000])}
        headers.setdefault("Content-Type", "application/json" if path.suffix == ".json"
                           else "application/xml")
        served[f"/fp/{i}"] = (body, headers)

    def serve(req: Request) -> Response:
        body, headers = served[req.path]
        return Response(body, headers=headers)

    web.expect_request(re.compile(r"^/fp/\d+$")).respond_with_handler(serve)
    config = make_config(f"sqlite:///{tmp_path / 'corpus.db'}",
                         [{"name": f"fp-{i}", "url": web.url_for(f"/fp/{i}")}
                          for i in range(len(files))],
                         full_text=False, extra={"scheduler": {"batch_size": 500},
                                                 "fetch": {"concurrency": 16, "per_host": 16}})
    report = api.poll_once(config, now=NOW, workers=2)
    assert report.cycle.polled == len(files)
    stored = errored = 0
    for feed in api.feeds_health(config):
        assert feed["last_checked_at"] is not None, feed["name"]
        if feed["error_count"] == 0 and feed["status"] == 200:
            stored += 1
        else:
            assert feed["last_error"], feed
            errored += 1
    assert stored + errored == len(files)
    print(f"feedparser corpus: {stored} stored, {errored} with their error recorded")
    assert stored > 0.9 * len(files), (stored, errored)
