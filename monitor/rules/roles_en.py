"""The English patterns that read what part a mention plays in its sentence. Pure.

A desk analyst does not count a country that only *tells* the story: the source of a claim
("U.S. officials said", "according to Xinhua", "CHINA PORK OUTPUT SEEN LOWER -- USDA"), the
place a story is filed from or held at (a "MOSCOW, March 3 -" dateline, "at the U.N. in New
York", "the U.S. agriculture counselor in Moscow said"), a demonym that names a person or an
audience ("an American in Kyiv", "Chinese tourists", "the U.S. men's team"), or where a person
or a thing comes from ("a Russian-born pianist", "Chinese-built missiles", "a dancer from
China", one end of "From the U.S. to China,", "Russian-speaking", a language: "translated
into Chinese"), a university naming where a researcher works,
the other side of a comparison ("a hub that can rival China", "more than the U.S."),
a financial centre where shares trade ("its New York-listed shares"), a company named in the
body in passing, a place in the name of a company with a legal form of elsewhere
("Oversea-Chinese Banking Corp Ltd", "First Chicago Ltd": where it was founded, not who
acts), a row of a table of figures or one item of a quantity broken down by destination
("China 69,952 (60,296)", "30,000 tonnes for China, 31,000 for the Soviet Union").

English only (other languages: ``rules/roles_i18n.py``). The patterns are read from the text
around each mention (a few words either side): ``role_of`` gives one mention's role;
``rules/roles.py`` reads the whole story around it (noun phrases, a sports story's teams,
names said again, the countries that only pass); ``rules/salience.py`` weighs each role.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Fields, Mention
from monitor.rules.roles_person import profiled_en
from monitor.rules.roles_scene import english_platform
from monitor.rules.roles_venue import GAMES_AFTER


class Role(Enum):
    SUBJECT = "subject"  # the plain case: the story is (partly) about it
    SOURCE = "source"  # who says or measures it
    VENUE = "venue"  # where it is filed from or held
    PERSON = "person"  # a demonym naming a person or an audience
    ORIGIN = "origin"  # where a person or a product comes from ("Chinese-built", "from China")
    TEAM = "team"  # a place naming a team or a venue in a sports or entertainment story
    PASSING = "passing"  # one of a list of countries, or a lone aside (rules/passing.py)
    NAMED = "named"  # a word of a foreign company's name ("Oversea-Chinese Banking Corp Ltd")
    LISTED = "listed"  # one row of a table or breakdown of figures ("China 69,952 (60,296)")


_VERBS = (r"(?:said|says|say|told|tells|warn|warns|warned|reported|reports|report|"
          r"estimated|estimates|estimate|"
          r"forecast|forecasts|projected|projects|predicted|predicts|showed|shows|noted|notes|"
          r"stated|added|quoted|wrote|believes?|according)")
# Nouns for who or what gives information (not who acts).
_TELLERS = (r"(?:officials?|sources?|diplomats?|spokes(?:man|woman|person|men|women)|director|"
            r"counsel+ors?|attach[eé]s?|officers?|analysts?|experts?|intelligence|reports?|data|"
            r"figures|statistics|survey|study|studies|media|newspapers?|press|agency|"
            r"departments?|embassy|consulate|facility|newsletter|television|radio|"
            r"correspondents?|observers?|monitors?|researchers?|scientists?|economists?|"
            r"traders|dealers|brokers|census|bureau|service|authorities)")
_IN_PLACE = r"(?:\s+(?:in|at)\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"
# After the mention (and the mentions chained to it): "... officials said", "... Department's
# officer in Peking said", "... REPORT" at the end of a wire headline.
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s)?(?:\s+[\w.&-]+){0,3}?\s+" + _TELLERS + _IN_PLACE + r",?\s+" + _VERBS + r"\b",
    re.IGNORECASE)
# An agency or state medium itself followed by a verb of reporting or estimating (its
# abbreviation in brackets closing before it: "the Centers for Disease Control (CDC) said").
_AGENCY_AFTER = re.compile(r"^\)?(?:['’]s)?" + _IN_PLACE + r",?\s+" + _VERBS + r"\b",
                           re.IGNORECASE)
# ... not an institution warning someone ("the State Department warns China"): it acts.
_WARNS_WHOM = re.compile(r"^(?:['’]s)?,?\s+[Ww]arn(?:s|ed)?\s+(?:[Tt]he\s+)?"
                         r"(?!(?:That|Of|Against|About|On|Over|It)\b)[A-Z]")
# An official named after the claim, closing its sentence: "..., the secretary said."
_SAID_END = re.compile(r"^\s+(?:said|says|told\s+reporters|wrote)(?:\s+on\s+\w+|\s+\w+day)?"
                       r"\s*[.;]")
_CLAUSE_BEFORE = re.compile(r"[,\"”]\s+(?:[\w.'’-]+\s+){0,5}$")
_AGENCY_KINDS = frozenset({"institution", "state media", "market"})
# (a name's abbreviation in brackets is part of it: "according to the Centers for Disease
# Control (CDC) in the US", the CDC and the US alike)
_ACCORDING_BEFORE = re.compile(
    r"\b(?:according\s+to|citing|cited\s+by|quoted\s+by|(?:said|told|reported)\s+(?:by|to))"
    r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w.'’-]+(?:\s+\([\w.'’-]+\))?\s+){0,6}(?:\(\s*)?$",
    re.IGNORECASE)
# A wire headline's closing attribution: "... SEEN LOWER -- USDA", "...SHAPE-U.S. REPORT".
_TITLE_TAIL = re.compile(r"(?:\s(?:--?|—|–)\s*|(?<=[A-Z])-(?=[A-Z]))([^-—–]{1,40})$")
# A place named as where the speaker or a meeting is: "the embassy in", "at the U.N. in".
_VENUE_BEFORE = re.compile(
    r"\b(?:U\.N\.|UN|United\s+Nations|headquarters|embassy|embassies|consulate|"
    r"correspondents?|bureau|attach[eé]s?|counsel+ors?|officers?|diplomats?|envoys?|"
    r"delegates?|delegation|ambassadors?|reporters?|officials?|General\s+Assembly|"
    r"Security\s+Council|talks|conference|summit|forum|meeting|session|speaking|speech|"
    r"remarks|announced|announcement|while)"
    r"(?:\s+[\w.'’-]+){0,2}?\s+(?:in|at)\s+$")
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "MOSCOW, March 3 (Reuters) -", "CLEVELAND, Ohio –", "NEW YORK, Nov. 19, 2019 /PRNewswire/ --"
_DATELINE_AFTER = re.compile(
    r"^(?:,\s*[A-Z][\w.]*)?(?:,?\s+" + _MONTHS + r"\s+\d{1,2}(?:,\s*\d{4})?)?\s*"
    r"(?:/[\w .-]+/)?\s*(?:\([A-Za-z .]+\))?\s*(?:--?|—|–)\s")
# The state or country after a dateline's city ("CLEVELAND, Ohio –": Ohio is where, too).
_DATELINE_CITY_BEFORE = re.compile(r"(?:^|\n)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2},\s*$")
_DATELINE_AFTER_DATE = re.compile(r"^,\s+" + _MONTHS + r"\s+\d{1,2}\b")
_PLACE_KINDS = frozenset({"capital", "city", "place", "state"})
_DEMONYMS = frozenset({"American", "Americans", "Chinese", "Russian", "Russians", "Soviet",
                       "AMERICAN", "CHINESE", "RUSSIAN"})
_PEOPLE = (r"(?:tourists?|students?|citizens?|nationals?|travell?ers?|dancers?|"
           r"ballerinas?|players?|athletes?|skaters?|swimmers?|gymnasts?|boxers?|golfers?|"
           r"runners?|singers?|actors?|actress(?:es)?|artists?|painters?|writers?|novelists?|"
           r"poets?|authors?|musicians?|pianists?|violinists?|composers?|conductors?|"
           r"scientists?|researchers?|academics?|scholars?|doctors?|journalists?|reporters?|"
           r"photographers?|filmmakers?|directors?|chefs?|teachers?|fans?|audiences?|viewers?|"
           r"readers?|listeners?|buyers?|consumers?|shoppers?|families|family|couples?|"
           r"wom[ae]n|m[ae]n|girls?|boys?|children|kids|teenagers?|expats?|expatriates?|"
           r"immigrants?|[eé]migr[eé]s?|refugees?|volunteers?|climbers?|friends?|"
           r"grand(?:mother|father|parent)s?|husband|wife|mother|father|son|daughter|"
           r"champion|star|stars|model|models|billionaire|heiress|influencers?|YouTuber)")
_PERSON_AFTER = re.compile(r"^(?:\s+[a-z]+)?\s+" + _PEOPLE + r"\b")
# Headlines capitalise every word: "Chinese Billionaire Richard Liu Faces Trial".
_PERSON_AFTER_TITLE = re.compile(r"^(?:\s+[A-Za-z]+)?\s+" + _PEOPLE + r"\b", re.IGNORECASE)
# A headline's closing attribution in words: "..., US Defense Chief Says".
_TITLE_SAYS = re.compile(r"[,:]\s+([^,:]{1,50}?)\s+(?:Says|Say|Said|Warns|Warn|Reports|"
                         r"Report|Finds|Find|Tells|Told)\.?$")
# A range named for a comparison: "From the U.S. to China, Major Economies Are Stalling".
_RANGE_FROM = re.compile(r"(?:^|[.:!?]\s+)From\s+(?:the\s+)?$", re.IGNORECASE)
# The other side of a comparison: "a hub that can rival China", "more than the U.S.", "language
# that went beyond that of the U.S.", "unlike Russia".
_COMPARED_BEFORE = re.compile(r"\b(?:than|unlike|compared\s+(?:with|to)|similar\s+to|rivals?|"
                              r"rivall?ing|(?:beyond|as)\s+that\s+of)\s+(?:the\s+)?$",
                              re.IGNORECASE)
_COMPARISONS = ("than", "unlike", "compared", "similar", "rival", "that of")
_RANGE_TO = re.compile(r"^\s+to\s+(?:the\s+)?[\w.'’ -]{1,30},")
_RANGE_TO_BEFORE = re.compile(r"(?:^|[.:!?]\s+)From\s+(?:the\s+)?[\w.'’ -]{1,30}\s+to\s+"
                              r"(?:the\s+)?$", re.IGNORECASE)
# A national team is its players: "the U.S. men's team", "Russian Olympic skaters".
_TEAM_AFTER = re.compile(r"^\s+(?:men['’]s|women['’]s|national\s+(?:team|side|squad)|Olympic|"
                         r"Davis\s+Cup|Ryder\s+Cup|World\s+Cup|team)\b", re.IGNORECASE)
_ORIGIN_AFTER = re.compile(r"^-(?:born|raised|bred|made|built|designed|supplied|manufactured|"
                           r"inspired|style|themed|speaking|speakers?|language)\b")
# A language, not the country: "translated into Chinese", "fluent in Russian", "learning
# Chinese", "spoke in Russian" (a noun after it is a thing: "learning Chinese history").
_LANGUAGES = frozenset({"Chinese", "Russian"})
_LANGUAGE_BEFORE = re.compile(r"\b(?:translat\w+|written|writes?|wrote|publish\w*|subtitl\w+|"
                              r"dubb\w+|spoken?|speaks?|speaking|fluent|learn\w*|stud(?:y|ied|"
                              r"ies|ying)|teach\w*|taught|lessons|classes|sings?|sang)"
                              r"\s+(?:(?:in|into)\s+)?(?:Mandarin\s+)?$")
_LANGUAGE_AFTER = re.compile(r"^(?:\s*$|\s*[,.;:!?)\"”]|\s+(?:and|or|but|at|in|with|to|for|as|"
                             r"while|before|after|when|because|by|on|from)\b)")
_ORIGIN_BEFORE = re.compile(r"\b" + _PEOPLE + r"\s+(?:(?:who\s+)?(?:came|comes|fled)\s+)?"
                            r"(?:from|of)\s+(?:the\s+)?$")
_ADDRESS_AFTER = re.compile(r"^,\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\b")
_TRAVEL = (r"\b(?:trip|trips|flight|flights|journey|drive|ride|voyage|travel(?:l?ed|l?ing)?|"
           r"flew|flown|fly|flying|return(?:s|ed|ing)?)")
# A few words may stand between the journey and its end: "flew him back home from the US",
# "flying over Nigeria from the United States".
_TRAVEL_BEFORE = re.compile(_TRAVEL + r"(?:\s+[\w'’-]+){0,3}?\s+from\s+(?:the\s+)?$",
                            re.IGNORECASE)
# Where a traveller goes, named again in the body: "the plane flew to the US on 24 January",
# "his trip to the US for treatment". The title and the lead say whether the visit is the
# story ("Blinken flies to China"); a body mention is the journey's background.
_TRAVEL_TO_BEFORE = re.compile(_TRAVEL + r"(?:\s+[\w'’-]+){0,3}?\s+to\s+(?:the\s+)?$",
                               re.IGNORECASE)
# One side of an alignment, as of a comparison: "it aligns with U.S. President Donald Trump's
# order", "a law modelled on Russia's", "in line with Chinese practice".
# Where a person studied, grew up or lived: a biography, not the country acting ("Li, a
# technocrat who studied in the Soviet Union", "she grew up in Texas").
_BIOGRAPHY_BEFORE = re.compile(r"\b(?:studied|educated|trained|schooled|raised|grew\s+up|"
                               r"lived|living|spent\s+(?:his|her|their)\s+(?:childhood|youth))"
                               r"(?:\s+[\w'’-]+){0,2}?\s+in\s+(?:the\s+)?$")
_ALIGNED_BEFORE = re.compile(r"\b(?:align(?:s|ed|ing)?\s+with|in\s+line\s+with|"
                             r"mirror(?:s|ed|ing)?|modell?ed\s+(?:on|after)|inspired\s+by)\s+"
                             r"(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){0,3}$")
_ALIGNED = ("align", "line with", "mirror", "modeled", "modelled", "inspired")
_ALIGNED_KINDS = frozenset({"country", "leader", "official"})
# The grain trade's loading range, not the country acting: "26,000 tonnes U.S. Gulf to
# Lisbon", "fob US Gulf" (the Gulf Coast itself, hit by a storm, is territory).
_GULF_AFTER = re.compile(r"^\s+Gulf\b(?!\s+(?:Coast|coast|states?|of)\b)")
_UNIVERSITY_BEFORE = re.compile(r"\bUniversity\s+of\s+(?:the\s+)?$")
_UNIVERSITY_AFTER = re.compile(r"^(?:\s+State)?\s+(?:University|College|Medical\s+Center|"
                               r"School\s+of\s+Medicine)\b")
# A financial centre named as where shares trade or a company lists, not as a place acting.
_LISTING_AFTER = re.compile(r"^(?:['’]s)?[-\s]+(?:listed|listing|listings|close|closing|"
                            r"trading|traded|shares|stock\s+market|bourse|IPO)\b")
_LISTING_BEFORE = re.compile(r"\b(?:closed|listed|list|listing|traded|trade|trading|IPO|"
                             r"offering|float|floated|debut|debuted|quoted)"
                             r"(?:\s+[\w.$%,]+){0,3}?\s+(?:in|on|to)\s+$")
_PERSON_AROUND = re.compile(r"\b(?:an?|one)\s+$", re.IGNORECASE)  # "an American in Kyiv"
_IN_AFTER = re.compile(r"^\s+(?:in|at|from|living|who|named)\b")


TICKER = "us-listed-company"
_FOREIGN_FORM = re.compile(r"\s+(?:Ltd|LTD|Limited|LIMITED|PLC|Plc|plc|AG|NV|N\.V\.|SA|S\.A\.|"
                           r"SpA|S\.p\.A\.|GmbH|AB|ASA|Oyj|BV|B\.V\.|KK|K\.K\.|Bhd|Pty)\b")
# A place inside the name of a company with a legal form of elsewhere: "Oversea-Chinese Banking
# Corp Ltd", "Sino-US Medical Specialties Ltd", "First Chicago Ltd", "American Express Bank
# Ltd". The name says where the company was founded or what it trades, not who acts.
_FOREIGN_NAME_AFTER = re.compile(r"^(?:['’]s)?(?:[-\s]+(?:[A-Z][\w.'’&-]*|and|&|of)){0,5}?"
                                 + _FOREIGN_FORM.pattern)
# One row of a table of figures, the country its label: "China 69,952 (60,296) and West
# Germany 32,172 (25,909)", "ROUBLES PER HUNDRED U.S.   63.85   (63.60) STG ...".
_TABLE_ROW_AFTER = re.compile(r"^\s+\d[\d,.]*\s+\(")
# One item of a quantity broken down by destination: "59,500 tonnes of wheat for China, 53,000
# of wheat for the Soviet Union and 24,500 for Italy".
_BREAKDOWN_BEFORE = re.compile(r"\b\d[\d,.]*\s+(?:(?:mln\s+)?(?:tonnes|tons|mt|bales|bags)\s+)?"
                               r"(?:of\s+[\w-]+\s+)?(?:for|to)\s+(?:the\s+)?$")
_DIGIT = re.compile(r"\d")
_BREAKDOWN_AFTER = re.compile(r"^(?:,|;|,?\s+and)\s+(?:[\w-]+\s+){0,2}?\d")
_NAME_BEFORE = re.compile(r"([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\s*$")


def _listed_abroad(mention: Mention, fields: Fields) -> bool:
    """Whether a ticker's company is, by its legal form elsewhere in the story, not American
    ("Northern Telecom <NT>" beside "Northern Telecom Ltd"): New York is then only where its
    shares also trade."""
    text = fields.get(mention.field)
    name = _NAME_BEFORE.search(text[max(0, mention.start - 60):mention.start])
    if name is None:
        return False
    words = name.group(1).split()[-2:]
    pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + _FOREIGN_FORM.pattern,
                         re.IGNORECASE)
    return any(pattern.search(fields.get(f)) for f in ("title", "lead", "body"))


def kinds_of(mention: Mention, catalogue: Catalogue) -> set[str]:
    """The kinds of the entities a mention names."""
    return {catalogue.entities[e].kind for e in mention.entity_ids}


def title_tail(title: str) -> int | None:
    """Where a headline's closing attribution starts ("... SEEN LOWER -- USDA", "..., US
    Defense Chief Says"), if it has one: a mention there is a source."""
    # Cheap tests first: each pattern needs a dash, or a comma or a colon.
    tail = _TITLE_TAIL.search(title) if any(d in title for d in "-—–") else None
    if tail and len(tail.group(1).split()) <= 4:
        return tail.start(1)
    says = _TITLE_SAYS.search(title) if "," in title or ":" in title else None
    return says.start(1) if says else None


_ATTRIBUTIONS = ("according", "citing", "cited", "quoted", "said", "told", "reported")
_WINDOW_AFTER, _WINDOW_BEFORE = 90, 60


@dataclass(slots=True)
class _Around:
    """A mention and the text around it, as the role patterns read them (not frozen: built
    once per mention, a frozen one took 1.1 µs where this takes 0.2)."""

    mention: Mention
    text: str  # the mention's field
    kinds: set[str]  # of the mention and of the last mention of its noun phrase
    before: str  # up to _WINDOW_BEFORE characters before the mention
    folded: str  # ``before`` in lower case, for the cheap tests
    after: str  # up to _WINDOW_AFTER characters after its noun phrase
    own: str  # up to 60 characters after the mention itself
    title_alone: bool = False  # the title's only mention


def role_of(mention: Mention, chain_end: Mention, fields: Fields, catalogue: Catalogue,
            tail_start: int | None, title_alone: bool = False) -> Role:
    """The part one mention plays (``chain_end`` is the last mention of its noun phrase;
    ``tail_start`` where the title's closing attribution starts, if it has one;
    ``title_alone``: it is the title's only mention). The patterns are tried in order; the
    first that reads a role decides."""
    text = fields.get(mention.field)
    if mention.field == "title" and tail_start is not None and mention.start >= tail_start:
        return Role.SOURCE
    if TICKER in mention.entity_ids:
        return Role.VENUE if _listed_abroad(mention, fields) else Role.SUBJECT
    before = text[max(0, mention.start - _WINDOW_BEFORE):mention.start]
    around = _Around(mention, text, kinds_of(mention, catalogue) | kinds_of(chain_end, catalogue),
                     before, before.lower(),
                     text[chain_end.end:chain_end.end + _WINDOW_AFTER],
                     text[mention.end:mention.end + 60], title_alone)
    for reads in _READERS:
        if (role := reads(around)) is not None:
            return role
    return Role.SUBJECT


def _as_source(a: _Around) -> Role | None:
    """Who says or measures it: "U.S. officials said", "according to Xinhua"."""
    if _SOURCE_AFTER.match(a.after) or (a.kinds & _AGENCY_KINDS and _AGENCY_AFTER.match(
            a.after) and not ("institution" in a.kinds and _WARNS_WHOM.match(a.after))):
        return Role.SOURCE
    if "official" in a.kinds and _SAID_END.match(a.after) and _CLAUSE_BEFORE.search(a.before):
        return Role.SOURCE  # "..., Defense Secretary Lloyd J. Austin III said."
    # A cheap test first (a word of attribution before the mention), the pattern after.
    if any(w in a.folded for w in _ATTRIBUTIONS) and _ACCORDING_BEFORE.search(a.before):
        return Role.SOURCE
    return None


def _as_name_or_row(a: _Around) -> Role | None:
    """A word of a foreign company's name, or the label of a row of figures."""
    # Cheap tests first (a legal form, a digit), the patterns after.
    if a.kinds & (_PLACE_KINDS | {"country"}) and _FOREIGN_FORM.search(a.own) \
            and _FOREIGN_NAME_AFTER.match(a.own):
        return Role.NAMED
    if a.kinds & {"country"} and a.own[:5] == " Gulf" and _GULF_AFTER.match(a.own):
        return Role.VENUE  # a loading range of the grain trade: "U.S. Gulf to Lisbon"
    if a.kinds & {"country"} and _DIGIT.search(a.own) and (
            _TABLE_ROW_AFTER.match(a.own) or (
            _BREAKDOWN_AFTER.match(a.own) and _BREAKDOWN_BEFORE.search(a.before))):
        return Role.LISTED
    return None


def _as_place(a: _Around) -> Role | None:
    """A place as where a story is filed, an address, an affiliation or a venue."""
    if not a.kinds & _PLACE_KINDS:
        return None
    text, start, own, before = a.text, a.mention.start, a.own, a.before
    line_start = text.rfind("\n", 0, start) + 1  # a paragraph's dateline too
    at_start = start - line_start <= 3 and not text[line_start:start].strip()
    if (at_start and _DATELINE_AFTER.match(own)) or _DATELINE_AFTER_DATE.match(own):
        return Role.VENUE
    if before.endswith(", ") and _DATELINE_CITY_BEFORE.search(before) \
            and _DATELINE_AFTER.match(own):
        return Role.VENUE
    if _ADDRESS_AFTER.match(own):
        return Role.VENUE  # a postal address: "P.O. Box 69440, Los Angeles, CA 90069"
    if GAMES_AFTER.match(own):
        return Role.VENUE  # an event named after its host city: "the 2028 Los Angeles Games"
    if ("University" in before and _UNIVERSITY_BEFORE.search(before)) \
            or _UNIVERSITY_AFTER.match(own):
        return Role.ORIGIN  # "University of Pennsylvania researchers": an affiliation
    if before.endswith((" in ", " at ")) and _VENUE_BEFORE.search(before):
        return Role.VENUE
    return None


def _as_company_or_market(a: _Around) -> Role | None:
    """A company or university in passing, a city where shares trade."""
    if a.mention.field == "body" and a.kinds == {"company"} \
            and TICKER not in a.mention.entity_ids:
        return Role.ORIGIN  # a maker or platform in passing ("on Google's Play store")
    if english_platform(a.kinds, a.before):
        return Role.ORIGIN  # "watching The Crown on Netflix", in the title or the lead too
    if "university" in a.kinds:
        return Role.ORIGIN  # where a researcher works or studied, not the country acting
    if a.kinds & {"city"} and (_LISTING_AFTER.match(a.own) or _LISTING_BEFORE.search(a.before)):
        return Role.VENUE  # where shares trade: "its New York-listed shares"
    return None


def _as_origin(a: _Around) -> Role | None:
    """Where a person, a product or a traveller comes from; one end of a range; the other
    side of a comparison."""
    before, own, countries = a.before, a.own, a.kinds & {"country"}
    # The patterns below that read "from" before the mention need the word there.
    has_from = "from" in a.folded
    places = a.kinds & (_PLACE_KINDS | {"country"})
    if has_from and places and _TRAVEL_BEFORE.search(before):
        return Role.ORIGIN  # where a traveller sets off: "a 24-hour trip from the USA"
    if places and a.mention.field == "body" and before.endswith(("to ", "to the ")) \
            and _TRAVEL_TO_BEFORE.search(before):
        return Role.ORIGIN  # where a traveller goes, in the body: "the plane flew to the US"
    if places and "in" in before[-9:] and _BIOGRAPHY_BEFORE.search(before):
        return Role.ORIGIN  # a biography: "a technocrat who studied in the Soviet Union"
    if a.kinds & _ALIGNED_KINDS and any(w in a.folded for w in _ALIGNED) \
            and _ALIGNED_BEFORE.search(before):
        return Role.ORIGIN  # the model followed: "it aligns with U.S. President Trump's order"
    if has_from and ((_RANGE_FROM.search(before) and _RANGE_TO.match(own)) or (
            _RANGE_TO_BEFORE.search(before) and own[:1] == ",")):
        return Role.ORIGIN  # one end of a range, for a comparison
    if countries and any(w in a.folded for w in _COMPARISONS) \
            and _COMPARED_BEFORE.search(before):
        return Role.ORIGIN  # the other side of a comparison
    if own[:1] == "-" and _ORIGIN_AFTER.match(own):
        return Role.ORIGIN
    if a.mention.text in _LANGUAGES and _LANGUAGE_BEFORE.search(before) \
            and _LANGUAGE_AFTER.match(own):
        return Role.ORIGIN  # the language: "translated into Chinese"
    if (countries and before.endswith(("from ", "of ", "the "))
            and _ORIGIN_BEFORE.search(before)):
        return Role.ORIGIN
    return None


def _as_person(a: _Around) -> Role | None:
    """A national team, or a demonym naming a person or an audience."""
    if a.kinds & {"country"} and _TEAM_AFTER.match(a.own):
        return Role.PERSON
    if a.mention.text in _DEMONYMS and (
            _PERSON_AFTER.match(a.own)
            or (a.mention.field == "title" and _PERSON_AFTER_TITLE.match(a.own))
            or (_PERSON_AROUND.search(a.before) and _IN_AFTER.match(a.own))):
        return Role.PERSON
    if a.mention.field == "title" and a.title_alone and a.kinds & {"country"} and profiled_en(
            a.text[:a.mention.start], a.mention.text, a.text[a.mention.end:]):
        # the one person a headline profiles: "The U.S. Soldier Who..."; not one the
        # headline ties to another state ("The American Who Became Putin's Propagandist")
        return Role.PERSON
    return None


_READERS: tuple[Callable[[_Around], Role | None], ...] = (
    _as_source, _as_name_or_row, _as_place, _as_company_or_market, _as_origin, _as_person)
