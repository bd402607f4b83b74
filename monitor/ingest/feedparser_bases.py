"""feedparser's base-URI bookkeeping, memoized: the same results at a fifth of a parse less.

At every start tag feedparser recomputes the element's base URI, ``make_safe_absolute_uri(
self.baseuri, xml:base or self.baseuri)``: two ``urlparse`` and an ``urlunparse`` for an
answer that, but for an ``xml:base``, is the base it already had. A news feed's 550 elements
made that a fifth of its parse (21 -> 17 ms a feed over the 299 news snapshots). The function
is pure (its strings in, a string out; ``ACCEPTABLE_URI_SCHEMES`` is feedparser's constant,
never changed here), so ``install`` puts a memo of it where feedparser's parser looks it up
(``feedparser.mixin``): the same strings always give the same answer, cached or not.

Only short strings are cached (a hostile ``xml:base`` of a megabyte is computed as before,
not kept), at most ``CACHED`` pairs: a feed uses a handful (its URL, an ``xml:base`` or two).
Installed once per process, by the first parse (in the parse workers: the daemon's own
process never parses).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

CACHED = 1024
MAX_CACHED_CHARS = 2048  # base + relative: longer pairs are computed, not kept

_Resolve = Callable[..., str]


def memoized(resolve: _Resolve) -> _Resolve:
    """``resolve(base, rel=None)`` with the answers for short string pairs remembered."""
    cached = lru_cache(maxsize=CACHED)(resolve)

    def make_safe_absolute_uri(base: object, rel: object = None) -> str:
        if (type(base) is str and type(rel) is str
                and len(base) + len(rel) <= MAX_CACHED_CHARS):
            return cached(base, rel)
        return resolve(base, rel)

    make_safe_absolute_uri.__wrapped__ = resolve  # type: ignore[attr-defined]
    return make_safe_absolute_uri


def install() -> None:
    """Put the memo where feedparser's parser calls the function (once per process)."""
    import feedparser.mixin
    import feedparser.urls

    if feedparser.mixin.make_safe_absolute_uri is feedparser.urls.make_safe_absolute_uri:
        feedparser.mixin.make_safe_absolute_uri = memoized(
            feedparser.urls.make_safe_absolute_uri)
