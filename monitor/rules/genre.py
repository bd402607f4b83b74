"""Whether a story is a sports report or an entertainment piece, from its vocabulary. Pure.

The analyst rule: national teams, athletes, celebrities and entertainment are not a country's
story unless its state politics is involved. In a sports report a city, a state or a country
names a team or where the game is played ("Minnesota beat Buffalo 4-1", "Spain beat Russia in
the Davis Cup"); in an entertainment piece a city names where a band plays or a film is shot.
``rules/roles.py`` reads such mentions as venues. A genre is recognised by how densely the
text uses the words of its trade (scores, goals, assists, coaches; albums, tours, concerts),
not by any one word, so a political story that mentions a game keeps its places. The words
are English, Spanish and French (those of Spanish and French that are no English word).
"""

from __future__ import annotations

from collections import Counter
from enum import Enum
from itertools import pairwise

import ahocorasick_rs

from monitor.rules.document import blank_punctuation
from monitor.rules.matcher import Fields


class Genre(Enum):
    NEWS = "news"
    SPORTS = "sports"
    ENTERTAINMENT = "entertainment"


# Each trade's words, lower-case, one word each (a word of a name: "stanley" of the Stanley
# Cup); looked up in a set, so that the whole article costs one split.
_SPORTS_WORDS = """
    goal goals assist assists scored scoring saves inning innings touchdown touchdowns
    quarterback quarterbacks rebounds pitcher pitchers outfielder strikeouts homer halftime
    overtime playoff playoffs postseason coach coaches coached teammate teammates season
    seasons game games matches tournament doubles singles semifinal semifinals quarterfinal
    quarterfinals finals championship championships league striker midfielder defender
    defenders goalkeeper goalie linebacker linebackers pointer pointers penalty
    nba nhl nfl mlb wnba mls ncaa roster standings
    gol goles goleador anotó asistencias entrenador entrenadores delantero delanteros portero
    arquero centrocampista mediocampista temporada torneo liga campeonato jornada semifinal
    semifinales cuartos penalti penaltis eliminatoria jugador jugadores estadio afición hinchas
    entraîneur entraîneurs attaquant attaquants défenseur défenseurs gardien saison tournoi
    championnat matchs prolongation prolongations joueur joueurs stade
    buteur
    """
_SHOW_WORDS = """
    album albums song songs single singles band bands tour tours touring concert concerts
    singer songwriter rapper musician musicians guitarist drummer vocalist grammy grammys
    emmy emmys oscar oscars movie movies film films sequel trailer premiere episode sitcom
    actor actress celebrity celebrities fans tickets headline headlining festival gig gigs
    setlist music pop artists performer performers performances recordings songstress
    álbum canción canciones gira concierto conciertos cantante película películas actriz
    estreno taquilla tráiler episodio rapero músico chanson chansons tournée chanteur chanteuse
    acteur actrice épisode rappeur musicien réalisateur
    """
_SPORTS = frozenset(_SPORTS_WORDS.split())
_ENTERTAINMENT = frozenset(_SHOW_WORDS.split())
# Names of two words, looked up where their second word stands.
_SPORTS_PAIRS = frozenset(tuple(p.split()) for p in (
    "davis cup", "stanley cup", "world cup", "ryder cup", "super bowl", "world series",
    "grand slam", "premier league", "champions league", "home run", "home runs", "head coach",
    "wide receiver", "free throw", "free throws", "hat trick", "bowl eligible",
    "demi finale", "mi temps"))
_SHOW_PAIRS = frozenset(tuple(p.split()) for p in (
    "box office", "golden globe", "golden globes", "record label", "pop star", "rock band",
    "hall of", "series finale", "bande annonce"))
_PAIRS = tuple(sorted(_SPORTS_PAIRS | _SHOW_PAIRS))
_SECONDS = frozenset(p[1] for p in _PAIRS)
# Every trade word and every word of a name, found in the lower-case text by one pass: a word
# of the text is a substring of it, so a trade that has too few of them as substrings cannot
# be dense, and most stories are news without splitting the text into words.
# A DFA (a few hundred words: its memory is small): over the middle 40% of the extraction
# benchmark's pages its pass took a median 0.014 ms, the contiguous NFA's 0.038 ms.
_CUES = ahocorasick_rs.AhoCorasick(
    sorted(_SPORTS | _ENTERTAINMENT | {w for p in _PAIRS for w in p}),
    implementation=ahocorasick_rs.Implementation.DFA)
# A genre's words must be this dense (per word of text) and this many: a sports report
# uses several in every paragraph, a news story about a stadium deal one or two in all.
# And they must be several different words: "season" six times in a crop report, or
# "overtime" in a strike at a car plant, is not a game.
MIN_DENSITY = 0.02
MIN_CUES = 5
MIN_DISTINCT = 3


def _dense(counts: Counter[str], trade: frozenset[str], pairs: Counter[tuple[str, str]],
           trade_pairs: frozenset[tuple[str, ...]], words: int) -> int:
    """How many of a trade's words (and two-word names) the text uses, if they are dense and
    varied enough (else 0)."""
    found = [counts[w] for w in trade if w in counts]
    found += [n for p, n in pairs.items() if p in trade_pairs]
    n = sum(found)
    enough = n >= MIN_CUES and n >= MIN_DENSITY * words and len(found) >= MIN_DISTINCT
    return n if enough else 0


def _few_cues(seen: set[str] | frozenset[str]) -> bool:
    """Whether each trade has fewer than MIN_DISTINCT of its words and names in ``seen``
    (then no trade can be dense)."""
    return all(len(trade & seen) + sum(a in seen and b in seen for a, b in names) < MIN_DISTINCT
               for trade, names in ((_SPORTS, _SPORTS_PAIRS), (_ENTERTAINMENT, _SHOW_PAIRS)))


def genre(fields: Fields) -> Genre:
    """The story's genre, from the density of each trade's words in the whole text."""
    lowered = "\n".join((fields.title, fields.lead, fields.body)).lower()
    # Cheap bounds first: the trade words that are substrings (one automaton pass), then
    # those that are words; most stories are news without counting anything.
    if _few_cues(frozenset(_CUES.find_matches_as_strings(lowered, overlapping=True))):
        return Genre.NEWS
    words = blank_punctuation(lowered).split()  # "game-winning": "game winning"
    seen = set(words)
    if _few_cues(seen):
        return Genre.NEWS
    counts = Counter(words)  # counted in C: each distinct word is then looked up once
    pairs: Counter[tuple[str, str]] = Counter()
    if any(a in seen and b in seen for a, b in _PAIRS):  # else no pair can be there
        pairs.update((a, b) for a, b in pairwise(words) if b in _SECONDS)
    sports = _dense(counts, _SPORTS, pairs, _SPORTS_PAIRS, len(words))
    shows = _dense(counts, _ENTERTAINMENT, pairs, _SHOW_PAIRS, len(words))
    if not (sports or shows):
        return Genre.NEWS
    return Genre.SPORTS if sports >= shows else Genre.ENTERTAINMENT
