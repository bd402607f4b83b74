"""Logging set-up: ``key=value`` lines by default, one JSON object a line by config.

Log calls are written ``log.info("feed polled feed=%s new=%d", ...)``: an event followed by
key=value pairs carrying the feed, article and alert ids. Fields are taken from the call, never
re-parsed from the formatted text: the *template*'s ``key=%s`` conversions are paired with the
record's arguments, so a value from a feed ("x level=debug event=all-clear", a newline) stays
inside its own field, whole, with its type (a number stays a number: write
``wait_seconds=%.0f``, not ``wait=%.0fs``). Text of the template that is neither the event
nor a field is kept as ``detail``, never dropped. ``extra={"fields": {...}}`` adds fields
too (a value that may be absent goes there). The JSON formatter writes
``{"ts", "level", "logger", "event", "feed", "new", ...}`` with numbers kept as numbers; the text
formatter quotes and escapes any value holding spaces, quotes or control characters, and the
JSON one escapes U+2028, U+2029 and NEL as well, so one call is always one line (also for a
reader that splits on Unicode line breaks). Fields can never overwrite ``ts``, ``level``,
``logger`` or ``event``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

QUIET = ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate", "courlan", "alembic",
         "aiohttp.access")
RESERVED = frozenset({"ts", "level", "logger", "event", "exception", "detail"})

# One %-conversion: %(name)s, %-8.3f, %r, %%.
_CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                         r"[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")
_KEY_BEFORE = re.compile(r"(?:^|\s)(?P<key>\w+)=$")
_LITERAL_PAIR = re.compile(r"(?:^|\s)(\w+)=([^\s%]+)(?=\s|$)")
_NUMBER = re.compile(r"-?\d+(?P<fraction>\.\d+)?")
_BARE = re.compile(r"[^\s\"'\\]+")
# What line-oriented readers also take for a line break (Python's splitlines does), written
# as JSON escapes: json.dumps(ensure_ascii=False) leaves them raw.
_JSON_BREAKS = str.maketrans({ch: f"\\u{ord(ch):04x}" for ch in "\x85\u2028\u2029"})


@dataclass
class Parts:
    """What one log call says: its event, its fields in order, and unnamed extra text."""

    event: str
    event_text: str = ""  # the event with its values quoted where needed (text lines)
    fields: list[tuple[str, Any, str]] = field(default_factory=list)  # key, value, text
    detail: list[str] = field(default_factory=list)


def _typed(conv: str, arg: Any) -> tuple[Any, str]:
    """The JSON value and the text of one argument formatted by its conversion."""
    text = conv % (arg,)
    if isinstance(arg, bool):
        return arg, text
    if isinstance(arg, int | float) and conv[-1] == "s":
        return arg, text
    if isinstance(arg, int | float) and conv[-1] in "dieEfFgGu":
        whole = conv[-1] in "diu" or (conv[-1] in "fF" and text.lstrip("-").isdigit())
        number: Any = int(text) if whole else _float(text, arg)  # "%.0f": a whole number
        return number, text
    if isinstance(arg, str) and conv[-1] == "r":
        return arg, text  # the repr is already quoted and escaped
    if arg is None:
        return None, text
    return text, text


def _float(text: str, arg: float) -> float:
    try:
        return float(text)
    except ValueError:
        return float(arg)


def split(record: logging.LogRecord) -> Parts:
    """Pair the template's ``key=%x`` conversions with the record's arguments."""
    template = record.msg if isinstance(record.msg, str) else str(record.msg)
    args: Any = record.args
    mapping = args if isinstance(args, Mapping) else None
    positional = list(args) if isinstance(args, tuple) else ([] if args is None else [args])
    parts = Parts(event="")
    if not args:
        return _literal_only(template, pairs=record.name.split(".")[0] == "monitor")
    event: list[str] = []
    event_text: list[str] = []
    pos, index, in_event = 0, 0, True
    for match in _CONVERSION.finditer(template):
        before = template[pos:match.start()]
        pos = match.end()
        if match["type"] == "%":
            if in_event:
                event.append(before + "%")
                event_text.append(before + "%")
            else:
                parts.detail.append(before + "%")
            continue
        conv = "%" + template[match.start() + 1:match.end()]
        if match["name"] is not None:
            conv = conv.replace(f"({match['name']})", "", 1)
            arg = mapping[match["name"]] if mapping is not None else None
        else:
            arg = positional[index] if index < len(positional) else None
            index += 1
        value, text = _typed(conv, arg)
        key = _KEY_BEFORE.search(before)
        if key is None:
            if in_event:
                event.append(before + text)
                event_text.append(before + _safe(conv, arg, text))
            else:
                _literal_pairs(before, parts)
                parts.detail.append(text)
            continue
        prefix = before[:key.start()]
        if in_event:
            event.append(prefix)
            event_text.append(prefix)
            in_event = False
        else:
            _literal_pairs(prefix, parts)
        parts.fields.append((key["key"], value, _safe(conv, arg, text)))
    tail = template[pos:]
    if in_event:
        event.append(tail)
        event_text.append(tail)
    else:
        _literal_pairs(tail, parts)
    parts.event = "".join(event).strip()
    parts.event_text = _render("".join(event_text).strip(), quote=False)
    return parts


def _safe(conv: str, arg: Any, text: str) -> str:
    """One value's text for a text line."""
    if conv[-1] == "r" and isinstance(arg, str):
        return text
    return _render(text, quote=True)


def _literal_only(template: str, *, pairs: bool) -> Parts:
    """A message without arguments. Its ``key=value`` pairs are fields only when the message
    is monitor's own (written in code); another library's may be text it formatted itself
    from data (a URL carrying ``feed=…``), so it stays the event, quoted where needed."""
    if not pairs:
        text = template.strip()
        return Parts(event=text, event_text=_render(text, quote="=" in text))
    first = _LITERAL_PAIR.search(template)
    event = (template[:first.start()] if first else template).strip()
    parts = Parts(event=event, event_text=_render(event, quote=False))
    if first:
        _literal_pairs(template[first.start():], parts)
    return parts


def _literal_pairs(text: str, parts: Parts) -> None:
    """``key=value`` written in the template itself (code, not data), numbers as numbers;
    the text around them is kept as detail, never dropped."""
    for key, value in _LITERAL_PAIR.findall(text):
        parts.fields.append((key, _literal_value(value), value))
    if rest := _LITERAL_PAIR.sub("", text).strip():
        parts.detail.append(rest)


def _literal_value(text: str) -> Any:
    number = _NUMBER.fullmatch(text)
    if number is None:
        return text
    return float(text) if number["fraction"] else int(text)


def _render(text: str, *, quote: bool) -> str:
    """A value safe on one line: bare when it has no space, quote or control character,
    else double-quoted with escapes."""
    if _BARE.fullmatch(text) and text.isprintable():
        return text
    if not quote and text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable() and ch != " ":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _with_extra(record: logging.LogRecord, parts: Parts) -> list[tuple[str, Any, str]]:
    extra = getattr(record, "fields", None)
    pairs = list(parts.fields)
    if isinstance(extra, Mapping):
        for key, value in extra.items():
            text = value if isinstance(value, str) else json.dumps(value, default=str)
            pairs.append((str(key), value, _render(text, quote=True)))
    return pairs


def _safe_key(key: str, taken: Mapping[str, object]) -> str:
    """A field named like a reserved key (or repeated) gets a trailing underscore."""
    while key in RESERVED or key in taken:
        key += "_"
    return key


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = split(record)
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "event": parts.event,
        }
        for key, value, _text in _with_extra(record, parts):
            doc[_safe_key(key, doc)] = value
        if detail := " ".join(d.strip() for d in parts.detail if d.strip()):
            doc["detail"] = detail
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str).translate(_JSON_BREAKS)


class TextFormatter(logging.Formatter):
    """``<time> level=… logger=… <event> key=value …``: one line per call (a traceback's
    lines follow, indented)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = split(record)
        head = f"{self.formatTime(record)} level={record.levelname} logger={record.name}"
        words = [head, parts.event_text]
        taken: dict[str, object] = {}
        for key, _value, text in _with_extra(record, parts):
            key = _safe_key(key, taken)
            taken[key] = True
            words.append(f"{key}={text}")
        words += [_render(d.strip(), quote=True) for d in parts.detail if d.strip()]
        line = " ".join(w for w in words if w)
        if record.exc_info:
            trace = self.formatException(record.exc_info)
            line += "\n" + "\n".join("    " + t for t in trace.splitlines())
        return line


def setup(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
