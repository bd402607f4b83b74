"""Rule matching cost beside trafilatura extraction on the same real pages.

Reproduce: ``.venv/bin/python -m bench.rules_vs_extraction`` (needs ../shared/data).
Baseline: ``trafilatura.extract`` on each page of the extraction benchmark, one core.
Measured: the full catalogue's matcher + salience + N rules on the text extracted from the
same page, for N = 1, 50 and 500 country rules.
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


def _rules(n: int) -> list[RuleConfig]:
    combos = [["RU", "CN"], ["RU", "US"], ["CN", "US"], ["RU", "CN", "US"]]
    return [RuleConfig.model_validate({"name": f"rule-{i}", "countries": {
        "at_least": 2, "of": combos[i % len(combos)]}}) for i in range(n)]


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
