"""How the salience weights in ``monitor/rules/salience.py`` were chosen: a grid search on the
*tune* part of both analyst-labeled dev files, scored by the mean F1 of the russia-china-us
flag on *clear* rows (not ``borderline``), then checked on the *holdout* part. Reproduce:
``.venv/bin/python -m bench.tune_salience`` (``--quick``: the default parameters only).

Matching runs once per story; only the salience arithmetic is repeated per grid point. Each
report line gives flag precision/recall/F1 on clear rows and on all rows, and per-country F1.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from pathlib import Path
from typing import Any

from monitor.rules.catalogue import Catalogue, load_catalogue
from monitor.rules.evaluate import COUNTRIES, Counts, in_split
from monitor.rules.matcher import Fields, Matcher, Mention, split_fields
from monitor.rules.salience import SalienceParams, counted, country_scores

LABELED = Path(__file__).resolve().parents[2] / "shared" / "data" / "labeled"
FILES = ("reuters21578-dev-analyst.jsonl", "nyt-rss-2022-dev-analyst.jsonl")
Row = tuple[Fields, list[Mention], set[str], bool]  # fields, mentions, gold, borderline


def load(split: str, catalogue: Catalogue) -> dict[str, list[Row]]:
    matcher = Matcher(catalogue)
    out: dict[str, list[Row]] = {}
    for name in FILES:
        rows = []
        with (LABELED / name).open(encoding="utf-8") as f:
            for line in f:
                row: dict[str, Any] = json.loads(line)
                if not in_split(row["id"], split):  # type: ignore[arg-type]
                    continue
                fields = split_fields(row.get("title") or "", row.get("body") or "")
                rows.append((fields, counted(matcher.find(fields), catalogue),
                             set(row.get("countries") or []), bool(row.get("borderline"))))
        out[name] = rows
    return out


@dataclasses.dataclass
class Score:
    clear: Counts
    all: Counts
    countries: dict[str, Counts]

    def line(self) -> str:
        c, a = self.clear.scores(), self.all.scores()
        per = " ".join(f"{k} {v.scores()['f1']:.3f}" for k, v in self.countries.items())
        return (f"clear P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} | "
                f"all P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f} | {per}")


def score(data: list[Row], params: SalienceParams, catalogue: Catalogue) -> Score:
    out = Score(Counts(), Counts(), {c: Counts() for c in COUNTRIES})
    for fields, mentions, gold, borderline in data:
        scores = country_scores(mentions, catalogue, params, fields)
        about = {c for c, s in scores.items() if s.about}
        out.all.add(len(about) >= 2, len(gold) >= 2)
        if not borderline:
            out.clear.add(len(about) >= 2, len(gold) >= 2)
        for c in COUNTRIES:
            out.countries[c].add(c in about, c in gold)
    return out


def main() -> None:
    if not (LABELED / FILES[0]).exists():
        print(f"tune_salience: skipped, no labeled data at {LABELED}", file=sys.stderr)
        return
    catalogue = load_catalogue()
    tune, holdout = load("tune", catalogue), load("holdout", catalogue)
    default = SalienceParams()
    grid: list[SalienceParams] = [default]
    if "--quick" not in sys.argv:
        grid += [dataclasses.replace(default, relative=r, sure=s, source=src, spread=sp,
                                     spread_cover=cov, related_alone=alone, related_gate=gate)
                 for r, s, src, sp, cov, alone, gate in itertools.product(
                     [0.2, 0.25, 0.3, 0.35], [3.0, 4.0], [0.0, 0.1], [2.0, 3.0], [0.3],
                     [0.0, 0.7, 1.0], [0.0, 2.0])]
    results = []
    for params in grid:
        f1s = [float(score(tune[name], params, catalogue).clear.scores()["f1"])
               for name in FILES]
        results.append((sum(f1s) / len(f1s), f1s, params))
    results.sort(key=lambda r: -r[0])
    print("best salience parameters on the tune split (clear-row flag F1: reuters, nyt):")
    for mean, f1s, params in results[:8]:
        print(f"  mean {mean:.3f}  {f1s[0]:.3f} {f1s[1]:.3f}  {params}")
    for label, params in (("default", default), ("best", results[0][2])):
        print(f"with {label}: {params}")
        for split, data in (("tune", tune), ("holdout", holdout)):
            for name in FILES:
                print(f"  {split:7} {name.split('-')[0]:12} "
                      f"{score(data[name], params, catalogue).line()}")


if __name__ == "__main__":
    main()
