"""Channels that POST a JSON rendering of an alert to a URL (Slack webhooks, generic webhooks),
and the translation of the outcome into ``DeliveryError``.

This is the edge where the HTTP client's errors enter: every failure — an httpx or aiohttp
exception, a server answering garbage, a body dripping past the deadline — becomes a
``DeliveryError`` whose reason has the channel's secrets (the webhook URL and its token, a
bot token) removed, including from any response body the server echoed.

An answer is read as a stream and only its first ``MAX_ANSWER`` bytes (1 MiB) are kept, every
Content-Encoding layer bounded as it decodes (``monitor.net.decode``): a webhook answering
a 300 KB gzip of zeros no longer costs a gigabyte of memory.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from monitor.alerts.redact import redact, secrets_of, url_secrets
from monitor.alerts.render import AlertView
from monitor.alerts.retry_after import parse_retry_after
from monitor.alerts.safe_text import squeeze
from monitor.config import ChannelConfig
from monitor.errors import DeliveryError
from monitor.net.decode import DecodeError, Decoder, TooLarge, encodings
from monitor.net.faults import translate

# Bytes of an answer kept (decoded): chat.postMessage echoes the message, 50 blocks of up to
# 3,000 characters, well under this.
MAX_ANSWER = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """What the server answered: its status, headers and the start of its body."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON; raises ``ValueError`` when it is not (or was cut)."""
        return json.loads(self.content)


async def _read_answer(resp: httpx.Response) -> bytes:
    """At most ``MAX_ANSWER`` decoded bytes of the body; the rest is not read."""
    try:
        decoder = Decoder(encodings(resp.headers.get("content-encoding")), MAX_ANSWER)
    except DecodeError:
        return b""
    out = bytearray()
    try:
        async for chunk in resp.aiter_raw():
            for piece in decoder.decode(chunk):
                out += piece
            if len(out) >= MAX_ANSWER:
                break
    except (TooLarge, DecodeError):
        pass
    return bytes(out[:MAX_ANSWER])


async def post_json(http: httpx.AsyncClient, channel: str, url: str, payload: dict[str, Any],
                    timeout: float, headers: dict[str, str] | None = None,
                    secrets: list[str] | None = None) -> Answer:
    """POST ``payload``; the whole exchange (connect, send, read the answer) gets ``timeout``
    seconds. Raises ``DeliveryError`` (redacted) unless the answer is 2xx."""
    hide = secrets if secrets is not None else url_secrets(url)
    try:
        async with asyncio.timeout(timeout), http.stream(
                "POST", url, json=payload, timeout=timeout, headers=headers) as streamed:
            resp = Answer(streamed.status_code, streamed.headers,
                          await _read_answer(streamed))
    except TimeoutError:
        raise DeliveryError(channel, f"no complete answer within {timeout:g}s") from None
    except Exception as exc:  # httpx, aiohttp (under httpx-aiohttp), h11, ssl…; not cancel
        # What happened, said as the fetcher says it (a refused connection is not a timeout,
        # whatever httpx-aiohttp calls it); the URL may be a secret (a webhook token): never
        # include it in the error.
        detail = squeeze(redact(translate(url, exc).reason, hide))[:300]
        raise DeliveryError(channel, f"while posting: {detail}") from None
    if resp.status_code < 300:
        return resp
    retry_after = parse_retry_after(resp.headers.get("retry-after"), datetime.now(UTC))
    body = squeeze(redact(resp.text[:2000], hide))[:200]
    # 4xx other than 408/429 will not heal by retrying (bad token, channel gone, bad payload).
    permanent = 400 <= resp.status_code < 500 and resp.status_code not in (408, 429)
    raise DeliveryError(channel, f"HTTP {resp.status_code}: {body}", retry_after=retry_after,
                        permanent=permanent)


class PostChannel:
    """A channel that POSTs ``payload(view)`` as JSON to the configured ``webhook_url``."""

    threads = False

    def __init__(self, cfg: ChannelConfig, http: httpx.AsyncClient) -> None:
        assert cfg.webhook_url is not None
        self.name = cfg.name
        self._url = cfg.webhook_url.get_secret_value()
        self._timeout = cfg.timeout
        self._http = http
        self.secrets = secrets_of(cfg)

    def payload(self, view: AlertView) -> dict[str, Any]:
        raise NotImplementedError

    def batch_payload(self, views: list[AlertView], heading: str) -> dict[str, Any]:
        raise NotImplementedError

    async def send(self, view: AlertView, thread: str | None = None) -> str | None:
        await post_json(self._http, self.name, self._url, self.payload(view), self._timeout,
                        secrets=self.secrets)
        return None

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        await post_json(self._http, self.name, self._url, self.batch_payload(views, heading),
                        self._timeout, secrets=self.secrets)
        return None
