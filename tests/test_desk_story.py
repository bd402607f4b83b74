"""The story page, evidence first: each rule's conditions with pass/fail, the entities
behind each country, the snippets and the text with the matched names marked; the timeline
across both outlets; marks (relevant, false positive with a reason, star, notes) set and
undone over HTTP with the session's CSRF token, kept in the history. A database filled by a
real poll of loopback feeds; a real desk server."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.db.engine import make_engine
from monitor.db.session import unit_of_work
from monitor.desk.marks import add_mark, story_marks, undo_mark
from monitor.desk.story import story_detail
from monitor.errors import NotFoundError, UsageError
from tests.desk_story_data import HOSTILE, Filled, fill
from tests.desk_support import create_user, desk_client, desk_server, login, make_desk

T0 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def filled(tmp_path: Path, web: HTTPServer) -> Filled:
    return fill(tmp_path, web)


def test_the_story_detail_explains_each_hit_on_the_stored_articles(filled: Filled) -> None:
    engine = make_engine(filled.config.database.url)
    with unit_of_work(engine) as s:
        detail = story_detail(s, filled.seed_story, filled.config)
        with pytest.raises(NotFoundError):
            story_detail(s, 9999, filled.config)
    engine.dispose()
    # One poll found both at once: in either order.
    assert sorted(a.feeds for a in detail.timeline.articles) == [["outlet-a"], ["outlet-b"]]
    assert [r.rule for r in detail.rules] == ["russia-china-us"] * 2
    fired = detail.rules[0]
    assert fired.trace is not None and fired.trace.matched
    assert fired.trace.countries is not None and fired.trace.countries.held
    assert {c.code for c in fired.trace.countries.countries if c.passed} == {"RU", "CN", "US"}
    entities = {e.name for c in fired.evidence.countries.values() for e in c.entities}
    assert {"Xi Jinping", "Vladimir Putin", "the White House"} <= entities
    assert fired.snippets and any(on for snippet in fired.snippets for _, on in snippet)
    text = detail.texts[0]
    assert {"Xi Jinping", "Vladimir Putin", "White House"} <= set(text.marked)
    assert text.link is not None and text.link.startswith("http://127.0.0.1:")


def test_marks_decide_the_review_state_and_undo_keeps_them_in_the_history(
        filled: Filled) -> None:
    engine = make_engine(filled.config.database.url)
    with unit_of_work(engine) as s:
        hit = story_detail(s, filled.seed_story, filled.config).rules[1].hit_id
        sid = filled.seed_story
        relevant = add_mark(s, sid, "relevant", "ana", T0)
        fp = add_mark(s, sid, "false_positive", "bo", T0.replace(hour=10), hit_id=hit,
                      reason="passing_mention")
        star = add_mark(s, sid, "starred", "ana", T0)
        assert add_mark(s, sid, "starred", "bo", T0).id == star.id  # starred already
        add_mark(s, sid, "note", "ana", T0, note="  check the Kremlin's readout ")
        state = story_marks(s, sid)
        assert (state.review, state.reason, state.hits) == (
            "false_positive", "passing_mention", {hit: "false_positive"})
        assert state.starred is not None
        assert [n.note for n in state.notes] == ["check the Kremlin's readout"]
        undo_mark(s, fp.id, "ana", T0.replace(hour=11))
        state = story_marks(s, sid)
        assert (state.review, state.hits) == ("relevant", {})
        undone = next(m for m in state.history if m.id == fp.id)
        assert (undone.undone_by, undone.user, undone.active) == ("ana", "bo", False)
        assert relevant.id in {m.id for m in state.history}
        for bad in ({"kind": "false_positive"}, {"kind": "false_positive", "reason": "meh"},
                    {"kind": "note"}, {"kind": "liked"}):
            with pytest.raises(UsageError):
                add_mark(s, sid, bad["kind"], "ana", T0, reason=bad.get("reason"))
        with pytest.raises(NotFoundError):
            add_mark(s, filled.hostile_story, "relevant", "ana", T0, hit_id=hit)
    engine.dispose()


def _sections(page: str) -> list[str]:
    return re.findall(r'<section id="(evidence|timeline|text)"', page)


def test_the_story_page_shows_evidence_then_timeline_then_text(filled: Filled) -> None:
    desk = make_desk(filled.config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        page = client.get(f"/stories/{filled.seed_story}")
        assert page.status_code == 200
        html = page.text
        assert _sections(html) == ["evidence", "timeline", "text"]
        for name in ("Xi Jinping", "Vladimir Putin", "White House"):
            assert f"<mark>{name}</mark>" in html, name
        assert 'class="pass"' in html and "countries: at least 2 of RU, CN, US" in html
        assert "Xi Jinping ×" in html  # the entities and counts behind the countries
        timeline = html.split('<section id="timeline">')[1].split("</section>")[0]
        assert ">outlet-a<" in timeline and ">outlet-b<" in timeline
        assert timeline.count(filled.seed_title) == 2
        assert 'href="http://127.0.0.1:' in timeline
        assert client.get("/stories/9999").status_code == 404
        assert "There is no story 9999" in client.get("/stories/9999").text
        assert client.get("/stories/abc").status_code == 404


def test_a_hostile_headline_and_text_render_inert(filled: Filled) -> None:
    desk = make_desk(filled.config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        html = client.get(f"/stories/{filled.hostile_story}").text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<mark>Vladimir Putin</mark>" in html
        assert HOSTILE not in html


def test_marks_over_http_with_csrf_undo_and_history(filled: Filled) -> None:
    desk = make_desk(filled.config, clock=lambda: T0)
    create_user(desk)
    sid = filled.seed_story
    with desk_server(desk) as base, desk_client(base) as client:
        token = login(client)
        form = {"kind": "false_positive", "reason": "off_topic"}
        assert client.post(f"/stories/{sid}/marks", data=form).status_code == 403
        answer = client.post(f"/stories/{sid}/marks", data={**form, "csrf": token})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/stories/{sid}#marks"
        page = client.get(f"/stories/{sid}").text
        assert "false positive (off-topic)" in page and "by ana, 2026-01-06 09:00 UTC" in page
        asked = client.post(f"/stories/{sid}/marks", data={"kind": "starred"},
                            headers={"X-CSRF-Token": token, "Accept": "application/json"})
        assert asked.status_code == 200
        doc = asked.json()
        assert doc["story"]["starred"] is True and doc["story"]["review"] == "false_positive"
        fp_id = doc["story"]["history"][1]["id"]
        refused = client.post(f"/stories/{sid}/marks", data={"kind": "false_positive",
                                                              "csrf": token})
        assert refused.status_code == 400 and "needs a reason" in refused.text
        assert client.post(f"/marks/{fp_id}/undo", data={}).status_code == 403
        undo = client.post(f"/marks/{fp_id}/undo", data={"csrf": token})
        assert undo.status_code == 303 and undo.headers["location"] == f"/stories/{sid}#marks"
        page = client.get(f"/stories/{sid}").text
        assert "not reviewed" in page and "undone by ana" in page and "★ starred" in page
        assert client.post("/marks/999/undo", data={"csrf": token}).status_code == 404


def test_the_story_pages_rules_are_built_once_per_desk_app_and_shared(filled: Filled) -> None:
    from monitor.desk.story import StoryRules
    from monitor.rules.user_entities import catalogue_for
    from monitor.web import story
    from monitor.web.app import make_desk_app

    loads: list[int] = []

    def catalogue():  # type: ignore[no-untyped-def]
        loads.append(1)
        return catalogue_for(filled.config)

    rules = StoryRules(filled.config, catalogue)
    assert loads == []  # nothing built before a story page asks
    engine = make_engine(filled.config.database.url)
    with unit_of_work(engine) as s:
        first = story_detail(s, filled.seed_story, filled.config, rules.engine())
        again = story_detail(s, filled.seed_story, filled.config, rules.engine())
        fresh = story_detail(s, filled.seed_story, filled.config)
    engine.dispose()
    assert rules.engine() is rules.engine() and loads == [1]
    assert first == again == fresh  # the shared rules explain as freshly built ones do
    desk = make_desk(filled.config)
    assert isinstance(make_desk_app(desk)[story.RULES], StoryRules)
    desk.engine.dispose()


# Two rules with the same condition and one with a query, on two outlets carrying the same
# text: the first two rules' four hits have the same evidence, the query rule's two another.
SAME_AND_OTHER = [
    {"name": "russia-china-us", "countries": {"at_least": 2}},
    {"name": "ru-cn-us-urgent", "countries": {"at_least": 2}, "severity": "high"},
    {"name": "putin-and-xi", "query": "Putin AND Xi"},
]


def _groups(html: str) -> list[str]:
    evidence = html.split('<section id="evidence">')[1].split('<section id="timeline">')[0]
    return evidence.split('<section class="evidence-group"')[1:]


def _hit_rules(group: str) -> list[str]:
    """The rule of each hit the group heads, in order (each hit is a j/k target)."""
    return re.findall(r'<li class="hit"[^>]*data-hit-id="\d+"[^>]*>\s*<a class="rule"[^>]*>'
                      r"([^<]+)</a>", group)


def test_hits_with_the_same_evidence_show_it_once_headed_by_their_rules_and_outlets(
        tmp_path: Path, web: HTTPServer) -> None:
    filled = fill(tmp_path, web, SAME_AND_OTHER)
    desk = make_desk(filled.config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        html = client.get(f"/stories/{filled.seed_story}").text
    groups = _groups(html)
    assert len(groups) == 2, len(groups)
    other, same = sorted(groups, key=lambda g: "putin-and-xi" not in _hit_rules(g))
    assert sorted(_hit_rules(same)) == sorted(["russia-china-us", "ru-cn-us-urgent"] * 2)
    assert _hit_rules(other) == ["putin-and-xi"] * 2
    heading = {g: re.sub(r"<[^>]+>|\s+", " ", g.split("</h3>")[0]) for g in groups}
    for name in ("russia-china-us", "ru-cn-us-urgent", "outlet-a", "outlet-b"):
        assert name in heading[same], (name, heading[same])
    assert "putin-and-xi" in heading[other] and "russia-china-us" not in heading[other]
    assert "outlet-a" in heading[other] and "outlet-b" in heading[other]
    for group in groups:  # the evidence once per group, however many hits it heads
        assert group.count('<table class="countries">') == 1
        assert group.count('<p class="why">') == 1
        assert group.count('<ul class="conditions">') == 1
        snippets = re.findall(r'<blockquote class="snippet">(.*?)</blockquote>', group, re.S)
        assert snippets and len(snippets) == len(set(snippets)), snippets
    assert "countries: at least 2 of RU, CN, US" in same and "query: Putin AND Xi" in other
    assert "query: Putin AND Xi" not in same
    # Each hit keeps its own marks.
    assert html.count('name="hit" value="') == 2 * 6
