"""The progress line `poll --once` keeps on a terminal: rewritten in place, cleared at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from monitor.poll_report import Progress

if TYPE_CHECKING:
    from monitor.pipeline import PollOutcome


class TerminalProgress:
    """Feeds done / due, new articles and hits, on one line of ``stream`` (a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.counts = Progress()
        self.width = 0

    def start(self, total: int) -> None:
        self.counts.total = total
        self._show()

    def polled(self, outcome: PollOutcome) -> None:
        self.counts.add(outcome)
        self._show()

    def finish(self) -> None:
        """Blank the line so the summary starts at its beginning."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def _show(self) -> None:
        line = self.counts.line()
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))
