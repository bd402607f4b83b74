"""The matcher, salience and the default rule, table-driven."""

from __future__ import annotations

import re

import pytest

from monitor.config import RuleConfig
from monitor.errors import RuleError
from monitor.rules.catalogue import load_catalogue, parse_catalogue
from monitor.rules.document import fold
from monitor.rules.engine import RuleEngine
from monitor.rules.evidence import marked
from monitor.rules.matcher import Matcher, required_first, split_fields
from monitor.rules.salience import counted, country_scores, scored_countries
from tests.conftest import shared

CATALOGUE = load_catalogue()
MATCHER = Matcher(CATALOGUE)
RULE = RuleConfig(name="russia-china-us", countries={"at_least": 2})  # type: ignore[arg-type]
ENGINE = RuleEngine([RULE], CATALOGUE)


def countries_in(text: str) -> list[str]:
    out = []
    for m in MATCHER.find_in(text, "body"):
        for eid in m.entity_ids:
            out.append(CATALOGUE.entities[eid].country)
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # case matters where it must
    ("US officials met Chinese diplomats", ["US", "CN"]),
    ("Tell us about it", []),
    ("She collects fine china and silver", []),
    ("CHINA AND RUSSIA SIGN PACT", ["CN", "RU"]),
    # whole words only in spaced scripts
    ("Prussia and Russian", ["RU"]),
    ("a USB port", []),  # (USAID, whole, is the US aid agency: tests/test_spanish_french.py)
    ("Xiomara Castro met Xi", ["CN"]),
    ("Xiaomi phones and Xi", ["CN", "CN"]),  # the company (entities-es-fr.yaml) and Xi
    # blockers: the longest match wins
    ("The Washington Post reported", []),
    ("Washington said", ["US"]),
    ("We ate Chinese food", []),
    ("George Washington crossed the river", []),      # the person
    ("Wildfires in Washington state", []),            # the state is not the capital
    ("Denzel Washington stars", []),
    ("Virginia Woolf's letters and a Tennessee Williams play", []),  # people named after states
    ("Virginia Giuffre sued; Virginia lawmakers met", ["US"]),        # the person, the state
    ("Atlanta, Georgia", ["US"]),                     # the city says it
    ("Georgia's president in Tbilisi", []),           # Georgia alone is ambiguous: no match
    ("Turkey and Russia talk; roast turkey", ["RU"]),
    ("A Chinese-American family in Boston", ["US"]),  # a US story, not a Chinese one
    ("midterms: Midterms", ["US", "US"]),             # lower-case aliases also capitalised
    ("Latin America trade", []),
    # a price in dollars, a place or company named after a country, a sports event
    ("A loan of 300 mln U.S. Dlrs for Indonesia", []),
    ("A LOAN OF 300 MLN U.S. DLRS", []),
    ("Priced in US dollars", []),
    ("A geothermal plant at China Lake", []),
    ("Taiwan's Chinese Petroleum Corp", []),
    ("Halep lost at the U.S. Open", []),
    ("The South China Morning Post said", []),
    # stock tickers: bare or .N/.O is a US quote; another suffix another exchange
    ("EARTHWORM <WORM> ACCEPTS SOVIET INVITATION", ["US", "RU"]),
    ("Lotus Development <LOTS.O> said", ["US"]),
    ("British Petroleum <BP.L> said", []),
    ("Exxon Mobil (NYSE: XOM) said", ["US"]),
    ("Microsoft Corp (MSFT.O) said", ["US"]),
    ("Toyota Motor Corp (7203.T) said", []),
    ("NY TRADERS SAY SOVIETS MADE LARGE SUGAR PURCHASE", ["US", "RU"]),  # NY: New York
    ("Tony and Anny", []),
    # a hard-wrapped wire line still reads as one phrase
    ("officials at the White\nHouse", ["US"]),
    ("at Chinese\nPetroleum's refinery", []),
    # leaders, capitals, institutions
    ("Putin met Xi in the Kremlin", ["RU", "CN", "RU"]),
    ("The White House and the Pentagon", ["US", "US"]),
    # Russian stems take case endings
    ("Встреча Путина и Си Цзиньпина в Москве", ["RU", "CN", "RU"]),
    ("Россия и Китай", ["RU", "CN"]),
    # Chinese has no word boundaries
    ("习近平会见普京", ["CN", "RU"]),
    ("中俄关系", ["RU", "CN"]),
    # other languages' country names
    ("Russland, Vereinigte Staaten; la Chine", ["RU", "US", "CN"]),
])
def test_matcher(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


def test_fields_split_title_lead_body() -> None:
    f = split_fields("Title here", "First sentence. Second one! Third is body. Fourth too.")
    assert (f.title, f.lead, f.body) == ("Title here", "First sentence. Second one!",
                                         "Third is body. Fourth too.")


@pytest.mark.parametrize(("title", "text", "about"), [
    ("Putin hosts Xi in Moscow", "Talks went on for hours.", {"RU", "CN"}),
    ("Local fair opens", "Visitors came. It was sunny. An American tourist won a prize.", set()),
    # body mentions alone fade (each weighs half the one before): never enough on their own
    ("Local fair opens", "Visitors came. It was sunny. Americans, Americans and the U.S. flag "
     "everywhere; America loved it.", set()),
    ("Local fair opens", "American visitors came. It was sunny.", {"US"}),  # the lead counts
    # a passing mention beside a dominant country is below the relative floor
    ("China's parliament meets", "China's premier spoke. Beijing and China's provinces "
     "cheered. China, China. A U.S. diplomat attended.", {"CN"}),
    ("Wheat prices", "The U.S. harvest was poor. Traders sold. Russia was mentioned once.",
     {"US"}),
    # ...but a country named in the lead and again in the body is about, however dominant
    # the other one is (here the US at 25, the Soviet Union at 3)
    ("U.S. SENATORS SEEK TO EXPAND USDA EXPORT BONUS", "Leading U.S. farm state senators want "
     "the U.S. Agriculture Department to widen its export bonus to traditional buyers of U.S. "
     "farm products, including the Soviet Union. The White House has objected. Senators said "
     "the Soviet Union bought little wheat this year.", {"US", "RU"}),
])
def test_salience_and_about(title: str, text: str, about: set[str]) -> None:
    analysis = ENGINE.analyse(title, text)
    assert {c for c, s in analysis.countries.items() if s.about} == about


@pytest.mark.parametrize(("title", "text", "us"), [
    # "Congress" is weak: in a story about China's parliament it is not the US Congress...
    ("China's parliament opens", "Premier Li Peng addressed the National People's Congress. "
     "Delegates cheered. The Congress will sit for two weeks.", False),
    # ...but beside an unambiguous US mention it counts.
    ("Budget fight", "Congress passed the bill. The White House welcomed it.", True),
    # the G.O.P. and Capitol Hill are American whatever else the story names; "Capitol" is not
    ("G.O.P. Senator's Report", "Senator Richard Burr signed it; Republicans may win the House.",
     True),
    ("Hearing on Capitol Hill", "Senators questioned the witness.", True),
    ("Capitol reopens", "The state Capitol in Havana reopened to visitors.", False),
])
def test_weak_aliases_need_a_strong_mention(title: str, text: str, us: bool) -> None:
    analysis = ENGINE.analyse(title, text)
    assert ("US" in analysis.countries) is us


@pytest.mark.parametrize(("title", "text", "ru"), [
    # "St. Petersburg" alone may be the Florida city...
    ("Southwest adds flights", "Nonstops link Houston with Tampa and St. Petersburg.", False),
    # ...it counts for Russia beside an unambiguous Russian mention; Leningrad always does.
    ("Forum opens", "Russian officials gathered in St. Petersburg.", True),
    ("Port reopens", "Ships reached Leningrad.", True),
])
def test_st_petersburg_needs_russia_named(title: str, text: str, ru: bool) -> None:
    assert ("RU" in ENGINE.analyse(title, text).countries) is ru


def test_seed_story_is_about_all_three_with_named_evidence() -> None:
    text = shared("seed/seed-article.txt").read_text("utf-8")
    analysis = ENGINE.analyse("", text)
    assert {c for c, s in analysis.countries.items() if s.about} == {"RU", "CN", "US"}
    (hit,) = analysis.hits
    names = {e.name for c in hit.evidence.countries.values() for e in c.entities}
    assert {"Xi Jinping", "Vladimir Putin", "Moscow", "the White House", "John Kirby",
            "Jake Sullivan"} <= names
    assert 1 <= len(hit.evidence.snippets) <= 3
    first = marked(hit.evidence.snippets[0])
    assert "[" in first and "]" in first


def test_a_query_rules_first_snippet_shows_what_the_query_matched() -> None:
    """Sentences richer in entities must not push out the one that says why the rule fired."""
    text = shared("seed/seed-article.txt").read_text("utf-8")
    engine = RuleEngine([RuleConfig.model_validate({"name": "q",
                                                    "query": "sanction* NEAR/10 @RU"})],
                        CATALOGUE)
    (hit,) = engine.analyse("", text).hits
    assert "[sanctions]" in marked(hit.evidence.snippets[0])


def test_unrelated_story_does_not_fire() -> None:
    analysis = ENGINE.analyse("Rain expected over the weekend",
                              "Forecasters expect heavy rain. Farmers welcomed it.")
    assert analysis.hits == [] and not analysis.matched("russia-china-us")


def _group(**entity: object) -> dict[str, object]:
    return {"groups": [{"country": "RU", "entities": [entity]}]}


@pytest.mark.parametrize(("data", "message"), [
    ({}, "groups"),
    (_group(id="x", name="X", country="FR"), "unknown country"),
    ({"groups": [{"entities": [{"id": "x", "name": "X"}]}]}, "needs a country"),
    (_group(id="x"), "missing 'name'"),
    ({"groups": [{"country": "RU", "entities": [{"id": "x", "name": "X"},
                                                {"id": "x", "name": "Y"}]}]}, "duplicate"),
    (_group(id="x", name="X", en="X"), "must be a list"),
    (_group(id="x", name="X", patterns=["<[A-Z"]), "bad pattern"),
    (_group(id="x", name="X", weak_aliases="X"), "weak_aliases must be a list"),
])
def test_catalogue_validation(data: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_catalogue(data)


def test_every_entity_has_a_country_and_a_unique_id() -> None:
    assert len(CATALOGUE.entities) > 250
    for ent in CATALOGUE.entities.values():
        assert ent.weights and set(ent.weights) <= {"RU", "CN", "US"}


@pytest.mark.parametrize(("title", "text", "cn"), [
    # state media cited as a source do not make a story Chinese...
    ("Pyongyang welcomes talks", "North Korea welcomed contact with U.S. diplomats, the "
     "official New China News Agency said.", False),
    # ...beside China named, they count (and are evidence).
    ("Beijing responds", "China rejected the report, Xinhua said.", True),
])
def test_state_media_alone_are_a_source_not_a_subject(title: str, text: str, cn: bool) -> None:
    assert ("CN" in ENGINE.analyse(title, text).countries) is cn


# Articles whose countries come from every path into the scores: a plain name, a related
# entity alone (Ukraine, NATO), a weak alias with and without a strong one, a name restated
# in brackets, a mention naming two countries, none at all.
LAZY_ROWS = [
    ("Putin hosts Xi in Moscow", "Talks went on for hours. Russia and China signed deals."),
    ("Kyiv under fire", "Ukraine said drones hit the capital. NATO met in Brussels."),
    ("Budget fight", "Congress passed the bill. The White House welcomed it."),
    ("China's parliament opens", "Delegates cheered. The Congress will sit for two weeks."),
    ("Rates", "The president flew home from the United States (US) on Monday."),
    ("中俄会谈", "中俄两国签署协议。"),
    ("Harvest report", "The weather was mild and the harvest good."),
    ("U.S. SENATORS SEEK TO EXPAND USDA EXPORT BONUS", "Leading U.S. farm state senators want "
     "the U.S. Agriculture Department to widen its export bonus to buyers of U.S. farm "
     "products, including the Soviet Union. Senators said the Soviet Union bought little."),
]
LAZY_RULES = [RuleConfig.model_validate(r) for r in (
    {"name": "two-of-three", "countries": {"at_least": 2}},
    {"name": "ru-cn-strong", "countries": {"at_least": 2, "of": ["RU", "CN"]},
     "min_salience": 3},
    {"name": "us-any", "countries": {"at_least": 1, "of": ["US"]}, "min_salience": 0.1},
    {"name": "ukraine", "query": "@Q212 OR Ukraine"},
    {"name": "us-query", "query": "@US", "countries": {"at_least": 1, "of": ["US"]}},
)]
LAZY_ENGINE = RuleEngine(LAZY_RULES, CATALOGUE)


@pytest.mark.parametrize(("title", "text"), LAZY_ROWS)
def test_the_countries_scored_are_known_before_any_is_weighed(title: str, text: str) -> None:
    """Which countries get a score is read without weighing a mention, and it is exactly
    the countries that weighing scores: rules that need no salience skip the weighing."""
    fields = split_fields(title, text)
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    assert scored_countries(mentions, CATALOGUE, fields) == set(
        country_scores(mentions, CATALOGUE, fields=fields))


@pytest.mark.parametrize(("title", "text"), LAZY_ROWS)
def test_salience_worked_out_on_demand_is_what_explain_works_out(title: str,
                                                                 text: str) -> None:
    """The rules that fire, their evidence and the article's countries are the same whether
    salience is worked out only where a rule needs it or for every rule (``explain``)."""
    lazy = LAZY_ENGINE.analyse(title, text)
    hits = [(r.rule, r.score, r.evidence) for r in lazy.hits]
    eager = LAZY_ENGINE.analyse(title, text, explain=True)
    assert hits == [(r.rule, r.score, r.evidence) for r in eager.hits]
    fields = split_fields(title, text)
    assert lazy.countries == country_scores(counted(MATCHER.find(fields), CATALOGUE),
                                            CATALOGUE, fields=fields) == eager.countries


def _fold_char_by_char(text: str) -> str:
    """The definition: each character case-folded, unless that would change its length."""
    return "".join(f if len(f := ch.casefold()) == 1 else ch for ch in text)


@pytest.mark.parametrize("text", [
    "Plain ASCII, With Capitals.", "", "It’s “quoted” — and…", "Straße STRASSE", "İstanbul",
    "ﬁne ﬂour", "Москва и ПЕКИН", "Café in the Élysée", "中俄 and the U.S.", "ΣΊΣΥΦΟΣ",
    "lone \ud800 surrogate", "Ǆ digraph", "x" * 40 + "É",
])
def test_query_text_is_folded_character_by_character(text: str) -> None:
    """Queries see the article case-folded with its offsets kept, whatever its script."""
    assert fold(text) == _fold_char_by_char(text)
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(("pattern", "first"), [
    (r"<[A-Z]{1,5}(?:\.[NOA])?>", "<"),
    (r"\([A-Z]{1,5}\.(?:N|O|OQ|A)\)", "("),
    (r"\((?:NYSE|NASDAQ)\s*:\s*[A-Z]+\)", "("),
    ("米(?<![北南]米)(?=[ァ-ヺA-Z])", "米"),
    ("ab+", "a"),
    ("a+b", "a"),
    # no plain first character: optional, a class, a group, an escape class, alternation
    ("a?b", None), ("a*b", None), ("a{0,2}b", None), ("[ab]c", None), ("(a)b", None),
    (r"\dA", None), ("a|b", None), ("ab|c", None), ("[](]|x", None), (r"a[\]|]|x", None),
    ("b[a]|x", None), ("b[^]a]|x", None), (r"b[\]]|x", None), ("b[|]c", "b"), (r"b\|c", "b"),
    (".a", None), ("^a", None), ("(?i)a", None),
])
def test_a_pattern_is_run_only_where_its_first_character_is(pattern: str,
                                                            first: str | None) -> None:
    """A catalogue pattern is skipped over text without the character all its matches start
    with; where none is plain from the pattern, it is always run."""
    assert required_first(re.compile(pattern)) == first


def test_every_shipped_pattern_starts_with_a_literal() -> None:
    """A shipped pattern without a plain first character runs over every field of every
    article: one that opened with lookbehinds (the US Treasury's) nearly doubled the cost of
    matching (bench.rules_vs_extraction, 1 rule: 0.14 -> 0.26 ms a page). Put the literal first
    and the lookbehinds after it."""
    slow = [p.regex.pattern for p in load_catalogue().patterns if required_first(p.regex) is None]
    assert slow == []


def test_a_case_insensitive_pattern_has_no_required_character() -> None:
    assert required_first(re.compile("ab", re.IGNORECASE)) is None
    assert required_first(re.compile(" a", re.VERBOSE)) is None
