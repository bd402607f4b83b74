"""Whether a story is a sports report or an entertainment piece, from its vocabulary. Pure.

The analyst rule: national teams, athletes, celebrities and entertainment are not a country's
story unless its state politics is involved. In a sports report a city, a state or a country
names a team or where the game is played ("Minnesota beat Buffalo 4-1", "Spain beat Russia in
the Davis Cup"); in an entertainment piece a city names where a band plays or a film is shot.
``rules/roles.py`` reads such mentions as venues. A genre is recognised by how densely the
text uses the words of its trade (scores, goals, assists, coaches; albums, tours, concerts),
not by any one word, so a political story that mentions a game keeps its places.
"""

from __future__ import annotations

import re
from enum import Enum

from monitor.rules.matcher import Fields


class Genre(Enum):
    NEWS = "news"
    SPORTS = "sports"
    ENTERTAINMENT = "entertainment"


_SPORTS = re.compile(
    r"\b(?:goals?|assists?|scored|scoring|saves|innings?|touchdowns?|quarterbacks?|"
    r"rebounds|pitchers?|outfielders?|strikeouts?|home\s+runs?|halftime|overtime|playoffs?|"
    r"postseason|coach(?:es|ed)?|head\s+coach|teammates?|season|seasons|game|games|matches|"
    r"tournament|doubles|singles|semifinals?|quarterfinals?|finals|championships?|league|"
    r"striker|midfielder|defenders?|goalkeeper|goalie|wide\s+receiver|linebackers?|"
    r"free\s+throws?|3-pointers?|three-pointers?|triple-doubles?|hat\s+trick|penalty|"
    r"NBA|NHL|NFL|MLB|WNBA|MLS|NCAA|Premier\s+League|Stanley\s+Cup|Super\s+Bowl|"
    r"World\s+Series|Davis\s+Cup|Grand\s+Slam|bowl\s+eligible|roster|standings)\b")
_ENTERTAINMENT = re.compile(
    r"\b(?:album|albums|songs?|singles?|band|bands|tour|tours|touring|concerts?|singer|"
    r"songwriter|rapper|musicians?|guitarist|drummer|vocalist|Grammys?|Emmys?|Oscars?|"
    r"Golden\s+Globes?|box\s+office|movie|movies|films?|sequel|trailer|premiere|episode|"
    r"sitcom|series\s+finale|actor|actress|celebrity|celebrities|fans|tickets|record\s+label|"
    r"Hall\s+of\s+Fame|headline|headlining|festival|gigs?|setlist|pop\s+star|rock\s+band)\b")
_WORD = re.compile(r"\w+")
# A genre's words must be this dense (per word of text) and this many: a sports report
# uses several in every paragraph, a news story about a stadium deal one or two in all.
# And they must be several different words: "season" six times in a crop report, or
# "overtime" in a strike at a car plant, is not a game.
MIN_DENSITY = 0.02
MIN_CUES = 5
MIN_DISTINCT = 3


def _dense(pattern: re.Pattern[str], text: str, words: int) -> int:
    cues = pattern.findall(text)
    distinct = len({c.lower() for c in cues})
    n = len(cues)
    return n if n >= MIN_CUES and n >= MIN_DENSITY * words and distinct >= MIN_DISTINCT else 0


def genre(fields: Fields) -> Genre:
    """The story's genre, from the density of each trade's words in the whole text."""
    text = "\n".join((fields.title, fields.lead, fields.body))
    words = len(_WORD.findall(text))
    sports = _dense(_SPORTS, text, words)
    shows = _dense(_ENTERTAINMENT, text, words)
    if not (sports or shows):
        return Genre.NEWS
    return Genre.SPORTS if sports >= shows else Genre.ENTERTAINMENT
