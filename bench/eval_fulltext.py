"""Aboutness of the rules on the 181 extraction-benchmark pages, read two ways: the lead (title
+ first two sentences, what a feed item shows) and the full reference text (what extraction
gives), scored against the analyst's labels in tests/data/extraction-benchmark-analyst.jsonl.

``python -m bench.eval_fulltext [--data DIR] [--labels FILE] [--json]`` prints per-country
precision/recall/F1, their micro-average and the russia-china-us flag, on all rows and on the
clear (not borderline) ones, for the whole set and its tune/holdout parts (by id hash), then
the pages where the two views disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.common import SHARED
from monitor.errors import MonitorError
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.evaluate import COUNTRIES
from monitor.rules.fulltext_eval import (
    ROWS,
    SPLITS,
    VIEWS,
    FulltextReport,
    evaluate_pages,
    load_labels,
    load_pages,
)
from monitor.rules_api import DEFAULT_FLAG_RULE

DATA = SHARED / "articles" / "extraction-benchmark"
LABELS = (Path(__file__).resolve().parents[1] / "tests" / "data"
          / "extraction-benchmark-analyst.jsonl")
VIEW_NAMES = {"lead": "title + first two sentences", "full": "title + full reference text"}


def run(data: Path = DATA, labels: Path = LABELS) -> FulltextReport:
    engine = RuleEngine([DEFAULT_FLAG_RULE], load_catalogue())
    return evaluate_pages(load_pages(data), load_labels(labels), engine)


def _cell(s: dict[str, float | int]) -> str:
    if not s["tp"] + s["fp"] + s["fn"]:
        return "(none)"  # no positive in the labels and none predicted: nothing to score
    return f"{s['precision']:.2f} {s['recall']:.2f} {s['f1']:.2f}"


def render(report: FulltextReport) -> str:
    """The report as text tables (P R F1 in each cell)."""
    doc = report.as_dict()
    lines = [f"full-text aboutness: {report.labeled} labeled pages of {report.pages}"
             + (f"; unlabeled {len(report.unlabeled)}" if report.unlabeled else "")
             + (f"; labels without a page {len(report.missing)}" if report.missing else "")]
    head = "  ".join(f"{name:<14}" for name in (*COUNTRIES, "micro", "flag"))
    for view in VIEWS:
        lines += ["", f"{view}: {VIEW_NAMES[view]}   (each cell: precision recall F1)",
                  f"  {'part':<8}{'rows':<7}{'n':>4}  {head}"]
        for split in SPLITS:
            for rows in ROWS:
                s = doc["scores"][view][split][rows]
                cells = [_cell(s["countries"][c]) for c in COUNTRIES]
                cells += [_cell(s["micro"]), _cell(s["flag"])]
                lines.append(f"  {split:<8}{rows:<7}{s['rows']:>4}  "
                             + "  ".join(f"{c:<14}" for c in cells))
    lines += ["", f"lead and full text disagree on {len(report.disagreements)} pages "
              "(lead -> full; gold):"]
    for d in report.disagreements:
        mark = " (borderline)" if d.borderline else ""
        lines.append(f"  {d.id[:12]}  {','.join(sorted(d.lead)) or '-':<9} -> "
                     f"{','.join(sorted(d.full)) or '-':<9} gold {','.join(sorted(d.gold)) or '-'}"
                     f"{mark}  {d.title[:70]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_fulltext",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None,
                        help="the extraction benchmark folder (ground-truth.json, html/); "
                             "default: the shared data's")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the analyst labels (JSONL)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.data is None and not DATA.exists():  # a clone without ../shared/data: make bench
        print(f"eval_fulltext: skipped, no pages at {DATA}", file=sys.stderr)
        return
    try:
        report = run(args.data or DATA, args.labels)
    except MonitorError as exc:
        print(f"eval_fulltext: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(json.dumps(report.as_dict(), indent=1) if args.json else render(report))


if __name__ == "__main__":
    main()
