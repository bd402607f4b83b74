"""A news agency or a state medium as who tells the story, in the languages other than English.
Pure.

English reads "Xinhua reported", "according to TASS" (``rules/roles_en.py``), and the other
languages' "according to" ("по данным", "بحسب", "据") is ``rules/roles_i18n.py``'s. This module
reads the rest of how a wire agency is cited: a verb of reporting before it, which Arabic,
Russian, Ukrainian, Spanish, French, Portuguese and German put first ("ذكرت وكالة شينخوا أن",
"Как сообщает агентство Синьхуа", "передает ТАСС", "informó la agencia Xinhua", "meldete die
Nachrichtenagentur Xinhua"); someone speaking to it ("قال لوكالة تاس", "заявил ТАСС", "dijo a
la agencia Xinhua", "sagte der Agentur Tass"); and the agency then the verb ("ТАСС сообщает",
"وكالة شينخوا ذكرت", "新华社报道", "Xinhua informó", "شینهوا گزارش داد", "Xinhua'nın
haberine göre"). The agency there is a source, as "according to Xinhua" is; a story about
the agency itself ("Russia bans ...", an agency's correspondent expelled) names it otherwise.

``agency_source`` says whether a mention of a state medium, with the text ``before`` and
``after`` it, is cited so.
"""

from __future__ import annotations

import re

# The agency's noun, its qualifiers ("وكالة الأنباء الصينية الرسمية", "информагентство",
# "la agencia oficial china", "die staatliche Nachrichtenagentur").
_AGENCY_NOUN = (
    r"(?:(?:ل|ب)?(?:وكالة|لوكالة|الوكالة|قناة|صحيفة|موقع)(?:\s+(?:أنباء|الأنباء|الانباء|"
    r"انباء))?(?:\s+ال\S+){0,3}"
    r"|(?:информационн\w+\s+)?(?:агентств\w*|информагентств\w*|інформагенці\w*|агенці\w*|"
    r"издани\w*|телеканал\w*|газет\w*)(?:\s+\w+){0,2}?"
    r"|(?:(?:la|a|l['’]|die|der)\s*)?(?:agencia|agence|agência|Nachrichtenagentur|Agentur|cadena|"
    r"cha[iî]ne|Sender)(?:\s+(?:de noticias|de presse|de notícias|oficial|officielle|estatal|"
    r"d['’][ÉéEe]tat|staatliche|amtliche|staatlichen|amtlichen|china|chinoise|chinesa|rusa|"
    r"russe|russa|chinesische|russische|chinesischen|russischen))*)")
# A verb of reporting or of telling, then the agency: "ذكرت وكالة", "сообщает ТАСС", "informó
# la agencia", "berichtete die Nachrichtenagentur"; "قال لوكالة", "заявил ТАСС", "dijo a".
_VERB_BEFORE = re.compile(
    r"(?<!\w)(?:"
    r"ذكرت|ذكر|أفادت|افادت|أفاد|قالت|قال|أوردت|نقلت|نشرت|أعلنت|بثت|أضافت|أكدت|صرح|صرّح|"
    r"[Сс]ообща\w*|[Сс]ообщил\w*|[Пп]ереда[её]т|[Пп]ередал\w*|[Пп]ишет|[Пп]исал\w*|"
    r"[Зз]аявил\w*|[Рр]ассказал\w*|[Сс]казал\w*|[Пп]овідом\w*|[Пп]ереда[єю]\w*|[Зз]аяви\w*|"
    r"[Рр]озповів\w*|"
    r"informó|informa|inform[oó]u|indicó|señaló|reportó|dijo|declaró|afirmó|"
    r"rapporte|rapporté|indique|indiqué|annonce|déclaré|affirmé|dit|"
    r"disse|afirmou|relatou|noticiou|"
    r"berichtete|berichtet|meldete|meldet|sagte|erklärte"
    r")(?:\s+(?:a|à|au|ao|à la|a la|der|dem))?\s*(?:" + _AGENCY_NOUN + r"\s*)?$",
    re.IGNORECASE)
# Who speaks to the agency, the dative alone: "... لوكالة تاس", "... агентству ТАСС", "в
# интервью ТАСС", "... a la agencia Xinhua", "... à l'agence Tass", "... der Agentur Xinhua".
_TOLD_BEFORE = re.compile(
    r"(?<!\w)(?:(?:لوكالة|لصحيفة|لقناة|لموقع)(?:\s+(?:أنباء|الأنباء|الانباء))?(?:\s+ال\S+){0,3}"
    r"|(?:информационному\s+)?(?:агентству|информагентству|агенції|изданию|телеканалу)"
    r"(?:\s+\w+){0,2}?|в интервью|в беседе с|в інтерв['’]ю"
    r"|(?:a la|à l['’]|à la|à|ao|à)\s*(?:agencia|agence|agência|cadena|cha[iî]ne)(?:\s+\w+){0,2}?"
    r"|(?:en|em) (?:declaraciones|entrevista|déclarations?)(?: (?:a|à|con|com))?(?: la)?"
    r"|(?:gegenüber )?der (?:staatlichen |amtlichen )?(?:Nachrichtenagentur|Agentur))\s*$",
    re.IGNORECASE)
# The agency, then the verb: "ТАСС сообщает", "وكالة شينخوا ذكرت", "新华社报道", "Xinhua informó".
_VERB_AFTER = re.compile(
    r"^\s*(?:"
    r"ذكرت|أفادت|افادت|قالت|أوردت|نقلت"
    r"|сообща\w*|сообщил\w*|переда[её]т|передал\w*|пишет|писал\w*|повідом\w*|переда\w*"
    r"|informó|informa|inform[oó]u|indicó|señaló|reportó|rapporte|a rapporté|indique|"
    r"a indiqué|relatou|noticiou|berichtete|berichtet|meldete|meldet"
    r")"
    r"|^(?:记者)?(?:报道|報道|报导|報導|消息|称|稱|援引|发布|發布|播报|播報|说|說|指出|表示)"
    # Persian and Turkish put the verb last: "شینهوا گزارش داد", "Xinhua'nın haberine göre"
    r"|^\s*(?:گزارش\s+(?:داد|داده|می‌دهد|میدهد)|اعلام\s+کرد|نوشت)"
    r"|^['’]\w*\s+(?:haberine|haberlerine|açıklamasına|bildirdiğine)\s+göre",
    re.IGNORECASE)


def agency_source(kinds: set[str], before: str, after: str) -> bool:
    """Whether a mention of the ``kinds`` (a state medium's), between ``before`` and
    ``after``, is cited as who tells the story."""
    if "state media" not in kinds:
        return False
    return bool(_VERB_BEFORE.search(before) or _TOLD_BEFORE.search(before)
                or _VERB_AFTER.match(after))


__all__ = ["agency_source"]
