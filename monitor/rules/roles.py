"""What part a mention plays in its sentence, as a weight factor for salience. Pure.

A desk analyst does not count a country that only *tells* the story: the source of a claim, the
place a story is filed from, a demonym naming a person, where a person or a thing comes from,
a row of a table of figures (``rules/roles_en.py``, which reads them in English, lists them
all), and, in a sports or entertainment story (``rules/genre.py``), a place naming a team or
a venue ("Minnesota beat Buffalo", "the tour ends in Houston") unless the story names that
country's politics. Each such mention keeps its place in the evidence but weighs only a
fraction of a plain one, so that it never makes a country *about* on its own; the country's
other mentions decide.

This module reads the whole story around the English patterns: mentions chained into one
noun phrase, the title's closing attribution, the genre, a foreign company's name said
again, a tournament's host city said again ("the Shanghai Masters" ... "wins in Shanghai"),
an English word that is another language's alias (German "Trumps" in "Safety Trumps Speed"),
and the countries that only pass (``rules/passing.py``). Other languages' mentions
are read by ``rules/roles_i18n.py``'s patterns; only the genre is read from the whole story.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence

from monitor.rules.catalogue import Catalogue
from monitor.rules.genre import Genre, genre
from monitor.rules.market import drivers, english_drivers
from monitor.rules.matcher import Fields, Mention
from monitor.rules.passing import listed_in_english, passing
from monitor.rules.roles_cjk import cjk_title_tail
from monitor.rules.roles_en import Role, kinds_of, role_of, title_tail
from monitor.rules.roles_i18n import foreign_role, reads_english
from monitor.rules.roles_time import election_targeted
from monitor.rules.roles_venue import GAMES_AFTER, hosts, state_tours

__all__ = ["Role", "role_of", "roles"]


def _chains(mentions: Sequence[Mention], fields: Fields) -> list[int]:
    """For each mention, the index of the last mention of its chain: mentions separated only
    by spaces or "'s" ("the U.S. Agriculture Department") read as one noun phrase."""
    last = list(range(len(mentions)))
    for i in range(len(mentions) - 2, -1, -1):
        a, b = mentions[i], mentions[i + 1]
        if a.field == b.field:
            gap = fields.get(a.field)[a.end:b.start]
            if len(gap) <= 3 and gap.strip(" '’s") == "":
                last[i] = last[i + 1]
    return last


# Kinds that name a place, and so a team or a venue in a sports or entertainment story; the
# capitals that are cities (not the Kremlin or the White House, seats of power).
_TEAM_KINDS = frozenset({"country", "city", "state", "place"})
_CAPITAL_CITIES = frozenset({"Q649", "Q956", "Q61"})  # Moscow, Beijing, Washington
# Kinds that name a state's politics: where one is named, its country's places stay places.
_POLITICAL_KINDS = frozenset({"leader", "official", "institution", "state media"})


def _is_place(mention: Mention, catalogue: Catalogue, story: Genre) -> bool:
    kinds = kinds_of(mention, catalogue)
    if story is Genre.ENTERTAINMENT:  # "the United States" stays itself in a review
        kinds -= {"country"}
    capitals = {e for e in mention.entity_ids if catalogue.entities[e].kind == "capital"}
    return bool(kinds) and (kinds <= _TEAM_KINDS | {"capital"}) and capitals <= _CAPITAL_CITIES


def _political(mentions: Sequence[Mention], catalogue: Catalogue) -> set[str | None]:
    """The countries whose state politics the story names."""
    # An ambiguous name (the Ottawa "Senators", "Congress") cannot show that politics is.
    return {catalogue.entities[e].country for m in mentions if not m.weak
            for e in m.entity_ids if catalogue.entities[e].kind in _POLITICAL_KINDS
            and not catalogue.entities[e].weak}


def _may_be_team(mention: Mention, role: Role, catalogue: Catalogue, story: Genre,
                 political: set[str | None]) -> bool:
    countries = {catalogue.entities[e].country for e in mention.entity_ids}
    return (role is Role.SUBJECT and not countries & political
            and _is_place(mention, catalogue, story))


def _team_roles(mentions: Sequence[Mention], found: list[Role], catalogue: Catalogue,
                story: Genre, political: set[str | None]) -> list[Role]:
    """In a sports or entertainment story, a place whose country's politics the story never
    names is a team or a venue ("Minnesota beat Buffalo", "the tour ends in Houston")."""
    return [Role.TEAM if _may_be_team(m, role, catalogue, story, political) else role
            for m, role in zip(mentions, found, strict=True)]


_NEXT_WORD = re.compile(r"[-\s]+([A-Z][\w'’&-]*)")


def _name_key(mention: Mention, fields: Fields) -> str | None:
    """The mention and the capitalised word after it ("China Entertainment"), or None."""
    word = _NEXT_WORD.match(fields.get(mention.field), mention.end)
    return f"{mention.text} {word.group(1)}" if word else None


def _named_again(mentions: Sequence[Mention], found: list[Role], fields: Fields) -> list[Role]:
    """One sense per discourse for company names: once "China Entertainment and Land
    Investment Co Ltd" has shown that "China Entertainment" is a foreign company's name, the
    story's later "China Entertainment" is that name too, without its legal form."""
    keys = {k for m, r in zip(mentions, found, strict=True)
            if r is Role.NAMED and (k := _name_key(m, fields))}
    if not keys:
        return found
    return [Role.NAMED if r is Role.SUBJECT and _name_key(m, fields) in keys else r
            for m, r in zip(mentions, found, strict=True)]


_HOST_KINDS = frozenset({"city", "state", "place"})  # not a capital: it is also its state


def _hosts_again(mentions: Sequence[Mention], found: list[Role], fields: Fields,
                 catalogue: Catalogue, political: set[str | None]) -> list[Role]:
    """A country naming a tournament ("the China Open") is its venue; and one sense per
    discourse for a host city: once "the Shanghai Masters" has shown that Shanghai is where a
    tournament is played, the story's other "Shanghai" is that venue too ("Medvedev wins in
    Shanghai"), unless the story names its country's politics."""
    found = [Role.VENUE if r is Role.SUBJECT
             and GAMES_AFTER.match(fields.get(m.field)[m.end:m.end + 40])
             and kinds_of(m, catalogue) == {"country"} else r
             for m, r in zip(mentions, found, strict=True)]
    hosted = {m.entity_ids for m, r in zip(mentions, found, strict=True)
              if r is Role.VENUE and hosts(m, fields) and kinds_of(m, catalogue) <= _HOST_KINDS}
    if not hosted:
        return found
    return [Role.VENUE if r is Role.SUBJECT and m.entity_ids in hosted
            and not {catalogue.entities[e].country for e in m.entity_ids} & political
            and _sporting(m, fields) else r
            for m, r in zip(mentions, found, strict=True)]


# A result or a contest in the host city's own sentence ("Medvedev wins in Shanghai"): without
# one, the city is the story's own ("Shanghai lockdown protests spread", "Chicago shooting:
# mayor blames gangs", in a lead that also names the Shanghai or Chicago Marathon).
_CONTEST = re.compile(
    r"(?<!\w)(?:win|wins|won|winning|winner|beat|beats|beaten|defeat\w*|lifts?|title|final\w*|"
    r"champion\w*|victory|triumph\w*|seed\w*|match\w*|race|runners?|marathon|tournament|"
    r"open|masters|gan[aóe]\w*|derrot\w*|campe[oó]n\w*|torneo|s'impose|remport\w*|"
    r"victoire|tournoi|выигр\w*|обыгр\w*|побед\w*|финал\w*|турнир\w*|чемпион\w*)(?!\w)",
    re.IGNORECASE)


def _sporting(mention: Mention, fields: Fields) -> bool:
    """Whether the sentence that names ``mention`` (a title: all of it) tells of a contest."""
    text = fields.get(mention.field)
    if mention.field == "title":
        return bool(_CONTEST.search(text))
    ends = [e.end() for e in _SENTENCE_END.finditer(text)]
    at = bisect_right(ends, mention.start)
    start = ends[at - 1] if at else 0
    stop = ends[at] if at < len(ends) else len(text)
    return bool(_CONTEST.search(text, start, stop))


# Another language's alias that is also an English word: German's genitive "Trumps" ("Trumps
# Zölle") is the verb in "Safety Trumps Speed" (not "the Trumps", the family).
_ENGLISH_HOMOGRAPHS = frozenset({"Trumps", "TRUMPS"})
_ENGLISH_WORD = re.compile(r"(?<!\w)(?:the|and|of|to|is|are|for|that|with|from|has|have|at|"
                           r"by|its|over|how|why|a)(?!\w)", re.IGNORECASE)


def _homographs(mentions: Sequence[Mention], found: list[Role], fields: Fields) -> list[Role]:
    """An English word read as another language's alias, among English words (within 200
    characters; a headline's lead too), is no name: a word of a phrase, weighed as one of a
    company's name."""
    def english(m: Mention) -> bool:
        text = fields.get(m.field)
        return text[max(0, m.start - 4):m.start].lower() != "the " and bool(
            _ENGLISH_WORD.search(text, max(0, m.start - 200), m.end + 200)
            or (m.field == "title" and _ENGLISH_WORD.search(fields.lead[:200])))
    return [Role.NAMED if m.text in _ENGLISH_HOMOGRAPHS and r is Role.SUBJECT and english(m)
            else r for m, r in zip(mentions, found, strict=True)]


# A sentence's end, for the mentions named together (CJK writes no space after its stops).
_SENTENCE_END = re.compile(r"[.!?]\s|[。！？]")


def _named_beside(mentions: Sequence[Mention], fields: Fields,
                  catalogue: Catalogue) -> list[str]:
    """For each mention, what its sentence names beside it that makes its country's election
    no date: "target", another mention in a sentence that speaks of the vote ("Antes de las
    elecciones de EE.UU., Rusia intensifica su desinformación"; not "A pocos días de las
    elecciones en EE.UU., Rusia lanzó misiles contra Ucrania", where the election dates the
    strike); "own", its own state's organ ("Tras las elecciones en Rusia, el Kremlin endurece
    su postura"); else ""."""
    ends = {name: [e.end() for e in _SENTENCE_END.finditer(fields.get(name))]
            for name in {m.field for m in mentions}}
    keys = [(m.field, bisect_right(ends[m.field], m.start)) for m in mentions]
    many = Counter(keys)
    if max(many.values()) < 2:
        return [""] * len(mentions)
    countries = [{catalogue.entities[e].country for e in m.entity_ids} for m in mentions]
    together: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(keys):
        together.setdefault(key, []).append(i)
    targeted: dict[tuple[str, int], bool] = {}
    for (field, n), members in together.items():
        if len(members) > 1:
            text, cuts = fields.get(field), ends[field]
            targeted[field, n] = election_targeted(
                text[cuts[n - 1] if n else 0:cuts[n] if n < len(cuts) else len(text)])
    return ["" if many[key] < 2 else "target" if targeted[key]
            else "own" if any(countries[i] & countries[j] for j in together[key] if j != i)
            else "" for i, key in enumerate(keys)]


def roles(mentions: Sequence[Mention], fields: Fields, catalogue: Catalogue) -> list[Role]:
    """The role of each mention, in order."""
    if not mentions:
        return []
    last = _chains(mentions, fields)
    tail_start = title_tail(fields.title)
    if tail_start is None:
        tail_start = cjk_title_tail(fields.title)
    alone = sum(m.field == "title" for m in mentions) == 1
    found = _named_again(mentions, [role_of(m, mentions[last[i]], fields, catalogue, tail_start,
                                            alone) for i, m in enumerate(mentions)], fields)
    # The genre is read only if a mention could become a team in some genre (a sports story
    # makes the most of them: an entertainment one only drops countries).
    political = _political(mentions, catalogue)
    found = _homographs(mentions, _hosts_again(mentions, found, fields, catalogue, political),
                        fields)
    if any(_may_be_team(m, r, catalogue, Genre.SPORTS, political)
           for m, r in zip(mentions, found, strict=True)):
        story = genre(fields)
        if story is not Genre.NEWS:
            found = _team_roles(mentions, found, catalogue, story, political)
    # The other languages' patterns (rules/roles_i18n.py) read what English ones left a subject;
    # an English story passes only the countries of a list that a preposition introduces.
    if reads_english(fields):
        subject = [r is Role.SUBJECT for r in found]
        listed = listed_in_english(mentions, subject, fields, catalogue)
        moved = english_drivers(mentions, subject, fields, catalogue)
        return [Role.PASSING if i in listed else Role.ORIGIN if i in moved else r
                for i, r in enumerate(found)]
    beside = _named_beside(mentions, fields, catalogue)
    found = [Role(f) if r is Role.SUBJECT and (f := foreign_role(m, mentions[last[i]], fields,
                                                                catalogue, alone, beside[i]))
             else r for i, (r, m) in enumerate(zip(found, mentions, strict=True))]
    found = _hosts_again(mentions, found, fields, catalogue, political)  # "Masters de Shanghái"
    # ... a leader's tour is a state visit (rules/roles_venue.py) ...
    toured = state_tours(mentions, [r is Role.VENUE for r in found], fields, catalogue)
    found = [Role.SUBJECT if i in toured else r for i, r in enumerate(found)]
    # ... the drivers of a market report (rules/market.py), an English headline's too ...
    # (an English headline's words of cause and of markets are English's alone)
    subject = [r is Role.SUBJECT for r in found]
    moved = drivers(mentions, subject, fields, catalogue) | english_drivers(
        mentions, subject, fields, catalogue)
    found = [Role.ORIGIN if i in moved else r for i, r in enumerate(found)]
    # ... and the subjects that only pass (rules/passing.py): a list, a lone aside; not in an
    # English headline or briefing that has too few English words to read as English above.
    if reads_english(fields, least=1):
        return found
    passed = passing(mentions, [r is Role.SUBJECT for r in found], fields, catalogue)
    return [Role.PASSING if i in passed else r for i, r in enumerate(found)]
