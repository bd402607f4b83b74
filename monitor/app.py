"""Build and close the long-lived resources: engine, HTTP client, process pool, rules, channels.

``open_app(config)`` is the only place they are created; everything else receives the ``App``.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TextIO

import httpx
from sqlalchemy import Engine

from monitor.alerts.channel import Channel, build_channels
from monitor.config import ChannelConfig, Config
from monitor.db.engine import make_engine, timeouts_of
from monitor.db.writer import GroupWriter
from monitor.ingest.fetch import Fetcher, HostGate
from monitor.ingest.workers import CpuPool
from monitor.metrics import Metrics
from monitor.net.client import make_client
from monitor.rules.engine import RuleEngine
from monitor.rules.user_entities import catalogue_for
from monitor.stages import DeliveryState, Lifecycle, PollState
from monitor.stories import StoryIndex

POOL_GRACE = 2.0  # seconds a busy worker gets at close (the scheduler waited already)


@dataclass
class App:
    config: Config
    engine: Engine
    http: httpx.AsyncClient  # for the alert channels
    fetcher: Fetcher  # for feeds and article pages
    pool: CpuPool  # CPU work: feed parsing and article extraction (rule analysis beside it)
    rules: RuleEngine
    channels: dict[str, Channel]
    out: TextIO
    stories: StoryIndex = field(default_factory=StoryIndex)
    metrics: Metrics = field(default_factory=Metrics)
    gate: HostGate = field(init=False)  # per-host politeness
    instance: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    fetch_slots: asyncio.Semaphore = field(init=False)
    writer: GroupWriter = field(init=False)  # stores what feeds bring, in group commits
    delivery: DeliveryState = field(default_factory=DeliveryState)  # dispatch's own state
    polling: PollState = field(default_factory=PollState)  # the poll stage's own state
    lifecycle: Lifecycle = field(default_factory=Lifecycle)  # the scheduler's: tick, stopping

    def __post_init__(self) -> None:
        self.fetch_slots = asyncio.Semaphore(self.config.fetch.concurrency)
        self.writer = GroupWriter(self.engine)
        self.gate = HostGate(self.config.fetch.per_host, self.config.fetch.host_spacing or 0.0)

    @property
    def channel_names(self) -> list[str]:
        return list(self.channels)

    @property
    def channel_configs(self) -> dict[str, ChannelConfig]:
        return {c.name: c for c in self.config.alerts.channels}


# Objects allocated (net) before the cyclic GC's youngest collection; Python's default is 700.
# A poll keeps its objects for the request's whole latency, so at 700 they were promoted by
# young collections, and a full collection of the process's ~300,000 long-lived objects came
# every second round of 1,000 304s (~0.17 s CPU each, a fifth of such a round). At 10,000 a round
# of 304s sees none, for at most a few MB of cyclic garbage kept a little longer.
YOUNG_GC_THRESHOLD = 10_000


@asynccontextmanager
async def open_app(config: Config, out: TextIO | None = None,
                   workers: int | None = None) -> AsyncIterator[App]:
    async with AsyncExitStack() as resources:  # each one made is closed, whatever fails next
        engine = make_engine(config.database.url, timeouts_of(config.database))
        resources.callback(engine.dispose)
        pool = CpuPool(config.fetch.extract_workers if workers is None else workers)
        resources.push_async_callback(pool.close, grace=POOL_GRACE)  # busy workers killed after
        fetcher = Fetcher(config.fetch)
        resources.push_async_callback(fetcher.aclose)
        http = make_client(config.fetch)
        resources.push_async_callback(http.aclose)
        thresholds = gc.get_threshold()  # set here, so that a failed start-up leaves it alone
        gc.set_threshold(max(thresholds[0], YOUNG_GC_THRESHOLD), *thresholds[1:])
        resources.callback(gc.set_threshold, *thresholds)
        rules = RuleEngine(config.rules, catalogue_for(config))
        channels = build_channels(config.alerts.channels, http, out or sys.stdout)
        stories = StoryIndex(config.stories.threshold,
                             timedelta(seconds=config.stories.window),
                             capacity=config.stories.index_size)
        app = App(config=config, engine=engine, http=http, fetcher=fetcher, pool=pool, rules=rules,
                  channels=channels, out=out or sys.stdout, stories=stories)
        resources.push_async_callback(_stop_sending, app)
        yield app


async def _stop_sending(app: App) -> None:
    """Cut off a channel still sending, then let the writer commit what it holds."""
    sending = list(app.delivery.sending.values())
    for task in sending:
        task.cancel()
    await asyncio.gather(*sending, return_exceptions=True)
    await app.writer.close()
