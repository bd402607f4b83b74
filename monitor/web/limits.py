"""Login attempts rate-limited per client address and per user name (a sliding window).

Pure but for the ``now`` passed in (monotonic seconds): the desk keeps one ``LoginLimiter``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MAX_FAILURES = 5  # failed logins in WINDOW, per address and per name, before a wait
WINDOW = 300.0  # seconds


@dataclass
class LoginLimiter:
    """Failed logins per client address and per user name in a sliding window."""
    max_failures: int = MAX_FAILURES
    window: float = WINDOW
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait(self, address: str, name: str, now: float) -> float:
        """Seconds until one more attempt from ``address`` or for ``name`` is allowed (0: now)."""
        waits = [0.0]
        for key in (f"addr:{address}", f"name:{name}"):
            times = self._recent(key, now)
            if len(times) >= self.max_failures:
                waits.append(times[0] + self.window - now)
        return max(waits)

    def failed(self, address: str, name: str, now: float) -> None:
        for key in (f"addr:{address}", f"name:{name}"):
            self._recent(key, now).append(now)
        if len(self._failures) > 10_000:  # a flood of names: forget the quiet ones
            for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                del self._failures[key]

    def succeeded(self, address: str, name: str) -> None:
        self._failures.pop(f"name:{name}", None)
