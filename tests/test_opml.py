"""OPML import and export: parsing, the CLI, and imported feeds being polled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.cli import cli
from monitor.config import load_config
from monitor.errors import MonitorError
from monitor.ingest.opml import OpmlFeed, read_opml, write_opml
from tests.helpers import rss

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="World">
    <outline text="BBC World" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    <outline title="TASS" text="x" type="rss" xmlUrl="https://tass.com/rss/v2.xml"
             category="/state,russia"/>
  </outline>
  <outline text="BBC World" type="rss" xmlUrl="https://example.org/other.xml"/>
  <outline text="Not a feed" htmlUrl="https://example.org/"/>
  <outline text="ftp" xmlUrl="ftp://example.org/feed"/>
</body></opml>"""


def test_read_opml() -> None:
    assert read_opml(OPML) == [
        OpmlFeed("bbc-world", "https://feeds.bbci.co.uk/news/world/rss.xml", ["world"]),
        OpmlFeed("tass", "https://tass.com/rss/v2.xml", ["world", "state", "russia"]),
        OpmlFeed("bbc-world-2", "https://example.org/other.xml", []),
    ]


@pytest.mark.parametrize("data", [b"<rss/>", b"not xml at all", b"<opml><body><outline"])
def test_not_opml(data: bytes) -> None:
    with pytest.raises(MonitorError, match="not an OPML file"):
        read_opml(data)


def test_entity_bombs_are_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY %s "%s">' % (f"a{i}".encode(),
                                               (b"&a%s;" % (str(i - 1).encode() if i > 1
                                                            else b"")) * 10)
                       for i in range(1, 9))
            + b']><opml><body><outline text="&a8;" xmlUrl="https://x.org/f"/></body></opml>')
    with pytest.raises(MonitorError):
        read_opml(bomb)


def test_write_then_read_round_trips() -> None:
    feeds = [OpmlFeed("a", "https://a.example/feed", ["x", "y"]),
             OpmlFeed("b", "https://b.example/rss?x=1&y=2", [])]
    assert read_opml(write_opml(feeds).encode()) == [
        OpmlFeed("a", "https://a.example/feed", ["x", "y"]),
        OpmlFeed("b", "https://b.example/rss?x=1&y=2", [])]


def test_import_poll_and_export(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/imported.xml").respond_with_data(rss([
        {"title": "Imported story", "guid": "1", "link": "http://127.0.0.1:9/1"}]),
        content_type="application/rss+xml")
    opml = tmp_path / "feeds.opml"
    opml.write_text(write_opml([OpmlFeed("imported", web.url_for("/imported.xml"), ["misc"])]))
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
                                   # imported feeds obey the SSRF guard; this one is on loopback
                                   "fetch": {"full_text": False,
                                             "allow_private_addresses": True},
                                   "feeds": [{"name": "configured",
                                              "url": "http://127.0.0.1:9/c.xml"}]}))
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(cfg), "feeds", "import", str(opml)], obj={})
    assert result.exit_code == 0 and "imported 1 feeds: imported" in result.stdout
    again = runner.invoke(cli, ["--config", str(cfg), "feeds", "import", str(opml)], obj={})
    assert "imported 0 feeds" in again.stdout  # known by name and URL

    config = load_config(cfg, env={})
    api.poll_once(config, workers=0)  # imported feeds are due at once
    health = {f["name"]: f for f in api.feeds_health(config)}
    assert health["imported"]["enabled"] and health["imported"]["articles"] == 1
    assert health["imported"]["source"] == "opml" and health["configured"]["source"] == "config"

    out = runner.invoke(cli, ["--config", str(cfg), "feeds", "export"], obj={})
    names = {f.name for f in read_opml(out.stdout.encode())}
    assert names == {"imported", "configured"}
    listing = runner.invoke(cli, ["--config", str(cfg), "feeds", "--json"], obj={})
    assert {f["name"] for f in json.loads(listing.stdout)} == {"imported", "configured"}
