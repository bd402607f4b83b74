"""Feed discovery on HTML pages: which links a page announces, resolved as a reader would."""

from __future__ import annotations

import pytest

from monitor.ingest.discover import FeedLink, common_feed_urls, feed_links

PAGE = "https://news.example/world/index.html"

CASES = [
    ("rss, relative href",
     '<head><link rel="alternate" type="application/rss+xml" title="World" href="rss.xml">',
     [FeedLink("https://news.example/world/rss.xml", "rss", "World")]),
    ("atom, root-relative, with charset parameter and odd case",
     '<LINK REL="Alternate" TYPE="application/Atom+XML; charset=utf-8" HREF="/atom">',
     [FeedLink("https://news.example/atom", "atom")]),
    ("json feed, absolute, self-closing",
     '<link rel="alternate" type="application/feed+json" href="https://cdn.example/f.json"/>',
     [FeedLink("https://cdn.example/f.json", "json")]),
    ("several rel tokens, page order kept, duplicates once",
     '<link rel="alternate feed" type="application/rss+xml" href="/a">'
     '<link rel="alternate" type="application/atom+xml" href="/b">'
     '<link rel="alternate" type="application/rss+xml" href="/a#top">',
     [FeedLink("https://news.example/a", "rss"), FeedLink("https://news.example/b", "atom")]),
    ("base href wins over the page URL",
     '<base href="https://other.example/x/"><link rel="alternate" '
     'type="application/rss+xml" href="feed">',
     [FeedLink("https://other.example/x/feed", "rss")]),
    ("stylesheets, alternate languages and icons are not feeds",
     '<link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="fr" href="/fr/">'
     '<link rel="icon" type="application/rss+xml" href="/i">',
     []),
    ("no href, or a javascript: one",
     '<link rel="alternate" type="application/rss+xml">'
     '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">',
     []),
    ("entities in href and title are decoded",
     '<link rel="alternate" type="application/rss+xml" title="A &amp; B" '
     'href="/rss?a=1&amp;b=2">',
     [FeedLink("https://news.example/rss?a=1&b=2", "rss", "A & B")]),
    ("control characters (terminal escapes) are dropped from title and href",
     '<link rel="alternate" type="application/rss+xml" title="a\x1b[2Jb" href="/f\x1b">',
     [FeedLink("https://news.example/f", "rss", "a[2Jb")]),
    ("broken markup still yields what came before",
     '<link rel="alternate" type="application/rss+xml" href="/ok"><div <<<< "',
     [FeedLink("https://news.example/ok", "rss")]),
]


@pytest.mark.parametrize(("html", "expected"), [(h, e) for _, h, e in CASES],
                         ids=[c[0] for c in CASES])
def test_feed_links(html: str, expected: list[FeedLink]) -> None:
    assert feed_links(html.encode(), PAGE) == expected


def test_undecodable_bytes_do_not_stop_discovery() -> None:
    html = b'<title>\xff\xfe</title><link rel="alternate" type="application/rss+xml" href="/f">'
    assert feed_links(html, PAGE) == [FeedLink("https://news.example/f", "rss")]


def test_common_paths_are_on_the_pages_host() -> None:
    urls = common_feed_urls("http://blog.example:8080/post/1?x=2")
    assert urls[0] == "http://blog.example:8080/feed"
    assert "http://blog.example:8080/rss.xml" in urls
    assert all(u.startswith("http://blog.example:8080/") for u in urls)
