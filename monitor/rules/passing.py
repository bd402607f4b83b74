"""Passing mentions, read from the other countries a story names (``rules/world.py``). Pure.

Two kinds of subject mention say that a country is only passed on the way, in any language:

- a country in a list of countries in the lead or the body (a list in the title is what the
  story is about): three or more countries, at least two of them others, separated only by
  commas, slashes, hyphens or a conjunction ("USA, Kanada und Deutschland",
  "আমেরিকা, রাশিয়া, নরওয়ে, কানাডা এবং আলজেরিয়ার মতো দেশগুলো", "ईरान, भारत, चीन, यूएई जैसे
  देश"): an example among others, not the story's subject;
- a lone mention in the lead under another country's title: the title names another
  country (one of the world's, or another of the catalogue's countries as a subject) and not
  this one, which the text names once, in the lead, and never again ("India's fuel imports"
  over a lead that lists America among the suppliers; "Georgian election protests" whose lead
  calls the ruling party friendly to Russia). The title says what the story is about; a
  single aside in the lead does not add a country to it. A company's nationality is no aside:
  "Amazon invierte 5.000 millones en México" over "La empresa estadounidense construirá
  centros de datos" (Spanish, French and Portuguese put the demonym after the company noun:
  "le groupe américain", "a montadora norte-americana") names the title's actor, and so
  does the agent of a measure the story reports ("las tarifas impuestas por Washington", "les
  taxes imposées par Washington", "as tarifas impostas pelos EUA").

A third kind, in every language: the members of a bloc named in a relative clause ("Brics, a
bloc that includes Russia and China", "bloco que inclui Rússia e China", "в который входят
Россия и Китай", "التي تضم روسيا والصين"): background to the story of another country.

In English (``listed_in_english``) only the first and third kinds, the first only where a
preposition or "such as" introduces the list ("corn from China, Argentina and South Africa"):
an English list before its verb is the sentence's subject ("the United States, Japan and South
Korea held drills"). And a fourth: politicians named as examples of a kind of people after
"such as" ("from politicians such as Bill Clinton and President Trump to media figures"),
each of the list; not those who act ("Trump met leaders such as Macron").

``passing`` returns the indices of such mentions; ``rules/roles.py`` gives them the role
``PASSING``, which weighs a fraction of a plain mention (``rules/salience.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

import ahocorasick_rs

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Fields, Mention
from monitor.rules.morphology import is_word
from monitor.rules.world import spans

LIST_MIN, LIST_MIN_OTHERS = 3, 2
# What may stand between two items of a list of countries.
_LIST_GAP = re.compile(
    r"[\s,，、;；()（）/\-–—·・]*"
    r"(?:(?:and|und|et|y|e|i|ve|и|й|і|та|или|або|oder|ou|o|or|و|یا|এবং|ও|আর|और|एवं|तथा|या|"
    r"및|또는|和|与|與|及|或|と|や)[\s,]*)?")
_LIST_GAP_MAX = 12
_REACH = 120  # a list is read this far either side of a catalogue country's name
_COUNTRY = "country"
# A company noun before a demonym: the company the story is about, and its country; or the
# agent of a measure.
_ACTOR_BEFORE = re.compile(
    r"(?<!\w)(?:empresas?|compañías?|firmas?|multinacional|tecnológicas?|farmacéuticas?|"
    r"petroleras?|automotriz|automotora|fabricantes?|aerolíneas?|gigantes?|grupo|banco|"
    r"startup|minera|entreprises?|sociétés?|firmes?|groupes?|géants?|constructeurs?|"
    r"compagnies?|laboratoires?|fabricants?|banques?|start-up|companhias?|montadoras?|"
    r"petroleiras?|varejistas?)(?:\s+(?:de|du|des|da|do)\s+[\w-]+)?\s+$"
    # ... and the agent of a measure: imposed, announced, decreed, ordered, signed by (not
    # "apoyado por Rusia", a background ally)
    r"|(?<!\w)(?:impuest|impost|imposé|anunciad|annoncé|aprobad|aprovad|approuvé|decretad|"
    r"décrété|decidid|décidé|adoptad|adopté|aplicad|appliqué|ordenad|ordonné|exigid|exigé|"
    r"propuest|propost|proposé|dictad|promulgad|firmad|assinad|signé|sancionad|sanctionné|"
    r"lanzad|lançad|lancé)\w*\s+(?:por|par|pel[oa]s?)\s+"
    r"(?:(?:el|la|los|las|le|les|l['’]|o|a|os|as)\s*)?$",
    re.IGNORECASE)


def _own(mention: Mention, catalogue: Catalogue) -> set[str]:
    """The countries a mention names itself (not through a related entity's weight)."""
    return {c for e in mention.entity_ids if (c := catalogue.entities[e].country)}


def _listed(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
            catalogue: Catalogue, lead_in: re.Pattern[str] | None = None) -> set[int]:
    """Subject mentions of a country name standing in a list of countries (with
    ``lead_in``, only a list that the text before it, up to its first item, matches)."""
    found: set[int] = set()
    for name in ("lead", "body"):
        text = fields.get(name)
        items: list[tuple[int, int, str, int | None]] = [
            (m.start, m.end, "/".join(sorted(_own(m, catalogue))), i)
            for i, m in enumerate(mentions)
            if m.field == name and _own(m, catalogue)
            and any(catalogue.entities[e].kind == _COUNTRY for e in m.entity_ids)]
        if not items:
            continue
        items += [(s, e, f"@{s}", None) for s, e in _near(text, items, catalogue)
                  if not any(a < e and s < b for a, b, _c, _i in items)]
        items.sort()
        chain = [items[0]]
        for item in [*items[1:], None]:
            if item is not None and _gap_ok(text[chain[-1][1]:item[0]]):
                chain.append(item)
                continue
            countries = {c for _s, _e, c, _i in chain}
            if (len(countries) >= LIST_MIN
                    and sum(c.startswith("@") for c in countries) >= LIST_MIN_OTHERS
                    and (lead_in is None
                         or lead_in.search(text, max(0, chain[0][0] - 40), chain[0][0]))):
                found.update(i for _s, _e, _c, i in chain if i is not None and subject[i])
            if item is not None:
                chain = [item]
    return found


def _near(text: str, items: Sequence[tuple[int, int, str, int | None]],
          catalogue: Catalogue) -> list[tuple[int, int]]:
    """The other countries' names within ``_REACH`` characters of the items (a long body is
    not read whole)."""
    windows: list[list[int]] = []
    for start, end, _c, _i in items:
        lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    # (a name cut by a window's edge is not a name)
    return [(lo + s, lo + e) for lo, hi in windows for s, e in spans(text[lo:hi], catalogue.world)
            if not (s == 0 < lo and is_word(text[lo - 1]))
            and not (lo + e == hi < len(text) and is_word(text[hi]))]


def _gap_ok(gap: str) -> bool:
    return len(gap) <= _LIST_GAP_MAX and _LIST_GAP.fullmatch(gap) is not None


def _lone_in_lead(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
                  catalogue: Catalogue) -> set[int]:
    """The lead mention of each country named once, in the lead, under a title that names
    another country and not it."""
    in_title: set[str] = set()
    title_subjects: set[str] = set()
    seen: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        own = _own(m, catalogue)
        if m.field == "title":
            in_title |= own
            if subject[i]:
                title_subjects |= own
        elif subject[i] and not _ACTOR_BEFORE.search(
                fields.get(m.field), max(0, m.start - 40), m.start):
            for c in own:
                seen.setdefault(c, []).append(i)
    lone = {c: at[0] for c, at in seen.items()
            if len(at) == 1 and c not in in_title and mentions[at[0]].field == "lead"}
    # A lone country is not named in the title, so any country the title names is another.
    if lone and (title_subjects or spans(fields.title, catalogue.world)):
        return set(lone.values())
    return set()


# A bloc's members in a relative clause, the opener right before the first of them: "a bloc
# that includes", "bloco que inclui", "groupe qui comprend", "zu der auch", "в который входят",
# "до якого входять", "التي تضم", "که شامل", "जिसमें", "যার সদস্য"; the members that follow it,
# joined by commas or a conjunction, are named with it.
_BLOC = (r"(?:bloc|group|grouping|alliance|organi[sz]ation|club|forum|coalition|format|bloco|"
         r"grupo|aliança|organização|fórum|bloque|alianza|organización|foro|groupe|organisation|"
         r"Gruppe|Staatengruppe|Bündnis|Block|Allianz|Organisation|Forum|Brics|BRICS|G20|SCO|"
         r"OCX)\b[^.;:!?\n]{0,40}?")
_MEMBERS_BEFORE = re.compile(
    _BLOC + r"(?:\b(?:that|which)\s+(?:also\s+)?(?:includes?|included|comprises?|brings\s+"
    r"together)|\bwhose\s+members\s+(?:include|are)|\bmade\s+up\s+of|\bque\s+(?:também\s+|"
    r"también\s+)?(?:inclui|incluye|reúne|engloba|agrupa|integra|integram|integran)|"
    r"\b(?:formad[oa]|compost[oa]|integrad[oa]|composé|formé)\s+(?:por|de)|\bqui\s+(?:comprend|"
    r"inclut|regroupe|réunit|rassemble|compte)|,\s+zu\s+(?:der|dem|denen)"
    r"(?:\s+(?:auch|unter anderem))?)\s+(?:(?:a|o|os|as|la|le|les|l['’]|the)\s+)?$"
    r"|(?<!\w)(?:в\s+(?:который|которую|которое|которые|него|неё)\s+(?:также\s+)?входят|"
    r"куда\s+(?:также\s+)?входят|членами\s+которо\w+\s+являются|до\s+(?:якого|якої|яких)\s+"
    r"(?:також\s+)?входять|куди\s+(?:також\s+)?входять)\s+$"
    # (Arabic, Persian, Hindi, Bengali: "which includes" after a bloc's noun only, not a
    # summit's or a meeting's)
    r"|(?:مجموعة|تحالف|منظمة|تكتل|بريكس|گروه|ائتلاف|سازمان|بریکس|بلوک|ब्रिक्स|समूह|संगठन|"
    r"गठबंधन|ব্রিকস|জোট|সংস্থা|গোষ্ঠী)[^.;:!?\n।]{0,40}?(?:(?:التي|الذي)\s+(?:تضم|يضم|تشمل|"
    r"يشمل)(?:\s+كلا?\s+من)?|که\s+(?:شامل|متشکل\s+از)|जिसमें|जिनमें|যার\s+সদস্য(?:\s+\S+)?|"
    r"যাতে\s+রয়েছে)\s+$", re.IGNORECASE)
# Between two members: separators, a conjunction, and other countries' names (capitalised, or
# in a script without capitals).
_MEMBERS_GAP = re.compile(
    r"(?:[\s,،、]+|\s*و|\s+(?:and|und|et|y|e|i|ve|и|і|та|و|और|এবং|ও)\s+|"
    r"(?<=\s)(?:l['’]|(?:the|la|le|les|el|los|las|o|a|os|as|die|der|den)(?=\s))|"
    r"(?<=[\s'’])[A-ZÀ-ÞА-ЯЁІЇЄ\u0600-\u06ff\u0900-\u09ff][\w'’\u0900-\u09ff-]*)*")
_MEMBERS_GAP_MAX = 40
_MEMBERS_REACH = 140
# A word every opener above holds (a bloc's noun, or the Slavic verb of membership), in lower
# case: where none stands in reach before a mention, _MEMBERS_BEFORE cannot match there, and its
# search over the reach (45 µs a mention, most of the rules' time on a long article) is skipped.
# Found with an automaton over the lower-cased field, once.
_MEMBERS_CUES = ahocorasick_rs.AhoCorasick((
    "bloc", "group", "alliance", "organis", "organiz", "club", "forum", "coalition", "format",
    "aliança", "organiza", "fórum", "grupo", "bloque", "alianza", "foro", "gruppe", "bündnis",
    "block", "allianz", "brics", "g20", "sco", "ocx", "входят", "являются", "входять",
    "مجموعة", "تحالف", "منظمة", "تكتل", "بريكس", "گروه", "ائتلاف", "سازمان", "بریکس", "بلوک",
    "ब्रिक्स", "समूह", "संगठन", "गठबंधन", "ব্রিকস", "জোট", "সংস্থা", "গোষ্ঠী"))


def members(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields) -> set[int]:
    """Indices of the subject mentions in the lead or the body that name a bloc's members in a
    relative clause (see the module's docstring)."""
    found: set[int] = set()
    last_end: dict[str, int] = {}
    cues: dict[str, list[int] | None] = {}  # each field's cue words' starts, found once
    for i, m in enumerate(mentions):
        if m.field == "title" or not subject[i]:
            continue
        text = fields.get(m.field)
        end = last_end.get(m.field)
        gap = text[end:m.start] if end is not None and end <= m.start else None
        joined = gap is not None and len(gap) <= _MEMBERS_GAP_MAX and bool(
            _MEMBERS_GAP.fullmatch(gap))
        if joined or (_cue_before(cues, m.field, text, m.start) and _MEMBERS_BEFORE.search(
                text, max(0, m.start - _MEMBERS_REACH), m.start)):
            found.add(i)
            last_end[m.field] = m.end
    return found


def _cue_before(cues: dict[str, list[int] | None], field: str, text: str, start: int) -> bool:
    """Whether a cue word of a bloc's opener starts within reach before ``start`` (True where
    lower case changes the text's length, so that positions would not map: the search then
    decides alone)."""
    if field not in cues:
        lower = text.lower()
        cues[field] = sorted(s for _, s, _ in _MEMBERS_CUES.find_matches_as_indexes(
            lower, overlapping=True)) if len(lower) == len(text) else None
    starts = cues[field]
    if starts is None:
        return True
    k = bisect_left(starts, start - _MEMBERS_REACH)
    return k < len(starts) and starts[k] < start


# In English, a list of countries is an example among others where a preposition or "such
# as" introduces it ("corn from China, Argentina and South Africa", "rivals such as Japan,
# Korea and China"); a list before its verb acts ("the United States, Japan and South Korea
# held drills").
_EN_LIST_LEAD_IN = re.compile(
    r"\b(?:from|to|in|into|with|between|among|including|includes|include|like|as|than|"
    r"against|such\s+as|for|of)\s+(?:the\s+)?$")


# Politicians named as examples of a kind of people: "Epstein's friends, from politicians such
# as Bill Clinton and President Trump to media figures", each after "such as" or after the
# example before it.
_PERSON_KINDS = frozenset({"leader", "official"})
_EXAMPLES_LEAD_IN = re.compile(r"\bsuch\s+as\s+$")
_EXAMPLES_GAP = re.compile(
    r"(?:,|,?\s+(?:and|or))\s+(?:(?:former\s+)?(?:President|Vice\s+President|Senator|Sen\.|"
    r"Secretary|Governor|Gov\.|Speaker)\s+)?")


def _examples(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
              catalogue: Catalogue) -> set[int]:
    """Subject mentions of politicians that the lead or the body names as examples after
    "such as"."""
    found: set[int] = set()
    last: Mention | None = None  # the example before, if the mention before was one
    for i, m in enumerate(mentions):
        person = subject[i] and m.field != "title" and any(
            catalogue.entities[e].kind in _PERSON_KINDS for e in m.entity_ids)
        text = fields.get(m.field)
        if person and (_EXAMPLES_LEAD_IN.search(text, max(0, m.start - 12), m.start) or (
                last is not None and last.field == m.field
                and _EXAMPLES_GAP.fullmatch(text, last.end, m.start))):
            found.add(i)
            last = m
        else:
            last = None
    return found


def listed_in_english(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
                      catalogue: Catalogue) -> set[int]:
    """Indices of the subject mentions that stand in an English list of countries that a
    preposition introduces, or that name politicians as examples ("such as")."""
    if not catalogue.world or not any(subject):
        return set()
    return (_listed(mentions, subject, fields, catalogue, _EN_LIST_LEAD_IN)
            | members(mentions, subject, fields) | _examples(mentions, subject, fields, catalogue))


def passing(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
            catalogue: Catalogue) -> set[int]:
    """Indices of the subject mentions (``subject[i]``) that only pass (see the module's
    docstring)."""
    if not catalogue.world or not any(subject):
        return set()
    return (_listed(mentions, subject, fields, catalogue)
            | _lone_in_lead(mentions, subject, fields, catalogue)
            | members(mentions, subject, fields))


__all__ = ["listed_in_english", "passing"]
