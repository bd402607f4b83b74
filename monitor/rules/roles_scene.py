"""A city or a state as a club's name or a show's scene, in Spanish and French; a company as
a platform, in those and in English. Pure.

- a club named after its city, the nickname first ("los Knicks de Nueva York", "les Lakers de
  Los Angeles", "los Dodgers de Los Ángeles"): the city names a team, read as
  ``rules/roles_i18n.py`` reads a club;
- a city or a state in a sentence about film, music or television ("triunfa en Hollywood",
  "el premio en Los Ángeles", "le festival de Los Angeles"): where a show is made or played,
  a venue (the analysts' rule: entertainment is not a country's story); a country stays a
  subject there ("el cine estadounidense" is read as a work's origin, rules/roles_origin.py).

- a company as a platform or a studio: "disponible en Netflix", "sur Google" (not "en
  Boeing": a strike at Boeing is the company's story, nor "propietaria de Facebook"), or named in a
  sentence about a show ("Netflix dévoile la bande-annonce de la saison 2"): where a show is
  streamed or searched (an origin, a venue), not the company acting in the economy;
  a record or a song ("presenta su nuevo disco en Nueva York") is a show too;
- in English, a company after a verb of watching, streaming, posting or selling and "on" or
  "via" ("watching the third season of The Crown on Netflix", "posted a video on Facebook"):
  the platform, wherever it stands (in the body every company named in passing is an origin
  already, rules/roles_en.py); not "a fine on Google" nor "pressure on Boeing", which are the
  company's story.

``scene_role`` returns "person" (a team), "origin", "venue" or None; ``english_platform``
says whether an English company mention is a platform.
"""

from __future__ import annotations

import re

_CITY_KINDS = frozenset({"city", "state", "place"})
# A nickname in the plural, then "de" and the city.
_CLUB_BEFORE = re.compile(
    r"(?<!\w)(?:[Ll]os|[Ll]as|[Ll]es|a los|aux|des)\s+[A-Z][\w'’-]*s\s+(?:de|d['’])\s*$")
_SHOW = re.compile(
    # (not "los actores armados", "les acteurs économiques": parties to a conflict, a market)
    r"(?<!\w)(?:(?:actor|actores|acteurs?)(?!\s+(?:armad|polític|politiques|sociales|sociaux|"
    r"económic|économiques|del|de la|de los|du|des|de l|internacionales|internationaux|"
    r"regionales|régionaux|clave|clés))|actriz|actrices|actrices?|cantantes?|"
    r"chanteu(?:r|se)s?|pel[íi]culas?|films?|filmes?|cine|cin[ée]ma|cineastas?|cin[ée]astes?|"
    # (a series of attacks, "una serie de tornados", is no show)
    r"(?:series?|s[ée]ries?)(?!\s+(?:(?:de|do|da|dos|das)(?!\w)|d['’]))|"
    r"[ÓO]scars?|Grammys?|Globos? de Oro|Golden Globes?|C[ée]sars?|Emmys?|taquilla|"
    r"box-office|estreno|avant-premi[èe]re|alfombra roja|tapis rouge|rodaje|tournage|"
    r"álbum|album|discos?|disques?|canci[oó]n|canciones|chansons?|canç(?:ão|ões)|"
    # a single, not the adjective ("no es sencillo")
    r"(?:su|nuevo|primer|último|segundo|este|un nuevo)\s+sencillo|"
    r"sencillo\s+(?:musical|debut|titulado)|"
    r"videoclip|concierto|(?<!de )concert|"
    # a tour, not the verb ("el debate gira en torno a"); a prize, not a price ("les prix de
    # l'essence")
    r"(?:la|su|una|esta|nueva|primera|última)\s+gira|gira\s+(?:mundial|por|de conciertos)|"
    r"tournée|premios?|prix(?=\s+(?:(?-i:[A-Z])|littéraire|du jury|d['’]interprétation|du meilleur|"
    r"de la meilleure|spécial))|gala|festival|bande-annonce|"
    r"tráiler|trailer|episodios?|épisodes?)(?!\w)",
    re.IGNORECASE)


_PLATFORM_BEFORE = re.compile(
    r"(?<!\w)(?:disponible en|disponibles en|disponible sur|disponibles sur|sur|via|vía|"
    r"chez)\s+$", re.IGNORECASE)


_EN_PLATFORM_BEFORE = re.compile(
    r"\b(?:watch|watches|watched|watching|stream|streams|streamed|streaming|binge\w*|"
    r"available|airs|aired|airing|premieres?|premiered|post|posts|posted|posting|share|shares|"
    r"shared|sharing|upload\w*|download\w*|sold|sells?|selling|tweet\w*|broadcast\w*)\b"
    r"[^.;:!?]{0,60}?\s(?:on|via)\s+$", re.IGNORECASE)


def english_platform(kinds: set[str], before: str) -> bool:
    """Whether a company mention after ``before`` names the platform something is watched,
    streamed, posted or sold on."""
    if kinds != {"company"} or not before.endswith((" on ", " via ", " On ", " Via ")):
        return False  # a cheap test first
    return _EN_PLATFORM_BEFORE.search(before) is not None


def scene_role(kinds: set[str], before: str, sentence: str) -> str | None:
    """The role of a city, a state or a company mention, its ``before`` text and its
    ``sentence``, as a club ("person"), a platform ("origin") or a show's scene ("venue"), or
    None."""
    if kinds == {"company"}:
        if _PLATFORM_BEFORE.search(before):
            return "origin"
        return "venue" if _SHOW.search(sentence) else None
    if not kinds & _CITY_KINDS or kinds - _CITY_KINDS - {"capital"}:
        return None
    if _CLUB_BEFORE.search(before):
        return "person"
    if _SHOW.search(sentence):
        return "venue"
    return None


__all__ = ["english_platform", "scene_role"]
