"""The console channel: prints each alert with its evidence to a stream (stdout by default)."""

from __future__ import annotations

from typing import TextIO

from monitor.alerts.render import AlertView, console_batch_text, console_text


class ConsoleChannel:
    threads = False

    def __init__(self, name: str, out: TextIO) -> None:
        self.name = name
        self.out = out

    async def send(self, view: AlertView, thread: str | None = None) -> str | None:
        self.out.write(console_text(view) + "\n\n")
        self.out.flush()
        return None

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        self.out.write(console_batch_text(views, heading) + "\n\n")
        self.out.flush()
        return None
