"""English and Japanese knowledge a desk analyst uses: a politician's bare surname, the forms
of a country's name that Japanese headlines abbreviate, and the words in which a country's
name only says where a thing comes from. Table-driven: each row is a sentence written for
the test and the countries (RU, CN, US) an analyst would call the story about."""

from __future__ import annotations

import pytest

from monitor.rules.catalogue import parse_catalogue
from monitor.rules.engine import RuleEngine
from tests.about_support import CN, ENGINE, NONE, RU, RULE, US, about
from tests.about_support import table as _table

# A bare surname is the politician where the story names the politician otherwise, or the
# country's politics by an unambiguous name or a party; a namesake elsewhere is not.
SURNAMES = [
    ("Harris concedes the election to Trump", "", US),
    ("Pundits red-faced after calling it for Harris",
     "The Democrats trusted pundits who all called the election for Harris.", US),
    ("Vice President Harris visits Manila", "", US),
    ("Walz and Vance clash in debate", "The Republicans praised Vance afterwards.", US),
    ("Carter dies at 100", "Jimmy Carter, the 39th president, died at home in Plains.", US),
    # namesakes: a footballer, a defendant before another country's court
    ("Harris scores twice as Sheffield beat Leeds", "Harris, 24, found the net twice.", NONE),
    ("Harris jailed for fraud", "The Supreme Court upheld the sentence against Harris.", NONE),
    ("Carter scores a hat-trick", "Carter, the Wales striker, scored three times.", NONE),
    ("Warren Gatland names his squad", "Warren picked four new caps for the tour.", NONE),
    # A party word or "midterms" is the US's beside the US or where no other country is named:
    # another country's story may have its own Democrats and midterms.
    ("Milei courts Beijing before the vote",
     "Ahead of Argentina's midterm elections, Milei met Chinese officials; Sanders, an analyst "
     "at Fitch, said the peso would weaken.", CN),
    ("Democrats in Seoul pick a negotiator",
     "South Korea's Democratic Party named Harris to lead talks with China.", CN),
    ("Democrat Harris meets Chinese envoy", "The talks with China lasted two hours.", CN | US),
    ("Chinese envoy meets Republicans",
     "Republicans hosted the envoy from China; Sen. Sanders joined them.", CN | US),
    ("Harris courts Chinese investors", "The Democrats in Washington welcomed the plan.",
     CN | US),
    # ... and a surname before another capitalised name is a first name or a firm's name.
    ("Democrats in Seoul pick a negotiator",
     "The Democratic Party named lawmaker Harris Kim to lead talks with China.", CN),
    ("Kerry Group expands in China", "Kerry said the Democrats' budget would not hurt.", CN),
    ("French minister visits Moscow",
     "Jean-Pierre Raffarin met Russian officials; the Democrats were not mentioned.", RU),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(SURNAMES))
def test_a_bare_surname_is_the_politician_only_where_the_story_says_so(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


def test_a_surname_established_in_the_text_weighs_as_a_mention() -> None:
    """"Sullivan met Wang Yi ... Sullivan said" names Jake Sullivan twice: the second time
    counts, in the evidence as in the salience."""
    analysis = ENGINE.analyse("Talks in Bangkok", "Jake Sullivan met Wang Yi on Friday. "
                              "Sullivan said the talks were candid.")
    assert analysis.countries["US"].entities == {"jake-sullivan": 2}


def test_a_catalogue_entry_may_list_surnames() -> None:
    catalogue = parse_catalogue({"groups": [{"country": "US", "kind": "official", "entities": [
        {"id": "x", "name": "Jane Roe", "en": ["Jane Roe"], "surnames": ["Roe"]}]}]})
    roe = next(a for a in catalogue.aliases if a.text == "Roe")
    assert roe.surname and roe.entity_ids == ("x",)


# Japanese headlines abbreviate the countries to one character: 米 (the US), 露 (Russia), 中
# (China) in compounds; the same characters are rice, dew and "middle" in other words.
JAPANESE = [
    ("米、対イラン制裁を強化", "", US),
    ("露、ウクライナ東部を攻撃", "", RU),
    ("露がミサイル発射", "", RU),
    ("北朝鮮兵、露西部に展開", "", RU),
    ("露ノバテクが増産", "", RU),
    ("露当局が記者を拘束", "", RU),
    ("在露日本大使館が注意喚起", "", RU),
    # US shares and rates in a Tokyo market report are what moved it, as a price benchmark
    ("東京株が続伸、米株高で買い安心感", "", NONE),
    ("日中友好の催し", "", CN),
    ("中比の艦船が衝突", "", CN),
    # ... not rice, dew or the middle
    ("米が高騰、農家に恩恵", "", NONE),
    ("米、麦、大豆の価格が上昇", "", NONE),
    # ... rice inside a list (after 、 or ，) or before another crop; a headline's 米、 stays
    ("中国が大豆、小麦、米、トウモロコシの輸入を拡大", "", CN),
    ("米、トウモロコシ、大豆の価格が上昇", "", NONE),
    ("パン、米、麺の消費が増加", "", NONE),
    ("うどん，米，そばの売り上げ", "", NONE),
    ("米、ジャガイモの値上がり続く", "", NONE),
    ("米、大麦の作付面積が減少", "", NONE),
    ("米、対中関税を引き上げ", "", CN | US),
    ("米，イラン産原油の輸入を制裁", "", US),
    ("米の価格が上昇", "", NONE),
    ("披露宴でサプライズを披露", "", NONE),
    ("暴露本が話題に", "", NONE),
    ("結露対策グッズが人気", "", NONE),
    ("披露パーティーを開催", "", NONE),
    ("露天風呂付きの宿", "", NONE),
    # Japan's Chūgoku region and its companies are not China
    ("中国山地で大雪", "", NONE),
    ("中国四国地方で大雨", "", NONE),
    ("中国5県の知事が会合", "", NONE),
    ("中国放送の番組", "", NONE),
    ("中国経済連合会の会長が就任", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(JAPANESE))
def test_japanese_abbreviations_and_what_hides_them(title: str, text: str,
                                                    want: set[str]) -> None:
    assert about(title, text) == want


# A language, a cuisine, a birthplace: where a person or a thing comes from, not the country
# acting; the country acting stays a subject.
ORIGINS = [
    ("A Russian-speaking community in Haifa grows", "", NONE),
    ("The novel was translated into Chinese", "", NONE),
    ("She is fluent in Russian, and in Farsi", "", NONE),
    ("Russia speaks of talks", "", RU),
    ("Chinese investment in Kenya rises", "", CN),
    ("ロシア語の授業が人気", "", NONE),
    ("中国料理店が閉店", "", NONE),
    ("米国出身の歌手が来日", "", NONE),
    ("ロシアが東部を攻撃", "", RU),
    ("中国が南シナ海で演習", "", CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(ORIGINS))
def test_a_language_a_cuisine_a_birthplace_are_origins(title: str, text: str,
                                                       want: set[str]) -> None:
    assert about(title, text) == want


def test_a_first_name_is_not_a_politicians_surname() -> None:
    """"Warren Buffett" beside the White House is the investor, not Senator Warren."""
    analysis = ENGINE.analyse("Warren Buffett visits the White House", "")
    assert "elizabeth-warren" not in analysis.countries["US"].entities


def test_a_desk_adds_a_ministers_surname_in_its_config() -> None:
    """``entities:`` takes ``surnames`` with the catalogue's meaning: the new minister's bare
    surname counts beside the full name, and not alone."""
    from monitor.config.models import EntityConfig
    from monitor.rules.user_entities import merged_catalogue

    catalogue = merged_catalogue([EntityConfig.model_validate(
        {"name": "Jane Roe", "country": "US", "kind": "official",
         "aliases": {"en": ["Jane Roe"]}, "surnames": ["Roe"]})])
    engine = RuleEngine([RULE], catalogue)
    full = engine.analyse("Jane Roe sworn in", "Roe said she would travel.")
    alone = engine.analyse("Roe wins the race", "Roe said she was tired.")
    assert full.countries["US"].entities == {"jane-roe": 2}
    assert "US" not in alone.countries


# Japanese sports, magazines, New York's futures, and the drivers of Tokyo's market.
JAPANESE_ROLES = [
    ("ドジャース大谷が50本塁打、米国の野球ファン熱狂", "", NONE),
    ("米国でハリケーン被害", "", US),
    ("米誌タイムの表紙に", "", NONE),
    ("露紙が報じた", "", NONE),
    ("NY原油が上昇", "", NONE),
    ("東京株、米ハイテク株高を好感", "", NONE),
    ("東証、中国経済の減速懸念で反落", "", NONE),
    ("米アップル株が最高値", "", US),
    ("中国経済が減速", "", CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(JAPANESE_ROLES))
def test_japanese_sports_sources_benchmarks_and_drivers(title: str, text: str,
                                                         want: set[str]) -> None:
    assert about(title, text) == want


def test_a_japanese_body_of_one_paragraph_counts_by_sentences() -> None:
    """Japanese writes no space after 。: a body of one paragraph still has sentences, and a
    country discussed in most of them is what the article is about."""
    body = ("ロシア軍は東部で攻勢を強めた。住民の避難が続いている。ロシア国防省は戦果を発表した。"
            "専門家は長期化を予想する。ロシアの経済は打撃を受けている。ロシアは交渉を拒んだ。")
    text = "現地では混乱が続いている。多くの人が不安を訴えた。" + body
    assert about("戦況の行方", text) == RU


# An English market headline names what moved the market after a word of cause; the country
# acting stays a subject, and so does a market that is the country's own.
ENGLISH_DRIVERS = [
    ("Sensex tanks on weak US cues", "", NONE),
    ("Crude oil climbs on US inventory draw", "", NONE),
    ("Gold prices rise ahead of US Fed decision",
     "Gold rose as traders awaited the central bank's decision.", NONE),
    ("Rupee recovers as China data lifts sentiment", "", NONE),
    ("Stocks fall as US imposes tariffs on China", "", {"US", "CN"}),
    ("U.S. stocks fall as the Fed signals more hikes", "", US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(ENGLISH_DRIVERS))
def test_an_english_market_headline_names_its_drivers(title: str, text: str,
                                                      want: set[str]) -> None:
    assert about(title, text) == want


# Japanese lifestyle and culture: where a trend is popular, a country's performers and
# national team, where a person studied or lives; the state acting stays a subject.
JAPANESE_CULTURE = [
    ("アメリカで人気のスイーツが上陸", "", NONE),
    ("中国で話題のアニメ映画", "", NONE),
    ("ロシアのバレエ団が来日公演", "", NONE),
    ("米国代表が金メダル", "", NONE),
    ("米国の大学に留学した学生の体験記", "", NONE),
    ("中国在住の日本人に注意喚起", "", NONE),
    ("中国の代表団が来日", "", CN),
    ("中国で日本人を拘束", "", CN),
    ("米国でハリケーン被害拡大", "", US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(JAPANESE_CULTURE))
def test_japanese_trends_performers_and_biographies(title: str, text: str,
                                                     want: set[str]) -> None:
    assert about(title, text) == want
