"""Managing feeds from the command line, against a real SQLite file and a real HTTP server on
loopback: config.yaml's feeds listed before the first poll, `feeds add` (a page's feed links
discovered and offered), `remove`, `disable`, `enable`, `poll NAME`, and OPML import saying
what it skipped and why."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from tests.helpers import rss

PAGE = """<!doctype html><html><head><title>Loopback News</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="World &amp; more" href="/world.xml">
<link rel="alternate" type="application/atom+xml" title="Sport" href="sport.atom">
</head><body><p>Hello</p></body></html>"""
ITEMS = [{"title": "Kremlin says Putin will host Xi", "guid": "1",
          "link": "http://127.0.0.1:9/a", "description": "Washington is watching closely."},
         {"title": "Tomato festival draws crowds", "guid": "2",
          "link": "http://127.0.0.1:9/b", "description": "Thousands came."}]


def run(*args: str) -> tuple[int, str, str]:
    from monitor.cli import cli

    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.stdout, result.stderr


def _config(tmp_path: Path, web: HTTPServer) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
        # private addresses refused (the default); parsing in-process (no worker pool)
        "fetch": {"full_text": False, "extract_workers": 0},
        "feeds": [{"name": "configured", "url": web.url_for("/configured.xml"),
                   "tags": ["wire"]},
                  {"name": "broken", "url": web.url_for("/gone.xml")}],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
    }))
    code, _, err = run("--config", str(path), "db", "upgrade")
    assert code == 0, err
    return str(path)


def _feeds(cfg: str) -> dict[str, dict[str, object]]:
    code, out, err = run("--config", cfg, "feeds", "--json")
    assert code == 0, err
    return {f["name"]: f for f in json.loads(out)}


def test_configured_feeds_are_listed_before_the_first_poll(tmp_path: Path,
                                                           web: HTTPServer) -> None:
    cfg = _config(tmp_path, web)
    feeds = _feeds(cfg)
    assert set(feeds) == {"configured", "broken"}
    assert feeds["configured"]["source"] == "config" and feeds["configured"]["enabled"]
    assert feeds["configured"]["tags"] == ["wire"] and feeds["configured"]["status"] is None
    code, out, _ = run("--config", cfg, "feeds")
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("configured"))
    assert "next poll" in line


def test_add_offers_the_feeds_a_page_names_then_adds_the_one_picked(
        tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/news/").respond_with_data(PAGE, content_type="text/html")
    web.expect_request("/world.xml").respond_with_data(
        rss(ITEMS, title="World news"), content_type="application/rss+xml")
    cfg = _config(tmp_path, web)
    page = web.url_for("/news/")

    code, out, err = run("--config", cfg, "feeds", "add", page, "--allow-private")
    assert code == 1
    assert f"1. {web.url_for('/world.xml')}  [rss]  World & more" in out
    assert f"2. {web.url_for('/news/sport.atom')}  [atom]  Sport" in out
    assert "--pick N" in err
    code, out, _ = run("--config", cfg, "feeds", "add", page, "--allow-private", "--json")
    assert code == 1
    offered = json.loads(out)
    assert [f["url"] for f in offered["feeds"]] == [web.url_for("/world.xml"),
                                                   web.url_for("/news/sport.atom")]
    assert set(_feeds(cfg)) == {"configured", "broken"}  # nothing added meanwhile

    code, out, err = run("--config", cfg, "feeds", "add", page, "--allow-private",
                         "--pick", "1", "--tags", "world, ru")
    assert code == 0, err
    assert "added feed world-news" in out and "2 entries" in out
    added = _feeds(cfg)["world-news"]
    assert added["url"] == web.url_for("/world.xml") and added["tags"] == ["world", "ru"]
    assert added["source"] == "added-lan" and added["enabled"]

    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/world.xml"),
                       "--allow-private")
    assert code == 2 and "already a feed: 'world-news'" in err
    code, _, err = run("--config", cfg, "feeds", "add", page, "--allow-private", "--pick", "3")
    assert code == 2 and "names 2 feed(s)" in err


def test_add_refuses_private_addresses_and_urls_that_are_no_feeds(
        tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/plain.html").respond_with_data("<p>no feeds here</p>",
                                                        content_type="text/html")
    cfg = _config(tmp_path, web)
    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/world.xml"))
    assert code == 2 and "private address" in err and "--allow-private" in err
    code, _, err = run("--config", cfg, "feeds", "add", "ftp://example.org/feed")
    assert code == 2 and "not http(s)" in err
    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/plain.html"),
                       "--allow-private")
    assert code == 1 and "not a feed" in err and "names no feed" in err
    assert set(_feeds(cfg)) == {"configured", "broken"}


def test_a_page_naming_no_feed_offers_the_common_paths_that_answer(
        tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/blog/post").respond_with_data("<p>a post</p>",
                                                       content_type="text/html")
    web.expect_request("/feed.xml").respond_with_data(rss(ITEMS, title="Blog"),
                                                      content_type="application/rss+xml")
    cfg = _config(tmp_path, web)
    code, out, _ = run("--config", cfg, "feeds", "add", web.url_for("/blog/post"),
                       "--allow-private")
    assert code == 1 and "common feed paths" in out
    assert f"1. {web.url_for('/feed.xml')}  [rss20]  Blog" in out


def test_poll_disable_enable_remove_by_name(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/configured.xml").respond_with_data(
        rss(ITEMS), content_type="application/rss+xml")
    web.expect_request("/mine.xml").respond_with_data(
        rss(ITEMS[1:]), content_type="application/rss+xml")
    web.expect_request("/gone.xml").respond_with_data("gone", status=404)
    cfg = _config(tmp_path, web)
    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/mine.xml"),
                       "--allow-private", "--name", "mine")
    assert code == 0, err

    # now, whatever the schedule: a second poll right after the first still fetches
    for _ in range(2):
        code, out, err = run("--config", cfg, "feeds", "poll", "configured")
        assert code == 0, err
        assert out.startswith("polled configured: HTTP 200")
    assert sum(1 for req, _ in web.log if req.path == "/configured.xml") == 2
    assert _feeds(cfg)["configured"]["articles"] == 2
    code, out, _ = run("--config", cfg, "feeds", "poll", "mine", "--json")
    assert code == 0 and json.loads(out)["new_entries"] == 1
    code, _, err = run("--config", cfg, "feeds", "poll", "broken")
    assert code == 1 and "polling broken failed" in err and "404" in err
    code, _, err = run("--config", cfg, "feeds", "poll", "minee")
    assert code == 2 and "no feed named 'minee'; did you mean 'mine'?" in err

    code, out, _ = run("--config", cfg, "feeds", "disable", "mine")
    assert code == 0 and "disabled" in out and not _feeds(cfg)["mine"]["enabled"]
    code, _, err = run("--config", cfg, "feeds", "poll", "mine")
    assert code == 2 and "feeds enable mine" in err
    code, out, _ = run("--config", cfg, "feeds", "enable", "mine", "--json")
    assert code == 0 and json.loads(out)["enabled"] and _feeds(cfg)["mine"]["enabled"]

    for command in ("disable", "remove"):
        code, _, err = run("--config", cfg, "feeds", command, "configured")
        assert code == 2 and "comes from config.yaml" in err
    assert _feeds(cfg)["configured"]["enabled"]
    code, _, err = run("--config", cfg, "feeds", "remove", "mien")
    assert code == 2 and "did you mean 'mine'" in err
    code, out, _ = run("--config", cfg, "feeds", "remove", "mine")
    assert code == 0 and "removed" in out
    assert set(_feeds(cfg)) == {"configured", "broken"}


OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Good" xmlUrl="https://example.org/good.xml"/>
  <outline text="Good again" xmlUrl="https://example.org/good.xml"/>
  <outline text="Ours" xmlUrl="{configured}"/>
  <outline text="Spaced" xmlUrl="https://bad host.example/feed"/>
  <outline text="Lan" xmlUrl="http://10.1.2.3/feed.xml"/>
  <outline text="Ftp" xmlUrl="ftp://example.org/feed"/>
  <outline text="Bookmark" htmlUrl="https://example.org/"/>
  <outline text="Folder"><outline text="Inner" xmlUrl="https://example.org/inner.xml"/>
  </outline>
</body></opml>"""


def test_opml_import_says_what_it_skipped_and_why(tmp_path: Path, web: HTTPServer) -> None:
    cfg = _config(tmp_path, web)
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML.format(configured=web.url_for("/configured.xml")))
    code, out, err = run("--config", cfg, "feeds", "import", str(opml))
    assert code == 0, err
    assert out.startswith("imported 2 feeds: good, inner\nskipped 6:")
    reasons = dict(line.strip().split(": ", 1) for line in out.splitlines()[2:])
    assert reasons["Good again"].endswith("duplicate URL (listed before as 'good')")
    assert "already configured (feed 'configured' has this URL)" in reasons["Ours"]
    assert "invalid URL" in reasons["Spaced"]
    assert "private address" in reasons["Lan"]
    assert reasons["Ftp"] == "ftp://example.org/feed: not http(s)"
    assert reasons["Bookmark"] == "-: missing xmlUrl"

    code, out, _ = run("--config", cfg, "feeds", "import", str(opml), "--json")
    report = json.loads(out)
    assert code == 0 and report["added"] == []
    by_name = {s["name"]: s for s in report["skipped"]}
    assert by_name["Good"]["reason"] == "already configured (feed 'good' has this URL)"
    assert by_name["Lan"]["url"] == "http://10.1.2.3/feed.xml"
    assert by_name["Bookmark"]["reason"] == "missing xmlUrl"

    code, out, _ = run("--config", cfg, "feeds", "import", str(opml), "--allow-private")
    assert "imported 1 feeds: lan" in out  # the private one, allowed now


def test_add_poll_disable_remove_on_postgresql(tmp_path: Path, web: HTTPServer,
                                               pg_url: str) -> None:
    web.expect_request("/mine.xml").respond_with_data(
        rss(ITEMS), content_type="application/rss+xml")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "database": {"url": pg_url}, "fetch": {"full_text": False, "extract_workers": 0},
        "feeds": [], "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}]}))
    cfg = str(path)
    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/mine.xml"),
                       "--allow-private", "--name", "mine")
    assert code == 0, err
    code, out, err = run("--config", cfg, "feeds", "poll", "mine", "--json")
    assert code == 0, err
    assert json.loads(out)["new_entries"] == 2 and _feeds(cfg)["mine"]["articles"] == 2
    code, _, _ = run("--config", cfg, "feeds", "disable", "mine")
    assert code == 0 and not _feeds(cfg)["mine"]["enabled"]
    code, _, _ = run("--config", cfg, "feeds", "remove", "mine")
    assert code == 0 and _feeds(cfg) == {}


def test_poll_of_a_feed_another_instance_is_polling_exits_1_whatever_its_name(
        tmp_path: Path, web: HTTPServer) -> None:
    # The reason is told by its kind, not by its words: a name with "disabled" in it once
    # made "being polled by … right now" a usage error (exit 2).
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from monitor.clock import utcnow
    from monitor.db import feeds

    web.expect_request("/mine.xml").respond_with_data(rss(ITEMS),
                                                      content_type="application/rss+xml")
    cfg = _config(tmp_path, web)
    code, _, err = run("--config", cfg, "feeds", "add", web.url_for("/mine.xml"),
                       "--allow-private", "--name", "disabled-desk")
    assert code == 0, err
    other = subprocess.Popen(["sleep", "60"])  # a live process on this host holds the lease
    try:
        owner = f"{socket.gethostname()}:{other.pid}"
        engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
        with Session(engine) as s, s.begin():
            assert feeds.claim_feed(s, "disabled-desk", utcnow(), owner, 3600)
        engine.dispose()
        code, _, err = run("--config", cfg, "feeds", "poll", "disabled-desk")
    finally:
        other.kill()
        other.wait()
    assert code == 1 and f"is being polled by {owner} right now" in err, (code, err)
