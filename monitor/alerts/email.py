"""The email channel: multipart text + HTML over SMTP (plain, STARTTLS or SSL, optional auth).

smtplib is blocking, so each send runs in a worker thread. SMTP and socket errors become
``DeliveryError``; a 5xx refusal of the recipients is permanent, everything else is retried.
smtplib's timeout bounds each socket operation, not the session: a server that drips its
replies could hold a send for ever and deliver it after the attempt was given up (a duplicate
on the retry). A watchdog shuts the socket at the channel's ``timeout``, so the whole session
ends then, in its thread too.
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

from monitor.alerts.redact import redact, secrets_of
from monitor.alerts.render import AlertView, email_batch_parts, email_parts
from monitor.alerts.safe_text import squeeze
from monitor.config import ChannelConfig
from monitor.errors import DeliveryError

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


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
        await asyncio.to_thread(self._send_blocking, msg)
        return str(msg["Message-ID"])

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        """A digest: the stories grouped, each with the other outlets that followed."""
        to = list(dict.fromkeys(self._cfg.to + [r for v in views for r in v.recipients or []]))
        msg = self._message(*email_batch_parts(views, heading), to)
        await asyncio.to_thread(self._send_blocking, msg)
        return str(msg["Message-ID"])

    def _send_blocking(self, msg: EmailMessage) -> None:
        cfg = self._cfg
        assert cfg.host is not None
        port = cfg.port or DEFAULT_PORTS[cfg.security]
        smtp: smtplib.SMTP
        if cfg.security == "ssl":
            smtp = smtplib.SMTP_SSL(timeout=cfg.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(timeout=cfg.timeout)
        watchdog = threading.Timer(cfg.timeout, _cut, (smtp,))
        watchdog.daemon = True
        watchdog.start()
        try:
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
            detail = squeeze(redact(repr(exc.smtp_error), self.secrets))[:300]
            raise DeliveryError(self.name, f"SMTP {exc.smtp_code}: {detail}") from None
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            if not watchdog.is_alive():
                raise DeliveryError(self.name, f"SMTP session cut after {cfg.timeout:g}s "
                                    "(the server answered too slowly)") from None
            detail = squeeze(redact(str(exc), self.secrets))[:300]
            raise DeliveryError(self.name, f"{type(exc).__name__}: {detail}") from None
        finally:
            watchdog.cancel()


def _cut(smtp: smtplib.SMTP) -> None:
    """The session's deadline: shut its socket, so whatever smtplib waits for fails now."""
    sock = getattr(smtp, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)
