"""Slack mrkdwn built safely from untrusted text, within Block Kit's limits. Pure.

Every string that comes from outside is escaped (``&``, ``<``, ``>``) so it cannot
``<!channel>``, ``<!here>`` or ``<@U…>``; a URL becomes a ``<url|label>`` link only when it is
http(s) and not overlong, with the characters that would end or split the link markup
percent-encoded. ``clip`` truncates escaped text with an ellipsis without cutting an escape
(``&amp;``) or a link in half. The limits are Slack's documented Block Kit limits.
"""

from __future__ import annotations

import re

from monitor.alerts.safe_text import host_of, keep_lines, link_url, one_line
from monitor.evidence_model import Snippet

SECTION_TEXT = 3000  # a section's text, and a text object of a context block
FIELD_TEXT = 2000  # each of a section's fields
MAX_FIELDS = 10
HEADER_TEXT = 150  # a header block's plain_text
CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50
MESSAGE_TEXT = 40_000  # the top-level ``text``
LINK_URL = 1500  # longer URLs are shown as their host, not linked
LABEL = 1000  # a headline in a link, or in bold, is cut at this length
ELLIPSIS = "…"

_LINK_URL_ESCAPES = {"<": "%3C", ">": "%3E", "|": "%7C", " ": "%20", '"': "%22"}


def escape(text: str | None) -> str:
    """Untrusted text as mrkdwn: one line, the three control characters escaped."""
    return escape_lines(one_line(text))


def escape_lines(text: str) -> str:
    """Like ``escape`` but keeping line feeds."""
    text = keep_lines(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_target(url: str | None) -> str | None:
    """The URL as Slack may link it, the one escaping of a URL for mrkdwn: None unless it is
    http(s) (``link_url``) and, escaped, at most ``LINK_URL`` long; the characters that would
    end or split ``<url|label>`` percent-encoded and ``&`` escaped."""
    safe = link_url(url)
    if safe is None:
        return None
    target = "".join(_LINK_URL_ESCAPES.get(ch, ch) for ch in safe).replace("&", "&amp;")
    return target if len(target) <= LINK_URL else None


def link(url: str | None, label: str | None) -> str:
    """``<url|label>`` when the URL may be a link; otherwise the escaped label, followed by
    the host of an overlong http(s) URL (a non-http URL is not shown at all)."""
    text = clip(escape(label) or escape(url), LABEL)
    target = link_target(url)
    if target is not None:
        return f"<{target}|{text}>"
    safe = link_url(url)
    host = escape(host_of(safe)) if safe is not None else ""
    return f"{text} ({host})" if host else text


def quote_snippet(snippet: Snippet) -> str:
    """A snippet with its matched words in bold, escaped."""
    return "".join(f"*{escape(piece)}*" if hit else escape(piece)
                   for piece, hit in snippet.segments())


_OPEN_ENTITY = re.compile(r"&[a-z]{0,4}$")


def clip(text: str, limit: int) -> str:
    """Escaped mrkdwn cut to at most ``limit`` characters, ending in an ellipsis when cut,
    never inside an escape sequence or a ``<…>`` link."""
    if len(text) <= limit:
        return text
    cut = text[:max(limit - len(ELLIPSIS), 0)]
    if (m := _OPEN_ENTITY.search(cut)) is not None:
        cut = cut[:m.start()]
    if cut.rfind("<") > cut.rfind(">"):  # inside a link: drop it whole
        cut = cut[:cut.rfind("<")]
    return cut + ELLIPSIS
