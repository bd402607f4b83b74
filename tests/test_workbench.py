"""The rule workbench on a database filled by a real poll: an edited rule against the current
one gains and loses exactly the right hits, with the precision of both on marked stories;
saving it makes the next poll use it; a bad query is an inline error and nothing is saved.
Python API first, then HTTP through the real desk server, with its CSRF tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.config import Config
from monitor.db import stored_rules
from monitor.db.engine import make_engine
from monitor.db.models import Mark
from monitor.db.session import unit_of_work
from monitor.desk import workbench
from monitor.desk.workbench import Bounds, RuleForm
from monitor.errors import ConfigError
from monitor.rules.catalogue import load_catalogue
from monitor.rules.user_entities import catalogue_for
from tests.cli_pipeline import OUTLET_A, OUTLET_B
from tests.desk_support import create_user, csrf_of, desk_client, desk_server, login, make_desk
from tests.workbench_feeds import BIKES, MUSEUM, NOW, WHEAT, poll_feeds, story_ids

SEED_TITLE_START = "The U.S. is concerned"
KREMLIN = RuleForm(name="russia-china-us", query="kremlin")  # the config rule, edited


def _mark(config: Config, story: int | None, kind: str, minutes: int,
          undone: bool = False) -> None:
    assert story is not None
    at = NOW + timedelta(minutes=minutes)
    with unit_of_work(make_engine(config.database.url)) as s:
        s.add(Mark(story_id=story, kind=kind, user="ana", created_at=at,
                   undone_at=at if undone else None, undone_by="ana" if undone else None,
                   reason="off_topic" if kind == "false_positive" else None))


def _compare(config: Config, form: RuleForm, bounds: Bounds | None = None
             ) -> workbench.Comparison:
    catalogue = catalogue_for(config)
    with unit_of_work(make_engine(config.database.url)) as s:
        edited = workbench.parse_rule(form, catalogue)
        current = workbench.current_rule(s, config, edited.name)
        return workbench.compare(s, catalogue, edited, current, NOW + timedelta(hours=1),
                                 bounds or Bounds())


def test_an_edited_query_gains_and_loses_exactly_the_right_hits(
        web: HTTPServer, sqlite_url: str) -> None:
    config = poll_feeds(web, sqlite_url)
    stories = story_ids(config)
    _mark(config, stories["seed"], "relevant", 1)
    _mark(config, stories["Xi"], "relevant", 2)
    _mark(config, stories["Xi"], "false_positive", 3)  # the latest judgement counts
    _mark(config, stories["Xi"], "relevant", 4, undone=True)  # undone: not counted
    _mark(config, stories["Kremlin"], "starred", 5)  # not a judgement

    c = _compare(config, KREMLIN)

    assert [h.title for h in c.gained] == [MUSEUM["title"]]
    assert [h.story_id for h in c.gained] == [stories["Kremlin"]]
    assert c.gained[0].why and "kremlin" in c.gained[0].why.lower()
    assert [h.title[:len(SEED_TITLE_START)] for h in c.lost] == [SEED_TITLE_START]
    assert c.lost[0].site is None or isinstance(c.lost[0].site, str)
    assert (c.kept, c.scanned, c.truncated) == (2, 6, False)  # Xi and Putin: both match
    assert (c.edited.articles, c.edited.stories) == (3, 2)
    assert (c.current.articles, c.current.stories) == (3, 2)
    # Current: the seed story (relevant) and the Xi-Putin story (false positive): 1 of 2.
    assert (c.current.precision.relevant, c.current.precision.false_positive) == (1, 1)
    assert c.current.precision.value == 0.5
    # Edited: the Xi-Putin story (false positive) and the museum (not judged): 0 of 1.
    assert (c.edited.precision.relevant, c.edited.precision.false_positive) == (0, 1)
    assert c.edited.precision.value == 0.0


def test_a_new_rule_only_gains_and_the_bounds_say_when_they_cut_the_run(
        web: HTTPServer, sqlite_url: str) -> None:
    config = poll_feeds(web, sqlite_url)
    c = _compare(config, RuleForm(name="bread", query="wheat OR bike*"))
    assert c.current.rule is None and c.lost == ()
    assert sorted(h.title for h in c.gained) == sorted([BIKES["title"], WHEAT["title"]])
    assert c.current.precision.value is None
    cut = _compare(config, RuleForm(name="bread", query="wheat OR bike*"),
                   Bounds(days=30, max_articles=2))
    assert (cut.scanned, cut.truncated) == (2, True)
    outside = _compare(config, RuleForm(name="bread", query="wheat OR bike*"),
                       Bounds(days=1, max_articles=100))
    assert outside.scanned == 6  # found an hour before "now": inside one day


def test_a_bad_query_is_the_compilers_message_and_nothing_is_saved(
        web: HTTPServer, sqlite_url: str) -> None:
    config = poll_feeds(web, sqlite_url)
    with unit_of_work(make_engine(config.database.url)) as s:
        page = workbench.open_page(s, config, RuleForm(name="broken", query="kremlin AND ("),
                                   None, True, NOW)
        assert page.comparison is None
        assert [key for key, _ in page.errors] == ["query"]
        with pytest.raises(ConfigError):
            workbench.save(s, config, RuleForm(name="broken", query="kremlin AND ("), "ana",
                           NOW)
        with pytest.raises(ConfigError) as taken:
            workbench.save(s, config, KREMLIN, "ana", NOW)
        assert taken.value.problems[0][0] == "name"
        assert stored_rules.stored_rules(s) == []


def test_the_form_round_trips_a_rule_with_every_field() -> None:
    form = RuleForm(name="full", query="kremlin", exclude="museum", countries_at_least="1",
                    countries_of=("RU", "CN"), min_salience="0.3", languages="en, ru",
                    feeds="wire", tags="state", severity="high")
    rule = stored_rules.check_definition(form.definition(), load_catalogue())
    assert RuleForm.of_rule(rule) == form


# ---- HTTP through the real desk server --------------------------------------------------------

def test_the_page_runs_an_edit_shows_inline_errors_saves_and_the_next_poll_uses_it(
        web: HTTPServer, sqlite_url: str) -> None:
    config = poll_feeds(web, sqlite_url)
    desk = make_desk(config, clock=lambda: NOW + timedelta(hours=1))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        token = login(client)
        start = client.get("/workbench", params={"rule": "russia-china-us"})
        assert start.status_code == 200
        assert 'name="at_least" value="2"' in start.text

        ran = client.get("/workbench", params={"name": "kremlin-watch", "query": "kremlin",
                                               "severity": "high", "run": "1"})
        assert ran.status_code == 200
        assert 'class="gained-count">3<' in ran.text  # a new rule: every hit is gained
        assert 'class="lost-count">0<' in ran.text
        assert "the last 30 days, at most 5000 articles" in ran.text

        edited = client.get("/workbench", params={"name": "russia-china-us",
                                                  "query": "kremlin", "run": "1"})
        gained = edited.text.split('class="hits gained"')[1].split('class="hits lost"')[0]
        lost = edited.text.split('class="hits lost"')[1].split("</section>")[0]
        assert MUSEUM["title"] in gained and OUTLET_A["title"] not in gained
        assert SEED_TITLE_START in lost and MUSEUM["title"] not in lost

        bad = client.get("/workbench", params={"name": "broken", "query": "kremlin AND (",
                                               "run": "1"})
        assert bad.status_code == 400
        assert 'class="error field-error" data-key="query"' in bad.text
        refused = client.post("/workbench/save", data={
            "name": "broken", "query": "kremlin AND (", "csrf": token})
        assert refused.status_code == 400 and 'data-key="query"' in refused.text

        forged = client.post("/workbench/save", data={"name": "kremlin-watch",
                                                      "query": "kremlin"})
        assert forged.status_code == 403
        saved = client.post("/workbench/save", data={
            "name": "kremlin-watch", "query": "kremlin", "severity": "high",
            "csrf": csrf_of(ran.text)})
        assert saved.status_code == 303
        listed = client.get(saved.headers["location"])
        assert 'data-rule="kremlin-watch"' in listed.text and "enabled" in listed.text
    with unit_of_work(make_engine(config.database.url)) as s:
        kept = stored_rules.find_rule(s, "kremlin-watch")
        assert [r.name for r in stored_rules.stored_rules(s)] == ["kremlin-watch"]
    assert kept is not None and (kept.created_by, kept.rule.severity) == ("ana", "high")

    later = {"title": "Kremlin guards change at dawn", "guid": "g1",
             "link": "http://127.0.0.1:9/b/guards", "description": "The Kremlin guard."}
    web.clear()
    config = poll_feeds(web, sqlite_url, extra_items=[later], now=NOW + timedelta(hours=7))
    assert any(h["rule"] == "kremlin-watch" and h["title"] == later["title"]
               for h in api.recent_hits(config, since=timedelta(days=400)))


def test_a_stored_rule_is_disabled_and_enabled_with_a_csrf_token(
        web: HTTPServer, sqlite_url: str) -> None:
    config = poll_feeds(web, sqlite_url)
    with unit_of_work(make_engine(config.database.url)) as s:
        workbench.save(s, config, RuleForm(name="bikes", query="bike*"), "bo", NOW)
    desk = make_desk(config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        token = login(client)
        assert client.post("/workbench/rules/bikes/disable").status_code == 403
        off = client.post("/workbench/rules/bikes/disable", data={"csrf": token})
        assert off.status_code == 303
        assert client.post("/workbench/rules/nope/enable",
                           data={"csrf": token}).status_code == 404
        page = client.get("/workbench")
        row = page.text.split('data-rule="bikes"')[1].split("</tr>")[0]
        assert "disabled" in row and "/workbench/rules/bikes/enable" in row
    with unit_of_work(make_engine(config.database.url)) as s:
        view = stored_rules.find_rule(s, "bikes")
        assert view is not None and (view.enabled, view.updated_by) == (False, "ana")


def test_untrusted_headlines_and_rule_text_are_escaped(web: HTTPServer,
                                                       sqlite_url: str) -> None:
    # Escaped in the feed, so that the stored headline holds the markup as text.
    hostile = {"title": "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)"
                        "&gt; Kremlin",
               "guid": "h1", "link": "http://127.0.0.1:9/b/x?a=\"><script>alert(3)</script>",
               "description": "The Kremlin <b>said</b>."}
    config = poll_feeds(web, sqlite_url, extra_items=[hostile])
    desk = make_desk(config, clock=lambda: NOW + timedelta(hours=1))
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        page = client.get("/workbench", params={
            "name": "x", "query": 'kremlin OR "</textarea><script>alert(4)</script>"',
            "run": "1"})
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert(3)" not in page.text
        assert OUTLET_B["title"] in page.text
