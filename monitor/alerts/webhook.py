"""The generic webhook channel: POSTs the hit, its story and its evidence as JSON."""

from __future__ import annotations

from typing import Any

from monitor.alerts.http_post import PostChannel
from monitor.alerts.render import AlertView, webhook_batch_payload, webhook_payload


class WebhookChannel(PostChannel):
    def payload(self, view: AlertView) -> dict[str, Any]:
        return webhook_payload(view)

    def batch_payload(self, views: list[AlertView], heading: str) -> dict[str, Any]:
        return webhook_batch_payload(views, heading)
