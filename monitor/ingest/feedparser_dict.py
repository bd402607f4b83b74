"""feedparser's dictionary look-ups, short-cut for plain keys: the same answers, a sixth of a
parse less.

feedparser keeps an element's content parameters, an entry and the feed in ``FeedParserDict``,
a ``dict`` whose ``[]``, ``get`` and ``in`` go through its ``__getitem__``: a few comparisons
with the keys it treats specially ("category", "enclosures", "license", "updated",
"updated_parsed"), then its ``keymap`` of old names ("guid" for "id", "description" for
"summary" ...); its ``[] =`` maps the key through ``keymap`` too. Its parser asks
``contentparams.get("type")`` and the like at every piece of text and every end tag: some 400
look-ups in the parse of a changed poll's three new items (the news snapshots), whose time the
short-cut takes from 1.66 to 1.40 ms.

For any other key these amount to the plain ``dict`` operation: ``__getitem__`` maps such a
key to itself and reads it (a ``KeyError`` when absent, which ``get`` turns into its default
and ``in`` into False), and ``__setitem__`` stores it as it is. ``install`` replaces the
methods by ones that take the plain operation for those keys and call feedparser's own for
the special and mapped ones, so every answer is the one feedparser gives (an unhashable key
raises ``TypeError`` as before). The keys are fixed at install, from the class's own
``keymap`` (feedparser never changes it). Installed once per process, by the first parse (in
the parse workers: the daemon's own process never parses).
"""

from __future__ import annotations

import copy
import copyreg
from collections.abc import Callable
from typing import Any, NamedTuple

# The keys ``FeedParserDict.__getitem__`` answers by code of its own (besides its keymap).
SPECIAL = frozenset({"category", "enclosures", "license", "updated", "updated_parsed"})


class Methods(NamedTuple):
    """The short-cut methods of ``FeedParserDict``, each wrapping feedparser's own."""

    getitem: Callable[..., Any]
    get: Callable[..., Any]
    contains: Callable[..., bool]
    setitem: Callable[..., None]


def fast_methods(cls: Any) -> Methods:
    """``__getitem__``, ``get``, ``__contains__`` and ``__setitem__`` for ``cls``
    (feedparser's ``FeedParserDict``): the plain dict's for a key neither special nor
    mapped, feedparser's own for the others (``__setitem__`` only maps: its own for a
    mapped key)."""
    mapped = frozenset(cls.keymap)
    slow = SPECIAL | mapped
    own_getitem, own_get = cls.__getitem__, cls.get
    own_contains, own_setitem = cls.__contains__, cls.__setitem__
    plain_getitem, plain_get = dict.__getitem__, dict.get
    plain_contains, plain_setitem = dict.__contains__, dict.__setitem__

    def getitem(self: Any, key: Any) -> Any:
        if key in slow:
            return own_getitem(self, key)
        return plain_getitem(self, key)

    def get(self: Any, key: Any, default: Any = None) -> Any:
        if key in slow:
            return own_get(self, key, default)
        return plain_get(self, key, default)

    def contains(self: Any, key: Any) -> bool:
        if key in slow:
            return bool(own_contains(self, key))
        return plain_contains(self, key)

    def setitem(self: Any, key: Any, value: Any) -> None:
        if key in mapped:
            own_setitem(self, key, value)
        else:
            plain_setitem(self, key, value)

    for fast, own in ((getitem, own_getitem), (get, own_get), (contains, own_contains),
                      (setitem, own_setitem)):
        fast.__wrapped__ = own  # type: ignore[union-attr]
    return Methods(getitem, get, contains, setitem)


def reconstructing_deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy``'s own copy of a ``FeedParserDict``, made as it makes it (from
    ``__reduce_ex__(4)``, by ``copy._reconstruct``), without first looking for a
    ``__deepcopy__`` through the class's ``__getattr__`` (a ``KeyError`` turned into an
    ``AttributeError``, at each of the parse's copies of its content parameters)."""
    return copy._reconstruct(self, memo, *self.__reduce_ex__(4))  # type: ignore[attr-defined]


def install() -> None:
    """Put the short-cuts on ``FeedParserDict`` (once per process)."""
    from feedparser.util import FeedParserDict

    if hasattr(FeedParserDict.get, "__wrapped__"):
        return
    if copyreg.dispatch_table.get(FeedParserDict) is None and (
            "__deepcopy__" not in vars(FeedParserDict)):  # (else deepcopy goes another way)
        FeedParserDict.__deepcopy__ = reconstructing_deepcopy
    fast = fast_methods(FeedParserDict)
    FeedParserDict.__getitem__ = fast.getitem
    FeedParserDict.get = fast.get
    FeedParserDict.__contains__ = fast.contains
    FeedParserDict.has_key = fast.contains
    FeedParserDict.__setitem__ = fast.setitem
