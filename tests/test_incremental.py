"""Parse only what is new: the entries ``parse_new`` gives for a changed body are those a full
parse gives, minus the known ones, over feedparser's whole corpus and every news snapshot,
with versions changing item by item; the scan gives up on what it cannot promise."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.errors import FeedParseError
from monitor.ingest.feeds import Entry, ParsedFeed, parse_feed
from monitor.ingest.identity import entry_key
from monitor.ingest.incremental import parse_new, scan
from tests.conftest import shared
from tests.helpers import rss

URL = "http://127.0.0.1/feeds/world.xml"
RSS_TYPE = "application/rss+xml"
_HEADER = re.compile(rb"^Header:\s*([^:\r\n]+):\s*(.*?)\s*$", re.M)


def _snapshots() -> list[Path]:
    return sorted(shared("feeds/news-snapshots").rglob("*.xml"))


def _corpus() -> list[Path]:
    root = shared("feeds/feedparser-tests/tests")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


def _new(parsed: ParsedFeed, known: frozenset[str]) -> list[tuple[str, Entry]]:
    """The entries monitor would build articles of: first of each key, not known."""
    seen: dict[str, Entry] = {}
    for entry in parsed.entries:
        seen.setdefault(entry_key(entry), entry)
    return [(k, e) for k, e in seen.items() if k not in known]


def _outcome(body: bytes, known: frozenset[str], content_type: str | None,
             incremental: bool) -> tuple[object, ...]:
    """What a poll stores of a changed body: the new entries (what their articles are built
    from, with the feed's title), the entries listed and their dates (the publishing rate),
    the publisher's hints and the warning recorded on the feed."""
    try:
        parsed = (parse_new(body, URL, content_type, known) if incremental
                  else parse_feed(body, URL, content_type))
    except FeedParseError as exc:
        return _stored(exc, known)
    return _stored(parsed, known)


def _full_parse(body: bytes, content_type: str | None) -> ParsedFeed | FeedParseError:
    try:
        return parse_feed(body, URL, content_type)
    except FeedParseError as exc:
        return exc


def _stored(parsed: ParsedFeed | FeedParseError, known: frozenset[str]) -> tuple[object, ...]:
    """``_outcome`` of a body parsed (or refused) already."""
    if isinstance(parsed, FeedParseError):
        return ("not a feed", str(parsed))
    new = _new(parsed, known)
    dates = (tuple(e.published for e in parsed.entries) if parsed.published_all is None
             else parsed.published_all)
    listed = len(parsed.entries) if parsed.listed is None else parsed.listed
    return (new, parsed.title if new else None, listed, dates, parsed.ttl_minutes,
            parsed.update_period, parsed.update_frequency, parsed.warning)


def _assert_same(body: bytes, known: frozenset[str], content_type: str | None = RSS_TYPE
                 ) -> None:
    assert _outcome(body, known, content_type, True) == _outcome(body, known, content_type,
                                                                 False)


def _keys(body: bytes, content_type: str | None = RSS_TYPE) -> list[str]:
    try:
        return [entry_key(e) for e in parse_feed(body, URL, content_type).entries]
    except FeedParseError:
        return []


# --- the scan's identities are the full parse's ------------------------------------------

def test_the_scan_finds_each_snapshots_entries_as_a_full_parse_keys_them() -> None:
    sure = 0
    for path in _snapshots():
        body = path.read_bytes()
        found = scan(body, URL, RSS_TYPE)
        if found is not None:
            sure += 1
            assert [i.key for i in found.items] == _keys(body), path.name
    assert sure >= 250  # most real feeds are read by the scan, not handed to feedparser


def test_atom_snapshots_are_read_by_the_scan_too() -> None:
    atom = [p for p in _snapshots() if b"http://www.w3.org/2005/Atom\"" in p.read_bytes()[:600]
            and b"<feed" in p.read_bytes()[:600]]
    assert atom
    for path in atom:
        found = scan(path.read_bytes(), URL, "application/atom+xml")
        assert found is not None and found.version == "atom10", path.name
        assert [i.key for i in found.items] == _keys(path.read_bytes(), "application/atom+xml")


def test_every_feedparser_corpus_file_gives_a_full_parses_new_entries() -> None:
    files = _corpus()
    assert len(files) > 2000
    rand = random.Random(15)
    for path in files:
        body = path.read_bytes()
        headers = {k.decode().lower(): v.decode("latin-1")
                   for k, v in _HEADER.findall(body[:2000])}
        content_type = headers.get("content-type", "application/xml")
        full = _full_parse(body, content_type)  # one full parse, compared with three scans
        keys = ([] if isinstance(full, FeedParseError)
                else [entry_key(e) for e in full.entries])
        for known in (frozenset(), frozenset(keys),
                      frozenset(k for k in keys if rand.random() < 0.5)):
            assert _outcome(body, known, content_type, True) == _stored(full, known), path.name


# --- versions changing item by item ------------------------------------------------------

def _split_items(body: bytes) -> tuple[bytes, list[bytes], bytes] | None:
    found = scan(body, URL, RSS_TYPE)
    if found is None:
        return None
    items = [body[i.start:i.end] for i in found.items]
    return body[:found.items[0].start], items, body[found.items[-1].end:]


# Every snapshot, and every file of feedparser's corpus, the scan reads.
_SNAPSHOTS = [p for p in [*_snapshots(), *_corpus()] if _split_items(p.read_bytes()) is not None]


def _modified(item: bytes, how: int) -> bytes:
    """An item edited as publishers edit them: a new title, a new GUID (a new entry)."""
    if how == 1:
        return re.sub(rb"(<title[^>]*>)", rb"\1Updated: ", item, count=1)
    return re.sub(rb"(<(guid|id)\b[^>]*>)", rb"\1v2-", item, count=1)


def test_versions_are_drawn_from_both_corpora() -> None:
    assert sum(1 for p in _SNAPSHOTS if "feedparser-tests" in str(p)) >= 10


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_versions_changing_item_by_item_store_what_a_full_parse_stores(
        data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_SNAPSHOTS))
    split = _split_items(path.read_bytes())
    assert split is not None
    head, items, tail = split
    n = len(items)
    old = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    new: list[bytes] = []
    for i in data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n)):
        how = data.draw(st.integers(0, 2))  # as it was, retitled, re-identified
        new.append(items[i] if how == 0 else _modified(items[i], how))
    content_type = data.draw(st.sampled_from(
        [RSS_TYPE, "application/xml", "text/xml; charset=utf-8", "text/xml", None]))
    known = frozenset(_keys(head + b"".join(items[i] for i in old) + tail, content_type))
    _assert_same(head + b"".join(new) + tail, known, content_type)


# --- what the scan refuses: a full parse decides -----------------------------------------

_PLAIN = rss([{"title": "One", "guid": "a-1", "link": "http://127.0.0.1/1"},
              {"title": "Two", "guid": "a-2", "link": "http://127.0.0.1/2"}])


@pytest.mark.parametrize(("body", "content_type"), [
    (_PLAIN.replace(b"<rss ", b'<!DOCTYPE rss [<!ENTITY x "y">]><rss '), RSS_TYPE),
    (_PLAIN.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'), RSS_TYPE),
    (_PLAIN, "application/rss+xml; charset=windows-1251"),
    (_PLAIN, "text/xml"),  # us-ascii by RFC 3023, as feedparser reads it
    (_PLAIN, "text/html"),
    (_PLAIN, None),  # feedparser warns of a missing media type
    (_PLAIN.replace(b'encoding="utf-8"', b'encoding="us-ascii"'), "text/xml; charset=utf-8"),
    (_PLAIN.replace(b"One", "Один".encode()), "application/xml; charset=us-ascii"),
    (_PLAIN.replace(b"<guid>a-2</guid>", b""), RSS_TYPE),  # identity by link: feedparser's
    (_PLAIN.replace(b"<channel>", b'<channel xml:base="http://127.0.0.1/x/">'), RSS_TYPE),
    (_PLAIN.replace(b'version="2.0"', b'version="0.91"'), RSS_TYPE),
    (_PLAIN.replace(b"</item><item>", b"</item>text<item>"), RSS_TYPE),
    (_PLAIN.replace(b"</channel>", b""), RSS_TYPE),  # malformed
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     b'xmlns="http://purl.org/rss/1.0/"><item rdf:about="http://127.0.0.1/1">'
     b"<title>One</title></item></rdf:RDF>", "application/rdf+xml"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json"),
])
def test_the_scan_gives_up_when_unsure(body: bytes, content_type: str | None) -> None:
    assert scan(body, URL, content_type) is None
    _assert_same(body, frozenset(), content_type)


@pytest.mark.parametrize("count", [999, 1001])  # a full parse refuses past 1,000
def test_a_known_item_with_too_many_attributes_fails_the_feed_as_a_full_parse_does(
        count: int) -> None:
    attrs = " ".join(f'a{i}="{i}"' for i in range(count)).encode()
    body = _PLAIN.replace(b"<title>One</title>", b"<title " + attrs + b">One</title>")
    known = frozenset(_keys(_PLAIN)[:1])
    _assert_same(body, known)
    _assert_same(body.replace(b"<guid>a-2</guid>", b"<guid>a-3</guid>"), known)


def test_a_body_of_known_entries_gives_none_but_counts_them() -> None:
    parsed = parse_new(_PLAIN, URL, RSS_TYPE, frozenset(_keys(_PLAIN)))
    assert parsed.entries == [] and parsed.listed == 2


def test_new_entries_come_out_as_a_full_parse_gives_them() -> None:
    known = frozenset(_keys(_PLAIN)[:1])
    parsed = parse_new(_PLAIN, URL, RSS_TYPE, known)
    assert parsed.entries == parse_feed(_PLAIN, URL, RSS_TYPE).entries[1:]
    assert parsed.title == "Test feed" and parsed.listed == 2


_DC_NS = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'


@pytest.mark.parametrize("channel", [
    # feedparser keeps the first title it reads, unless an image or a text input (which
    # reset its memory of one) comes between: then the later title is the feed's
    b"<title>First</title><image><url>http://127.0.0.1/i.png</url></image>"
    b"<dc:title>Second</dc:title>",
    b"<title>First</title><textInput><name>q</name></textInput><dc:title>Second</dc:title>",
    b"<title>First</title><link>http://127.0.0.1/</link><dc:title>Second</dc:title>",
    b"<image><title>Logo</title><url>http://127.0.0.1/i.png</url></image><title>Own</title>",
    b"<ttl>30</ttl><description>none</description>",  # no title at all
])
@pytest.mark.parametrize("after", [False, True])  # the channel's elements after its items
def test_the_feeds_title_beside_new_entries_is_a_full_parses(channel: bytes, after: bool
                                                               ) -> None:
    items = (b"<item><title>One</title><guid>a-1</guid></item>"
             b"<item><title>Two</title><guid>a-2</guid></item>")
    inner = items + channel if after else channel + items
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" ' + _DC_NS.encode()
            + b"><channel>" + inner + b"</channel></rss>")
    known = frozenset(_keys(body)[:1])
    assert scan(body, URL, RSS_TYPE) is not None
    assert parse_new(body, URL, RSS_TYPE, known).title == parse_feed(body, URL, RSS_TYPE).title
    _assert_same(body, known)


def test_a_relative_guid_is_resolved_against_the_feed_as_feedparser_does() -> None:
    body = _PLAIN.replace(b"<guid>a-1</guid>", b"<guid>/story/1</guid>")
    found = scan(body, URL, RSS_TYPE)
    assert found is not None
    assert found.items[0].key == "guid:http://127.0.0.1/story/1" == _keys(body)[0]


# --- the scan's quick readings of common GUIDs and dates are feedparser's -------------------

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Xyz", "mon"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
           "jun", "Foo"]


def _item_body(guid: str, date: str, permalink: str | None = None) -> bytes:
    attr = "" if permalink is None else f' isPermaLink="{permalink}"'
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>T</title><item><title>One</title><guid{attr}>{guid}</guid>"
            f"<pubDate>{date}</pubDate></item></channel></rss>").encode()


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


def _year() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(1965, 2105).map(str), st.integers(1, 9999).map(
        lambda y: f"{y:04d}"), st.integers(0, 99).map(str))


def _rfc822_dates() -> st.SearchStrategy[str]:
    zone = st.one_of(st.sampled_from(["GMT", "UTC", "Z", "EST", "+0000", "gmt", "GMT+1"]),
                     st.builds(lambda s, h, m: f"{s}{h}{m}", st.sampled_from("+-"),
                               _two(0, 25), _two(0, 61)))
    return st.builds(
        lambda day, d, mon, y, h, mi, s, z, comma: f"{day}{comma} {d} {mon} {y} {h}:{mi}:{s} {z}",
        st.sampled_from(_DAYS), st.integers(0, 32).map(str) | _two(0, 32),
        st.sampled_from(_MONTHS), _year(), _two(0, 25), _two(0, 61), _two(0, 61), zone,
        st.sampled_from([",", ""]))


def _iso_dates() -> st.SearchStrategy[str]:
    zone = st.one_of(st.sampled_from(["Z", "z", "", "+00:00", ".5Z", "+0100"]),
                     st.builds(lambda s, h, m: f"{s}{h}:{m}", st.sampled_from("+-"),
                               _two(0, 25), _two(0, 61)))
    return st.builds(
        lambda y, mo, d, t, h, mi, s, z: f"{y}-{mo}-{d}{t}{h}:{mi}:{s}{z}",
        _year(), _two(0, 13), _two(0, 32), st.sampled_from("TTTt "), _two(0, 25), _two(0, 61),
        _two(0, 61), zone)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_rfc822_dates(), _iso_dates()))
def test_the_scan_reads_an_items_date_as_feedparser_does(date: str) -> None:
    body = _item_body("a-1", date)
    found = scan(body, URL, RSS_TYPE)
    assert found is not None
    assert found.items[0].published == parse_feed(body, URL, RSS_TYPE).entries[0].published


_URL_SAFE = "abcAB09.-_~:@%!$&'()*+,="
_URL_ODD = ["", "", "", ";", "?", "#", "[", "]", " ", "\t", "\u00e9", "/", ";x", "?x", "#x"]


def _guids() -> st.SearchStrategy[str]:
    """GUIDs shaped like URLs, mostly absolute ones, with the characters urljoin treats
    specially (``;`` parameters, empty queries and fragments, brackets, spaces)."""
    part = st.builds(lambda a, odd, b: a + odd + b, st.text(_URL_SAFE, max_size=6),
                     st.sampled_from(_URL_ODD), st.text(_URL_SAFE, max_size=2))
    scheme = st.sampled_from(["http://"] * 4 + ["https://"] * 4 + ["HTTP://", "http:///",
                                                                   "ftp://", "", "//"])
    host = st.sampled_from(["127.0.0.1", "example.com", "a-b.example:8080"])
    plain = st.builds(lambda scheme, host, path, end: f"{scheme}{host}/{path}{end}", scheme,
                      host, st.text(_URL_SAFE + "/", max_size=10),
                      st.sampled_from([*_URL_ODD, "?#", "/;", "?a;b", "#a#", "?a#b"]))
    odd = st.builds(
        lambda scheme, host, port, path, query, fragment: (
            f"{scheme}{host}{port}{path}{query}{fragment}"),
        scheme, host | part, st.sampled_from(["", ":8080", ":", ":x"]),
        st.lists(part, max_size=4).map(lambda parts: "".join("/" + p for p in parts)),
        st.one_of(st.just(""), part.map(lambda q: "?" + q)),
        st.one_of(st.just(""), part.map(lambda f: "#" + f)))
    return plain | odd


@settings(max_examples=500, deadline=None)
@given(_guids(), st.sampled_from([URL, "https://127.0.0.1/a/b.xml", "http://[::1/feed", ""]),
       st.sampled_from([None, "true", "false"]))
@example("http://127.0.0.1/a;", URL, None)  # what urljoin rewrites: empty parameters,
@example("http://127.0.0.1/a?", URL, None)  # an empty query or fragment, extra slashes
@example("http://127.0.0.1/a#", URL, None)
@example("http://127.0.0.1/a?#", URL, None)
@example("http:////127.0.0.1/a", URL, None)
@example("http://127.0.0.1/a", "http://[::1/feed", None)  # a base urljoin cannot read
def test_the_scan_resolves_a_guid_as_feedparser_does(guid: str, base: str,
                                                     permalink: str | None) -> None:
    from xml.sax.saxutils import escape

    body = _item_body(escape(guid), "Tue, 30 Aug 2022 20:40:05 +0000", permalink)
    found = scan(body, base, RSS_TYPE)
    if found is not None:
        assert [i.key for i in found.items] == [
            entry_key(e) for e in parse_feed(body, base, RSS_TYPE).entries]
