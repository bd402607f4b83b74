"""The channel interface and the factory that builds the configured channels once.

A channel sends one alert (``send``, optionally as a reply in a thread it started) or several
in one message (``send_many``: a burst or a digest). Both return the channel's id for the
message (the Slack ``ts``) when it has one, so follow-ups can reply to it.
"""

from __future__ import annotations

from typing import Protocol, TextIO

import httpx

from monitor.alerts.render import AlertView
from monitor.config import ChannelConfig


class Channel(Protocol):
    name: str
    threads: bool  # can post a follow-up as a reply to an earlier message

    async def send(self, view: AlertView, thread: str | None = None) -> str | None:
        """Deliver one alert; raise ``DeliveryError`` on failure."""

    async def send_many(self, views: list[AlertView], heading: str) -> str | None:
        """Deliver several alerts as one message; raise ``DeliveryError`` on failure."""


def build_channels(configs: list[ChannelConfig], http: httpx.AsyncClient,
                   out: TextIO) -> dict[str, Channel]:
    """The enabled channels by name."""
    from monitor.alerts.console import ConsoleChannel
    from monitor.alerts.email import EmailChannel
    from monitor.alerts.slack import SlackBotChannel, SlackChannel
    from monitor.alerts.webhook import WebhookChannel

    channels: dict[str, Channel] = {}
    for cfg in configs:
        if not cfg.is_enabled:
            continue
        if cfg.type == "console":
            channels[cfg.name] = ConsoleChannel(cfg.name, out)
        elif cfg.type == "slack" and cfg.bot_token and cfg.bot_token.get_secret_value():
            channels[cfg.name] = SlackBotChannel(cfg, http)
        elif cfg.type == "slack":
            channels[cfg.name] = SlackChannel(cfg, http)
        elif cfg.type == "email":
            channels[cfg.name] = EmailChannel(cfg)
        else:
            channels[cfg.name] = WebhookChannel(cfg, http)
    return channels
