"""Run every benchmark: ``python -m bench`` (what ``make bench`` calls)."""

from __future__ import annotations

import logging

from bench import (
    alert_latency,
    desk_pages,
    eval_fulltext,
    fetch_throughput,
    parse_new,
    pipeline_throughput,
    rules_vs_extraction,
    soak,
    vs_reader,
)


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # the benchmarks' own failing feeds are expected
    rules_vs_extraction.main()
    eval_fulltext.main([])
    pipeline_throughput.main()
    fetch_throughput.main()
    parse_new.main([])
    alert_latency.main()
    desk_pages.main([])
    vs_reader.main([])  # says how to install reader and goes on when it is absent
    soak.main()  # 30 minutes; BENCH_SOAK_MINUTES=5 make bench for a shorter run


if __name__ == "__main__":
    main()
