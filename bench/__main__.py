"""Run every benchmark: ``python -m bench`` (what ``make bench`` calls)."""

from __future__ import annotations

from bench import pipeline_throughput, rules_vs_extraction


def main() -> None:
    rules_vs_extraction.main()
    pipeline_throughput.main()


if __name__ == "__main__":
    main()
