"""The mutable state each stage keeps between its rounds, one object per stage.

``App`` holds the shared resources and one field per stage state: ``app.delivery`` belongs to
``dispatch``, ``app.polling`` to ``pipeline``, ``app.lifecycle`` to ``scheduler`` (the others
only read it); no other module writes them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class DeliveryState:
    """The dispatch stage's: when each channel last sent, and the channels still sending."""

    last_sent: dict[str, float] = field(default_factory=dict)  # channel -> monotonic time
    sending: dict[str, asyncio.Task[None]] = field(default_factory=dict)  # channel -> sender


@dataclass
class PollState:
    """The poll stage's: the articles being built right now, the last successful poll."""

    # Articles being built right now, by canonical URL, so two feeds carrying the same new
    # story in one cycle fetch and extract it once.
    inflight: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    last_ok: datetime | None = None
    # The stored rules' stamp the rules were built with (db.stored_rules.stamp): none yet.
    rules_stamp: tuple[int, int] = (0, 0)


@dataclass
class Lifecycle:
    """The scheduler's: its last tick (for the health check), and whether it is stopping."""

    heartbeat: float = field(default_factory=time.monotonic)  # the scheduler's last tick
    stopping: bool = False  # set on shutdown: claim no new work
