"""The peer benchmark's feeds say what it claims (a copy of a snapshot shares no entry with it;
the churn round adds exactly three new entries), and without reader it says how to install it."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from urllib.parse import urlsplit

import feedparser

from bench.vs_reader import (
    NEW_ITEMS,
    diff_entries,
    feed_body,
    feed_urls,
    snapshot_files,
    with_new_items,
)
from tests.conftest import ROOT, shared


def _ids(body: bytes) -> list[str]:
    return [e.get("id") or e.get("link") or e.get("title") for e in feedparser.parse(body).entries]


def test_each_feed_is_its_own_and_churn_adds_three_new_entries() -> None:
    shared("feeds/news-snapshots/manifest.csv")
    files = snapshot_files()
    for n in range(0, len(files), 5):  # a fifth of them: parsing all takes a minute
        cold, copy = feed_body(files, n), feed_body(files, n + len(files))
        ids = _ids(cold)
        assert len(_ids(copy)) == len(ids), files[n]
        assert not set(ids) & set(_ids(copy)), files[n]
        if ids:
            churned = _ids(with_new_items(cold, NEW_ITEMS))
            assert len(churned) == len(ids) + NEW_ITEMS, files[n]
            assert len(set(churned) - set(ids)) == NEW_ITEMS, files[n]


def test_the_feeds_spread_over_one_loopback_host_per_ten() -> None:
    """Per-host politeness applies as on a real list: about ten feeds an outlet, every host a
    distinct 127.0.0.x address (at most 253 of them)."""
    for n, hosts in ((300, 30), (1000, 100), (5, 1), (10_000, 253)):
        per_host = Counter(urlsplit(u).hostname for u in feed_urls(8080, n))
        assert len(per_host) == hosts, n
        assert max(per_host.values()) - min(per_host.values()) <= 1, n
        assert all(h and h.startswith("127.0.0.") and 2 <= int(h.rsplit(".", 1)[1]) <= 254
                   for h in per_host), n


def test_without_reader_it_says_how_to_install_it_and_stops() -> None:
    code = ("import sys; sys.modules['reader'] = None; from bench import vs_reader; "
            "sys.exit(vs_reader.main(['5']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "reader" in done.stdout and "pip install -e '.[bench]'" in done.stdout


def test_the_entry_diff_names_what_only_one_tool_stores() -> None:
    mon = [("http://a/feed/0", "guid:1", "http://x/1", "One"),
           ("http://a/feed/0", "hash:abc", "", "No id, no link")]
    rdr = [("http://a/feed/0", "1", "http://x/1", "One"),
           ("http://a/feed/1", "http://x/2", "http://x/2", "Two")]
    diff = diff_entries(mon, rdr)
    assert diff.count_by_feed == [("http://a/feed/0", 2, 1), ("http://a/feed/1", 0, 1)]
    assert [e[1] for e in diff.only_monitor] == ["hash:abc"]
    assert [e[1] for e in diff.only_reader] == ["http://x/2"]
