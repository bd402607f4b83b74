"""The query language: table-driven matches, rule conditions, syntax errors, and a property
test that no string crashes the parser."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import RuleConfig, parse_config
from monitor.errors import ConfigError
from monitor.rules.catalogue import load_catalogue
from monitor.rules.checks import check_rules
from monitor.rules.document import QueryDoc, blank_punctuation
from monitor.rules.engine import Context, RuleEngine
from monitor.rules.matcher import Matcher, split_fields
from monitor.rules.query import QuerySyntaxError, parse_query

CATALOGUE = load_catalogue()
MATCHER = Matcher(CATALOGUE)
TITLE = "Putin meets Xi as sanctions bite"
TEXT = ("Russia faces new sanctions from the United States. China's foreign ministry objected. "
        "The White House said the measures target Russian banks. Analysts in Moscow were calm.")


def matches(query: str, title: str = TITLE, text: str = TEXT) -> bool:
    fields = split_fields(title, text)
    doc = QueryDoc(fields, MATCHER.find(fields), CATALOGUE)
    return parse_query(query, CATALOGUE).evaluate(doc).matched


@pytest.mark.parametrize(("query", "expected"), [
    ("sanctions", True),
    ("SANCTIONS", True),                      # case-insensitive words
    ("sanction", False),                      # whole words only
    ("sanction*", True),                      # suffix wildcard
    ('"white house"', True),
    ('"house white"', False),
    ("oil OR gas", False),
    ("oil OR banks", True),
    ("sanctions AND banks", True),
    ("sanctions banks", True),                # adjacent terms are ANDed
    ("sanctions AND oil", False),
    ("NOT oil", True),
    ("sanctions NOT banks", False),
    ("(oil OR banks) AND NOT (gas)", True),
    ("title:sanctions", True),
    ("title:banks", False),
    ("text:banks", True),
    ("lead:Moscow", False),                   # Moscow is in the body
    ("body:Moscow", True),
    ("@RU AND @CN AND @US", True),
    ("@Q7747", True),                         # Vladimir Putin, by Wikidata id
    ("@jake-sullivan", False),
    ("title:@Q15031", True),                  # Xi Jinping in the title
    ("@RU NEAR/3 @CN", True),                 # Putin ... Xi in the title
    ("@US NEAR/1 sanctions", False),          # "sanctions from the United States": 2 between
    ("@US NEAR/2 sanctions", True),
    ('"foreign ministry" NEAR/1 China', True),
    ("(sanctions OR measures) NEAR/2 banks", True),
])
def test_query_matches(query: str, expected: bool) -> None:
    assert matches(query) is expected


def test_chinese_terms_match_as_substrings() -> None:
    assert matches("制裁", title="", text="美国对俄罗斯实施新的制裁。")
    assert matches("@CN OR 制裁", title="", text="美国对俄罗斯实施新的制裁。")


@pytest.mark.parametrize(("query", "column"), [
    ("sanctions AND", 14),
    ("(oil OR gas", 12),
    ("oil) gas", 4),
    ('"unclosed phrase', 1),
    ("@XX", 1),
    ("oil NEAR/3 (gas AND coal)", 5),
    ("*", 1),
    ("NOT", 4),
    ("", 1),
])
def test_syntax_errors_point_at_the_column(query: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query, CATALOGUE)
    assert info.value.column == column, str(info.value)


PIECES = [*'abc XYZ()"*:@/0123456789', "AND ", "OR ", "NOT ", "NEAR/3 ", "title:", "@RU",
          "@Q7747", "中国", "\t", "'"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_arbitrary_queries_parse_or_raise_a_syntax_error(text: str) -> None:
    try:
        query = parse_query(text, CATALOGUE)
    except QuerySyntaxError:
        return
    fields = split_fields(TITLE, TEXT)
    query.evaluate(QueryDoc(fields, MATCHER.find(fields), CATALOGUE))  # evaluates without error


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_string_parses_or_raises_a_syntax_error(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(text, CATALOGUE)


def _rule(**kw: object) -> RuleConfig:
    return RuleConfig.model_validate({"name": "r", **kw})


@pytest.mark.parametrize(("rule", "context", "expected"), [
    (_rule(query="sanction* AND @RU"), Context(), True),
    (_rule(countries={"at_least": 2}, query="oil"), Context(), False),
    (_rule(countries={"at_least": 2}, exclude='title:"sanctions bite"'), Context(), False),
    (_rule(query="@RU", languages=["en"]), Context(language="en"), True),
    (_rule(query="@RU", languages=["ru"]), Context(language="en-GB"), False),
    (_rule(query="@RU", languages=["ru"]), Context(), True),  # unknown language passes
    (_rule(query="@RU", feeds=["tass"]), Context(feeds=("bbc",)), False),
    (_rule(query="@RU", tags=["state"]), Context(feeds=("tass",), tags=("ru", "state")), True),
    (_rule(countries={"at_least": 3}, min_salience=50), Context(), False),
])
def test_rule_conditions(rule: RuleConfig, context: Context, expected: bool) -> None:
    analysis = RuleEngine([rule], CATALOGUE).analyse(TITLE, TEXT, context)
    assert analysis.matched("r") is expected
    for hit in analysis.hits:
        assert hit.evidence.snippets and hit.evidence.clause
    (explained,) = RuleEngine([rule], CATALOGUE).analyse(TITLE, TEXT, context,
                                                         explain=True).results
    assert explained.matched is expected and explained.evidence.clause


def test_query_evidence_names_what_matched() -> None:
    (result,) = RuleEngine([_rule(query="sanction* NEAR/5 @US")], CATALOGUE).analyse(
        TITLE, TEXT).hits
    assert result.evidence.query_matches == ("United States", "sanctions")
    assert "query: sanction* NEAR/5 @US" in result.evidence.clause


def test_rules_that_cannot_fire_are_not_evaluated_but_never_missed() -> None:
    """The trigger index only skips rules that cannot fire: over many rules and texts, the
    indexed engine and a full evaluation (explain) agree on every verdict."""
    rules = [_rule(name=f"r{i}", **kw) for i, kw in enumerate([
        {"query": "sanction* AND @RU"}, {"query": "oil OR gas"}, {"query": "NOT oil"},
        {"query": '"white house" NEAR/5 @CN'}, {"query": "title:@Q7747"},
        {"countries": {"at_least": 1, "of": ["CN"]}}, {"query": "制裁"},
        {"countries": {"at_least": 2}, "exclude": "banks"}, {"query": "@Q6279 OR Biden"},
        {"query": "title:oil AND @RU"}, {"query": "title:(sanctions OR @CN) AND @US"},
        {"query": "title:Putin NEAR/3 title:meets"}, {"query": "title:(NOT oil) AND @RU"},
        {"countries": {"at_least": 2}, "min_salience": 3},
        {"countries": {"at_least": 1, "of": ["RU"]}, "min_salience": 1},
        {"countries": {"at_least": 2, "of": ["RU", "US"]}},
        {"countries": {"at_least": 3}, "min_salience": 0.5},
        {"countries": {"at_least": 1}, "min_salience": 4}, {"countries": {"at_least": 1}},
    ])]
    engine = RuleEngine(rules, CATALOGUE)
    texts = [(TITLE, TEXT), ("Oil prices", "Gas is cheap."), ("", "美国对俄罗斯实施新的制裁。"),
             ("Biden speaks", "The president spoke."), ("Nothing", "at all"),
             ("Oil and Russia", "Moscow said oil would flow."), ("Xi speaks", TEXT)]
    for title, text in texts:
        fast = {r.rule for r in engine.analyse(title, text).hits}
        full = {r.rule for r in engine.analyse(title, text, explain=True).hits}
        assert fast == full, (title, fast, full)


def test_rules_sharing_terms_and_queries_each_get_their_own_verdict() -> None:
    """Equal subtrees are one object across rules (an article works each out once), yet a
    term's result in one scope never stands in for another scope, and each rule's verdict is
    the one it gets when it is the only rule."""
    table: dict = {}
    a = parse_query("sanctions AND (oil OR gas)", CATALOGUE, table)
    b = parse_query("(oil OR gas) NEAR/3 Putin", CATALOGUE, table)
    assert a.root.children[1] is b.root.left  # type: ignore[attr-defined]
    rules = [_rule(name=f"r{i}", **kw) for i, kw in enumerate([
        {"query": "Putin"}, {"query": "title:Putin"}, {"query": "body:Putin"},
        {"query": "Putin", "exclude": "Xi"}, {"query": "Putin", "exclude": "title:oil"},
        {"query": "title:(body:Putin)"}, {"query": "NOT title:(body:Putin)"},
        {"countries": {"at_least": 2}}, {"countries": {"at_least": 2}, "min_salience": 50},
        {"countries": {"at_least": 2}, "feeds": ["tass"]},
        {"query": "Putin", "channels": ["slack"]}, {"query": "Putin", "severity": "high"},
    ])]
    engine = RuleEngine(rules, CATALOGUE)
    for title, text in [(TITLE, TEXT), ("Oil", "Putin spoke."), ("Putin", "Oil and gas.")]:
        together = {r.rule: r for r in engine.analyse(title, text, Context()).hits}
        for rule in rules:
            alone = RuleEngine([rule], CATALOGUE).analyse(title, text, Context()).hits
            assert (rule.name in together) is bool(alone), (title, rule.name)
            if alone:
                assert together[rule.name].evidence == alone[0].evidence
                assert together[rule.name].severity == rule.severity
                assert together[rule.name].channels == rule.channels


def test_terms_match_when_case_folding_changes_a_fields_length() -> None:
    """"ß" folds to "ss": the fields are then folded one by one, not cut from the article."""
    assert matches("putin", title="Große Rede", text="Putin sprach in der Straße.")
    assert matches('title:"große rede"', title="Große Rede", text="Putin sprach.")
    assert not matches("title:putin", title="Große Rede", text="Putin sprach.")
    (hit,) = RuleEngine([_rule(query="body:straße")], CATALOGUE).analyse(
        "Große Rede", "Er sprach. Dann ging er. Die Straße war leer.").hits
    assert hit.evidence.query_matches == ("Straße",)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2040)) |
       st.text(alphabet="abc XYZ_09.,;:!?'\"()-\n\t’‘“”—–…«»·•′″"))
def test_blanking_punctuation_fast_path_agrees_with_the_regex(text: str) -> None:
    """The byte-table path for ASCII text gives what the regular expression gives."""
    assert blank_punctuation(text) == re.sub(r"[^\w\s]", " ", text)


@pytest.mark.parametrize(("query", "title", "text", "expected"), [
    # a weak mention that does not count for its country is not there for queries either
    ("@US", "China's parliament opens", "The Congress will sit for two weeks.", False),
    ("@US", "Budget fight", "Congress passed the bill. The White House welcomed it.", True),
    ("@Q656", "Flights added", "Nonstops link Tampa and St. Petersburg.", False),
    ("@Q656", "Forum opens", "Russian officials gathered in St. Petersburg.", True),
    ("@Q656", "Port reopens", "Ships reached Leningrad.", True),
])
def test_entity_references_see_only_mentions_that_count(query: str, title: str, text: str,
                                                          expected: bool) -> None:
    engine = RuleEngine([_rule(query=query)], CATALOGUE)
    assert engine.analyse(title, text).matched("r") is expected


def test_hundreds_of_query_words_are_found_in_one_pass_with_the_same_verdicts() -> None:
    """Past NEEDLE_SCAN_FROM words the engine finds them with one automaton pass; verdicts
    are those of a small engine that searches word by word."""
    real = [_rule(name=f"r{i}", **kw) for i, kw in enumerate([
        {"query": "sanction* AND @RU"}, {"query": "oil OR gas"}, {"query": "NOT oil"},
        {"query": '"white house" NEAR/5 @CN'}, {"query": "制裁"}, {"query": "bank* AND NOT soil"},
    ])]
    filler = [_rule(name=f"f{i}", query=f"zq{i}word OR title:zr{i}") for i in range(130)]
    big = RuleEngine(filler + real, CATALOGUE)
    small = RuleEngine(real, CATALOGUE)
    assert big._needle_scan is not None and small._needle_scan is None
    texts = [(TITLE, TEXT), ("Oil prices", "Gas is cheap. The soil is dry."),
             ("", "美国对俄罗斯实施新的制裁。"), ("zq7word", "zr3 and zq12word"), ("Nothing", "")]
    for title, text in texts:
        want = {r.rule for r in small.analyse(title, text).hits}
        got = {r.rule for r in big.analyse(title, text).hits}
        assert got - {f.name for f in filler} == want, (title, got, want)
    assert {r.rule for r in big.analyse("zq7word", "zr3 and zq12word").hits} >= {"f7", "f12"}


def test_query_syntax_error_is_a_config_error_with_its_path() -> None:
    with pytest.raises(ConfigError) as info:
        check_rules(parse_config({"rules": [{"name": "ok", "query": "oil"},
                                            {"name": "bad", "query": "oil AND (gas"}]},
                                 env={}))
    ((path, message),) = info.value.problems
    assert path == "rules.1.query" and "column 13" in message


@pytest.mark.parametrize(("query", "expected"), [
    ("@RU AND sanction", False),      # Russia is named, "sanction" only inside a word
    ("NOT @CN", False),               # China is named: only whether, not where
    ("sanctions AND NOT @Q6279", True),
    ("title:(@US NEAR/2 sanctions)", False),  # the US is named, but not in the title
])
def test_entity_positions_are_counted_only_when_a_match_needs_them(query: str,
                                                                   expected: bool) -> None:
    """Counting an entity's token positions is the dear part of a query over a long text:
    it is done only for a query that matches (its spans are the evidence), never for one
    that an absent word or a NOT decides."""
    fields = split_fields(TITLE, TEXT)
    doc = QueryDoc(fields, MATCHER.find(fields), CATALOGUE)
    assert parse_query(query, CATALOGUE).evaluate(doc).matched is expected
    assert not [key for key in doc.memo if type(key[0]).__name__ == "EntityRef"], query


def test_entity_spans_do_not_depend_on_which_refs_were_counted_first() -> None:
    """The refs of an article share their token counts: each ref's spans are those counted
    from the start of the field, whatever was asked before (CJK runs and punctuation too)."""
    title = "Putin, Xi and Biden: Russia–China talks"
    text = ("Russia and China signed a deal. 中俄关系 improved, Moscow said; Beijing agreed. "
            "The United States (Washington) objected. Russia's envoy met Xi again. "
            "Later, Biden spoke about China and Russia.")
    fields = split_fields(title, text)
    refs = ["RU", "CN", "US", "Q7747", "Q15031", "Q6279", "Q649", "Q956"]
    mentions = MATCHER.find(fields)

    def counted_alone(ref: str) -> list[tuple[str, int, int]]:
        doc = QueryDoc(fields, mentions, CATALOGUE)
        return [tuple(s) for s in doc.spans_of(ref)]  # type: ignore[misc]

    want = {ref: counted_alone(ref) for ref in refs}
    assert want["RU"] and want["CN"] and want["US"]
    for order in (refs, refs[::-1], refs[3:] + refs[:3]):
        doc = QueryDoc(fields, mentions, CATALOGUE)
        assert {ref: [tuple(s) for s in doc.spans_of(ref)] for ref in order} == want
    for ref, spans in want.items():  # and they are the tokens of the mentions
        for name, start, end in spans:
            plain = blank_punctuation(fields.get(name).casefold())
            assert len(plain.split()) >= end > start >= 0, (ref, name)
