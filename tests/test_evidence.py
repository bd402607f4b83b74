"""Typed evidence: the span walk every renderer shares, the JSON the hits column stores (rows
written before the type existed still load, on SQLite and PostgreSQL), a clear error for a row
that is not evidence, and one escaping of a URL for Slack. Real databases, no mocks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import Session

from monitor import api, hits_api
from monitor.alerts import mrkdwn
from monitor.alerts.render import AlertView, email_parts, slack_payload
from monitor.cli import cli
from monitor.db.engine import make_engine
from monitor.db.models import Article, Hit
from monitor.errors import EvidenceError
from monitor.evidence_model import CountryEvidence, EntityCount, Evidence, Snippet
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.evidence import marked
from tests.helpers import make_config

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

# A hit's evidence exactly as the engine wrote it before it was typed (a plain JSON object).
STORED = {
    "clause": "countries: at least 2 of RU, CN, US with salience >= 2 (RU, CN); query: Kremlin",
    "about": ["RU", "CN"],
    "countries": {
        "RU": {"name": "Russia", "salience": 12.0, "about": True, "entities": [
            {"id": "Q7747", "name": "Vladimir Putin", "count": 2},
            {"id": "moscow-kremlin", "name": "the Kremlin", "count": 1}]},
        "CN": {"name": "China", "salience": 6.0, "about": True, "entities": [
            {"id": "Q15031", "name": "Xi Jinping", "count": 2}]},
        "US": {"name": "United States", "salience": 1.5, "about": False, "entities": [
            {"id": "Q61", "name": "Washington", "count": 1}]}},
    "snippets": [
        {"field": "lead", "text": "Xi Jinping met Vladimir Putin in the Kremlin.",
         "spans": [[0, 10], [15, 29], [37, 44]]},
        {"field": "title", "text": "Xi and Putin meet", "spans": [[0, 2], [7, 12]]}],
    "query_matches": ["Kremlin"],
}


@pytest.mark.parametrize(("spans", "pieces"), [
    ((), [("Xi met Putin", False)]),  # nothing marked
    (((0, 2), (7, 12)), [("", False), ("Xi", True), (" met ", False), ("Putin", True),
                         ("", False)]),
    (((0, 2), (2, 6)), [("", False), ("Xi", True), ("", False), (" met", True),
                        (" Putin", False)]),  # adjacent spans stay two
    (((0, 6), (3, 9)), [("", False), ("Xi met", True), (" Putin", False)]),  # overlap: skipped
    (((7, 40),), [("Xi met Putin", False)]),  # past the end: skipped
    (((3, 3),), [("Xi met Putin", False)]),  # empty: skipped
])
def test_snippet_segments(spans: tuple[tuple[int, int], ...],
                          pieces: list[tuple[str, bool]]) -> None:
    assert list(Snippet("title", "Xi met Putin", spans).segments()) == pieces


def test_every_renderer_marks_the_same_words() -> None:
    """Plain text, Slack and HTML are cut from one walk: an overlapping span is skipped by
    all of them alike (it used to repeat text in plain text and HTML)."""
    snip = Snippet("lead", "Xi met Putin <b>", ((0, 6), (3, 9), (7, 12)))
    evidence = Evidence("why", ("RU",), {"RU": CountryEvidence("Russia", 3.0, True)}, (snip,))
    view = AlertView(alert_id=1, rule="r", severity="high", title="t", url="https://x.test/",
                     site=None, published_at=NOW, feeds=[], evidence=evidence, score=3.0)
    assert marked(snip) == "[Xi met] [Putin] <b>"
    assert "> *Xi met* *Putin* &lt;b&gt;" in json.loads(json.dumps(slack_payload(view)))[
        "blocks"][-1]["text"]["text"]
    _subject, text, html = email_parts(view)
    assert "> [Xi met] [Putin] <b>" in text
    assert "<mark>Xi met</mark> <mark>Putin</mark> &lt;b&gt;" in html


@pytest.mark.parametrize(("stored", "want"), [
    (STORED, None),  # today's shape: the same JSON back, key for key
    ({k: v for k, v in STORED.items() if k != "query_matches"}, None),  # a rule with no query
    ({}, {"clause": "", "about": [], "countries": {}, "snippets": []}),  # every key missing
    ({"clause": "c", "countries": {"RU": {"name": "Russia", "salience": 2.0}}},
     {"clause": "c", "about": [], "snippets": [],
      "countries": {"RU": {"name": "Russia", "salience": 2.0, "about": False,
                           "entities": []}}}),  # a country without about or entities
])
def test_stored_json_loads_and_writes_back(stored: dict[str, Any],
                                           want: dict[str, Any] | None) -> None:
    evidence = Evidence.from_json(stored)
    assert evidence.to_json() == (stored if want is None else want)
    assert Evidence.from_json(evidence.to_json()) == evidence


@pytest.mark.parametrize(("stored", "where"), [
    (["not", "an", "object"], "evidence"),
    ({"about": "RU"}, "about"),
    ({"countries": {"RU": {"name": "Russia", "salience": "high"}}}, "countries.RU.salience"),
    ({"snippets": [{"field": "lead", "text": "x", "spans": [[0]]}]}, "snippets.0.spans.0"),
])
def test_a_row_that_is_not_evidence_is_a_clear_error(stored: object, where: str) -> None:
    with pytest.raises(EvidenceError, match=rf"stored evidence is not valid at {where}"):
        Evidence.from_json(stored)


def test_engine_evidence_is_typed_and_round_trips() -> None:
    engine = RuleEngine(make_config("sqlite://", []).rules, load_catalogue())
    (hit,) = engine.analyse("Putin and Xi meet in Moscow",
                            "Vladimir Putin hosted Xi Jinping in the Kremlin.").hits
    assert isinstance(hit.evidence, Evidence) and hit.evidence.snippets
    assert all(isinstance(e, EntityCount)
               for c in hit.evidence.countries.values() for e in c.entities)
    assert Evidence.from_json(json.loads(json.dumps(hit.evidence.to_json()))) == hit.evidence


def _store_old_row(db_url: str, evidence: object) -> Any:
    """A migrated database holding one article and one hit whose evidence was written as a
    plain JSON value (as before the type existed, not through ``Evidence``)."""
    config = make_config(db_url, [])
    api.upgrade_database(config)
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            art = Article(canonical_url="https://news.test/a", url="https://news.test/a",
                          title="Xi and Putin meet", created_at=NOW)
            s.add(art)
            s.flush()
            plain = sa.table("hits", sa.column("article_id"), sa.column("rule"),
                             sa.column("severity"), sa.column("score"),
                             sa.column("evidence", sa.JSON), sa.column("created_at"))
            s.execute(sa.insert(plain).values(
                article_id=art.id, rule="russia-china-us", severity="high", score=18.0,
                evidence=evidence, created_at=Hit.__table__.c.created_at.type
                .process_bind_param(NOW, engine.dialect)))
            s.commit()
    finally:
        engine.dispose()
    return config


def test_a_row_written_in_todays_shape_loads_typed(db_url: str) -> None:
    config = _store_old_row(db_url, STORED)
    (row,) = hits_api.find_hits(config, hits_api.HitQuery(country="CN"), NOW)
    assert isinstance(row.evidence, Evidence)
    assert row.evidence.countries["RU"].entities[0] == EntityCount("Q7747", "Vladimir Putin", 2)
    assert row.as_json()["evidence"] == STORED  # `hits --json` shows it as stored
    assert row.as_json()["snippet"] == STORED["snippets"][0]  # type: ignore[index]


def test_a_stored_row_that_is_not_evidence_is_said_not_crashed(sqlite_url: str,
                                                              tmp_path: Any) -> None:
    config = _store_old_row(sqlite_url, ["not", "evidence"])
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps({"database": {"url": config.database.url}}))
    result = CliRunner().invoke(cli, ["--config", str(path), "hits"], obj={})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: stored evidence is not valid at evidence")


@pytest.mark.parametrize(("url", "target"), [
    ("https://news.test/a?x=1&y=2", "https://news.test/a?x=1&amp;y=2"),
    ("https://news.test/a|b>c d", "https://news.test/a%7Cb%3Ec%20d"),
    ("javascript:alert(1)", None),
    ("https://news.test/" + "a" * 1500, None),  # too long to link
])
def test_slack_links_a_url_one_way(url: str, target: str | None) -> None:
    """The headline's link and the notification text's URL are the same escaped target."""
    assert mrkdwn.link_target(url) == target
    view = AlertView(alert_id=1, rule="r", severity="high", title="Xi and Putin meet",
                     url=url, site=None, published_at=NOW, feeds=[], evidence=Evidence(),
                     score=1.0)
    payload = slack_payload(view)
    if target is None:
        assert url not in payload["text"] and "<http" not in payload["blocks"][0]["text"]["text"]
    else:
        assert payload["text"].endswith(" " + target)
        assert f"<{target}|Xi and Putin meet>" in payload["blocks"][0]["text"]["text"]
