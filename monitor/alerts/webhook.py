"""The generic webhook channel: POSTs the hit and its evidence as JSON."""

from __future__ import annotations

import httpx

from monitor.alerts.http_post import post_json
from monitor.alerts.render import AlertView, webhook_payload
from monitor.config import ChannelConfig


class WebhookChannel:
    def __init__(self, cfg: ChannelConfig, http: httpx.AsyncClient) -> None:
        assert cfg.webhook_url is not None
        self.name = cfg.name
        self._url = cfg.webhook_url.get_secret_value()
        self._timeout = cfg.timeout
        self._http = http

    async def send(self, view: AlertView) -> None:
        await post_json(self._http, self.name, self._url, webhook_payload(view), self._timeout)
