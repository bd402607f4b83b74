"""Untrusted text made safe to show: one-line fields and which URLs may become links. Pure.

Everything an alert shows about an article (title, URL, site name, feed names, snippets) comes
from the outside. ``one_line`` replaces control characters (CR, LF, ESC, …) and Unicode line
separators one for one with spaces, so a title cannot add an email header or move a terminal's
cursor and the offsets of a snippet's marked words stay valid. ``link_url`` says whether a URL
may be rendered as a link: only ``http`` and ``https`` with a host.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_BREAKS = {"\u2028", "\u2029", "\x85"}


def _unsafe(ch: str) -> bool:
    return ch in _BREAKS or (unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d")


def one_line(text: str | None) -> str:
    """``text`` with each control or line-separator character replaced by a space."""
    if not text:
        return ""
    return "".join(" " if _unsafe(ch) else ch for ch in text)


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
