"""Rule matching cost beside trafilatura extraction on the same real pages.

Reproduce: ``.venv/bin/python -m bench.rules_vs_extraction`` (needs ../shared/data).
Baseline: ``trafilatura.extract`` on each page of the extraction benchmark, one core.
Measured: the full catalogue's matcher + salience + N rules on the text extracted from the
same page, for N = 1, 50 and 500 rules (a mix of country conditions and queries).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

from monitor.config import RuleConfig
from monitor.ingest.extract import extract_article
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles" / \
    "extraction-benchmark" / "html"


COMBOS = [["RU", "CN"], ["RU", "US"], ["CN", "US"], ["RU", "CN", "US"]]
WORDS = ["sanction*", '"trade war"', "oil", "gas", "missile*", "election*", "tariff*", "summit",
         '"white house"', "nuclear", "grain", "wheat", "chip*", "bank*", "ceasefire", "troops",
         "cyber*", "spy*", "Taiwan", "Ukraine", "Arctic", "satellite*", "dollar", "yuan"]
REFS = ["@RU", "@CN", "@US", "@Q7747", "@Q15031", "@Q6279", "@Q35525", "@Q649", "@Q956"]


def _rules(n: int) -> list[RuleConfig]:
    """A realistic mix: a third country conditions, the rest queries with proximity, field
    scopes, wildcards, exclusions and entity references."""
    out = []
    for i in range(n):
        w, v = WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]
        ref, ref2 = REFS[i % len(REFS)], REFS[(i * 5 + 1) % len(REFS)]
        kind = i % 3
        if kind == 0:
            rule = {"countries": {"at_least": 2, "of": COMBOS[i % len(COMBOS)]}}
        elif kind == 1:
            rule = {"query": f"{ref} NEAR/{10 + i % 20} ({w} OR {v})", "exclude": "title:opinion"}
        else:
            rule = {"query": f"title:({w} OR {ref}) AND {ref2} AND NOT {v}"}
        out.append(RuleConfig.model_validate({"name": f"rule-{i}", **rule}))
    return out


def main() -> None:
    pages = sorted(DATA.glob("*.html.gz"))
    if not pages:
        print(f"rules_vs_extraction: skipped, no pages at {DATA}", file=sys.stderr)
        return
    htmls = [gzip.decompress(p.read_bytes()) for p in pages]
    extract_times, texts = [], []
    for html in htmls:
        t0 = time.perf_counter()
        got = extract_article(html)
        extract_times.append(time.perf_counter() - t0)
        texts.append((got.title or "", got.text))
    catalogue = load_catalogue()
    base = statistics.median(extract_times)
    print("rules vs extraction (median per page, "
          f"{len(pages)} pages; python -m bench.rules_vs_extraction)")
    print(f"  trafilatura extract (baseline)      {base * 1000:8.2f} ms")
    for n in (1, 50, 500):
        engine = RuleEngine(_rules(n), catalogue)
        times = []
        for title, text in texts:
            t0 = time.perf_counter()
            engine.analyse(title, text)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(f"  match + {n:>3} rules                   {med * 1000:8.2f} ms"
              f"   = {med / base:6.1%} of extraction")


if __name__ == "__main__":
    main()
