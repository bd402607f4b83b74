"""Untrusted text made safe to show: one-line fields and which URLs may become links. Pure.

Everything an alert shows about an article (title, URL, site name, feed names, snippets) comes
from the outside. ``one_line`` replaces control characters (CR, LF, ESC, …) and Unicode line
separators one for one with spaces, so a title cannot add an email header or move a terminal's
cursor and the offsets of a snippet's marked words stay valid. ``link_url`` says whether a URL
may be rendered as a link: only ``http`` and ``https`` with a host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.human import one_line

__all__ = ["host_of", "json_for_terminal", "keep_lines", "link_url", "one_line", "squeeze"]


def keep_lines(text: str) -> str:
    """Like ``one_line`` but keeping the line feeds of a multi-line text we wrote ourselves."""
    return "\n".join(one_line(part) for part in text.split("\n"))


def link_url(url: str | None) -> str | None:
    """The URL if it may be a link (``http``/``https`` with a host, no control characters),
    else None: ``javascript:``, ``data:`` and the like are shown as text, never linked."""
    if not url or one_line(url) != url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.strip()


def host_of(url: str) -> str:
    """The host of a URL, for showing where an overlong link points."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """One line with runs of whitespace collapsed: for headers (email Subject, …)."""
    return _WS.sub(" ", one_line(text)).strip()


# What ``one_line`` replaces that JSON leaves raw: DEL, the C1 controls (U+009B is a terminal's
# CSI), bidi and other format characters (but U+200D, emoji joiner) and the line separators.
_JSON_INVISIBLE = re.compile(
    "[\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c"
    "\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ord(ch) <= 0xFFFF:
        return f"\\u{ord(ch):04x}"
    high, low = divmod(ord(ch) - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def json_for_terminal(document: str) -> str:
    """A JSON document (``ensure_ascii=False``) with every control and format character
    written as a ``\\uXXXX`` escape: the same data, and nothing a terminal would act on."""
    return _JSON_INVISIBLE.sub(_json_escape, document)
