"""The process pool for CPU-bound ingestion work (feed parsing, text extraction).

Kept in a module of its own with few imports: a spawned worker imports this module (for its
initializer) and the ingest modules its tasks come from, not the whole application.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor


def _warm_worker() -> None:
    """Import what every worker needs before its first task: the feed parser. Trafilatura
    (26 MB) is imported by the first extraction, so that workers of a daemon that only
    polls feeds (``full_text: false``) never carry it."""
    import feedparser  # noqa: F401

    import monitor.ingest.extract
    import monitor.ingest.feeds  # noqa: F401


def make_pool(workers: int | None) -> Executor:
    """A process pool for CPU-bound work (``workers=0``: a single thread, for tiny runs)."""
    if workers == 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-cpu")
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker)
