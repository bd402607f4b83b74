"""feedparser's base URIs memoized (``ingest.feedparser_bases``): every answer is feedparser's
own, first call or cached, and a parse resolves links against each element's own base."""

from __future__ import annotations

import feedparser.urls
import pytest

from monitor.ingest.feedparser_bases import MAX_CACHED_CHARS, install, memoized
from monitor.ingest.feeds import parse_feed

PLAIN = feedparser.urls.make_safe_absolute_uri
LONG = "http://example.com/" + "a" * MAX_CACHED_CHARS

PAIRS = [
    ("http://example.com/feed", "http://example.com/feed"),
    ("http://example.com/feed", None),
    ("http://example.com/feed", ""),
    ("", "http://example.com/x"),
    ("", ""),
    ("http://example.com/a/b/", "../c/"),
    ("http://example.com/a/b/", "/root"),
    ("http://example.com/a/", "javascript:alert(1)"),
    ("javascript:alert(1)", None),
    ("http://example.com/", "http:///////three"),
    ("http://[::1/", "x"),  # urlparse raises: feedparser answers ''
    ("http://example.com/", LONG),  # too long to keep: computed each time
]


@pytest.mark.parametrize(("base", "rel"), PAIRS)
def test_the_memo_answers_as_feedparser_does(base: str, rel: str | None) -> None:
    resolve = memoized(PLAIN)
    expected = PLAIN(base, rel)
    assert resolve(base, rel) == expected  # computed
    assert resolve(base, rel) == expected  # remembered


def test_pairs_are_told_apart_by_both_strings() -> None:
    resolve = memoized(PLAIN)
    assert resolve("http://a.example/x/", "y") == "http://a.example/x/y"
    assert resolve("http://b.example/x/", "y") == "http://b.example/x/y"
    assert resolve("http://a.example/x/", "z") == "http://a.example/x/z"


NESTED = b"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/news/">
  <title>T</title>
  <entry xml:base="world/"><id>a</id><title>one</title><link href="story-1"/></entry>
  <entry><id>b</id><title>two</title><link href="story-2"/></entry>
  <entry xml:base="http://other.example/"><id>c</id><title>three</title>
    <link href="story-3"/></entry>
  <entry xml:base="world/"><id>d</id><title>four</title><link href="story-4"/></entry>
</feed>"""


def test_links_resolve_against_their_own_base_when_parses_repeat() -> None:
    install()
    for _ in range(2):  # the second parse answers from the memo
        feed = parse_feed(NESTED, "http://example.com/feed.xml", "application/atom+xml")
        assert [e.link for e in feed.entries] == [
            "http://example.com/news/world/story-1", "http://example.com/news/story-2",
            "http://other.example/story-3", "http://example.com/news/world/story-4"]


def test_install_is_done_once() -> None:
    import feedparser.mixin

    install()
    first = feedparser.mixin.make_safe_absolute_uri
    install()
    assert feedparser.mixin.make_safe_absolute_uri is first
    assert first.__wrapped__ is PLAIN
