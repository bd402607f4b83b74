"""The Slack channel: posts Block Kit messages to an incoming webhook."""

from __future__ import annotations

from typing import Any

from monitor.alerts.http_post import PostChannel
from monitor.alerts.render import AlertView, slack_payload


class SlackChannel(PostChannel):
    def payload(self, view: AlertView) -> dict[str, Any]:
        return slack_payload(view)
