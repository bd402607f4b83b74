"""Slack: an incoming webhook (one message per story, no threads), or a bot token with
``chat.postMessage`` (follow-ups of a story become replies in its thread)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from monitor.alerts.http_post import PostChannel, post_json
from monitor.alerts.redact import redact, secrets_of
from monitor.alerts.render import AlertView, slack_batch_payload, slack_payload
from monitor.config import ChannelConfig
from monitor.errors import DeliveryError

# A message's ts as Slack writes it ("1700000000.123456"): anything else is not kept, so a
# NUL or a megabyte from the answer never reaches the outbox (where PostgreSQL would refuse
# it after the message was posted, and the alert would be sent again).
_TS = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,20})?", re.ASCII)

# chat.postMessage answers HTTP 200 with {"ok": false, "error": ...}; these will not heal.
PERMANENT_ERRORS = {"channel_not_found", "invalid_auth", "not_authed", "account_inactive",
                    "token_revoked", "not_in_channel", "is_archived", "missing_scope",
                    "invalid_blocks", "msg_too_long"}


class SlackChannel(PostChannel):
    def payload(self, view: AlertView) -> dict[str, Any]:
        return slack_payload(view)

    def batch_payload(self, views: list[AlertView], heading: str) -> dict[str, Any]:
        return slack_batch_payload(views, heading)


class SlackBotChannel:
    threads = True

    def __init__(self, cfg: ChannelConfig, http: httpx.AsyncClient) -> None:
        assert cfg.bot_token is not None and cfg.slack_channel
        self.name = cfg.name
        self._token = cfg.bot_token.get_secret_value()
        self._channel = cfg.slack_channel
        self._url = cfg.api_url
        self._timeout = cfg.timeout
        self._http = http
        self.secrets = secrets_of(cfg)

    async def _post(self, payload: dict[str, Any]) -> str | None:
        payload = {**payload, "channel": self._channel}
        resp = await post_json(self._http, self.name, self._url, payload, self._timeout,
                               headers={"Authorization": f"Bearer {self._token}"},
                               secrets=self.secrets)
        try:
            body = resp.json()
        except (ValueError, RecursionError):  # not JSON, cut at the bound, nested too deep
            body = None
        if not isinstance(body, dict):
            raise DeliveryError(self.name, "Slack answered with something that is not a JSON "
                                "object")
        if body.get("ok") is not True:
            error = redact(str(body.get("error", "unknown error")), self.secrets)[:200]
            raise DeliveryError(self.name, f"Slack error: {error}",
                                permanent=error in PERMANENT_ERRORS)
        ts = body.get("ts")
        return ts if isinstance(ts, str) and _TS.fullmatch(ts) else None

    async def send(self, view: AlertView, thread: str | None = None) -> str | None:
        payload = slack_payload(view)
        if thread:
            payload["thread_ts"] = thread
        return await self._post(payload)

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        return await self._post(slack_batch_payload(views, heading))
