"""Run every benchmark: ``python -m bench`` (what ``make bench`` calls)."""

from __future__ import annotations

import logging

from bench import alert_latency, fetch_throughput, pipeline_throughput, rules_vs_extraction


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # the benchmarks' own failing feeds are expected
    rules_vs_extraction.main()
    pipeline_throughput.main()
    fetch_throughput.main()
    alert_latency.main()


if __name__ == "__main__":
    main()
