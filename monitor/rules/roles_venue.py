"""Where something is held, in the languages other than English: a venue. Pure.

``rules/roles_i18n.py`` weighs a place named as where a summit, a court, a conference or a
match is held, or where a correspondent works, as a venue ("саммит в Казани", "دادگاهی در
واشنگتن", "워싱턴 특파원", "रूस में होने वाले शिखर सम्मेलन"); this module reads it:

- a preposition of place after the event: "la conferencia que se celebrará el 18 de junio en
  Nueva York", "le sommet qui aura lieu à Kazan", "Gipfel in Peking";
- "of" is not "in": Spanish, French and Portuguese join an event to a place with "de" only when
  the event is named after it: a Grand Prix or a tournament ("el Gran Premio de Estados
  Unidos", "GP dos Estados Unidos", "le Masters de Miami"), a summit or a fair named after its
  city ("la cumbre de Washington", "la conférence de Munich"). A meeting of two countries ("la
  reunión de Estados Unidos y China"), a country's court or embassy ("la Corte Suprema de EE.
  UU.", "l'ambassade des États-Unis", "a embaixada dos EUA") are the countries acting;
- the seat of an international body: New York beside the United Nations, Washington beside
  the IMF, the World Bank, the OAS or the Inter-American Commission ("una petición ante la
  CIDH, en Washington", "habló en Nueva York ante el Consejo de Seguridad de la ONU"), where
  the body meets, not the United States acting.

And in every language, English too: an event named after its host ("the Beijing Olympics",
"the Shanghai Masters", "the Miami Open", "el Masters de Shanghái", "турнир в Шанхае"):
``GAMES_AFTER`` (the English order) and ``hosts``, which ``rules/roles.py`` reads to call the
host city's other mentions in the story a venue too.

``reads_venue`` says whether a mention, from its kinds, ids and surrounding text, is a venue;
``state_tours`` which venues are a leader's or an official's tour ("Putin inicia una gira por
China"): a state visit, the country's story, not an artist's tour.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Fields, Mention

# A place naming an event held there: "the 2028 Los Angeles Games", "the Beijing Olympics", a
# tournament ("the Shanghai Masters", "the Miami Open", "the Kremlin Cup"; not "Beijing Open
# to talks").
GAMES_AFTER = re.compile(r"^(?:['’]s)?\s+(?:Olympics|Olympic\s+Games|Paralympics|"
                         r"Paralympic\s+Games|Games|Expo|World\s+Expo|(?:Rolex\s+)?Masters|"
                         r"(?:Tennis\s+)?Open(?!\s+(?:to|for|up|door|doors)\b)|Grand\s+Prix|"
                         r"(?:Half\s+)?Marathon|Cup|Invitational|Challenger|Diamond\s+League)\b")
# ... and before it, in the other languages: "el Masters de Shanghái", "le marathon de
# Chicago", "турнир в Шанхае".
_EVENT_BEFORE = re.compile(r"(?<!\w)(?:Masters|Open|Abierto|Marat[oó]n|Marathon|Gran Premio|"
                           r"Grand Prix|torneo|tournoi|Turnier|турнир\w*|марафон\w*)"
                           r"\s+(?:de|del|du|von|in|в|во)\s+$", re.IGNORECASE)


def hosts(mention: Mention, fields: Fields) -> bool:
    """Whether the mention names where a tournament or games are held ("the Shanghai
    Masters", "the China Open", "el Masters de Shanghái")."""
    text = fields.get(mention.field)
    return bool(GAMES_AFTER.match(text[mention.end:mention.end + 40])
                or _EVENT_BEFORE.search(text[max(0, mention.start - 30):mention.start]))

PLACE_KINDS = frozenset({"capital", "city", "place", "state"})

# Where something is held, or a correspondent works: "саммит в Казани", "Gipfel in Peking".
_EVENTS = (
    r"саммит|встреч|переговор|конференци|форум|суд(?=[аеуо]?\s)|судебн|посольств|"
    r"корреспондент|собкор|турнир|матч|чемпионат|олимпиад|саміт|зустріч|конференці|"
    r"кореспондент|турнір|Gipfel|Treffen|Konferenz|Gespräch|Verhandlung|Gericht|Botschaft|"
    r"Korrespondent|Turnier|Spiel|Olympi|Sitzung|sommet|réunion|rencontre|conférence|"
    r"tribunal|ambassade|correspondant|tournoi|match|forum|cumbre|reunión|encuentro|"
    r"conferencia|corte|embajada|corresponsal|torneo|foro|cúpula|reunião|encontro(?!u)|"
    r"conferência|embaixada|correspondente|[Gg]ran [Pp]remio|GP(?!\w)|Grande Prêmio|"
    r"Grand Prix|"
    # a show, a fair, a trial: "el concierto en Washington", "le procès à New York" (not a
    # Galaxy phone, nor a bank's exposure: "l'exposition des banques françaises en Russie")
    r"Asamblea General|Assemblée générale|concierto|concert|festival|gira|tournée|galas?(?!\w)|"
    r"ceremonia|cérémonie|"
    r"(?:exposición|exposition)(?!\s+(?:de|des|du)\s+(?:la\s+|los\s+|las\s+|l['’])?"
    r"(?:banc|banq|bank|fond|entidad|inversor|investisseur|empresa|entreprise|groupe))|"
    r"feria|juicio|procès|envoyée? spéciale?|enviad[oa] especial")
_AT = r"(?:в|во|на|у|in|im|bei|auf|à|en|au|aux|em|no|na|nos|nas)"
# Verbs of holding between the event and the place: "la conferencia que se celebrará el 18
# de junio en Nueva York", "le sommet qui aura lieu à Kazan".
_HELD = (r"(?:se celebr\w*|se realiz\w*|tendrá lugar|tuvo lugar|aura lieu|a eu lieu|"
         r"se tiendra|se tient|s['’]est tenu\w*|se dérouler\w*|se déroule\w*|será realizad\w*|"
         r"acontecer\w*|acontece|ocorrer\w*|ocorre|состоится|состоялс\w*|пройд[её]т|"
         r"відбудеться|відбул\w*|stattfinde\w*|tagt\w*)")
_OF = r"\s+(?:de|del|do|dos|da|das|des|du)\s+$|\s+d['’]\s*$"
_VENUE_BEFORE = re.compile(
    r"(?<!\w)(?:gira|tour|tournée|turnê)\s+(?:por|à travers|pelos?|pelas?)\s+"
    r"(?:(?:los|les|os)\s+)?$|"
    r"(?<!\w)(?:" + _EVENTS + r")\w*(?:\s+[^\s,.]+){0,3}?\s+" + _AT + r"\s+$"
    r"|(?<!\w)(?:" + _EVENTS + r")\w*(?:\s+[^\s,.]+){0,5}?\s+(?:que\s+|qui\s+|которы\w+\s+)?"
    + _HELD + r"(?:\s+[^\s,.]+){0,5}?\s+" + _AT + r"\s+$"
    # an event named after its place, a country's included: "el Gran Premio de Estados Unidos"
    r"|(?<!\w)(?:[Gg]ran [Pp]remio|GP|Grande Prêmio|Grand Prix|Abierto|Open|Masters|torneo|"
    r"tournoi|torneio|marat[oó]n|marathon|maratona)(?:" + _OF + r")"
    r"|(?:قمة|مؤتمر|محكمة|سفارة|مراسل|اجتماع|منتدى|بطولة|مباراة|ملعب|لقاء|محادثات|دادگاه|"
    r"نشست|اجلاس|کنفرانس|سفارت|خبرنگار|دانشگاه|مسابقه|مسابقات|دیدار|مذاکرات|همایش)\S*"
    r"(?:\s+\S+){0,3}?\s+(?:في|ب|در)\s*$", re.IGNORECASE)
# ... a summit or a fair named after a city (not a country: "la cumbre de Rusia y África" is
# Russia's), unless another place follows ("la reunión de Moscú y Kiev": two governments).
_CITY_EVENT_BEFORE = re.compile(
    r"(?<!\w)(?:cumbres?|sommets?|cúpulas?|conferencias?|conférences?|conferências?|foros?|"
    r"forums?|festival|feria|foire|feira|salon|exposición|exposition)(?:" + _OF + r")",
    re.IGNORECASE)
_AND_AFTER = re.compile(r"^\s*(?:y|e|et|i|-|–|,)\s", re.IGNORECASE)
# Chinese: "在 X 举行" (held in X), the place between a preposition and the event.
_ZH_HELD = re.compile(
    r"^[^\s。，,；]{0,8}?(?:举行|舉行|召开|召開|峰会|峰會|会议|會議|会谈|會談|开幕|開幕|法院|举办|"
    r"舉辦)")
_VENUE_AFTER = re.compile(
    r"^(?:で(?:開か|開催|行わ|の会談|の首脳)|特派員|支局)"
    r"|^\S{0,2}\s?(?:특파원|에서 열린|에서 열리는|에서 개최|에서 진행)"
    r"|^\S{0,3}\s+(?:में\s+)?(?:होने वाले|होने वाली|हुए|हुई|आयोजित|चल रहे)\s+(?:\S+\s+){0,3}?"
    r"(?:शिखर|सम्मेलन|बैठक|वार्ता)"
    r"|^\S{0,3}\s+(?:অনুষ্ঠিত|আয়োজিত)"
    r"|^['’](?:da|de|ta|te|daki|deki)\s+(?:düzenlenen|yapılan|gerçekleştirilen|toplanan|"
    r"düzenlenecek|yapılacak)\b")
_CJK_AT = re.compile(r"(?:在|于|於)$")

# The seats of international bodies: New York (Q60) of the United Nations, Washington (Q61) of
# the IMF, the World Bank, the OAS, the Inter-American Commission and Bank; named after a
# preposition of place ("en Nueva York", "à Washington", "em Nova York", "in New York").
# (Not Spanish and Portuguese "a": "pidió a Washington que respalde el acuerdo con el FMI"
# addresses the government.)
_SEAT_AT = re.compile(r"(?<!\w)(?:en|à|em|in|desde|depuis|sede en|siège à)\s+$",
                      re.IGNORECASE)
_SEATED = {
    "Q60": re.compile(r"(?<!\w)(?:ONU|Naciones Unidas|Nations [Uu]nies|Nações Unidas|UNO|"
                      r"Vereinten Nationen|Consejo de Seguridad|Conseil de sécurité|"
                      r"Conselho de Segurança|Sicherheitsrat|Asamblea General|"
                      r"Assemblée générale|Assembleia Geral|UNGA)(?!\w)"),
    "Q61": re.compile(r"(?<!\w)(?:FMI|Fondo Monetario|Fonds monétaire|Fundo Monetário|IWF|"
                      r"Banco Mundial|Banque mondiale|Weltbank|OEA|OAS|Organización de (?:los )?"
                      r"Estados Americanos|CIDH|Comisión Interamericana|BID|"
                      r"Banco Interamericano)(?!\w)"),
}


# A tour: "una gira por China", "une tournée en Chine", "turnê pelos EUA". An artist's tour is
# a venue; a leader's or an official's (``state_tours``) is a state visit.
_TOUR_BEFORE = re.compile(
    r"(?<!\w)(?:gira|tour|tournée|turnê)(?:\s+[^\s,.;:]+){0,3}?\s+"
    r"(?:por|en|à|au|aux|em|no|na|nos|nas|à travers|pelos?|pelas?)\s+"
    r"(?:(?:los|les|la|le|l['’]|os|o|a)\s*)?$", re.IGNORECASE)
_STOP = re.compile(r"[.!?。！？]\s")
_STATE_KINDS = frozenset({"leader", "official"})


def state_tours(mentions: Sequence[Mention], venues: Sequence[bool], fields: Fields,
                catalogue: Catalogue) -> set[int]:
    """Indices of the ``venues`` mentions named as a tour's place ("inicia una gira por
    China") whose sentence names a leader or an official before them ("Putin inicia una
    gira por China"): a state visit, the country's story."""
    found: set[int] = set()
    for i, m in enumerate(mentions):
        if not venues[i]:
            continue
        text = fields.get(m.field)
        before = text[max(0, m.start - 90):m.start]
        if not _TOUR_BEFORE.search(before):
            continue
        stops = list(_STOP.finditer(text, 0, m.start))
        start = stops[-1].end() if stops else 0
        if any(o.field == m.field and start <= o.start < m.start
               and {catalogue.entities[e].kind for e in o.entity_ids} & _STATE_KINDS
               for o in mentions):
            found.add(i)
    return found


def reads_venue(kinds: set[str], ids: set[str], before: str, after: str,
                sentence: str) -> bool:
    """Whether a mention of a place or a country (its entities' ``kinds`` and ``ids``, the
    text ``before`` and ``after`` it, its ``sentence``) names where something is held."""
    if not kinds & (PLACE_KINDS | {"country"}):
        return False
    if (_VENUE_BEFORE.search(before) or _VENUE_AFTER.match(after)
            or (_CJK_AT.search(before) and _ZH_HELD.match(after))):
        return True
    if (kinds & PLACE_KINDS and "country" not in kinds and _CITY_EVENT_BEFORE.search(before)
            and not _AND_AFTER.match(after)):
        return True
    return bool(_SEAT_AT.search(before)) and any(
        seated.search(sentence) for eid, seated in _SEATED.items() if eid in ids)


__all__ = ["GAMES_AFTER", "PLACE_KINDS", "hosts", "reads_venue", "state_tours"]
