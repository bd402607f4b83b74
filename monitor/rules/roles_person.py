"""A demonym naming a person in Spanish, French and Portuguese, beyond ``roles_i18n``'s. Pure.

Romance languages put the adjective after the noun, so a nationality that describes a person
follows the word for the person's trade: "el cineasta estadounidense", "la tenista rusa",
"el economista estadounidense", "le réalisateur américain", "la nageuse chinoise". And both
languages make a nationality noun of the adjective, placed before a name: "el estadounidense
Taylor Fritz", "la china Zheng Qinwen", "l'Américain Noah Lyles", "le Russe Daniil Medvedev".
French writes the noun with a capital (l'Américain) and the adjective in lower case
(l'américain Boeing, the company); Spanish writes both in lower case, but a company is
feminine (la empresa) and one word, so the masculine article, or a name of two capitalised
words, says that a person follows. After an indefinite article or a number the noun is a
person, named or not: "un estadounidense fue detenido en Caracas", "tres rusos heridos" (not
"dos", which is also Portuguese "of the"), "une Américaine arrêtée à Moscou", "um russo é
preso" (the definite plural is the country's people or government: "los estadounidenses
votan", "les Américains ont frappé").

The profiled person's own nationality is a demonym naming a person too: "El soldado de EE.UU.
que aprendió a tocar el piano", "La estadounidense que cruzó el Atlántico a remo", "Le Russe
qui a traversé la Patagonie à vélo" (``profiled``): one person, singular, at the headline's
start, as "a U.S. soldier who..." is in English; not a group ("los soldados estadounidenses
que llegan a Polonia": the state's), nor a profile of the state acting on the person or of
harm the person did ("el soldado ruso que mató a un civil"): the country's acts; nor a person
the headline ties to another state ("El estadounidense que asesora al Kremlin": the callers
read a profile only in a title that names nothing else), where the person is the link.

``reads_person`` says whether a mention of a country, with the text ``before`` and ``after``
it, names a person that way.

A profile: a headline whose subject is one person, the one "who" did something somewhere ("La
polémica historia del mexicano que asegura haber inventado los Cheetos en EE.UU.", "El
colombiano que trabaja en la NASA", "Le Français qui a conquis New York", "O brasileiro que
fez fortuna nos EUA"), is that person's story; the place after "en" is its setting, a venue
(``in_profile``), unless the headline says the state there acted on the person (arrested,
sentenced, deported, executed: "el mexicano que fue ejecutado en Texas" is Texas's story too),
or names a crime or a disaster there ("la mujer que sobrevivió a un tiroteo en Texas"). A
group is no profile: "los estudiantes que protestan en EE.UU." is the country's politics.
"""

from __future__ import annotations

import re

# Trades and roles of people (not of a state: a minister, a soldier, a pilot, a diplomat act
# for it; nor of a company: "productores chinos" of steel are firms, and so are business
# prose's plural players, "les acteurs chinois de la batterie", "los jugadores
# estadounidenses del sector": acteurs, joueurs, actores, jugadores only in the singular).
_TRADE_BEFORE = re.compile(
    r"(?<!\w)(?:cineastas?|director(?:a)? de cine|m[úu]sic[oa]s?|"
    r"humoristas?|comediantes?|fot[óo]graf[oa]s?|influencers?|youtubers?|presentador(?:a|es)?|"
    r"diseñador(?:a|es|as)?|pintor(?:a|es|as)?|poetas?|novelistas?|tenistas?|futbolistas?|"
    r"nadador(?:a|es|as)?|boxeador(?:a|es|as)?|atletas?|ciclistas?|golfistas?|"
    r"jugador(?:a|as)?|basquetbolistas?|beisbolistas?|deportistas?|velocistas?|"
    r"ajedrecistas?|r[ée]alisat(?:eur|rice)s?|cin[ée]astes?|musicien(?:ne)?s?|"
    r"humoristes?|com[ée]dien(?:ne)?s?|photographes?|mannequins?|"
    r"influen(?:ceur|ceuse)s?|youtubeu(?:r|se)s?|anima(?:teur|trice)s?|stylistes?|peintres?|"
    r"po[èe]tes?|romanci(?:er|ère)s?|sporti(?:f|ve)s?|athl[èe]tes?|joueur|joueuses?|"
    r"nageu(?:r|se)s?|tennisman|tenniswoman|boxeu(?:r|se)s?|cyclistes?|skieu(?:r|se)s?|"
    r"coureu(?:r|se)s?|[ée]checs|acteur|actrices?|chanteu(?:r|se)s?|rappeu(?:r|se)s?|"
    r"actor|actriz|actrices|cantantes?|raper[oa]s?|escritor(?:a|es|as)?|"
    # a scholar, a doctor, a lawyer ("el economista estadounidense Paul Krugman"; not
    # "investigadores", who are also a state's investigators)
    r"científic[oa]s?|economistas?|profesor(?:a|es|as)?|médic[oa]s?|abogad[oa]s?|"
    r"arquitect[oa]s?|historiador(?:a|es|as)?|filósof[oa]s?|scientifiques?|chercheu(?:r|se)s?|"
    r"économistes?|professeure?s?|médecins?|avocate?s?|architectes?|historien(?:ne)?s?|"
    r"philosophes?|cientistas?|pesquisador(?:a|es|as)?|advogad[oa]s?|historiador(?:a|es|as)?|"
    r"filósof[oa]s?)\s+$",
    re.IGNORECASE)
# The nationality noun before a name: "l'Américain Noah Lyles" (French: a capital), "el ruso
# Medvédev" (Spanish: a masculine article), "la estadounidense Coco Gauff" (two names).
_FR_NOUN = re.compile(r"^(?:Américaine?|Russe|Chinoise?|Étatsunienne?)$")
_ES_NOUN = re.compile(r"^(?:estadounidense|norteamerican[oa]|rus[oa]|chin[oa])$")
# A nationality noun after an indefinite article or a number: Spanish and Portuguese in lower
# case, French with its capital.
_SOME_NOUN = re.compile(
    r"^(?:estadounidenses?|norteamerican[oa]s?|rus[oa]s?|chin[oa]s?|estadunidenses?|"
    r"norte-american[oa]s?|american[oa]s?|russ[oa]s?|chinês|chinesa|chines[ae]s|Américaine?s?|"
    r"Russes?|"
    r"Chinois(?:es?)?|Étatsunien(?:ne)?s?)$")
_SOME = re.compile(
    r"(?<!\w)(?:un|una|une|um|uma|unos|unas|uns|umas|deux|"
    r"dois|duas|tres|trois|três|cuatro|quatre|quatro|cinco|cinq|seis|six|diez|dix|dez|"
    r"varios|varias|plusieurs|vários|várias|\d+)\s+$", re.IGNORECASE)
_FR_ARTICLE = re.compile(r"(?<!\w)(?:[Ll]['’]|[Ll]e\s+|[Ll]a\s+|[Dd]u\s+|[Aa]u\s+)$")
_ES_MASCULINE = re.compile(r"(?<!\w)(?:[Ee]l|del|al|[Uu]n)\s+$")
_ES_FEMININE = re.compile(r"(?<!\w)(?:[Ll]a|[Uu]na)\s+$")
_NAME = r"[A-ZÁÉÍÓÚÑÀÂÈÊÎÔÛÇ][\w'’-]+"
_ONE_NAME_AFTER = re.compile(r"^\s+" + _NAME)
_TWO_NAMES_AFTER = re.compile(r"^\s+" + _NAME + r"\s+" + _NAME)


# The person: a nationality (-ano, -ense, -eño, -ino, -eno, -és, -ol, -í, -eco, -ayo; French
# with its capital: -ais, -ain, -ien, -ois), or a word for a person, after an article or a
# "story of"; then "who", then what they did, then a preposition of place.
_WHO = (r"(?:[a-záéíóúñ]+(?:an[oa]s?|ens[e]s?|eñ[oa]s?|in[oa]s?|en[oa]s?|és|esas?|eses|í|íes|"
        r"ec[oa]s?|ay[oa]s?|eir[oa]s?)|(?:españ|mong)ol(?:a|es|as)?|hombres?|mujer(?:es)?|"
        r"j[oó]ven(?:es)?|niñ[oa]s?|científic[oa]s?|médic[oa]s?|estudiantes?|migrantes?|"
        r"inmigrantes?|madres?|padres?|hij[oa]s?|abuel[oa]s?|chef|artistas?|ingenier[oa]s?|"
        r"enfermer[oa]s?|homem|homens|mulher(?:es)?|jovens?|menin[oa]s?|hommes?|femmes?|"
        r"jeunes?|enfants?|(?-i:[A-ZÉ][a-zéè]+(?:ais|aise|ain|aine|ien|ienne|ois|oise)s?))")
# ... not the things those endings also spell.
_NOT_WHO = re.compile(
    r"^(?:semanas?|mañanas?|ventanas?|campanas?|veranos?|planos?|manos?|caminos?|destinos?|"
    r"terrenos?|estrenos?|mes|país|interés|estrés|revés|empresas?|promesas?|sorpresas?|"
    r"presas?|represas?|mesas?|oficinas?|medicinas?|gasolinas?|máquinas?|piscinas?|minas?|"
    r"cocinas?|marinas?|vitaminas?|disciplinas?|doctrinas?|vinos?|casinos?|bibliotecas?|"
    r"hipotecas?|discotecas?|diseños?|ensayos?|playas?|mayo|rayos?|fronteiras?|bandeiras?|"
    r"carteiras?|maneiras?|primeir[oa]s?|madeiras?|"
    # a chain, a sentence, a scene, a dinner, a tanker, a career, money...
    r"cadenas?|condenas?|penas?|cenas?|escenas?|antenas?|arenas?|docenas?|cuarentenas?|"
    r"faenas?|ballenas?|sirenas?|venenos?|frenos?|truenos?|sueños?|océanos?|pantanos?|"
    r"granos?|aduanas?|caravanas?|manzanas?|bananas?|submarinos?|molinos?|pepinos?|"
    r"rutinas?|cortinas?|vitrinas?|turbinas?|harinas?|colinas?|remesas?|fresas?|"
    r"petroleir[oa]s?|cruzeiros?|dinheiros?|roteiros?|carreiras?|feiras?|cadeiras?|"
    r"geladeiras?|trincheiras?|fileiras?|pulseiras?|torneiras?|brincadeiras?|besteiras?|"
    r"poeiras?|cachoeiras?|ribeiras?|caldeiras?)$", re.IGNORECASE)
_PROFILE = re.compile(
    r"^(?:[^,:;.!?]*?(?<!\w)(?:historia|vida|testimonio|odisea|drama|caso|histoire|vie|"
    r"história)\s+(?:del|de la|de una|de un|de|do|da|du|de l['’])\s*"
    r"|\W*(?:el|la|un|una|o|a|um|uma|le|l['’])\s*)"
    r"(?P<who>" + _WHO + r")\s+(?:que|quien|quienes|qui)\s+[^,:;!?]*?\s"
    r"(?:en|em|à|aux|au|no|na|nos|nas|dans)\s+(?:(?:la|el|los|las|le|les|o|a|os|as)\s+)?$",
    re.IGNORECASE)
# ... a state acting on the person, or a crime or a disaster there: the place's own story.
_STATE_ACTS = re.compile(
    r"(?<!\w)(?:detenid|arrestad|condenad|ejecutad|deportad|expulsad|encarcelad|pres[oa]s?\b|"
    r"juzgad|acusad|sancionad|asesinad|arrêté|condamné|expulsé|exécuté|emprisonné|"
    r"inculpé|executad|tiroteo|masacre|atentado|ataque|huracán|incendio|terremoto|inundaci|"
    r"fusillade|attentat|ouragan|incendie|séisme|tiroteio|massacre|furacão|incêndio)",
    re.IGNORECASE)


# The profiled person's own nationality: "El soldado de EE.UU. que aprendió a tocar el piano",
# "La estadounidense que cruzó el Atlántico a remo", "Le Russe qui a traversé la Sibérie à
# pied", "O americano que vive numa ilha": one person, singular, at the headline's start (a
# group, "los soldados estadounidenses que", is the state's).
_PERSON_ONE = (r"(?:hombre|mujer|j[oó]ven|niñ[oa]|chic[oa]|señor[a]?|anciano|anciana|"
               r"soldado|militar|marine|veterano|exsoldado|excombatiente|sargento|piloto|"
               r"astronauta|turista|estudiante|migrante|inmigrante|empresari[oa]|"
               r"millonari[oa]|multimillonari[oa]|artista|músic[oa]|escritor[a]?|médic[oa]|"
               r"científic[oa]|profesor[a]?|abogad[oa]|ingenier[oa]|enfermer[oa]|madre|padre|"
               r"hij[oa]|abuel[oa]|homem|mulher|menin[oa]|rapaz|moça|soldat|militaire|"
               r"vétéran|pilote|astronaute|touriste|étudiante?|homme|femme|jeune|enfant|"
               r"garçon|fille|artiste|écrivaine?|médecin)")
_PROFILE_HEAD = re.compile(  # (\W*+: no giving back, else a long run of "- - -" is quadratic)
    r"^\W*+(?:(?:[^,:;.!?]*?(?<!\w)(?:historia|vida|testimonio|odisea|histoire|vie|"
    r"história)\s+(?:del|de la|de una|de un|de|do|da|du|de l['’])\s*)"
    r"|(?:el|la|un|una|o|a|um|uma|le|l['’]|une)\s*)"
    r"(?:(?P<who>" + _PERSON_ONE + r")\s+"
    r"(?:(?:de|do|da)\s+(?:los\s+|las\s+|la\s+)?|des\s+|du\s+)?)?$",
    re.IGNORECASE)
_PROFILE_NOUN = re.compile(
    r"^(?:estadounidense|norteamerican[oa]|rus[oa]|chin[oa]|estadunidense|norte-american[oa]|"
    r"american[oa]|russ[oa]|chinês|chinesa|Américaine?|Russe|Chinoise?)$")
_PROFILE_WHO = re.compile(r"^\s+(?:que|quien|qui)\s")
# ... but a profile of what the person did to others (killed, shot, spied) tells of the
# country's acts too.
_HARM = re.compile(r"(?<!\w)(?:mat[óo]|mataron|asesin|dispar|tortur|bombarde|espi[óoa]|"
                   r"desert|désert|tu[ée]|a tué|abattu|mat(?:ou|aram)|atir|envenen|empoisonn|"
                   r"hacke|pirat|invad|envah|se rindi|se rendeu|s['’]est rendu)", re.IGNORECASE)


def profiled(before: str, text: str, after: str) -> bool:
    """Whether the mention ``text`` of a country, at a headline's ``before`` and ``after``,
    is the nationality of the one person the headline profiles ("El soldado de EE.UU. que
    aprendió a tocar el piano"): a demonym naming a person, unless the headline says a state
    acted on the person, or names a crime or a disaster, or harm the person did."""
    found = _PROFILE_HEAD.search(before)
    if found is None or not _PROFILE_WHO.match(after):
        return False
    if found.group("who") is None and not _PROFILE_NOUN.match(text):
        return False  # "El ruso que..." names the person; "La Rusia que..." the country
    headline = before + text + after
    return not (_STATE_ACTS.search(headline) or _HARM.search(headline))


# English puts the nationality first: "The U.S. Soldier Who Learned to Play Saddam's Piano",
# "A Russian Woman Who Rows Across the Pacific", "The American Who Built a Village School"
# (not "The Chinese who", a people).
_EN_HEAD = re.compile(r"^\W*(?:The|A|An)\s+$")
_EN_ONE = (r"(?:soldier|veteran|marine|sailor|pilot|astronaut|man|woman|boy|girl|teenager|"
           r"student|tourist|traveller|traveler|engineer|doctor|nurse|teacher|scientist|artist|"
           r"musician|writer|chef|farmer|father|mother|grandmother|grandfather|widow|expat|"
           r"immigrant|millionaire|billionaire)")
_EN_WHO = re.compile(r"^\s+(?:(?P<who>" + _EN_ONE + r")\s+)?who\s", re.IGNORECASE)
_EN_NOUN = re.compile(r"^(?:American|Russian|Soviet)$")
_EN_HARM = re.compile(r"\b(?:kill|shot|shoot|murder|spied|spy|arrest|detain|jail|sentenc|"
                      r"execut|deport|charg|convict|attack|massacre|bomb|tortur|defect|"
                      r"poison|hack|invad|surrender|deserted)",
                      re.IGNORECASE)


def profiled_en(before: str, text: str, after: str) -> bool:
    """``profiled`` for an English headline: "The U.S. Soldier Who Learned to Play Piano"."""
    if _EN_HEAD.match(before) is None or (who := _EN_WHO.match(after)) is None:
        return False
    if who.group("who") is None and not _EN_NOUN.match(text):
        return False
    return _EN_HARM.search(after) is None


def in_profile(before: str) -> bool:
    """Whether a headline's place, after the headline's text ``before`` it, is the setting
    of a person's profile (see the module's docstring)."""
    found = _PROFILE.search(before)
    return bool(found and not _NOT_WHO.match(found.group("who"))
                and not _STATE_ACTS.search(before))


def reads_person(text: str, before: str, after: str) -> bool:
    """Whether the mention ``text`` of a country (a demonym) names a person: after a word
    for a person's trade, or as a nationality noun before a name (``after``: the text right
    after the mention, a name that is itself a mention included)."""
    if _TRADE_BEFORE.search(before) or (_SOME_NOUN.match(text) and _SOME.search(before)):
        return True
    if _FR_NOUN.match(text):
        return bool(_FR_ARTICLE.search(before) and _ONE_NAME_AFTER.match(after))
    if _ES_NOUN.match(text):
        return bool((_ES_MASCULINE.search(before) and _ONE_NAME_AFTER.match(after))
                    or (_ES_FEMININE.search(before) and _TWO_NAMES_AFTER.match(after)))
    return False


__all__ = ["in_profile", "profiled", "profiled_en", "reads_person"]
