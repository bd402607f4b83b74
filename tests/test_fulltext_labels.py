"""The analyst labels of the 181 extraction-benchmark pages and the full-text evaluation built
on them: the labels file is complete and well-formed, bad label lines are refused with their
line number, titles come from the page's own metadata, the scoring counts what it should on a
hand-made case, and the benchmark script's figures are computed from the labels."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench import eval_fulltext
from monitor.errors import MonitorError
from monitor.rules.evaluate import COUNTRIES
from monitor.rules.fulltext_eval import (
    Page,
    PageLabel,
    compare,
    load_labels,
    load_pages,
    page_title,
    parse_labels,
    score,
    select,
    view_text,
)
from tests.conftest import ROOT, shared

LABELS = ROOT / "tests" / "data" / "extraction-benchmark-analyst.jsonl"
BENCHMARK = "articles/extraction-benchmark"


def label(page_id: str, countries: str = "", borderline: bool = False) -> PageLabel:
    return PageLabel(page_id, frozenset(c for c in countries.split(",") if c), borderline, "x")


# --- the labels file ------------------------------------------------------------------------


def test_labels_file_is_complete_and_well_formed() -> None:
    labels = load_labels(LABELS)  # every field is checked while loading
    assert len(labels) == 181
    assert all(len(i) == 64 and int(i, 16) >= 0 for i in labels)  # sha256 page ids
    lines = LABELS.read_text("utf-8").splitlines()
    assert all(set(json.loads(line)) == {"id", "countries", "borderline", "why"} for line in lines)
    # The labels carry the judgement, not the text: short reasons of the labeler's own.
    assert max(len(lab.why) for lab in labels.values()) <= 80


def test_labels_cover_every_benchmark_page() -> None:
    truth = json.loads((shared(BENCHMARK) / "ground-truth.json").read_text("utf-8"))
    assert set(load_labels(LABELS)) == set(truth)


def test_labels_never_quote_the_pages() -> None:
    truth = json.loads((shared(BENCHMARK) / "ground-truth.json").read_text("utf-8"))
    for page_id, lab in load_labels(LABELS).items():
        words = lab.why.split()
        body = " ".join(truth[page_id]["articleBody"].split())
        # no run of six words of the reason appears in the article
        runs = {" ".join(words[i:i + 6]) for i in range(max(0, len(words) - 5))}
        assert not any(run in body for run in runs if len(words) >= 6), page_id


@pytest.mark.parametrize(("line", "problem"), [
    ('{"id": "a", "countries": ["UK"], "borderline": false, "why": "x"}', "unknown countries"),
    ('{"id": "a", "countries": ["US", "US"], "borderline": false, "why": "x"}', "twice"),
    ('{"id": "a", "countries": "US", "borderline": false, "why": "x"}', "list"),
    ('{"id": "a", "countries": [], "borderline": "no", "why": "x"}', "true or false"),
    ('{"id": "a", "countries": [], "borderline": false, "why": ""}', "few words"),
    ('{"id": "a", "countries": [], "borderline": false, "why": "' + "w" * 81 + '"}',
     "few words"),
    ('{"id": "", "countries": [], "borderline": false, "why": "x"}', "id must"),
    ('{"id": "a", "countries": [], "borderline": false}', "missing ['why']"),
    ('{"id": "a", "countries": [], "borderline": false, "why": "x", "title": "t"}',
     "unexpected ['title']"),
    ('["a"]', "not a JSON object"),
    ("{not json", "not JSON"),
])
def test_bad_label_lines_are_refused_with_their_line(line: str, problem: str) -> None:
    good = '{"id": "ok", "countries": ["CN"], "borderline": true, "why": "fine"}'
    with pytest.raises(MonitorError) as err:
        parse_labels([good, "", line], "labels.jsonl")
    assert "labels.jsonl:3" in str(err.value) and problem in str(err.value)


def test_a_page_labeled_twice_is_refused() -> None:
    line = '{"id": "a", "countries": [], "borderline": false, "why": "x"}'
    with pytest.raises(MonitorError, match=r"labels:2: id a is labeled twice"):
        parse_labels([line, line])


def test_a_missing_labels_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MonitorError, match="cannot read labels"):
        load_labels(tmp_path / "nope.jsonl")


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("html", "title"), [
    ('<html><head><title>Site | Story</title><meta property="og:title" content="Story">'
     "</head><body>x</body></html>", "Story"),
    ('<html><head><meta name="twitter:title" content=" Tweet  title "><title>T</title></head>'
     "</html>", "Tweet title"),
    ("<html><head><title>\n  Plain   title\n</title></head><body></body></html>", "Plain title"),
    ('<html><head><meta property="og:title" content=""><title>Fallback</title></head></html>',
     "Fallback"),
    ("<html><head></head><body><title>Late title</title></body></html>", "Late title"),
    ("<html><body><p>no title at all</p></body></html>", ""),
    ("", ""),
])
def test_page_title_from_metadata(html: str, title: str) -> None:
    assert page_title(html) == title


def test_pages_load_with_titles_and_a_missing_html_loses_nothing(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth.json").write_text(json.dumps({
        "p1": {"articleBody": "Moscow said so. Beijing agreed. Later more.", "url": "u1"},
        "p2": {"articleBody": "No page for this one.", "url": "u2"}}))
    (tmp_path / "html" / "p1.html.gz").write_bytes(gzip.compress(
        b'<html><head><meta property="og:title" content="Summit"></head></html>'))
    pages = load_pages(tmp_path)
    assert [(p.id, p.title) for p in pages] == [("p1", "Summit"), ("p2", "")]
    assert view_text(pages[0], "lead") == "Moscow said so. Beijing agreed."
    assert view_text(pages[0], "full") == pages[0].text


def test_a_malformed_ground_truth_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ground-truth.json").write_text('{"p1": {"url": "u"}}')
    with pytest.raises(MonitorError, match="page p1 has no articleBody"):
        load_pages(tmp_path)
    with pytest.raises(MonitorError, match="cannot read"):
        load_pages(tmp_path / "absent")


# --- scoring --------------------------------------------------------------------------------


def test_scoring_on_a_hand_made_case() -> None:
    labels = {"a": label("a", "RU,US"), "b": label("b", "CN"), "c": label("c", "US", True),
              "d": label("d")}
    predicted = {"a": frozenset({"RU"}), "b": frozenset({"CN", "US"}),
                 "c": frozenset({"US"}), "d": frozenset({"RU", "CN"})}
    s = score(labels, predicted, sorted(labels))
    assert s.rows == 4
    assert {c: (n.tp, n.fp, n.fn) for c, n in s.countries.items()} == {
        "RU": (1, 1, 0), "CN": (1, 1, 0), "US": (1, 1, 1)}
    # micro: tp 3, fp 3, fn 1 -> P 0.5, R 0.75, F1 0.6
    assert s.micro.scores() == {"precision": 0.5, "recall": 0.75, "f1": 0.6,
                                "tp": 3, "fp": 3, "fn": 1}
    # flag (>= 2 countries): a is missed, b and d are false alarms
    assert (s.flag.tp, s.flag.fp, s.flag.fn) == (0, 2, 1)
    # clear rows leave c out; an id without a prediction predicts nothing
    clear = score(labels, {"a": frozenset({"RU", "US"})}, select(labels, "all", "clear"))
    assert clear.rows == 3 and clear.flag.scores()["f1"] == 1.0
    assert (clear.countries["CN"].fn, clear.micro.tp) == (1, 2)


def test_views_that_disagree_are_listed() -> None:
    labels = {"a": label("a", "US"), "b": label("b", "CN,US", True)}
    predictions = {"lead": {"a": frozenset({"US"}), "b": frozenset({"US"})},
                   "full": {"a": frozenset({"US"}), "b": frozenset({"CN", "US"})}}
    [d] = compare(labels, {"b": "Trade talks"}, predictions)  # type: ignore[arg-type]
    assert (d.id, d.title, d.lead, d.full, d.borderline) == (
        "b", "Trade talks", frozenset({"US"}), frozenset({"CN", "US"}), True)


# --- the benchmark script on the shared data -----------------------------------------------


def test_the_script_scores_the_rules_against_the_labels(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    data = shared(BENCHMARK)
    eval_fulltext.main(["--data", str(data), "--json"])
    doc = json.loads(capsys.readouterr().out)
    labels = load_labels(LABELS)
    assert doc["pages"] == doc["labeled"] == 181 and not doc["unlabeled"] and not doc["missing"]
    for view in ("lead", "full"):
        predicted = {i: frozenset(c) for i, c in doc["predictions"][view].items()}
        assert set(predicted) == set(labels)
        for split in ("all", "tune", "holdout"):
            for rows in ("all", "clear"):
                ids = select(labels, split, rows)
                got = doc["scores"][view][split][rows]
                want = score(labels, predicted, ids)
                assert got["rows"] == len(ids)
                assert got["micro"] == want.micro.scores()
                assert got["flag"] == want.flag.scores()
                assert {c: got["countries"][c] for c in COUNTRIES} == {
                    c: want.countries[c].scores() for c in COUNTRIES}
    # the parts are the evaluator's id-hash split: tune and holdout add up to the whole
    sizes = doc["scores"]["full"]
    assert sizes["tune"]["all"]["rows"] + sizes["holdout"]["all"]["rows"] == 181
    assert sizes["all"]["clear"]["rows"] == sum(not lab.borderline for lab in labels.values())
    # disagreements are exactly the pages whose two views differ
    differ = {i for i in labels if doc["predictions"]["lead"][i] != doc["predictions"]["full"][i]}
    assert {d["id"] for d in doc["disagreements"]} == differ


def test_the_script_prints_tables_and_reports_a_bad_labels_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared(BENCHMARK)
    eval_fulltext.main(["--data", str(data)])
    out = capsys.readouterr().out
    assert "181 labeled pages of 181" in out and "micro" in out and "holdout" in out
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "x", "countries": ["XX"], "borderline": false, "why": "y"}\n')
    with pytest.raises(SystemExit) as exit_:
        eval_fulltext.main(["--data", str(data), "--labels", str(bad)])
    assert exit_.value.code == 1
    assert "labels.jsonl:1: unknown countries" in capsys.readouterr().err


def test_unlabeled_pages_are_reported_not_scored(tmp_path: Path) -> None:
    from monitor.rules.catalogue import load_catalogue
    from monitor.rules.engine import RuleEngine
    from monitor.rules.fulltext_eval import evaluate_pages
    from monitor.rules_api import DEFAULT_FLAG_RULE

    pages = [Page("p1", "Putin meets Xi in Moscow", "The Kremlin hosted Xi Jinping.", ""),
             Page("p2", "Weather", "Rain tomorrow.", "")]
    labels = {"p1": label("p1", "CN,RU"), "p9": label("p9", "US")}
    report = evaluate_pages(pages, labels, RuleEngine([DEFAULT_FLAG_RULE], load_catalogue()))
    assert (report.labeled, report.unlabeled, report.missing) == (1, ["p2"], ["p9"])
    assert report.scores[("full", "all", "all")].rows == 1
    assert report.predictions["full"]["p1"] == frozenset({"CN", "RU"})


def test_make_bench_skips_the_script_without_the_shared_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    monkeypatch.setattr(eval_fulltext, "DATA", tmp_path / "absent")
    eval_fulltext.main([])  # the default folder is missing: skipped, not an error
    assert "skipped, no pages at" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a folder named on the command line must exist
        eval_fulltext.main(["--data", str(tmp_path / "absent")])
