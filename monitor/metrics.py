"""Prometheus metrics of one monitor process, in a registry of its own (no globals).

Counters are incremented where things happen (pipeline, dispatch); gauges that describe the
database (outbox depth, feeds in error) are refreshed by the server before each scrape.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.polls = Counter("monitor_polls", "Feed polls by outcome", ["outcome"], registry=r)
        self.poll_seconds = Histogram(
            "monitor_poll_duration_seconds", "Time to poll one feed end to end",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60), registry=r)
        self.articles = Counter("monitor_articles", "New articles stored", registry=r)
        self.hits = Counter("monitor_hits", "Rule hits stored", ["rule"], registry=r)
        self.alerts = Counter("monitor_alerts", "Alert delivery outcomes",
                              ["channel", "status"], registry=r)
        self.outbox_depth = Gauge("monitor_outbox_depth", "Alerts waiting to be delivered",
                                  registry=r)
        self.alerts_failed = Gauge("monitor_alerts_failed", "Alerts given up (status failed)",
                                   registry=r)
        self.feeds_in_error = Gauge("monitor_feeds_in_error",
                                    "Feeds whose last poll failed, or that are dead",
                                    registry=r)
        self.last_poll = Gauge("monitor_last_successful_poll_timestamp_seconds",
                               "When a feed was last polled successfully", registry=r)
        self.up = Gauge("monitor_database_up", "1 when the database answers", registry=r)
        self.heap_trims = Counter(
            "monitor_heap_trims", "Times the C heap's free pages were given back to the "
            "system (glibc malloc_trim; never elsewhere)", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
