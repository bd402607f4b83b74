"""Text from feeds shown by the command line stays on one line and cannot drive the terminal:
titles and links that carry a line separator (U+2028) or a bidi override are printed with
those characters as spaces. Real feed on loopback, real SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.cli_pipeline import OUTLET_A, poll, run, serve, write_config

HOSTILE = {**OUTLET_A, "title": "Xi and Putin\u20282J pledge\u202e deeper ties in Moscow",
           "link": "http://127.0.0.1:9/a/xi-\u202eputin"}


def test_rules_backtest_text_output_escapes_title_and_url(tmp_path: Path,
                                                         web: HTTPServer) -> None:
    path = write_config(tmp_path, [{"name": "outlet-a", "url": serve(web, "a", [HOSTILE])}])
    assert poll(path).cycle.total("hits") == 1
    code, out, err = run(path, "rules", "backtest", "--since", "1000d")
    assert code == 0, err
    assert "Xi and Putin 2J pledge  deeper ties" in out
    assert "http://127.0.0.1:9/a/xi- putin" in out
    assert "\u2028" not in out and "\u202e" not in out


def test_feeds_add_choices_show_link_titles_on_one_line(tmp_path: Path,
                                                        web: HTTPServer) -> None:
    web.expect_request("/news/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'title="World\u2028more\u202e" href="/world.xml"></head></html>',
        content_type="text/html")
    path = write_config(tmp_path, [])
    code, out, _ = run(path, "feeds", "add", web.url_for("/news/"), "--allow-private")
    assert code == 1
    assert f"1. {web.url_for('/world.xml')}  [rss]  World more" in out
    assert "\u2028" not in out and "\u202e" not in out


def test_feeds_listing_shows_a_feed_error_on_one_line(tmp_path: Path,
                                                     web: HTTPServer) -> None:
    # A server's words in the stored error (what an error may quote is not ours to bound).
    web.expect_request("/a.xml").respond_with_data("down", status=500)
    path = write_config(tmp_path, [{"name": "outlet-a", "url": web.url_for("/a.xml")}])
    poll(path)
    with sqlite3.connect(tmp_path / "m.db") as db:
        db.execute("UPDATE feeds SET last_error = ?", ("HTTP 500: bad\ngateway\u202e\x9b2J",))
    code, out, err = run(path, "feeds")
    assert code == 0, err
    assert "HTTP 500: bad gateway 2J" in out
    assert not {"\u202e", "\x9b"} & set(out) and len(out.splitlines()) == 2
