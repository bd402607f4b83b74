"""The one exception tree of monitor.

Third-party errors (httpx, SQLAlchemy, smtplib, feedparser, pydantic) are translated into these
where they enter the program, so callers only ever catch ``MonitorError`` subclasses.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class of every error monitor raises on purpose. ``exit_code``: what the CLI
    exits with (1 a runtime failure, 2 a usage or configuration error)."""

    exit_code = 1


class ConfigError(MonitorError):
    """The configuration is invalid. ``problems`` lists ``(key.path, message)`` pairs."""

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"{path}: {msg}" if path else msg for path, msg in problems]
        super().__init__("invalid configuration:\n  " + "\n  ".join(lines))


class FetchError(MonitorError):
    """An HTTP fetch failed (network, timeout, HTTP status, size limit, blocked address)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None,
                 retry_after: float | None = None, unreachable: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.unreachable = unreachable  # could not connect at all (DNS, refused, no route)
        super().__init__(f"{reason} ({url})")


class BlockedAddressError(FetchError):
    """The URL resolves to a loopback, private or link-local address and those are not allowed."""


class InvalidURLError(FetchError):
    """The URL cannot be requested: not http/https, whitespace or control characters in it,
    or a host that is neither an IP address nor a valid DNS name."""


class FeedParseError(MonitorError):
    """A body could not be parsed as a feed (HTML page, garbage, empty)."""


class StoreError(MonitorError):
    """The database refused or could not be reached."""


class DeliveryError(MonitorError):
    """An alert could not be delivered; ``retry_after`` is the server's wish, if it said one."""

    def __init__(self, channel: str, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        self.channel = channel
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent
        super().__init__(f"{channel}: {reason}")


class RuleError(MonitorError):
    """A rule or the entity catalogue is invalid."""


class WorkerError(MonitorError):
    """A task in the CPU pool did not finish: its worker died (and died again on the retry)."""


class WorkerTimeout(WorkerError):
    """A task in the CPU pool overran its deadline; its worker was killed and replaced."""


class EvidenceError(StoreError):
    """A hit's stored evidence does not have the shape monitor writes (the message names the
    part that is wrong)."""


class SchemaVersionError(StoreError):
    """The database's schema revision is not one this version of monitor can use."""


class UsageError(MonitorError):
    """What was asked cannot be done as asked (the command line exits 2): an unknown name or id
    (``suggestions`` are the closest known ones), an alert that was already sent, a feed that
    config.yaml manages, a URL that is not a feed's."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        hint = f"; did you mean {' or '.join(map(repr, self.suggestions))}?" \
            if self.suggestions else ""
        super().__init__(message + hint)


class NotFoundError(UsageError):
    """A name or id the user gave matches nothing; the message lists the known ones and the
    closest match."""

    def __init__(self, what: str, given: str, known: list[str], hint: str = "") -> None:
        import difflib

        self.what = what
        self.given = given
        self.known = known
        close = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
        shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        message = f"no {what} {given!r}"
        if close:
            message += f"; did you mean {close[0]!r}?"
        if known:
            message += f" (known: {shown})"
        else:
            message += f"; {hint or f'there is no {what} yet'}"
        super().__init__(message)


class EndpointError(MonitorError):
    """The daemon's HTTP endpoint cannot listen where ``key`` (``server.port`` or
    ``server.host``) says: one line naming the key, exit 2."""

    exit_code = 2

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"{key}: {message}")


class UnknownFeedError(UsageError):
    """A feed name that is not in the config; ``close`` holds the nearest names."""

    def __init__(self, name: str, close: list[str]) -> None:
        self.name, self.close = name, close
        super().__init__(f"no feed named {name!r} in the config", close)


class UserError(UsageError):
    """A desk user cannot be added or changed as asked (a name taken, an empty password)."""


class DeskError(MonitorError):
    """The web desk cannot start as configured (a public address without users): exit 2."""

    exit_code = 2
