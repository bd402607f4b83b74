"""YAML read event by event: what ``yaml.safe_load`` returns, without its node tree.

``safe_load`` composes the whole document into nodes (each with two position marks) before it
builds a value: for a config listing 100,000 feeds that is about 350 MB held at once, and the
process keeps most of it (the values built meanwhile pin the memory). Here the values are
built from libyaml's parse events as they come, so only the values are ever held. Plain
documents only: an explicit tag on a collection, a merge key (``<<``), an alias to a
collection still open, or more than one document raise ``Unusual``, and the caller reads the
text with ``safe_load`` instead (same result, same errors). Parse errors are PyYAML's own,
with their positions.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import events, nodes

MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
MERGE_TAG = "tag:yaml.org,2002:merge"


class Unusual(Exception):
    """The document uses what this reader leaves to ``safe_load``."""


class _Open:
    """A mapping or sequence being filled (a mapping waits for a value after a key)."""

    __slots__ = ("anchor", "key", "value", "waiting")

    def __init__(self, value: dict[Any, Any] | list[Any], anchor: str | None) -> None:
        self.value, self.anchor = value, anchor
        self.key: Any = None
        self.waiting = False  # a mapping: the key is read, its value not yet

    def add(self, item: Any) -> None:
        if isinstance(self.value, list):
            self.value.append(item)
        elif self.waiting:
            self.value[self.key] = item
            self.waiting = False
        else:
            try:
                hash(item)
            except TypeError:
                raise Unusual("an unhashable key") from None
            self.key, self.waiting = item, True


def load(text: str) -> Any:
    """The value of the one YAML document in ``text`` (None when empty), as ``safe_load``
    builds it; ``Unusual`` when it needs ``safe_load`` itself."""
    loader = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
    try:
        return _build(loader)
    finally:
        loader.dispose()


def _build(loader: Any) -> Any:
    stack: list[_Open] = []
    anchors: dict[str, Any] = {}
    result: Any = None
    documents = 0
    while (event := loader.get_event()) is not None:
        if isinstance(event, events.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise Unusual("more than one document")
            continue
        value, done = _value(loader, event, stack, anchors)
        if not done:
            continue
        if stack:
            stack[-1].add(value)
        else:
            result = value
    return result


def _value(loader: Any, event: Any, stack: list[_Open], anchors: dict[str, Any]
           ) -> tuple[Any, bool]:
    """What ``event`` completes (a scalar, an alias, a closed collection) and True; or False
    when it completes nothing (a collection opened, stream and document marks)."""
    if isinstance(event, events.ScalarEvent):
        value = _scalar(loader, event, stack)
        if event.anchor:
            anchors[event.anchor] = value
        return value, True
    if isinstance(event, events.AliasEvent):
        if event.anchor not in anchors:  # unknown, or a collection still open: recursive
            raise Unusual("an alias to a collection still open")
        return anchors[event.anchor], True
    if isinstance(event, events.MappingStartEvent | events.SequenceStartEvent):
        mapping = isinstance(event, events.MappingStartEvent)
        if event.tag not in (None, "!", MAP_TAG if mapping else SEQ_TAG):
            raise Unusual(f"the tag {event.tag}")
        stack.append(_Open({} if mapping else [], event.anchor))
        return None, False
    if isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
        closed = stack.pop()
        if closed.anchor:
            anchors[closed.anchor] = closed.value
        return closed.value, True
    return None, False


def _scalar(loader: Any, event: Any, stack: list[_Open]) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(nodes.ScalarNode, event.value, event.implicit)
    if tag == MERGE_TAG and stack and isinstance(stack[-1].value, dict) and not stack[-1].waiting:
        raise Unusual("a merge key")
    construct = type(loader).yaml_constructors.get(tag)
    if construct is None:
        raise Unusual(f"the tag {tag}")
    node = nodes.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    return construct(loader, node)
