"""Rule matching cost beside trafilatura extraction on the same real pages.

Reproduce: ``.venv/bin/python -m bench.rules_vs_extraction`` (needs ../shared/data).
Baseline: ``trafilatura.extract`` on each page of the extraction benchmark, one core.
Measured: the full catalogue's matcher + salience + N rules on the text extracted from the
same page, for N = 1, 50 and 500 rules (a mix of country conditions and queries). Also the
memory the matcher (its automaton and alias table) takes in each process, with the catalogue
in every language beside entities.yaml alone: the growth of resident memory while building
``COPIES`` matchers, divided by ``COPIES``.
"""

from __future__ import annotations

import gc
import gzip
import resource
import statistics
import sys
import time
from pathlib import Path

import yaml

from monitor.config import RuleConfig
from monitor.ingest.extract import extract_article
from monitor.rules.catalogue import Catalogue, load_catalogue, parse_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.matcher import Matcher, split_fields

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles" / \
    "extraction-benchmark" / "html"


COMBOS = [["RU", "CN"], ["RU", "US"], ["CN", "US"], ["RU", "CN", "US"]]
WORDS = ["sanction*", '"trade war"', "oil", "gas", "missile*", "election*", "tariff*", "summit",
         '"white house"', "nuclear", "grain", "wheat", "chip*", "bank*", "ceasefire", "troops",
         "cyber*", "spy*", "Taiwan", "Ukraine", "Arctic", "satellite*", "dollar", "yuan"]
ROUNDS = 3
COPIES = 5
REFS = ["@RU", "@CN", "@US", "@Q7747", "@Q15031", "@Q6279", "@Q35525", "@Q649", "@Q956"]


def bench_rules(n: int) -> list[RuleConfig]:
    """A realistic mix: a third country conditions, the rest queries with proximity, field
    scopes, wildcards, exclusions and entity references. No two rules state the same
    conditions (the engine works out equal conditions once; this measures distinct ones)."""
    out = []
    for i in range(n):
        w, v = WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]
        ref, ref2 = REFS[i % len(REFS)], REFS[(i * 5 + 1) % len(REFS)]
        kind = i % 3
        if kind == 0:
            rule: dict[str, object] = {
                "countries": {"at_least": 2, "of": COMBOS[i % len(COMBOS)]},
                "min_salience": 2 + i / 1000}
        elif kind == 1:
            rule = {"query": f"{ref} NEAR/{10 + i} ({w} OR {v})", "exclude": "title:opinion"}
        else:
            rule = {"query": f"title:({w} OR {ref}) AND {ref2} AND NOT {v} AND NOT x{i}"}
        out.append(RuleConfig.model_validate({"name": f"rule-{i}", **rule}))
    return out


def _rss_bytes() -> int:
    """Resident memory now (Linux /proc), else the peak (getrusage, kilobytes on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def matcher_memory(catalogue: Catalogue) -> tuple[float, int]:
    """MB of resident memory one matcher of ``catalogue`` takes, and its number of keys."""
    gc.collect()
    before = _rss_bytes()
    matchers = [Matcher(catalogue) for _ in range(COPIES)]
    gc.collect()
    grown = _rss_bytes() - before
    return grown / COPIES / 1e6, len(matchers[0]._aliases)


def print_memory() -> None:
    english = parse_catalogue(yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "monitor" / "rules" / "data" / "entities.yaml")
        .read_text("utf-8")))
    print(f"matcher memory per process (resident growth over {COPIES} copies)")
    for label, catalogue in (("entities.yaml alone", english),
                             ("every language (shipped)", load_catalogue())):
        mb, keys = matcher_memory(catalogue)
        print(f"  {label:<28} {keys:6d} keys {mb:8.2f} MB")


def main() -> None:
    print_memory()
    pages = sorted(DATA.glob("*.html.gz"))
    if not pages:
        print(f"rules_vs_extraction: skipped, no pages at {DATA}", file=sys.stderr)
        return
    htmls = [gzip.decompress(p.read_bytes()) for p in pages]
    texts = []
    for html in htmls:
        got = extract_article(html)
        texts.append((got.title or "", got.text))
    catalogue = load_catalogue()
    engines = {n: RuleEngine(bench_rules(n), catalogue) for n in (1, 50, 500)}
    # Each figure is the median over the pages, taken in each of ROUNDS rounds that alternate
    # extraction and matching; the best round of each counts (a noisy machine slows rounds,
    # it never speeds one up).
    extract_med, match_med = float("inf"), dict.fromkeys(engines, float("inf"))
    for _round in range(ROUNDS):
        times = []
        for html in htmls:
            t0 = time.perf_counter()
            extract_article(html)
            times.append(time.perf_counter() - t0)
        extract_med = min(extract_med, statistics.median(times))
        for n, engine in engines.items():
            times = []
            for title, text in texts:
                t0 = time.perf_counter()
                engine.analyse(title, text)
                times.append(time.perf_counter() - t0)
            match_med[n] = min(match_med[n], statistics.median(times))
    print("rules vs extraction (median per page, "
          f"{len(pages)} pages, best of {ROUNDS} rounds; python -m bench.rules_vs_extraction)")
    print(f"  trafilatura extract (baseline)      {extract_med * 1000:8.2f} ms")
    for n, med in match_med.items():
        goal = "  (goal <= 2%)" if n == 50 else "  (goal: flat)" if n == 500 else ""
        print(f"  match + {n:>3} rules                   {med * 1000:8.2f} ms"
              f"   = {med / extract_med:6.1%} of extraction{goal}")
    print_breakdown(engines[1], texts)


def print_breakdown(engine: RuleEngine, texts: list[tuple[str, str]]) -> None:
    """Where the base path goes: the lead split and the catalogue's scan (the same for any
    number of rules), beside the whole 1-rule analysis (median per page, best of rounds)."""
    stages = {"lead split (split_fields)": lambda t, x: split_fields(t, x),
              "split + scan (Matcher.find)": lambda t, x: engine.matcher.find(split_fields(t, x)),
              "whole analysis, 1 rule": lambda t, x: engine.analyse(t, x)}
    print("  breakdown (median per page, best of rounds)")
    for label, run in stages.items():
        best = float("inf")
        for _round in range(ROUNDS):
            times = []
            for title, text in texts:
                t0 = time.perf_counter()
                run(title, text)
                times.append(time.perf_counter() - t0)
            best = min(best, statistics.median(times))
        print(f"    {label:<33} {best * 1000:8.3f} ms")


if __name__ == "__main__":
    main()
