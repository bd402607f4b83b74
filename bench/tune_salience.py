"""How the salience weights in ``monitor/rules/salience.py`` were chosen: a grid search on the
*tune* part of both labeled dev files, scored by the mean F1 of the russia-china-us flag, then
checked on the *holdout* part. Reproduce: ``.venv/bin/python -m bench.tune_salience``.

Matching runs once per story; only the salience arithmetic is repeated per grid point.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

from monitor.rules.catalogue import load_catalogue
from monitor.rules.evaluate import Counts, in_split
from monitor.rules.matcher import Matcher, Mention, split_fields
from monitor.rules.salience import SalienceParams, counted, country_scores

LABELED = Path(__file__).resolve().parents[2] / "shared" / "data" / "labeled"
FILES = ("reuters21578-dev.jsonl", "nyt-rss-2022-dev.jsonl")


def load(split: str) -> dict[str, list[tuple[list[Mention], set[str]]]]:
    catalogue = load_catalogue()
    matcher = Matcher(catalogue)
    out: dict[str, list[tuple[list[Mention], set[str]]]] = {}
    for name in FILES:
        rows = []
        with (LABELED / name).open(encoding="utf-8") as f:
            for line in f:
                row: dict[str, Any] = json.loads(line)
                if not in_split(row["id"], split):  # type: ignore[arg-type]
                    continue
                fields = split_fields(row.get("title") or "", row.get("body") or "")
                rows.append((counted(matcher.find(fields), catalogue),
                             set(row.get("countries") or [])))
        out[name] = rows
    return out


def flag_f1(data: list[tuple[list[Mention], set[str]]], params: SalienceParams) -> float:
    catalogue = load_catalogue()
    counts = Counts()
    for mentions, gold in data:
        scores = country_scores(mentions, catalogue, params)
        about = sum(1 for s in scores.values() if s.about)
        counts.add(about >= 2, len(gold) >= 2)
    return float(counts.scores()["f1"])


def main() -> None:
    if not (LABELED / FILES[0]).exists():
        print(f"tune_salience: skipped, no labeled data at {LABELED}", file=sys.stderr)
        return
    tune, holdout = load("tune"), load("holdout")
    grid = itertools.product([3.0, 4.0], [2.0, 3.0], [1.0], [0.5, 0.7, 1.0],
                             [1.0, 1.5, 2.0, 3.0], [0.0, 0.1, 0.2, 0.3],
                             [2.5, 3.0, 4.0, float("inf")])
    results = []
    for title, lead, body, decay, threshold, relative, sure in grid:
        params = SalienceParams(title, lead, body, decay, threshold, relative, sure)
        f1s = [flag_f1(tune[name], params) for name in FILES]
        results.append((sum(f1s) / len(f1s), f1s, params))
    results.sort(key=lambda r: -r[0])
    print("best salience parameters on the tune split (flag F1: reuters, nyt):")
    for mean, f1s, params in results[:8]:
        print(f"  mean {mean:.3f}  {f1s[0]:.3f} {f1s[1]:.3f}  {params}")
    default = SalienceParams()
    for label, params in (("default", default), ("best", results[0][2])):
        f1s = [flag_f1(holdout[name], params) for name in FILES]
        print(f"holdout with {label}: reuters {f1s[0]:.3f} nyt {f1s[1]:.3f}  {params}")


if __name__ == "__main__":
    main()
