"""A digest of every verdict and its evidence, to check that a speed-up changes none.

``python -m bench.verdict_digest [--dump FILE]`` (needs ../shared/data) runs two engines over
the analyst-labeled dev files (Reuters, NYT, multilingual) and over the extraction benchmark's
181 pages, both their reference texts and what extraction gives (the texts the rules benchmark
times): the default config's rules (config.yaml, with the russia-china-us rule added when it
has none), read normally and with ``explain`` (every rule's evidence, fired or not), and the
rules benchmark's 500 rules (``bench.rules_vs_extraction``: country conditions and queries).
Per row it records the flag, each country's salience, about and entities, and each rule
result with its score and evidence (clause, countries, snippets, query matches), as one JSON
line. It prints the sha256 of all lines and the number of rows; ``--dump`` writes the lines,
to diff two runs (say before and after an optimisation) and see where they part.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import SHARED
from bench.rules_vs_extraction import bench_rules
from monitor.config import load_config
from monitor.ingest.extract import extract_article
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import Analysis, RuleEngine
from monitor.rules.fulltext_eval import load_pages
from monitor.rules.user_entities import catalogue_for
from monitor.rules_api import DEFAULT_FLAG_RULE

LABELED = ("reuters21578-dev-analyst.jsonl", "nyt-rss-2022-dev-analyst.jsonl",
           "multilingual-dev.jsonl")
PAGES = SHARED / "articles" / "extraction-benchmark"
CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
BENCH_RULES = 500


def texts() -> Iterator[tuple[str, str, str]]:
    """(row id, title, text) of every row and page, in a fixed order."""
    for name in LABELED:
        with (SHARED / "labeled" / name).open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    yield f"{name}:{row['id']}", row.get("title") or "", row.get("body") or ""
    for page in load_pages(PAGES):
        yield f"page:{page.id}", page.title, page.text
        html = gzip.decompress((PAGES / "html" / f"{page.id}.html.gz").read_bytes())
        got = extract_article(html)
        yield f"extracted:{page.id}", got.title or "", got.text


def record(analysis: Analysis, flag_rule: str) -> dict[str, Any]:
    """What a reader sees of one analysis: flag, countries, results with evidence."""
    return {
        "flag": analysis.matched(flag_rule),
        "countries": {code: asdict(score) for code, score in sorted(analysis.countries.items())},
        "results": [{**asdict(r), "evidence": r.evidence.to_json()} for r in analysis.results],
    }


def lines() -> Iterator[str]:
    config = load_config(CONFIG, env={})
    rules = list(config.rules)
    if not any(r.name == DEFAULT_FLAG_RULE.name for r in rules):
        rules.append(DEFAULT_FLAG_RULE)
    default = RuleEngine(rules, catalogue_for(config))
    many = RuleEngine(bench_rules(BENCH_RULES), load_catalogue())
    for row_id, title, text in texts():
        row = {
            "id": row_id,
            "default": record(default.analyse(title, text), DEFAULT_FLAG_RULE.name),
            "explain": record(default.analyse(title, text, explain=True),
                              DEFAULT_FLAG_RULE.name),
            "bench": record(many.analyse(title, text), DEFAULT_FLAG_RULE.name),
        }
        yield json.dumps(row, sort_keys=True, ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.verdict_digest",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dump", type=Path, help="write every row's JSON line to this file")
    args = parser.parse_args(argv)
    if not (SHARED / "labeled").is_dir() or not PAGES.is_dir():
        print(f"verdict_digest: skipped, no shared data at {SHARED}", file=sys.stderr)
        return
    digest, rows = hashlib.sha256(), 0
    out = args.dump.open("w", encoding="utf-8") if args.dump else None
    try:
        for line in lines():
            digest.update(line.encode("utf-8") + b"\n")
            rows += 1
            if out is not None:
                out.write(line + "\n")
    finally:
        if out is not None:
            out.close()
    print(f"{digest.hexdigest()}  {rows} rows")


if __name__ == "__main__":
    main()
