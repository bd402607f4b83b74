"""A URL fit for a log line: what in it may be a credential masked, the rest readable. Pure.

A feed's URL may carry a token (``?token=…``, ``?api_key=…``) or a password
(``https://user:pass@…``); the poll's log lines name the feed's URL, and logs are read by
more people than the config. ``public_url`` masks each query value that may be a token and
the userinfo's password.
"""

from __future__ import annotations

import re

MASK = "[redacted]"
MIN_PART = 6  # path segments and query values this long or longer are treated as tokens
# Query keys whose value is a credential whatever its length.
_SECRET_KEY = re.compile(r"token|key|secret|pass|auth|sig|session|code", re.IGNORECASE)


def _masked_query(query: str) -> str:
    pairs = []
    for pair in query.split("&"):
        key, eq, value = pair.partition("=")
        secret = eq and (len(value) >= MIN_PART or _SECRET_KEY.search(key))
        pairs.append(f"{key}={MASK}" if secret else pair)
    return "&".join(pairs)


def public_url(url: str) -> str:
    """A feed's URL fit for a log line: each query value that may be a token (one of
    ``MIN_PART`` characters or more, or under a key such as ``token`` or ``api_key``) and
    the userinfo's password masked, the rest as it was. Never raises (nor parses: the URL
    may not be one ``urlsplit`` accepts)."""
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    scheme, sep, rest = base.partition("://")
    if sep:
        netloc, slash, path = rest.partition("/")
        userinfo, at, host = netloc.rpartition("@")
        if at and ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{host}"
        base = f"{scheme}{sep}{netloc}{slash}{path}"
    fragment = MASK if len(fragment) >= MIN_PART else fragment
    return f"{base}{question}{_masked_query(query) if question else ''}{hash_}{fragment}"
