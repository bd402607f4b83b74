"""Aboutness on whole articles: the analyst's labels of the extraction-benchmark pages against
what the rules find in each page's lead (title + first two sentences) and in its full text.

The pages are the 181 of the shared data's ``articles/extraction-benchmark`` (reference text
in ``ground-truth.json``, title from each page's HTML). The labels (``id``, ``countries``,
``borderline``, ``why``) live in the repository, the texts never do. Loading is I/O at the
edges; ``score`` and ``compare`` are pure.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from monitor.errors import MonitorError
from monitor.rules.engine import RuleEngine
from monitor.rules.evaluate import COUNTRIES, Counts, Split, in_split
from monitor.rules.matcher import split_fields

log = logging.getLogger(__name__)

View = Literal["lead", "full"]
VIEWS: tuple[View, ...] = ("lead", "full")
Rows = Literal["all", "clear"]
SPLITS: tuple[Split, ...] = ("all", "tune", "holdout")
ROWS: tuple[Rows, ...] = ("all", "clear")
FLAG_AT_LEAST = 2  # the default rule's ``at_least`` over RU, CN, US
MAX_WHY_CHARS = 80
_LABEL_KEYS = {"id", "countries", "borderline", "why"}


@dataclass(frozen=True)
class PageLabel:
    id: str
    countries: frozenset[str]
    borderline: bool
    why: str

    @property
    def flag(self) -> bool:
        return len(self.countries) >= FLAG_AT_LEAST


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    text: str
    url: str


# --- labels -------------------------------------------------------------------------------


def _label(obj: Any) -> PageLabel:
    """One label line, checked; raises ``ValueError`` saying what is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    if set(obj) != _LABEL_KEYS:
        missing, extra = _LABEL_KEYS - set(obj), set(obj) - _LABEL_KEYS
        raise ValueError(f"keys must be {sorted(_LABEL_KEYS)}"
                         + (f"; missing {sorted(missing)}" if missing else "")
                         + (f"; unexpected {sorted(extra)}" if extra else ""))
    page_id, countries, borderline, why = (obj["id"], obj["countries"], obj["borderline"],
                                           obj["why"])
    if not isinstance(page_id, str) or not page_id.strip():
        raise ValueError("id must be a non-empty string")
    if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
        raise ValueError("countries must be a list of country codes")
    unknown = sorted(set(countries) - set(COUNTRIES))
    if unknown:
        raise ValueError(f"unknown countries {unknown} (allowed: {', '.join(COUNTRIES)})")
    if len(set(countries)) != len(countries):
        raise ValueError("countries lists a country twice")
    if not isinstance(borderline, bool):
        raise ValueError("borderline must be true or false")
    if not isinstance(why, str) or not why.strip() or len(why) > MAX_WHY_CHARS:
        raise ValueError(f"why must be a few words (1..{MAX_WHY_CHARS} characters)")
    return PageLabel(page_id, frozenset(countries), borderline, why.strip())


def parse_labels(lines: Iterable[str], source: str = "labels") -> dict[str, PageLabel]:
    """Labels by page id from JSONL lines; a bad line raises ``MonitorError`` naming it."""
    out: dict[str, PageLabel] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            label = _label(json.loads(line))
        except json.JSONDecodeError as exc:
            raise MonitorError(f"{source}:{n}: not JSON: {exc.msg}") from None
        except ValueError as exc:
            raise MonitorError(f"{source}:{n}: {exc}") from None
        if label.id in out:
            raise MonitorError(f"{source}:{n}: id {label.id} is labeled twice")
        out[label.id] = label
    return out


def load_labels(path: str | Path) -> dict[str, PageLabel]:
    try:
        with Path(path).open(encoding="utf-8") as f:
            return parse_labels(f, str(path))
    except OSError as exc:
        raise MonitorError(f"cannot read labels {path}: {exc.strerror or exc}") from None


# --- pages --------------------------------------------------------------------------------


def page_title(html: bytes | str) -> str:
    """The page's ``og:title`` (or ``twitter:title``), else its ``<title>``; "" if none."""
    from trafilatura.utils import load_html  # the parser extraction uses; imported when needed

    raw = html.encode("utf-8", "replace") if isinstance(html, str) else html
    head_end = raw.lower().find(b"</head>")
    # The head alone is enough on almost every page and ten times faster to parse.
    for chunk in ((raw[:head_end + 7], raw) if head_end >= 0 else (raw,)):
        tree = load_html(chunk) if chunk.strip() else None
        if tree is None:
            continue
        metas = {(m.get("property") or m.get("name") or "").lower(): (m.get("content") or "")
                 for m in tree.iter("meta")}
        for key in ("og:title", "twitter:title"):
            if metas.get(key, "").strip():
                return " ".join(metas[key].split())
        title = tree.find(".//title")
        text = " ".join((title.text_content() if title is not None else "").split())
        if text:
            return text
    return ""


def load_pages(folder: str | Path) -> list[Page]:
    """The benchmark's pages: reference text from ``ground-truth.json``, title from
    ``html/<id>.html.gz``. A page whose HTML is missing or unreadable keeps an empty title
    (logged); a missing or malformed ``ground-truth.json`` raises ``MonitorError``."""
    root = Path(folder)
    truth_path = root / "ground-truth.json"
    try:
        truth = json.loads(truth_path.read_text("utf-8"))
    except OSError as exc:
        raise MonitorError(f"cannot read {truth_path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise MonitorError(f"{truth_path}: not JSON: {exc.msg}") from None
    if not isinstance(truth, dict):
        raise MonitorError(f"{truth_path}: expected an object of pages by id")
    pages: list[Page] = []
    for page_id in sorted(truth):
        entry = truth[page_id]
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise MonitorError(f"{truth_path}: page {page_id} has no articleBody text")
        html_path = root / "html" / f"{page_id}.html.gz"
        try:
            title = page_title(gzip.decompress(html_path.read_bytes()))
        except (OSError, EOFError) as exc:
            log.warning("page %s: no title (cannot read %s: %s)", page_id, html_path, exc)
            title = ""
        pages.append(Page(page_id, title, entry["articleBody"], str(entry.get("url") or "")))
    return pages


def view_text(page: Page, view: View) -> str:
    """What the rules read of a page's text in a view: the lead is cut where the engine cuts it."""
    return split_fields("", page.text).lead if view == "lead" else page.text


def labeled_rows(pages: Iterable[Page], labels: Mapping[str, PageLabel], view: View
                 ) -> Iterator[dict[str, Any]]:
    """The labeled pages in the format of ``monitor eval``'s JSONL (``id``, ``title``,
    ``body``, ``countries``, ``borderline``), the body cut to ``view``."""
    for page in pages:
        if (label := labels.get(page.id)) is not None:
            yield {"id": page.id, "title": page.title, "body": view_text(page, view),
                   "countries": sorted(label.countries), "borderline": label.borderline}


# --- scoring (pure) -----------------------------------------------------------------------


@dataclass
class Scores:
    """Per-country counts, their micro-average and the flag (>= 2 countries) on some rows."""

    rows: int = 0
    countries: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in COUNTRIES})
    flag: Counts = field(default_factory=Counts)

    @property
    def micro(self) -> Counts:
        return Counts(tp=sum(c.tp for c in self.countries.values()),
                      fp=sum(c.fp for c in self.countries.values()),
                      fn=sum(c.fn for c in self.countries.values()))

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "countries": {c: n.scores() for c, n in self.countries.items()},
                "micro": self.micro.scores(), "flag": self.flag.scores()}


def score(labels: Mapping[str, PageLabel], predicted: Mapping[str, frozenset[str]],
          ids: Iterable[str]) -> Scores:
    """Counts of ``predicted`` (countries the rules call the page about) against ``labels`` on
    ``ids``; an id without a prediction counts as predicting nothing."""
    out = Scores()
    for page_id in ids:
        gold = labels[page_id].countries
        about = predicted.get(page_id, frozenset())
        out.rows += 1
        for country in COUNTRIES:
            out.countries[country].add(country in about, country in gold)
        out.flag.add(len(about) >= FLAG_AT_LEAST, len(gold) >= FLAG_AT_LEAST)
    return out


def select(labels: Mapping[str, PageLabel], split: Split, rows: Rows) -> list[str]:
    """The labeled ids in ``split`` (by id hash), all of them or the clear (not borderline) ones."""
    return sorted(i for i, lab in labels.items()
                  if in_split(i, split) and (rows == "all" or not lab.borderline))


@dataclass(frozen=True)
class Disagreement:
    id: str
    title: str
    lead: frozenset[str]
    full: frozenset[str]
    gold: frozenset[str]
    borderline: bool


def compare(labels: Mapping[str, PageLabel], titles: Mapping[str, str],
            predictions: Mapping[View, Mapping[str, frozenset[str]]]) -> list[Disagreement]:
    """The labeled pages where the lead and the full text lead to different countries."""
    lead, full = predictions["lead"], predictions["full"]
    return [Disagreement(i, titles.get(i, ""), lead.get(i, frozenset()),
                         full.get(i, frozenset()), labels[i].countries, labels[i].borderline)
            for i in sorted(labels)
            if lead.get(i, frozenset()) != full.get(i, frozenset())]


# --- the whole evaluation -----------------------------------------------------------------


def predict(engine: RuleEngine, pages: Iterable[Page], view: View) -> dict[str, frozenset[str]]:
    """For each page, the countries the rules call it about when they read ``view``."""
    out: dict[str, frozenset[str]] = {}
    for page in pages:
        analysis = engine.analyse(page.title, view_text(page, view))
        out[page.id] = frozenset(c for c, s in analysis.countries.items() if s.about)
    return out


@dataclass
class FulltextReport:
    pages: int
    labeled: int
    unlabeled: list[str]  # pages without a label (not scored)
    missing: list[str]  # labels without a page (not scored)
    predictions: dict[View, dict[str, frozenset[str]]]
    scores: dict[tuple[View, Split, Rows], Scores]
    disagreements: list[Disagreement]

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages, "labeled": self.labeled,
            "unlabeled": self.unlabeled, "missing": self.missing,
            "scores": {view: {split: {rows: self.scores[(view, split, rows)].as_dict()
                                      for rows in ROWS}
                              for split in SPLITS}
                       for view in VIEWS},
            "predictions": {view: {i: sorted(c) for i, c in sorted(p.items())}
                            for view, p in self.predictions.items()},
            "disagreements": [{"id": d.id, "title": d.title, "lead": sorted(d.lead),
                               "full": sorted(d.full), "gold": sorted(d.gold),
                               "borderline": d.borderline} for d in self.disagreements],
        }


def evaluate_pages(pages: list[Page], labels: Mapping[str, PageLabel],
                   engine: RuleEngine) -> FulltextReport:
    """Run the rules over both views of every labeled page and score them on every part."""
    by_id = {p.id: p for p in pages}
    unlabeled = sorted(set(by_id) - set(labels))
    missing = sorted(set(labels) - set(by_id))
    for page_id in missing:
        log.warning("label %s has no page in the benchmark; not scored", page_id)
    scored = {i: lab for i, lab in labels.items() if i in by_id}
    chosen = [by_id[i] for i in sorted(scored)]
    predictions: dict[View, dict[str, frozenset[str]]] = {
        view: predict(engine, chosen, view) for view in VIEWS}
    scores = {(view, split, rows): score(scored, predictions[view], select(scored, split, rows))
              for view in VIEWS for split in SPLITS for rows in ROWS}
    titles = {p.id: p.title for p in chosen}
    return FulltextReport(len(pages), len(scored), unlabeled, missing, predictions, scores,
                          compare(scored, titles, predictions))
