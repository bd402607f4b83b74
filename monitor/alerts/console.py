"""The console channel: prints each alert with its evidence to a stream (stdout by default)."""

from __future__ import annotations

from typing import TextIO

from monitor.alerts.render import AlertView, console_text


class ConsoleChannel:
    def __init__(self, name: str, out: TextIO) -> None:
        self.name = name
        self.out = out

    async def send(self, view: AlertView) -> None:
        self.out.write(console_text(view) + "\n\n")
        self.out.flush()
