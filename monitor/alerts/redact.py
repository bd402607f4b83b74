"""Keep a channel's secrets out of error text. Pure.

A webhook URL is itself a secret (its path carries the token), and servers and HTTP clients
echo it back: in exception messages, in a 404 page that repeats the path. ``secrets_of``
lists every form in which a channel's secrets may appear (raw, percent-encoded, base64);
``redact`` removes them from a text before it becomes a ``DeliveryError`` reason, a log line
or the outbox's ``last_error``. (A feed's URL in a log line: ``monitor.net.log_url``.)
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, unquote, urlsplit

from monitor.config import ChannelConfig
from monitor.net.log_url import MASK
from monitor.net.log_url import MIN_PART as _MIN_PART

__all__ = ["MASK", "redact", "secrets_of", "url_secrets"]


def _url_forms(url: str) -> set[str]:
    """The URL, its path, and its parts that may be tokens: long path segments and query
    values, the host (some services put the token in a subdomain) and the userinfo. Never
    raises: an unparseable URL (``http://[::1/…``) is cut at its separators by hand."""
    forms = {url, url.split("?", 1)[0], url.split("#", 1)[0]}
    try:
        parts = urlsplit(url)
        netloc, path, query = parts.netloc, parts.path, parts.query
        names = [parts.hostname, parts.username, parts.password]
    except ValueError:
        rest = url.split("://", 1)[-1]
        netloc, _, tail = rest.partition("/")
        path, _, query = ("/" + tail).partition("?")
        names = [netloc]
    if path not in ("", "/"):
        forms.add(path)
    forms |= {seg for seg in path.split("/") if len(seg) >= _MIN_PART}
    for pair in query.split("#", 1)[0].split("&"):
        value = pair.split("=", 1)[-1]
        if len(value) >= _MIN_PART:
            forms.add(value)
    if "#" in url and len(fragment := url.split("#", 1)[1]) >= _MIN_PART:
        forms.add(fragment)
    forms |= {netloc.rsplit("@", 1)[0]} if "@" in netloc else set()
    for name in filter(None, names):  # whole, and label by label (errors quote them oddly)
        forms |= {p for p in (name, *re.split(r"[^A-Za-z0-9_-]+", name)) if len(p) >= _MIN_PART}
    return forms


def url_secrets(url: str) -> list[str]:
    """The forms in which a secret URL (a webhook's) may be echoed, longest first."""
    return _expand(_url_forms(url))


def _expand(raw: set[str]) -> list[str]:
    forms = {f for s in raw for f in (s, quote(s, safe="/:"), quote(s, safe=""), unquote(s))}
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def secrets_of(cfg: ChannelConfig) -> list[str]:
    """Every secret of a channel, in the raw, percent-encoded and decoded forms, longest
    first (so that a URL is masked whole before its parts)."""
    raw: set[str] = set()
    if cfg.webhook_url and (url := cfg.webhook_url.get_secret_value()):
        raw |= _url_forms(url)
    for secret in (cfg.bot_token, cfg.password):
        if secret and (value := secret.get_secret_value()):
            raw.add(value)
            raw.add(base64.b64encode(value.encode()).decode())
    if cfg.password and (password := cfg.password.get_secret_value()):
        plain = f"\0{cfg.username or ''}\0{password}"  # SMTP AUTH PLAIN, echoed by a server
        raw.add(base64.b64encode(plain.encode()).decode())
    return _expand(raw)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every occurrence of the secrets (case-insensitive) replaced by a mask."""
    if not secrets or not text:
        return text
    pattern = re.compile("|".join(re.escape(s) for s in secrets), re.IGNORECASE)
    return pattern.sub(MASK, text)

