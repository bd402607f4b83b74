"""Where a mention names what a thing is like or comes from, in the languages other than
English: the patterns of ``rules/roles_i18n.py``'s origin role. Pure.

- a model or a comparison ("inspirado no modelo norte-americano", "à l'instar des
  États-Unis", "a diferencia de Rusia", "anders als die USA");
- an alignment with a country ("Annäherung an Moskau", "rapprochement avec Moscou");
- a journey or a biography ("regresó de Moscú", "a grandi aux États-Unis"), a journey called
  off ("cancelou viagem à Rússia"); not a flight of deportees, which the country sends;
- a country's interest rates, or rates set by its central bank, as a market's driver
  ("aunque tasas de EE. UU. y la inflación afectan", "la hausse des taux décidée par la Fed");
- a work of a country's culture, the adjective after the noun ("una serie estadounidense",
  "les films américains", "un roman russe"): where a film or a song comes from;
- a border with a country, and the destination of migrants' journey ("la frontera con
  Estados Unidos", "caminan rumbo a Estados Unidos", "en route vers les États-Unis"):
  geography, where a story about migrants or a neighbour takes place beside;
- remittances sent from a country ("las remesas enviadas desde Estados Unidos", "les envois de
  fonds depuis les États-Unis"): the story is the receiving economy's, the sender's the origin;
- a law or a place nicknamed after a country (« loi russe », 「台中白宮」);
- a decoration of a state's institution ("з медаллю ФСБ").

``reads_origin`` says whether one of them reads around a mention of the given kinds.
"""

from __future__ import annotations

import re

_PLACE_KINDS = frozenset({"capital", "city", "place", "state"})

# A comparison or a model: "inspirado no modelo norte-americano", "nach amerikanischem Vorbild".
_MODEL_BEFORE = re.compile(
    r"(?<!\w)(?:modelo|estilo|modèle|style|Vorbild|por el ejemplo|à l['’]image|по образцу|"
    r"по примеру|как в|wie in|comme aux|comme en|como en|como nos|como na)"
    r"\s+(?:(?:de|da|do|dos|das|des|du|la|el|los|der|des|)\s*)?$", re.IGNORECASE)
# The other side of a comparison (as in English): "à l'instar des États-Unis", "a diferencia
# de Rusia", "ao contrário da China", "anders als die USA", "в отличие от России".
_COMPARED_BEFORE = re.compile(
    r"(?<!\w)(?:à l['’]instar d(?:e|es|u)|contrairement (?:à|aux)|par rapport (?:à|aux)|"
    r"comparé\w* (?:à|aux)|plus que|moins que|al igual que|a diferencia de(?:l)?|"
    r"(?:comparad\w*|en comparación) con|más que|menos que|ao contrário d[aeo]s?|"
    r"(?:comparad\w*|em comparação) com|mais do que|menos do que|anders als|"
    r"im Vergleich zu(?:m|r)?|verglichen mit|mehr als|weniger als|в отличие от|"
    r"по сравнению с|на відміну від|порівняно з)"
    r"\s+(?:(?:les|la|le|l['’]|el|los|las|os|as|o|a|die|den|der|dem)\s*)?$", re.IGNORECASE)
_MODEL_AFTER = re.compile(r"^\w*\s+(?:Vorbild|Modell|Art)\b")
# An alignment with a country, another's stance, says where a policy looks, not who acts
# ("Annäherung an Moskau", "rapprochement avec Moscou", "сближение с Россией").
_STANCE_BEFORE = re.compile(
    r"(?<!\w)(?:Annäherung an|Ausrichtung nach|Ausrichtung auf|Hinwendung zu|Orientierung an|"
    r"Anlehnung an|rapprochement avec|alignement sur|acercamiento a|alineamiento con|"
    r"aproximação com|alinhamento com|сближени\w* с|ориентаци\w* на|зближенн\w* з|"
    r"орієнтаці\w* на)\s+(?:(?:das|den|dem|le|la|les|el|la|o|a)\s+)?$", re.IGNORECASE)
# Where a traveller comes back from, or a person studied, grew up, lived or was born (as in
# English, rules/roles.py): a journey or a biography, not the country acting ("regresó de Moscú",
# "de retour de Moscou", "zurück aus Moskau", "вернулся из Москвы", "estudió en la Unión
# Soviética", "a grandi aux États-Unis", "studierte in Moskau", "учился в Москве").
_JOURNEY_BEFORE = re.compile(
    r"(?<!\w)(?:regres[óoa]\w*|volvi[óo]\w*|vuelve|vuelo|vuelos|de vuelta|"
    r"venu\w*|venant|procedentes?|originari[oa]s?|originaires?|"
    r"retour|rentr[ée]\w*|revenu\w*|regressou|voltou|voo|voos|"
    r"zurück|Rückkehr|Rückflug|Flug|вернул\w*|возвращ\w*|прилетел\w*|повернул\w*)"
    r"(?:\s+[^\s,.;:]+){0,3}?\s+(?:de|desde|d['’]|du|des|do|da|dos|das|aus|von|из|з|із)\s*"
    r"(?:(?:la|el|los|las|le|les|l['’]|o|a|os|as|den|der|dem)\s+)?$"
    r"|(?<!\w)(?:estudi[óo]|estudiaba|se form[óo]|creci[óo]|vivi[óo]|vive|viv[íi]a|"
    r"[ée]tudi[ée]\w*|a grandi|grandi|vécu|vit|vivait|estudou|cresceu|viveu|morou|"
    r"studierte|studiert|aufgewachsen|lebte|lebt|учил\w*|вырос\w*|жил|жила|жили|живет|живёт|"
    r"навчал\w*|виріс\w*|жив|"
    # born, settled, exiled there: a biography too ("nació en Estados Unidos", "installé aux
    # États-Unis depuis 1990", "radicado en EE.UU.")
    r"naci[óo]|nacid[oa]s?|radicad[oa]s?|residentes?|exiliad[oa]s?|afincad[oa]s?|"
    r"née?s?|installée?s?|exilée?s?|établie?s?)"
    r"(?:\s+[^\s,.;:]+){0,2}?\s+(?:en|à|au|aux|em|no|na|nos|nas|in|im|в|во|у)\s+"
    r"(?:(?:la|el|los|las|le|les|l['’]|o|a|os|as|den|der|dem)\s+)?$"
    # ... and a journey called off: "cancelou viagem à Rússia", "aplazó su visita a China",
    # "annule son voyage en Chine" (the trip does not happen; the country does not act)
    r"|(?<!\w)(?:cancel\w*|suspend\w*|suspens\w*|aplaz\w*|pospu\w*|pospon\w*|adi[oó]u?|"
    r"adiad\w*|annul\w*|report[ée]\w*|absag\w*|abgesagt|отмен\w*|отложил\w*)"
    r"(?:\s+[^\s,.;:]+){0,3}?\s+(?:viajes?|viage(?:m|ns)|visitas?|voyages?|visites?|"
    r"déplacements?|Reise|Besuch|визит\w*|поездк\w*)"
    r"(?:\s+[^\s,.;:]+){0,2}?\s+(?:a|à|ao|en|au|aux|em|para|nach|in|в|во)\s+"
    r"(?:(?:la|el|los|las|le|les|l['’]|o|a|os|as|den|die)\s+)?$", re.IGNORECASE)
# ... but a flight of deportees from a country is that country deporting them ("los vuelos de
# deportación de Estados Unidos", "voo com deportados dos EUA"): its government acts.
_DEPORTED = re.compile(r"(?<!\w)(?:deporta\w*|déporté\w*|deportad\w*|expulsad\w*|expulsé\w*|"
                       r"expulsos|expulsões|expulsiones|expulsions)(?!\w)", re.IGNORECASE)
# A country's interest rates or bond yields named as a market's driver, like a price
# benchmark ("aunque tasas de EE. UU. y la inflación afectan" the peso, "taux d'intérêt des
# États-Unis"); a central bank acting (la Fed) is an institution, not matched here.
_RATES_BEFORE = re.compile(
    r"(?<!\w)(?:tasas?|tipos?|taux|juros|Zinsen|Zinssätze|Renditen|rendimientos?|"
    r"rendimentos?|ставк\w*|ставок)(?:\s+(?:de|d['’])\s*(?:interés|intérêt|juros))?\s+"
    r"(?:de|del|des|du|da|do|dos|in den|der|в)\s+(?:(?:los|las|la|el|os|as|o|a)\s+)?$"
    # ... or set by a country's central bank: "el aumento de las tasas de interés por parte
    # de la Fed", "la hausse des taux décidée par la Fed", "o corte dos juros pelo Fed"
    r"|(?<!\w)(?:tasas?|tipos?|taux|juros|Zinsen|Leitzins\w*|ставк\w*|ставок)"
    r"(?:\s+[^\s.;:!?]+){0,3}?\s+(?:por parte de|por|par|pelo|pela|durch|von|со стороны)"
    r"\s+(?:[^\s.;:!?]+\s+){0,4}?(?:[^\s.;:!?]+\s*,\s*)?(?:[^\s.;:!?]+\s+){0,3}$",
    re.IGNORECASE)
# Remittances, and the money migrants send home, from a country: where the money comes from
# ("las remesas desde Estados Unidos", "les transferts d'argent depuis les États-Unis", "as
# remessas enviadas dos EUA"), not who acts; "Estados Unidos gravará las remesas" acts.
_REMITTED_BEFORE = re.compile(
    r"(?<!\w)(?:remesas|env[ií]os de (?:dinero|remesas)|remises|transferts d['’]argent|"
    r"envois (?:de fonds|d['’]argent)|remessas|envios de dinheiro)"
    r"(?:\s+[^\s,.;:]+){0,4}?\s+(?:desde|de|procedentes de|depuis|des|de l['’]|do|dos|da|"
    r"vindas d[aeo]s?)\s*(?:(?:los|las|la|el|les|le|l['’]|os|as|o|a)\s*)?$", re.IGNORECASE)
# A work of a country's culture (Spanish, French, Portuguese put the adjective after the noun):
# where it comes from, not who acts ("las series estadounidenses", "un film américain", "le
# cinéma chinois"); entertainment is not a country's story (the analysts' rule).
_WORK_BEFORE = re.compile(
    r"(?<!\w)(?:pel[íi]culas?|filmes?|films?|cintas?|series?|séries?|telenovelas?|"
    r"feuilletons?|sitcoms?|dibujos animados|dessins? animés?|cine|cinéma|canci[óo]n|"
    r"canciones|chansons?|discos?|albums?|álbum(?:es)?|novelas?|romans?|videojuegos?|"
    r"jeux? vidéo|blockbusters?|comedias?|comédies?|documentales?|documentaires?|"
    r"espectáculos?|spectacles?|música|musique)\s+$", re.IGNORECASE)
# A border with a country, and where migrants head: geography beside the story ("la frontera
# con Estados Unidos", "la frontera entre México y Estados Unidos", "rumbo a Estados Unidos",
# "à destination des États-Unis"); "Estados Unidos cerró la frontera" acts.
_BORDER_BEFORE = re.compile(
    r"(?<!\w)(?:fronteras?|frontières?|fronteiras?)(?:\s+(?:norte|sur|nord|sud|común|commune))?"
    r"\s+(?:con|avec|com|entre\s+[^\s,.;:]+\s+(?:y|et|e))\s+(?:(?:los|les|os|la|le|l['’])\s*)?$"
    r"|(?<!\w)(?:rumbo a|con destino a|(?:para|buscan|intentan|intentar|quieren) llegar a|"
    r"cruzar a|emigrar a|emigraron a|migrar a|en route vers|à destination d(?:es?|u)|"
    r"pour rejoindre|rumo a|com destino a|(?:para|tentam) chegar a)"
    r"\s+(?:(?:los|les|la|le|l['’]|os|o|a)\s*)?$"
    # ... the border of a country ("la frontera sur de EE.UU.", "la frontière des
    # États-Unis"), and where a caravan of migrants walks ("avanza hacia Estados Unidos")
    r"|(?<!\w)(?:fronteras?|frontières?|fronteiras?)(?:\s+(?:norte|sur|nord|sud))?\s+"
    r"(?:de|del|des|du|dos|do|da)\s+(?:(?:los|les|os|la|le|l['’]|o|a)\s*)?$"
    r"|(?<!\w)(?:migrantes?|caravanas?|éxodo|refugiados|migrants|caravanes?|exode|réfugiés|"
    r"imigrantes)(?!\w)[^.;:!?]{0,40}?(?<!\w)(?:hacia|vers|rumo|em direção)"
    r"\s+(?:(?:los|les|os|la|le|l['’]|o|a|aos|às)\s*)?$", re.IGNORECASE)
# A law or a model nicknamed after a country, in quotation marks: "russische Agentengesetz",
# «російський закон», "loi russe": the country names the likeness, not the actor.
_NICKNAME_BEFORE = re.compile(r"[\"“„«「‚']\s*(?:[^\s\"“”„«»]+\s+)?$")
_NICKNAME_LAW_BEFORE = re.compile(  # the adjective after the noun: « loi russe »
    r"[\"“„«‚']\s*(?:[Ll]oi|[Ll]ey|[Ll]ei|[Зз]акон|قانون)\s+(?:[^\s\"“”„«»]+\s+)?$")
_NICKNAME_END = re.compile(r"^\w*\s*[\"“”»‘']")
# ... a Chinese or Japanese nickname: a place and a famous name in quotation marks (「台中白宮」,
# a house in Taichung called its "White House").
_CJK_NICKNAME_BEFORE = re.compile(r"[「『“\"][^\s「」『』“”\"。，、]{1,4}$")
_CJK_NICKNAME_AFTER = re.compile(r"^[」』”\"]")
# A decoration of a state's institution describes whom it decorated ("розвідник з медаллю
# ФСБ", "Träger des Ordens Russlands"), not the institution acting.
_AWARD_BEFORE = re.compile(
    r"(?<!\w)(?:медал\w*|орден\w*|нагород\w*|Medaille|Orden\w*|médaille|medalla|medalha|"
    r"condecoración|décoration)\s+(?:(?:der|des|de|du|da|do|del|la)\s+)?$")
_NICKNAME_AFTER = re.compile(
    r"^\s*(?:[^\s\"“”„«»]+\s+)?\S*?(?:[Gg]esetz|[Zz]акон|[Ll]oi|[Ll]ey|[Ll]ei|[Ll]aw|"
    r"قانون|[Yy]asa)\w*(?:\s+[^\s\"“”„«»]+)?[\"“”»」‘']")


def reads_origin(kinds: set[str], before: str, after: str) -> bool:
    """Whether the text ``before`` and ``after`` a mention of entities of ``kinds`` reads it as
    a model, a comparison, an alignment, a journey, a driver, a nickname or a decoration."""
    return bool(
        _MODEL_BEFORE.search(before) or _MODEL_AFTER.match(after)
        or (kinds & {"country"} and _COMPARED_BEFORE.search(before))
        or _STANCE_BEFORE.search(before)
        or (kinds & (_PLACE_KINDS | {"country"}) and _JOURNEY_BEFORE.search(before)
            and not _DEPORTED.search(before[-60:]))
        or (kinds & (_PLACE_KINDS | {"country"}) and _REMITTED_BEFORE.search(before))
        or (kinds & (_PLACE_KINDS | {"country"}) and _BORDER_BEFORE.search(before))
        or (kinds & {"country"} and _WORK_BEFORE.search(before))
        or (kinds & {"country", "institution"} and _RATES_BEFORE.search(before))
        or (_NICKNAME_BEFORE.search(before) and _NICKNAME_AFTER.match(after))
        or (_NICKNAME_LAW_BEFORE.search(before) and _NICKNAME_END.match(after))
        or (_CJK_NICKNAME_BEFORE.search(before) and _CJK_NICKNAME_AFTER.match(after))
        or _AWARD_BEFORE.search(before))


__all__ = ["reads_origin"]
