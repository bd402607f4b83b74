"""`monitor hits`: outlet, published and found times, countries, evidence and story id per
hit; --limit, --feed, --country; unknown names are usage errors; article text is made safe
for the terminal. Real feeds on loopback, a real SQLite file filled by a poll cycle."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli_pipeline import OUTLET_A, OUTLET_B, poll, run, serve, write_config

UNRELATED = {"title": "Tomato festival draws crowds", "guid": "t1",
             "link": "http://127.0.0.1:9/t", "description": "Thousands came to the square."}


@pytest.fixture(scope="module")
def two_outlets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A config whose database holds one story from two outlets (the tests only read it)."""
    web = HTTPServer(host="127.0.0.1", port=0)
    web.start()
    try:
        path = write_config(tmp_path_factory.mktemp("hits"), [
            {"name": "outlet-a", "url": serve(web, "a", [OUTLET_A, UNRELATED])},
            {"name": "outlet-b", "url": serve(web, "b", [OUTLET_B])}])
        assert poll(path).cycle.total("hits") == 2
        yield path
    finally:
        web.stop()


def test_hits_show_outlet_dates_countries_evidence_and_story(two_outlets: Path) -> None:
    path = two_outlets
    code, out, _ = run(path, "hits", "--json")
    assert code == 0
    rows = {r["feeds"][0]: r for r in json.loads(out)}
    a = rows["outlet-a"]
    assert a["title"] == OUTLET_A["title"]
    assert a["published_at"] == "2026-01-05T11:30:00+00:00"
    assert a["found_at"] == "2026-01-05T12:00:00+00:00"
    assert {"RU", "CN"} <= set(a["about"])
    assert a["why"] and a["why"] == a["evidence"]["clause"]
    assert a["snippet"] == a["evidence"]["snippets"][0] and a["snippet"]["text"]
    assert a["story_id"] is not None and rows["outlet-b"]["story_id"] == a["story_id"]

    code, out, _ = run(path, "hits")
    assert code == 0
    assert ("outlet-a · published 2026-01-05 11:30 UTC · found 2026-01-05 12:00 UTC · "
            f"story #{a['story_id']}") in out
    assert "about: " + ", ".join(a["about"]) in out
    assert f"why: {a['why']}" in out
    assert any(line.startswith("    > ") and "[Xi Jinping]" in line
               for line in out.splitlines())


def test_hits_limit_feed_and_country(two_outlets: Path) -> None:
    path = two_outlets
    _, out, _ = run(path, "hits", "--feed", "outlet-b", "--json")
    assert [r["feeds"] for r in json.loads(out)] == [["outlet-b"]]
    _, out, _ = run(path, "hits", "--country", "ru", "--json")
    assert len(json.loads(out)) == 2
    code, out, _ = run(path, "hits", "--country", "FR")
    assert code == 0 and out.strip() == "no hits"
    code, out, _ = run(path, "hits", "--limit", "1", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = run(path, "hits", "--limit", "1")
    assert out.count("\n#") + out.startswith("#") == 1 and "--limit N shows more" in out
    code, _, err = run(path, "hits", "--country", "Russia")
    assert code == 2 and "two-letter country code" in err


def test_an_unknown_rule_or_feed_is_a_usage_error(two_outlets: Path) -> None:
    path = two_outlets
    code, out, err = run(path, "hits", "--rule", "russia-china")
    assert code == 2 and out == ""
    assert "no rule 'russia-china'" in err and "did you mean 'russia-china-us'?" in err
    code, _, err = run(path, "hits", "--feed", "outlet-c", "--json")
    assert code == 2 and "(known: outlet-a, outlet-b)" in err


def test_article_text_cannot_drive_the_terminal(tmp_path: Path, web: HTTPServer) -> None:
    # Right-to-left overrides in the headline: the terminal would show "wocsoM" for Moscow.
    title = "Xi and Putin pledge deeper ties in \u202eMoscow\u202e"
    path = write_config(tmp_path, [{"name": "hostile", "url": serve(
        web, "h", [{**OUTLET_A, "title": title}])}], [{"name": "console", "type": "console"}])
    assert poll(path).cycle.total("hits") == 1
    code, out, _ = run(path, "hits")
    assert code == 0 and "Xi and Putin pledge deeper ties in  Moscow" in out
    assert "\u202e" not in out
    code, out, _ = run(path, "hits", "--json")
    assert code == 0 and "\u202e" not in out and "\\u202e" in out
    (row,) = json.loads(out)
    assert row["title"] == title  # the same data, written as \u202e
    code, out, _ = run(path, "alerts")  # the console channel's alert, in the outbox listing
    assert code == 0 and "pledge deeper ties in  Moscow" in out and "\u202e" not in out


def test_json_for_terminal_escapes_what_a_terminal_acts_on_and_keeps_the_data() -> None:
    from monitor.alerts.safe_text import json_for_terminal

    text = "a\x9b2Jb\x7f\u202ec\u2066d\u2028e\ufeff\U000e0041f 👨\u200d👩 Москва 北京"
    doc = json_for_terminal(json.dumps({"t": text}, ensure_ascii=False))
    assert json.loads(doc) == {"t": text}
    for ch in ("\x9b", "\x7f", "\u202e", "\u2066", "\u2028", "\ufeff", "\U000e0041"):
        assert ch not in doc
    assert "👨\u200d👩 Москва 北京" in doc  # joined emoji and other scripts stay as they are
