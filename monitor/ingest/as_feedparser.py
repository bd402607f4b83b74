"""GUIDs and dates of their usual shapes read exactly as feedparser reads them, without its
functions (its ``_urljoin`` and ``_parse_date`` cost a quarter of a scan each). Pure.

An absolute http(s) URL that ``urljoin`` gives back as it is (no empty query or fragment, no
``;`` parameters, nothing it strips or normalises), and RFC 822 and W3C-DTF dates with a
numeric or GMT zone. Anything else goes through feedparser's own functions (``resolve_guid``,
``read_date``). Property tests compare both readings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from monitor.ingest.feeds import _when
from monitor.sanitize import plausible_date

_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?"
                        r"(?:\?[A-Za-z0-9._~!$&'()*+,=:@%/?;-]+)?"
                        r"(?:#[A-Za-z0-9._~!$&'()*+,=:@%/?;#-]+)?")
_MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"), 1)}
_RFC822 = re.compile(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) ([A-Z][a-z]{2}) "
                     r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) "
                     r"(?:GMT|([+-])([0-9]{2})([0-9]{2}))")
_W3CDTF = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                     r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))")


def valid_base(url: str) -> bool:
    """Whether ``urljoin`` reads ``url`` (an absolute GUID is then given back as it is; a
    base it cannot read makes every GUID empty)."""
    from urllib.parse import urlparse

    try:
        urlparse(url)
    except ValueError:
        return False
    return True


def plain_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL that ``urljoin`` gives back as it is,
    whatever the (valid) base it is joined to."""
    return _PLAIN_URL.fullmatch(value) is not None


def resolve_guid(base: str, guid: str, *, plain_base: bool) -> str:
    """``guid`` joined to the feed's URL as feedparser joins it (``plain_base``: ``base``
    is one ``valid_base`` accepts)."""
    if plain_base and plain_url(guid):
        return guid  # what urljoin gives back for it, whatever the (valid) base
    from feedparser.urls import _urljoin

    return str(_urljoin(base, guid))


def read_date(value: str) -> datetime | None:
    """A date element's text as ``feeds._when`` reads feedparser's reading of it."""
    when = quick_date(value)
    if when is None:
        from feedparser.datetimes import _parse_date

        when = _when({"published_parsed": _parse_date(value)})
    return when


def quick_date(value: str) -> datetime | None:
    """A date of the usual shapes, read as feedparser reads it (then ``plausible_date``);
    None for any other shape, or a value feedparser would pass to its other readers."""
    found = _RFC822.fullmatch(value)
    if found is not None:
        day, month, year, hour, minute, second, sign, zh, zm = found.groups()
        number = _MONTHS.get(month)
        if number is None:
            return None
        parts = (int(year), number, int(day))
    else:
        found = _W3CDTF.fullmatch(value)
        if found is None:
            return None
        year, month, day, hour, minute, second, sign, zh, zm = found.groups()
        parts = (int(year), int(month), int(day))
    try:
        stamp = datetime(parts[0], parts[1], parts[2], int(hour), int(minute), int(second),
                         tzinfo=UTC)
        if sign is not None:
            offset = timedelta(hours=int(zh), minutes=int(zm))
            stamp = stamp - offset if sign == "+" else stamp + offset
    except (ValueError, OverflowError):
        return None
    return plausible_date(stamp)
