"""An election as a date: "before" or "after" a country's election, in the languages other
than English. Pure.

News dates events by an election as it dates them by a holiday: "tras las elecciones de
EE.UU., el peso se desplomó", "avant l'élection présidentielle américaine", "nach der US-Wahl",
"после выборов в США", "米大統領選後に", "米大統領選を前に", "美国大选后", "미국 대선 이후".
The country there is named only for the time its election gives the story, like a dateline,
not as who acts (its leaders and officials, named apart, still count). A country whose
election is what happens ("EE.UU. celebra elecciones", "米大統領選で勝利") is not dated by it,
nor one whose sentence names anything else ("Antes de las elecciones de EE.UU., Rusia
intensifica su desinformación": the election is the target; "Tras las elecciones en Rusia, el
Kremlin endurece su postura": the state acts; ``rules/roles.py`` says so).

``election_time`` says whether a mention of a country, with the text ``before`` and ``after``
it, names such a time (``rules/roles_i18n.py`` makes it a venue, as it does a leader's
victory used as a date: "après la victoire de Trump").
"""

from __future__ import annotations

import re

# Before or after, ahead of, on the eve of, days before (Spanish, French, Portuguese, German,
# Russian, Ukrainian).
_WHEN = (r"(?:tras|después de|desde|antes de|hasta|"
         r"a (?:\w+ )?(?:días?|semanas?|mes|meses|horas) de|en vísperas de|de cara a|"
         r"après|depuis|avant|jusqu['’]à|à l['’]approche de|"
         r"à la veille de|à (?:\w+ )?(?:jours?|semaines?|mois|heures) d(?:e|es|u)|"
         r"após|depois d[aeo]s?|antes d[aeo]s?|"
         r"às vésperas d[aeo]s?|nach|seit|vor|bis zu[rm]?|kurz (?:vor|nach)|"
         r"после|до|накануне|в преддверии|за (?:\w+ )?(?:дн\w+|недел\w+|месяц\w*) до|"
         r"після|напередодні|перед)")
_ARTICLE = r"(?:(?:las|los|la|el|les|le|l['’]|as|os|a|o|die|der|den|dem)\s*)?"
# The election (a presidential, a midterm, a general one; Russian and Ukrainian put the
# adjective first).
_ELECTION = (r"(?:(?:президентск\w+|парламентск\w+|промежуточн\w+|президентськ\w+|"
             r"парламентськ\w+|проміжн\w+)\s+)?"
             r"(?:elecciones|elección|comicios|élections?|présidentielles?|législatives|"
             r"scrutin|eleições|eleição|pleito|Wahlen|Wahl|Präsidentschaftswahl(?:en)?|"
             r"Kongresswahl(?:en)?|Zwischenwahl(?:en)?|выбор\w*|вибор\w*)"
             r"(?:\s+(?:presidenciales|presidencial|legislativas|generales|de medio término|"
             r"de mitad de mandato|intermedias|présidentielles?|de mi-mandat|presidenciais|"
             r"legislativas|gerais|de meio de mandato|президента|президента\s+\w+))?")
_IN = (r"(?:\s+(?:de|en|in|aux|à|dans|em|nos|nas|no|na|do|dos|da|des|du|в|во|у)"
       r"(?:\s+(?:los|las|la|el|les|den|der|os|as|o|a))?)?")
# The time opens its clause, where it dates what follows ("Tras las elecciones de EE.UU., el
# peso se desplomó"); after a noun it is the noun's ("la campaña antes de las elecciones de
# EE.UU. se vuelve más sucia": the election is the subject).
_OPENS = r"(?:^|[,;:.!?—–(«\"“]\s*)\W*?"
_BEFORE = re.compile(_OPENS + _WHEN + r"\s+" + _ARTICLE + _ELECTION + _IN + r"\s+$",
                     re.IGNORECASE)
# German writes the country into the word: "nach der US-Wahl", "vor den US-Präsidentschaftswahlen".
_DE_BEFORE = re.compile(_OPENS + _WHEN + r"\s+" + _ARTICLE + r"$", re.IGNORECASE)
_DE_AFTER = re.compile(r"^-(?:Wahl|Präsidentschaftswahl|Kongresswahl|Zwischenwahl|"
                       r"Präsidentenwahl)(?:en)?(?!\w)")

# Chinese, Japanese and Korean put the time after the election: the election word (or the
# mention is itself one: 米大統領選, 美大选, 미 대선), a date it is held on, then before or after.
_CJK_ELECTION = (r"(?:大統領選挙?|中間選挙?|議会選挙?|総選挙|大选|大選|总统选举|總統選舉|中期选举|"
                 r"期中選舉|\s?대선|\s?대통령\s?선거|\s?중간\s?선거|\s?총선)")
_CJK_ELECTION_END = re.compile(r"(?:選|選挙|大选|大選|选举|選舉|대선|선거)$")
_DATE = r"(?:[0-9０-９]{1,2}月[0-9０-９]{1,2}日)"
_CJK_HELD = (r"(?:挙)?(?:が行われる|が実施される|の投開票日?|の投票日|投開票日?)?の?" + _DATE
             + r"?の?")
_CJK_WHEN = (r"(?:(?:の|之)?(?:前後|前后|直前|直後|以前|以降|以後|以来|前夜|前夕|结束后|結束後|"
             r"前(?![哨景途半任])|[後后](?![半续續果任継]))"
             r"|を(?:前に|控え|経て)"
             r"|\s?(?:이후|이전|전후|직후|직전|전에|후에|전까지|후|전)(?!\w)|\s?[을를]\s?앞두고)")
_CJK_AFTER = re.compile(r"^" + _CJK_ELECTION + r"?" + _CJK_HELD + _CJK_WHEN)
_CJK_AFTER_COUNTRY = re.compile(r"^(?:の|的)?" + _CJK_ELECTION + _CJK_HELD + _CJK_WHEN)


# What makes the election the target of the sentence's other actor, not its date: "Antes de
# las elecciones de EE.UU., Rusia intensifica su desinformación" (interference, influence,
# voters, candidates, the campaign, fraud), in the languages of ``_WHEN``.
_TARGET = re.compile(
    r"desinformaci[oó]n|désinformation|desinformação|Desinformation|дезинформац|дезінформац|"
    r"injerencia|ingérence|ingerência|interferencia|interférence|interferência|Einmischung|"
    r"Einflussnahme|вмешательств|втручанн|influencia|influence|influência|"
    r"votantes|electores|électeurs|eleitores|Wähler|избирател|виборц|"
    r"candidat|Kandidat|кандидат|campaña|campagne|campanha|Wahlkampf|кампани|"
    r"fraude|Wahlbetrug|фальсификац|фальсифікац|hacke|piratage|ciberataque|cyberattaque|"
    r"noticias falsas|fausses nouvelles|notícias falsas|Falschnachricht|Fake News|фейк|"
    # Chinese, Japanese, Korean: interference, disinformation, voters, candidates
    r"干预|干涉|介入|干渉|虚假信息|假信息|偽情報|虚偽情報|世論工作|选民|選民|有権者|候选人|候選人|"
    r"候補|개입|허위\s?정보|가짜\s?뉴스|유권자|후보",
    re.IGNORECASE)


def election_targeted(sentence: str) -> bool:
    """Whether ``sentence`` speaks of what is done to an election (so a country's election
    named in it beside another country acting is that actor's target, not a date)."""
    return _TARGET.search(sentence) is not None


def election_time(text: str, before: str, after: str) -> bool:
    """Whether the mention ``text`` of a country, ``before`` and ``after`` it, names the time
    of its election: "tras las elecciones de EE.UU.", "nach der US-Wahl", "米大統領選後"."""
    if _BEFORE.search(before):
        return True
    if _DE_AFTER.match(after) and _DE_BEFORE.search(before):
        return True
    if _CJK_ELECTION_END.search(text):
        return _CJK_AFTER.match(after) is not None
    return _CJK_AFTER_COUNTRY.match(after) is not None


__all__ = ["election_targeted", "election_time"]
