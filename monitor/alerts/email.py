"""The email channel: multipart text + HTML over SMTP (plain, STARTTLS or SSL, optional auth).

smtplib is blocking, so each send runs in a worker thread, and the whole exchange gets the
channel's timeout: smtplib's own timeout is per read, so a server dripping its greeting a byte
at a time would hold the thread (and the process's exit) for ever; at the deadline the socket
is shut down, which ends the thread. SMTP and socket errors become ``DeliveryError`` (the
server's text decoded, then the secrets removed); a 5xx refusal of the recipients is
permanent, everything else is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, cast

from monitor.alerts.redact import redact, secrets_of
from monitor.alerts.render import AlertView, email_batch_parts, email_parts
from monitor.alerts.safe_text import squeeze
from monitor.config import ChannelConfig
from monitor.errors import DeliveryError

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


class _Abort:
    """Lets the event loop end a blocked smtplib exchange: the socket is shut down (which
    wakes a read blocked in another thread, as closing it does not)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._smtp: smtplib.SMTP | None = None
        self._sock: socket.socket | None = None
        self.aborted = False

    def watch(self, smtp: smtplib.SMTP, sock: socket.socket) -> None:
        with self._lock:
            self._smtp, self._sock = smtp, sock
            if self.aborted:
                raise TimeoutError("the SMTP exchange was given up")

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            current = getattr(self._smtp, "sock", None) or self._sock
        if current is not None:
            with contextlib.suppress(OSError):
                current.shutdown(socket.SHUT_RDWR)


MAX_REPLY = 64 * 1024  # bytes of one SMTP reply (smtplib bounds lines, not their number)


class _BoundedReplies:
    """The reply stream of an SMTP connection, refusing a reply past ``MAX_REPLY`` bytes:
    a server streaming ``250-…`` continuation lines took 1.7 GB of memory in 5 s."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.left = MAX_REPLY

    def readline(self, size: int = -1) -> bytes:
        line: bytes = self._raw.readline(size)
        self.left -= len(line)
        if self.left < 0:
            raise OSError(f"an SMTP reply longer than {MAX_REPLY} bytes")
        return line

    def close(self) -> None:
        self._raw.close()


class _Guarded:
    """What both SMTP classes add: the socket watched for an abort, replies bounded."""

    abort: _Abort
    sock: socket.socket | None
    file: Any

    def _watched(self, sock: socket.socket) -> socket.socket:
        self.abort.watch(cast(smtplib.SMTP, self), sock)
        return sock

    def _bounded(self) -> None:
        if self.file is None and self.sock is not None:
            self.file = _BoundedReplies(self.sock.makefile("rb"))
        elif isinstance(self.file, _BoundedReplies):
            self.file.left = MAX_REPLY


class _SMTP(_Guarded, smtplib.SMTP):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self._watched(super()._get_socket(host, port, timeout))  # type: ignore[misc]

    def getreply(self) -> tuple[int, bytes]:
        self._bounded()
        return super().getreply()


class _SMTP_SSL(_Guarded, smtplib.SMTP_SSL):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self._watched(super()._get_socket(host, port, timeout))  # type: ignore[misc]

    def getreply(self) -> tuple[int, bytes]:
        self._bounded()
        return super().getreply()


def _reply_text(reply: bytes | str) -> str:
    """A server's reply as text (decoded, not a bytes repr that escapes what redaction
    must find)."""
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


class EmailChannel:
    threads = False

    def __init__(self, cfg: ChannelConfig) -> None:
        assert cfg.host and cfg.from_addr and cfg.to
        self.name = cfg.name
        self._cfg = cfg
        self.secrets = secrets_of(cfg)

    def build_message(self, view: AlertView) -> EmailMessage:
        return self._message(*email_parts(view), view.recipients or self._cfg.to)

    def _message(self, subject: str, text: str, html: str, to: list[str]) -> EmailMessage:
        msg = EmailMessage()
        # Every header value is one line: a CR/LF from a headline cannot add a header.
        msg["Subject"] = squeeze(subject)
        msg["From"] = squeeze(self._cfg.from_addr or "")
        msg["To"] = squeeze(", ".join(to))
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="monitor.local")
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        return msg

    async def send(self, view: AlertView, thread: str | None = None) -> str | None:
        msg = self.build_message(view)
        await self._deliver(msg)
        return str(msg["Message-ID"])

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        """A digest: the stories grouped, each with the other outlets that followed."""
        to = list(dict.fromkeys(self._cfg.to + [r for v in views for r in v.recipients or []]))
        msg = self._message(*email_batch_parts(views, heading), to)
        await self._deliver(msg)
        return str(msg["Message-ID"])

    async def _deliver(self, msg: EmailMessage) -> None:
        """The blocking exchange in a thread, all of it within the channel's timeout."""
        abort = _Abort()
        try:
            async with asyncio.timeout(self._cfg.timeout):
                await asyncio.to_thread(self._send_blocking, msg, abort)
        except TimeoutError:
            abort.abort()
            raise DeliveryError(self.name, "no complete SMTP exchange within "
                                           f"{self._cfg.timeout:g}s") from None

    def _send_blocking(self, msg: EmailMessage, abort: _Abort) -> None:
        cfg = self._cfg
        assert cfg.host is not None
        port = cfg.port or DEFAULT_PORTS[cfg.security]
        try:
            smtp: _SMTP | _SMTP_SSL
            if cfg.security == "ssl":
                smtp = _SMTP_SSL(timeout=cfg.timeout, context=ssl.create_default_context())
            else:
                smtp = _SMTP(timeout=cfg.timeout)
            smtp.abort = abort
            cast(Any, smtp)._host = cfg.host  # as __init__ sets it when it connects: TLS uses it
            smtp.connect(cfg.host, port)
            with smtp:
                if cfg.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if cfg.username and cfg.password:
                    smtp.login(cfg.username, cfg.password.get_secret_value())
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(self.name, f"recipients refused: {codes}",
                                permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            detail = squeeze(redact(_reply_text(exc.smtp_error), self.secrets))[:300]
            raise DeliveryError(self.name, f"SMTP {exc.smtp_code}: {detail}") from None
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            detail = squeeze(redact(str(exc), self.secrets))[:300]
            raise DeliveryError(self.name, f"{type(exc).__name__}: {detail}") from None
