"""Logging set-up: ``key=value`` lines by default, one JSON object a line by config.

Log calls are written ``log.info("feed polled feed=%s new=%d", ...)``: an event followed by
key=value pairs carrying the feed, article and alert ids. The JSON formatter turns the same
message into ``{"ts", "level", "logger", "event", "feed", "new", ...}``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

_PAIR = re.compile(r"""(\w+)=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)""")
QUIET = ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate", "courlan", "alembic",
         "aiohttp.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        first = _PAIR.search(message)
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "event": (message[:first.start()] if first else message).strip(),
        }
        for key, value in _PAIR.findall(message):
            doc[key] = value.strip("'\"")
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def setup(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
