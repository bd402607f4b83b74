"""The channel interface and the factory that builds the configured channels once."""

from __future__ import annotations

from typing import Protocol, TextIO

import httpx

from monitor.alerts.render import AlertView
from monitor.config import ChannelConfig


class Channel(Protocol):
    name: str

    async def send(self, view: AlertView) -> None:
        """Deliver one alert; raise ``DeliveryError`` on failure."""


def build_channels(configs: list[ChannelConfig], http: httpx.AsyncClient,
                   out: TextIO) -> dict[str, Channel]:
    """The enabled channels by name."""
    from monitor.alerts.console import ConsoleChannel
    from monitor.alerts.email import EmailChannel
    from monitor.alerts.slack import SlackChannel
    from monitor.alerts.webhook import WebhookChannel

    channels: dict[str, Channel] = {}
    for cfg in configs:
        if not cfg.is_enabled:
            continue
        if cfg.type == "console":
            channels[cfg.name] = ConsoleChannel(cfg.name, out)
        elif cfg.type == "slack":
            channels[cfg.name] = SlackChannel(cfg, http)
        elif cfg.type == "email":
            channels[cfg.name] = EmailChannel(cfg)
        else:
            channels[cfg.name] = WebhookChannel(cfg, http)
    return channels
