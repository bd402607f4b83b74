"""feedparser's dictionary look-ups short-cut (``ingest.feedparser_dict``): for every key,
special, mapped or plain, present or not, ``[]``, ``get``, ``in`` and ``[] =`` do what
feedparser's own do."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest
from feedparser.util import FeedParserDict

from monitor.ingest.feedparser_dict import SPECIAL, fast_methods, install
from monitor.ingest.feeds import parse_feed


def _own(method: Any) -> Any:
    """feedparser's own method (also once ``install`` has run in this process)."""
    return getattr(method, "__wrapped__", method)


OWN_GETITEM = _own(FeedParserDict.__getitem__)
OWN_GET = _own(FeedParserDict.get)
OWN_CONTAINS = _own(FeedParserDict.__contains__)
OWN_SETITEM = _own(FeedParserDict.__setitem__)
OWN_METHODS = {"__getitem__": OWN_GETITEM, "get": OWN_GET, "__contains__": OWN_CONTAINS,
               "has_key": OWN_CONTAINS, "__setitem__": OWN_SETITEM}


class Own(FeedParserDict):  # type: ignore[misc]
    """``FeedParserDict`` with feedparser's own methods, whatever ``install`` did."""


for _name, _method in OWN_METHODS.items():
    setattr(Own, _name, _method)
Own.__deepcopy__ = None  # (``copy.deepcopy`` then takes its own way, as without ``install``)

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
def test_lookups_answer_as_feedparsers_own_for_every_key(contents: dict[str, Any]) -> None:
    fast = fast_methods(Own)
    d = Own(contents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for key in KEYS:
            assert _answer(lambda k=key: fast.getitem(d, k)) == _answer(lambda k=key: d[k]), key
            assert _answer(lambda k=key: fast.get(d, k)) == _answer(lambda k=key: d.get(k)), key
            assert _answer(lambda k=key: fast.get(d, k, "dflt")) == _answer(
                lambda k=key: d.get(k, "dflt")), key
            assert fast.contains(d, key) == (key in d), key


@pytest.mark.parametrize("key", KEYS)
def test_a_value_is_stored_under_the_key_feedparser_stores_it(key: str) -> None:
    fast = fast_methods(Own)
    mine, theirs = Own(), Own()
    fast.setitem(mine, key, "v")
    theirs[key] = "v"
    assert dict(mine) == dict(theirs)


def test_an_unhashable_key_raises_as_before() -> None:
    fast = fast_methods(Own)
    d = Own({"type": "x"})
    for call, own in ((lambda: fast.getitem(d, [])), (lambda: d[[]])), (
            (lambda: fast.get(d, [])), (lambda: d.get([]))), (
            (lambda: fast.contains(d, [])), (lambda: [] in d)), (
            (lambda: fast.setitem(d, [], 1)), (lambda: d.__setitem__([], 1))):
        assert _answer(call) == _answer(own) == ("raises", TypeError)


@pytest.mark.parametrize("contents", CONTENTS)
def test_a_deep_copy_is_the_one_deepcopy_makes_without_install(contents: dict[str, Any]) -> None:
    install()
    nested = {**contents, "nested": FeedParserDict({"type": "text/html", "list": [1, {"a": 2}]})}
    mine = copy.deepcopy(FeedParserDict(nested))
    theirs = copy.deepcopy(Own(nested))
    assert type(mine) is FeedParserDict and type(mine["nested"]) is FeedParserDict
    assert dict(mine) == dict(theirs) and vars(mine) == vars(theirs)
    assert mine["nested"] is not nested["nested"]
    assert mine["nested"]["list"] is not nested["nested"]["list"]


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
        for name, method in OWN_METHODS.items():
            m.setattr(FeedParserDict, name, method)
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
