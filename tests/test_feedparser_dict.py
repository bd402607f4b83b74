"""feedparser's dictionary look-ups short-cut (``ingest.feedparser_dict``): for every key,
special, mapped or plain, present or not, ``get`` and ``in`` answer as feedparser's own do."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from feedparser.util import FeedParserDict

from monitor.ingest.feedparser_dict import SPECIAL, fast_methods, install
from monitor.ingest.feeds import parse_feed

# feedparser's own methods (also once ``install`` has run in this process)
OWN_GET = getattr(FeedParserDict.get, "__wrapped__", FeedParserDict.get)
OWN_CONTAINS = getattr(FeedParserDict.__contains__, "__wrapped__", FeedParserDict.__contains__)

CONTENTS: list[dict[str, Any]] = [
    {},
    {"type": "text/html", "language": None, "base": "http://example.com/"},
    {"summary": "s", "subtitle": "t", "id": "g", "href": "h", "rights": "r"},
    {"subtitle": "only the subtitle"},
    {"published": "p", "published_parsed": (2021, 1, 1)},  # "updated" falls back to these
    {"updated": "u", "published": "p"},
    {"tags": [{"term": "first"}, {"term": "second"}]},
    {"tags": []},
    {"links": [{"rel": "enclosure", "href": "e"}, {"rel": "license", "href": "l"}]},
    {"links": [{"rel": "alternate", "href": "a"}]},
    {"feed": "f", "entries": ["e"], "mode": "escaped", "base64": 0, "": "empty key"},
]
KEYS = sorted(SPECIAL | set(FeedParserDict.keymap) | {
    "type", "language", "base", "summary", "subtitle", "id", "href", "rights", "published",
    "published_parsed", "tags", "links", "feed", "entries", "mode", "base64", "", "absent"})


def _answer(call: Any) -> tuple[str, Any]:
    """What a call returns, or the kind of error it raises."""
    try:
        return "value", call()
    except Exception as exc:
        return "raises", type(exc)


@pytest.mark.parametrize("contents", CONTENTS)
def test_get_and_in_answer_as_feedparser_does_for_every_key(contents: dict[str, Any]) -> None:
    get, contains = fast_methods(type("Own", (FeedParserDict,), {
        "get": OWN_GET, "__contains__": OWN_CONTAINS}))
    d = FeedParserDict(contents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for key in KEYS:
            assert _answer(lambda k=key: get(d, k)) == _answer(lambda k=key: OWN_GET(d, k)), key
            assert _answer(lambda k=key: get(d, k, "dflt")) == _answer(
                lambda k=key: OWN_GET(d, k, "dflt")), key
            assert contains(d, key) == OWN_CONTAINS(d, key), key


def test_an_unhashable_key_raises_as_before() -> None:
    get, contains = fast_methods(type("Own", (FeedParserDict,), {
        "get": OWN_GET, "__contains__": OWN_CONTAINS}))
    d = FeedParserDict({"type": "x"})
    assert _answer(lambda: get(d, [])) == _answer(lambda: OWN_GET(d, [])) == ("raises", TypeError)
    assert _answer(lambda: contains(d, [])) == _answer(lambda: OWN_CONTAINS(d, []))


def test_updated_still_falls_back_to_published_with_feedparsers_warning() -> None:
    install()
    d = FeedParserDict({"published": "p"})
    with pytest.warns(DeprecationWarning):
        assert d.get("updated") == "p"
    assert "updated" not in d and "published" in d


FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title>
<item><guid>a</guid><title>One &amp; two</title>
<description>Lead &lt;b&gt;here&lt;/b&gt;</description>
<category>World</category><category>Asia</category><pubDate>Mon, 04 Oct 2021 10:00:00 GMT</pubDate>
<link>http://example.com/1</link></item>
</channel></rss>"""


def _parsed(body: bytes) -> Any:
    return parse_feed(body, "http://example.com/feed", "application/rss+xml")


def test_a_parse_reads_entries_as_with_feedparsers_own_methods(
        monkeypatch: pytest.MonkeyPatch) -> None:
    install()
    fast = _parsed(FEED)
    with monkeypatch.context() as m:
        m.setattr(FeedParserDict, "get", OWN_GET)
        m.setattr(FeedParserDict, "__contains__", OWN_CONTAINS)
        m.setattr(FeedParserDict, "has_key", OWN_CONTAINS)
        own = _parsed(FEED)
    assert fast == own
    (entry,) = fast.entries
    assert (fast.title, entry.guid, entry.title, entry.summary, entry.tags) == (
        "T", "http://example.com/a", "One & two", "Lead here", ("World", "Asia"))


def test_install_is_done_once() -> None:
    install()
    first = FeedParserDict.get
    install()
    assert FeedParserDict.get is first
    assert first.__wrapped__ is OWN_GET
