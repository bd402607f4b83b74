"""English precision: who only *tells* a story is not what it is about, and the whole article
counts. Table-driven; each row is a story a desk analyst would judge as stated."""

from __future__ import annotations

import pytest

from monitor.config import RuleConfig
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.matcher import split_fields
from monitor.rules.roles import Role, roles
from monitor.rules.salience import _units

CATALOGUE = load_catalogue()
RULE = RuleConfig(name="russia-china-us", countries={"at_least": 2})  # type: ignore[arg-type]
ENGINE = RuleEngine([RULE], CATALOGUE)


def about(title: str, text: str) -> set[str]:
    return {c for c, s in ENGINE.analyse(title, text).countries.items() if s.about}


def role_of(title: str, text: str, mention: str) -> Role:
    analysis = ENGINE.analyse(title, text)
    for m, role in zip(analysis.mentions, roles(analysis.mentions, analysis.fields, CATALOGUE),
                       strict=True):
        if m.text == mention:
            return role
    raise AssertionError(f"{mention!r} not found in {[m.text for m in analysis.mentions]}")


@pytest.mark.parametrize(("title", "text", "mention", "role"), [
    # the source of a claim or of figures
    ("Rice crop seen lower", "Vietnam's rice crop will shrink, U.S. officials said.", "U.S.",
     Role.SOURCE),
    ("Rice crop seen lower", "Vietnam's crop will shrink, the U.S. Agriculture Department said.",
     "Agriculture Department", Role.SOURCE),
    ("Rice crop seen lower", "Vietnam's crop will shrink, the U.S. Agriculture Department said.",
     "U.S.", Role.SOURCE),  # chained to the agency: one noun phrase
    ("Floods in China", "Dozens died, according to Xinhua.", "Xinhua", Role.SOURCE),
    ("Floods in Laos", "Dozens died, according to a report by the CIA.", "CIA", Role.SOURCE),
    ("Sudan talks", "The CIA director told senators the talks had failed.", "CIA", Role.SOURCE),
    ("INDIA WHEAT CROP SEEN LOWER -- USDA", "India's wheat crop will fall.", "USDA", Role.SOURCE),
    ("KENYA COFFEE EXPORTS UP-U.S. REPORT", "Kenya exported more.", "U.S.", Role.SOURCE),
    ("USDA ESTIMATES EGYPT WHEAT IMPORTS", "Egypt will buy more.", "USDA", Role.SOURCE),
    # ... the abbreviation in brackets part of the source's name, and where it sits
    ("Malaria in Laos", "Cases rose, according to the Centers for Disease Control (CDC) in the "
     "U.S.", "CDC", Role.SOURCE),
    ("Malaria in Laos", "Cases rose, according to the Centers for Disease Control (CDC) in the "
     "U.S.", "U.S.", Role.SOURCE),
    ("Malaria in Laos", "Cases rose, the Centers for Disease Control (CDC) said.", "CDC",
     Role.SOURCE),
    ("Malaria in Laos", "The Centers for Disease Control (CDC) sent a team.", "CDC",
     Role.SUBJECT),
    # a dateline, a venue
    ("Pakistan bonds", "MOSCOW, March 3 (Reuters) - Pakistan sold bonds. Dealers were calm.",
     "MOSCOW", Role.VENUE),
    ("Sudan vote", "Delegates voted at the U.N. in New York on Tuesday.", "New York",
     Role.VENUE),
    ("Iran grain", "Iran bought wheat, the agriculture counselor at the embassy in Moscow said.",
     "Moscow", Role.VENUE),
    # a ticker of a company that is not American: New York is only where it also trades
    ("NORTHERN TELECOM <NT> IN PACT", "Northern Telecom Ltd signed a contract.", "<NT>",
     Role.VENUE),
    ("LOTUS <LOTS> IN PACT", "Lotus Development Corp signed a contract.", "<LOTS>",
     Role.SUBJECT),
    # a demonym naming a person or an audience
    ("Life in wartime", "An American in Kyiv tells her story.", "American", Role.PERSON),
    ("Museum reopens", "Chinese tourists queued for hours.", "Chinese", Role.PERSON),
    ("Basketball", "The U.S. men's team beat Serbia.", "U.S.", Role.PERSON),
    ("Figure skating", "Russian Olympic skaters were banned.", "Russian", Role.PERSON),
    # where a person or a thing comes from
    ("Concert review", "The Russian-born pianist played Chopin.", "Russian", Role.ORIGIN),
    ("Gulf tension", "Iran deployed Chinese-built missiles.", "Chinese", Role.ORIGIN),
    ("Ballet", "She is the first principal dancer from China in the company.", "China",
     Role.ORIGIN),
    ("Cars", "It has NASA-inspired seats.", "NASA", Role.ORIGIN),
    ("Trade", "Imports from China rose.", "China", Role.SUBJECT),
    # a place in the name of a company with a legal form of elsewhere
    ("Singapore banks", "Oversea-Chinese Banking Corp Ltd cut its rates.", "Chinese",
     Role.NAMED),
    ("Contracts", "It signed with Sino-US Medical Specialties Ltd in Hong Kong.", "US",
     Role.NAMED),
    ("Soviet loan", "First Chicago Ltd said it was the sole arranger.", "Chicago", Role.NAMED),
    ("Rights offering", "American Resource Corp Ltd said the board approved it.", "American",
     Role.NAMED),
    ("OVERSEA-CHINESE BANKING CORP LTD <OCBM.SI> YEAR", "Net profit rose 12 pct.", "CHINESE",
     Role.NAMED),  # a wire headline in capitals: the legal form too
    ("Hong Kong hotels", "Its associate Chinese Estates Ltd lost 25 cents.", "Chinese",
     Role.NAMED),
    # one row of a table or of a breakdown of figures
    ("THAI RUBBER EXPORTS RISE", "Buyers were Japan 90,100 (85,200), China 69,952 (60,296) "
     "and West Germany 32,172 (25,909).", "China", Role.LISTED),
    ("SOVIET STATE BANK RATES", "ROUBLES PER HUNDRED UNLESS STATED U.S.      63.85   (63.60) "
     "STG     103.47  (102.56)", "U.S.", Role.LISTED),
    ("ROUEN EXPORTS FALL", "It comprised 59,500 tonnes of wheat for China, 53,000 of wheat for "
     "the Soviet Union and 24,500 for Italy.", "China", Role.LISTED),
    ("ROUEN EXPORTS FALL", "It comprised 59,500 tonnes of wheat for China, 53,000 of wheat for "
     "the Soviet Union and 24,500 for Italy.", "Soviet Union", Role.LISTED),
    # the other side of a comparison
    ("Mexico hub", "Officials want a manufacturing hub that can rival China.", "China",
     Role.ORIGIN),
    ("Truss on Ukraine", "Her language went beyond that of the U.S. and other allies.", "U.S.",
     Role.ORIGIN),
    ("Chip exports", "Japan now exports more chips than the United States.", "United States",
     Role.ORIGIN),
    ("Growth", "Unlike China, India cut rates.", "China", Role.ORIGIN),
    ("Trade", "China's exports rose more than expected.", "China's", Role.SUBJECT),
    # ...not a single sale, nor a figure for the country alone
    ("CORN SALES", "Exporters sold 900,000 tonnes of corn to the Soviet Union, USDA said.",
     "Soviet Union", Role.SUBJECT),
    ("CAR EXPORTS", "It will export 450,000 cars, including 250,000 to the U.S., it said.",
     "U.S.", Role.SUBJECT),
    # ...not an American company's plain name, nor a place before another company's name
    ("Steel prices", "U.S. Steel Corp raised its prices.", "U.S.", Role.SUBJECT),
    ("Steel", "China sold steel to Kimal Scientific Products Ltd.", "China", Role.SUBJECT),
    # a company as the platform a show is watched or a video posted on
    ("Royal interview", "While the world was watching the new season of the drama on Netflix, "
     "the prince spoke.", "Netflix", Role.ORIGIN),
    ("Watch the debate live on Facebook", "", "Facebook", Role.ORIGIN),
    ("Protest video", "She posted the video via Facebook.", "Facebook", Role.ORIGIN),
    # ...not the company that something is done to, nor the company acting
    ("Fines", "The EU imposed a record fine on Google.", "Google", Role.SUBJECT),
    ("Strike", "Unions piled pressure on Boeing.", "Boeing", Role.SUBJECT),
    ("Prices", "Netflix raised its prices in Europe.", "Netflix", Role.SUBJECT),
    # ...but the plain subject stays a subject
    ("Sanctions", "The U.S. imposed sanctions on Iran.", "U.S.", Role.SUBJECT),
    ("Troops", "Russian troops crossed the border.", "Russian troops", Role.SUBJECT),
    ("Talks", "Putin told reporters he was ready.", "Putin", Role.SUBJECT),
    ("Budget", "China's economy grew 5 percent, officials said.", "China's", Role.SUBJECT),
])
def test_role_of_a_mention(title: str, text: str, mention: str, role: Role) -> None:
    assert role_of(title, text, mention) is role


@pytest.mark.parametrize(("text", "expected"), [
    # sports teams named after a US city or state
    ("The Washington Capitals beat the Boston Bruins.", []),
    ("The Chicago Cubs and the Texas Rangers", []),
    ("Washington said the talks in Chicago went well.", ["US", "US"]),
    # price benchmarks and currency units
    ("U.S. crude rose 2 percent; West Texas Intermediate hit $90.", []),
    ("Shares priced at 40 U.S. cents", []),
    # companies named after a place they are not of; Bank of China and Air China are Chinese
    ("Hongkong and Shanghai Banking Corp raised its prime rate.", []),
    ("China Light and Power will build a plant.", []),
    ("Bank of China and Air China signed a deal.", ["CN", "CN"]),
    # an athlete who shares a leader's name
    ("Daniil Medvedev won in straight sets.", []),
    # a language named after a country is not the country
    ("Orders of its TianMa Chinese Language word processor rose.", []),
    ("A Russian-language newspaper in Riga closed.", []),
    ("The app now supports Simplified Chinese and American Sign Language.", []),
    ("Dmitry Medvedev threatened Kyiv.", ["RU"]),
])
def test_blockers(text: str, expected: list[str]) -> None:
    out = []
    for m in ENGINE.matcher.find_in(text, "body"):
        out += [CATALOGUE.entities[e].country for e in m.entity_ids]
    assert [c for c in out if c] == expected


@pytest.mark.parametrize(("title", "text", "countries"), [
    # a country that only tells the story is not what it is about
    ("CHINESE PORK OUTPUT SEEN LOWER -- USDA", "High feed prices will make Chinese farmers "
     "cut hog herds this year, the U.S. Agriculture Department said. Pork output will fall.",
     {"CN"}),
    ("Soviet grain imports seen higher", "The Soviet Union will import more wheat this year, "
     "U.S. officials said. Soviet buyers have been active.", {"RU"}),
    ("Soviet grain crop forecast", "Soviet wheat output will reach 90 mln tonnes, according "
     "to the U.S. Agriculture Department. The Soviet crop was larger last year.", {"RU"}),
    # Ukraine alone is not Russia; NATO or the West alone not the US
    ("Blinken visits Ukraine", "The secretary of state pledged more aid to Ukraine.", {"US"}),
    ("Ukraine's harvest", "Ukraine's farmers brought in the grain. Kyiv welcomed it.", set()),
    ("The West's illusions about Gorbachev", "Mikhail Gorbachev dreamed of a common European "
     "home. It never came.", {"RU"}),
    ("NATO ministers meet", "NATO defense ministers met in Brussels. The West is united.",
     set()),
    # ...but with the country named, they count towards it
    ("Russia shells Ukraine", "Russian forces shelled Kharkiv. Ukraine asked NATO for help.",
     {"RU"}),
    # a dateline or a venue alone
    ("Pakistan sells bonds", "MOSCOW, March 3 (Reuters) - Pakistan sold bonds. Dealers were "
     "calm.", set()),
    ("Sudan vote", "Delegates voted at the U.N. in New York. Sudan's envoy objected.", set()),
    # a company named after a place it is not of, with a legal form of elsewhere
    ("VNESHTORGBANK SEEKS LOAN", "Vneshtorgbank, the Soviet foreign trade bank, seeks a loan. "
     "First Chicago Ltd said it was the arranger. The loan runs seven years. First Chicago "
     "later named the managers.", {"RU"}),
    ("Singapore banks cut rates", "Oversea-Chinese Banking Corp Ltd and United Overseas Bank "
     "Ltd cut rates, Singapore dealers said. Oversea-Chinese Banking Corp Ltd led.", set()),
    # rows of a table, items of a breakdown by destination
    ("FRENCH CEREAL EXPORTS UP", "Rouen shipped 120,000 tonnes of wheat, sources said. They "
     "include 30,000 tonnes for China, 31,000 for the Soviet Union, 25,000 for Turkey, and "
     "35,000 for Italy. A ship is loading 17,000 tonnes of colza for the Soviet Union. "
     "Loadings next week will include 20,000 tonnes for China, 15,000 for Spain.", set()),
    ("USSR EXCHANGE RATES - SOVIET STATE BANK", "ROUBLES PER HUNDRED UNLESS STATED U.S.    "
     "63.85   (63.60) STG    103.47   (102.56) DMK    35.06   (35.43)", {"RU"}),
    # the other side of a comparison
    ("The U.S. Touts Big Investments for Mexico", "U.S. officials are looking south for a "
     "partner to create a manufacturing hub that can rival China.", {"US"}),
    # a demonym naming a person or an audience
    ("Life in wartime Kyiv", "An American in Kyiv tells her story. Sirens sound at night.",
     set()),
    # a traveller's journeys name where he went, not what the story is about
    ("A leader's last days", "His staff flew him back home from the United States. The "
     "speaker recalled the calls.\nThe plane flew to the US on 24 January.\nHe left for his "
     "medical trip to the US.\nThe cabinet met on Monday.", set()),
    # one supplier in a list of others is not what a story about US corn is about
    ("STRONG DEMAND FOR U.S. CORN IN JAPAN", "Japan is buying less corn from China, Argentina "
     "and South Africa and more from the United States, traders said.", {"US"}),
    # a foreign company's name, said again: not the country acting
    ("Hotel shares soar", "Shares of China Entertainment and Land Investment Co Ltd rose, "
     "dealers said. China Entertainment gained five cents. China Entertainment denied any "
     "link with the bidder.", set()),
    # the story this product exists for still is about all three
    ("Xi and Putin meet in Moscow", "China's leader met Russia's president. U.S. officials "
     "said they were concerned, and the White House warned Beijing.", {"RU", "CN", "US"}),
])
def test_who_the_story_is_about(title: str, text: str, countries: set[str]) -> None:
    assert about(title, text) == countries


def _article(lead: str, paragraphs: list[str]) -> str:
    return "\n".join([lead, *paragraphs])


# A full article (as trafilatura gives it): title and lead about China's economy.
LEAD = "China's economy slowed in the third quarter. Beijing promised more support."
FILLER = ["Factories in the south reported weaker orders.", "Retail sales grew slowly.",
          "Property developers struggled to pay their debts.", "Economists expect more cuts."]


@pytest.mark.parametrize(("paragraphs", "us"), [
    # the United States discussed through the body, after the lead: about
    (["Exports to the United States fell 12 percent.", FILLER[0],
      "Washington raised tariffs on Chinese steel in May.", FILLER[1],
      "The Biden administration said more curbs were coming.", FILLER[2],
      "American buyers of Chinese goods have turned to Vietnam and Mexico."], True),
    # ... also in a long article of many short paragraphs, named in three of nineteen
    ([*FILLER, "Chinese exporters cut prices.", *FILLER[:2], "Beijing cut rates again.",
      "Exports to the United States fell 12 percent.", *FILLER,
      "Washington raised tariffs on Chinese steel in May.", *FILLER[:2],
      "China's yuan weakened.", "The Biden administration said more curbs were coming.",
      FILLER[0]], True),
    # a single passing body mention: not
    ([*FILLER[:2], "Some analysts compared it with the U.S. in 2008.", *FILLER[2:]], False),
    # two passing mentions in a long article: still not
    ([FILLER[0], "A U.S. bank cut its forecast.", *FILLER[1:], FILLER[0], FILLER[1],
      "Shares rose in New York.", *FILLER[2:]], False),
])
def test_the_whole_article_counts(paragraphs: list[str], us: bool) -> None:
    countries = about("China's growth slows", _article(LEAD, paragraphs))
    assert "CN" in countries
    assert ("US" in countries) is us


# Named in three of eleven body paragraphs (27%): the body discusses the United States.
SPREAD_OUT = [FILLER[0], "Exports to the United States fell 12 percent.", FILLER[1], FILLER[2],
              "Washington raised tariffs on Chinese steel in May.", FILLER[3], FILLER[0],
              "The Biden administration said more curbs were coming.", *FILLER[1:]]


@pytest.mark.parametrize("between", ["\n", "\n\n", "\n \n", "\r\n\r\n", "\n\n\n"])
def test_blank_lines_between_paragraphs_are_no_paragraphs(between: str) -> None:
    countries = about("China's growth slows", between.join([LEAD, *SPREAD_OUT]))
    assert countries == {"CN", "US"}


@pytest.mark.parametrize(("body", "starts"), [
    ("a\nb\nc", [0, 2, 4]),
    ("a\n\nb\n \nc", [0, 3, 7]),
    ("a\r\n\r\nb", [0, 5]),
    ("one. two. three.", [0, 5, 10]),
])
def test_units_are_the_paragraphs_that_are_not_blank(body: str, starts: list[int]) -> None:
    assert _units(body) == starts


def test_a_body_of_one_paragraph_counts_by_sentences() -> None:
    fields = split_fields("t", "a. b. c")
    assert fields.body == "c"
    text = ("China's exports fell. Beijing was worried. The U.S. cut its orders. Factories "
            "closed. Washington raised tariffs. Prices rose. American importers went elsewhere.")
    assert about("China's exports fall", text) == {"CN", "US"}


def test_a_source_stays_in_the_evidence_though_it_is_not_about() -> None:
    analysis = ENGINE.analyse("Soviet grain crop forecast", "Soviet wheat output will reach 90 "
                              "mln tonnes, the U.S. Agriculture Department said.")
    us = analysis.countries["US"]
    assert not us.about and 0 < us.salience < 1
    assert set(us.entities) == {"Q30", "usda"}


# --- full text: who plays, who lists, who researches; headlines' attributions ------------

# A hockey roundup, a Davis Cup report and a band's tour: places name teams and venues.
HOCKEY = ("Brock Nelson scored twice in overtime and the Islanders beat Pittsburgh 3-2.\n"
          "Minnesota beat Buffalo 4-1 as Zach Parise scored two goals and had an assist.\n"
          "Boston won again; the goalie made 30 saves in the third period.\n"
          "Senators 4, Red Wings 3: Ottawa held on to beat Detroit.\n"
          "Chicago's coach said the team's season is not over.")
DAVIS_CUP = ("Rafael Nadal won his singles match and then the doubles to give Spain a 2-1 win "
             "over Russia.\nRussia beat Croatia on Monday in the group stage of the "
             "tournament.\nThe United States lost to Canada; the U.S. team's coach blamed the "
             "schedule.\nThe finals continue with the semifinals on Saturday.")
TOUR = ("The band will tour North America with Michael McDonald, the singer said.\nThe tour "
        "opens in Houston, Texas, and closes in Las Vegas.\nTickets for the concerts go on sale "
        "Friday; fans will hear songs from the new album.\nStops include Chicago, Denver and "
        "St. Louis.")


FILLER_TIPS = [f"Tip {n}: eat regular meals and keep a food diary." for n in range(1, 9)]


@pytest.mark.parametrize(("title", "text", "countries"), [
    # sports and entertainment: a place is a team or a venue (rules/genre.py)
    ("Nelson's OT goal lifts Isles", HOCKEY, set()),  # "Senators" is a team, not politics
    ("Spain beats Russia in the Davis Cup Finals", DAVIS_CUP, set()),
    ("The Doobie Brothers announce a 50th anniversary tour", TOUR, set()),
    # a related entity makes a country more about, never about from one passing mention
    ("Envoy testifies about Trump and Ukraine", "The former envoy to Ukraine told the House "
     "that Trump pressed Ukraine's president. Republicans questioned him for hours.\nHe "
     "urged lawmakers to remember the occupation by Russia of Crimea.\nUkraine needs help, "
     "he said.", {"US"}),
    # an American company as an economic actor
    ("Home Depot sales miss, shares plunge", "The retailer's quarterly revenue rose 3.5 "
     "percent, short of forecasts.", {"US"}),
    # a headline's closing attribution; an official closing the sentence with "said"
    ("Ukraine Offensive Will Push Through Winter, US Defense Chief Says", "The deliberate "
     "cruelty of Russia's latest bombardment has made the West more determined to help "
     "Ukraine, Defense Secretary Lloyd J. Austin III said.", {"RU"}),
    # a city named in passing does not make an ambiguous "Supreme Court" the American one
    ("An oxygen bar opens in Delhi", "Despite the Supreme Court ban, air quality plunged. "
     "Prices of purifiers rose. The two founders had seen a similar bar in Las Vegas.", set()),
    # a country the lead names once and a long article never returns to
    ("15 Tips to Overcome Binge Eating", "Binge eating disorder is the most common eating "
     "disorder in the United States. It is a recognised psychological condition.\n"
     + "\n".join(FILLER_TIPS), set()),
    # a range named for a comparison
    ("From the U.S. to China, Major Economies Are Stalling. But Not India.", "India's economy "
     "grew 13.5 percent in the second quarter, faster than any other large economy.", set()),
])
def test_who_the_whole_story_is_about(title: str, text: str, countries: set[str]) -> None:
    assert about(title, text) == countries


@pytest.mark.parametrize(("title", "text", "mention", "role"), [
    # datelines: a paragraph's own, a press release's, the state after the city
    ("Ad units", "Our research shows a mix works.\nNew York, NY – The range of ad units "
     "grew.", "New York", Role.VENUE),
    ("Ad units", "Our research shows a mix works.\nNew York, NY – The range of ad units "
     "grew.", "NY", Role.VENUE),
    ("Ad firm hires", "NEW YORK /PRNewswire/ -- The firm hired a veteran.", "NEW YORK",
     Role.VENUE),
    ("Band to reunite", "CLEVELAND, Ohio – The band will play a show in the summer.", "Ohio",
     Role.VENUE),
    # a university is where a researcher works
    ("Immune cells", "Researchers at the University of Pennsylvania found the cells.",
     "Pennsylvania", Role.ORIGIN),
    ("Immune cells", "Harvard researchers found the cells.", "Harvard", Role.ORIGIN),
    # a financial centre where shares trade
    ("Alibaba listing", "One of Alibaba's New York-listed shares is worth eight.", "New York",
     Role.VENUE),
    ("Alibaba listing", "Alibaba shares closed in New York on Tuesday at $185.", "New York",
     Role.VENUE),
    # a company named in the body only: a maker or platform in passing
    ("Game review", "The game looks fine. It loads fast. It runs on Google's servers.",
     "Google", Role.ORIGIN),
    # where a speaker happens to be
    ("Budget clash", "Reeves, speaking in Washington, said the rules would change.",
     "Washington", Role.VENUE),
    # a postal address; where a traveller sets off
    ("Dear Abby", "Write to Dear Abby at P.O. Box 69440, Los Angeles, CA 90069.",
     "Los Angeles", Role.VENUE),
    ("Dear Abby", "My husband flew business class. It's a 24-hour trip from the USA.", "USA",
     Role.ORIGIN),
    # ... with words between the journey and its end, or back from a visit
    ("A leader's last days", "His staff flew him back home from the United States.",
     "United States", Role.ORIGIN),
    ("A leader's last days", "The team was flying over Nigeria from the United States.",
     "United States", Role.ORIGIN),
    ("Polls in Britain", "The poll was taken after the prime minister returned from Moscow.",
     "Moscow", Role.ORIGIN),
    # where a traveller goes, named in the body; in the title or the lead it may be the story
    ("A leader's last days", "The president fell ill. Doctors were called. The plane flew to "
     "the US on 24 January.", "US", Role.ORIGIN),
    ("A leader's last days", "The president fell ill. Doctors were called. He left for his "
     "medical treatment trip to the US.", "US", Role.ORIGIN),
    ("Blinken flies out", "Blinken flew to China for talks.", "China", Role.SUBJECT),
    # a country in a list of countries that a preposition introduces is an example among
    # others; a list before its verb acts
    ("US corn demand", "Japan relies less on corn from China, Argentina and South Africa, and "
     "more on that of the United States.", "China", Role.PASSING),
    ("Drills", "The United States, Japan and South Korea held drills on Monday.",
     "United States", Role.SUBJECT),
    # politicians named as examples of a kind of people ("such as"), each of the list
    ("A prince's friends", "He knew everyone, from politicians such as Bill Clinton and "
     "President Trump to film stars.", "Bill Clinton", Role.PASSING),
    ("A prince's friends", "He knew everyone, from politicians such as Bill Clinton and "
     "President Trump to film stars.", "Trump", Role.PASSING),
    ("A prince's friends", "He knew all of them, from leaders such as Obama, Putin or Xi "
     "Jinping to the bankers of the city.", "Putin", Role.PASSING),
    # ... not the politician who acts, nor one named after a list that ended
    ("Summit", "Leaders such as Macron attended, and Trump spoke first.", "Trump",
     Role.SUBJECT),
    ("Summit", "Trump met leaders such as Macron and Scholz.", "Trump", Role.SUBJECT),
    # a biography: where a person studied, grew up or lived
    ("China reshuffle", "Diplomats say Li, a technocrat who studied in the Soviet Union, will "
     "succeed him.", "Soviet Union", Role.ORIGIN),
    ("Senate race", "The candidate grew up in Texas and now runs a farm.", "Texas",
     Role.ORIGIN),
    ("Troops", "The regiment was stationed in the Soviet Union.", "Soviet Union",
     Role.SUBJECT),
    # the model a policy follows, like the other side of a comparison
    ("Swimming rules", "The new policy aligns with U.S. President Donald Trump's order.",
     "U.S.", Role.ORIGIN),
    ("Swimming rules", "The new policy aligns with U.S. President Donald Trump's order.",
     "Donald Trump", Role.ORIGIN),
    ("Media law", "The bill is modelled on Russia's foreign agents law.", "Russia's",
     Role.ORIGIN),
    # a city naming the event it hosts
    ("Swimming rules", "The rules apply ahead of the 2028 Los Angeles Games.", "Los Angeles",
     Role.VENUE),
    # the grain trade's loading range; the Gulf Coast itself is territory
    ("Grain freights", "Portline took a ship of 35,000 tonnes U.S. Gulf to Lisbon at 15 dlrs.",
     "U.S.", Role.VENUE),
    ("Storm season", "The hurricane struck the U.S. Gulf Coast on Monday.", "U.S.",
     Role.SUBJECT),
    # headlines
    ("Ukraine Offensive Will Push Through Winter, US Defense Chief Says", "Russia struck.",
     "US", Role.SOURCE),
    ("From the U.S. to China, Major Economies Are Stalling", "India grew.", "U.S.",
     Role.ORIGIN),
    ("From the U.S. to China, Major Economies Are Stalling", "India grew.", "China",
     Role.ORIGIN),
    ("Chinese Billionaire Faces Trial in Minneapolis", "The trial opens.", "Chinese",
     Role.PERSON),
    ("Aid to Kyiv", "The West will help Ukraine, Defense Secretary Lloyd J. Austin III said.",
     "Lloyd J. Austin III", Role.SOURCE),
])
def test_role_in_a_whole_story(title: str, text: str, mention: str, role: Role) -> None:
    assert role_of(title, text, mention) is role


@pytest.mark.parametrize(("text", "expected"), [
    # awards and shows named after America are entertainment, not the state
    ("Taylor Swift will perform at the American Music Awards.", []),
    ("She won American Idol in 2004.", []),
])
def test_entertainment_blockers(text: str, expected: list[str]) -> None:
    out = []
    for m in ENGINE.matcher.find_in(text, "body"):
        out += [CATALOGUE.entities[e].country for e in m.entity_ids]
    assert [c for c in out if c] == expected


@pytest.mark.parametrize(("restated", "plain", "country"), [
    ("Amerika Birleşik Devletleri (ABD) ve Avrupa'da faiz oranları açıldı.",
     "Amerika Birleşik Devletleri ve Avrupa'da faiz oranları açıldı.", "US"),
    ("The president flew home from the United States (US) on Monday.",
     "The president flew home from the United States on Monday.", "US"),
    ("Россия (РФ) и Казахстан подписали соглашение.", "Россия и Казахстан подписали соглашение.",
     "RU"),
])
def test_a_name_restated_in_brackets_counts_once(restated: str, plain: str,
                                                 country: str) -> None:
    """An abbreviation in brackets after the name ("Amerika Birleşik Devletleri (ABD)") is
    one mention, not two: it does not make a passing country twice as salient."""
    def salience(text: str) -> float:
        return ENGINE.analyse("Rates", text).countries[country].salience

    assert salience(restated) == salience(plain)


VERBS = ["said", "says", "say", "told", "tells", "warn", "warns", "warned", "reported",
         "reports", "report", "estimated", "estimates", "estimate", "forecast", "forecasts",
         "projected", "projects", "predicted", "predicts", "showed", "shows", "noted", "notes",
         "stated", "added", "quoted", "wrote", "believe", "believes", "according"]


@pytest.mark.parametrize("verb", VERBS + [v.upper() for v in VERBS] + [v.title() for v in VERBS])
def test_every_verb_of_telling_makes_a_source(verb: str) -> None:
    """Each verb of reporting, in any case, makes its officials a source."""
    assert role_of("Rice crop seen lower", f"The crop will shrink, U.S. officials {verb} on "
                   "Monday.", "U.S.") is Role.SOURCE


def test_a_source_behind_letters_that_are_not_ascii() -> None:
    """Letters that are not ASCII around the claim do not hide its source."""
    assert role_of("Rice crop seen lower", "The crop will shrink, U.S. officials said — "
                   "ça va.", "U.S.") is Role.SOURCE
