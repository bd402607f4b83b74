"""Generate ``monitor/rules/data/country-names.yaml`` and ``world-names.yaml`` from CLDR
(through Babel).

Reproduce: ``.venv/bin/python -m bench.gen_country_names`` (needs Babel, a dev-time tool; the
runtime reads only the generated file). For every language the feeds speak it writes the CLDR
name of Russia, China and the United States (territories RU, CN, US) and the exemplar city of
time zones in the three countries (Moscow, Shanghai, New York...), keyed by the entity ids of
``entities.yaml``. Slavic names are written as stems (``Москв*``: the one Slavic rule of the
matcher then lets case endings follow); every other script is written as CLDR spells it and
its own rule in ``monitor/rules/morphology.py`` handles attached affixes.

``world-names.yaml`` lists, per language, the CLDR names of every other country and of the
European Union (``rules/world.py`` reads them: a title naming another country, a list of
countries). Left out: the three countries themselves and their territories (Puerto Rico,
Guam...), regions and continents, and names that are a common word of some language
(``Mali`` is "financial" in Arabic, Persian and Turkish; ``Того`` is "of that" in Russian).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel import Locale

DATA = Path(__file__).resolve().parents[1] / "monitor" / "rules" / "data"
OUT = DATA / "country-names.yaml"
WORLD_OUT = DATA / "world-names.yaml"

# Catalogue language -> CLDR locale.
LOCALES = {"en": "en", "ru": "ru", "uk": "uk", "zh": "zh_Hans", "zh-Hant": "zh_Hant",
           "ar": "ar", "fa": "fa", "es": "es", "fr": "fr", "de": "de", "pt": "pt",
           "tr": "tr", "hi": "hi", "bn": "bn", "ja": "ja", "ko": "ko"}
TERRITORIES = {"RU": "Q159", "CN": "Q148", "US": "Q30"}
# Time zones whose exemplar city is a catalogue entity (capital, city, region).
ZONES = {"Europe/Moscow": "Q649", "Asia/Shanghai": "Q8686", "America/New_York": "Q60",
         "America/Los_Angeles": "Q65", "America/Chicago": "Q1297", "Asia/Urumqi": "xinjiang",
         "Europe/Volgograd": "volgograd", "Asia/Vladivostok": "vladivostok",
         "Europe/Kaliningrad": "kaliningrad", "Asia/Novosibirsk": "novosibirsk",
         "Asia/Yekaterinburg": "yekaterinburg", "America/Denver": "denver",
         "America/Detroit": "detroit", "Pacific/Honolulu": "honolulu",
         "America/Anchorage": "anchorage"}
SLAVIC = {"ru", "uk"}
# A Slavic noun's nominative ending, dropped to make the stem case endings attach to.
_SLAVIC_ENDINGS = "аяоеьйиы"


def slavic_stem(name: str) -> str:
    """``Москва`` -> ``Москв*``, ``Китай`` -> ``Кита*``; several words are kept as written."""
    if " " in name or len(name) < 4:
        return name
    return (name[:-1] if name[-1] in _SLAVIC_ENDINGS else name) + "*"


def generate() -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for lang, code in LOCALES.items():
        locale = Locale.parse(code)
        key = "zh" if lang == "zh-Hant" else lang
        found: list[tuple[str, str]] = [(ent, locale.territories[t])
                                        for t, ent in TERRITORIES.items()
                                        if t in locale.territories]
        for zone, ent in ZONES.items():
            city = locale.time_zones.get(zone, {}).get("city")
            if city:
                found.append((ent, str(city)))
        for ent, name in found:
            text = slavic_stem(name) if lang in SLAVIC else name
            names = out.setdefault(ent, {}).setdefault(key, [])
            if text not in names:
                names.append(text)
    return out


# Territories that are not "another country": the three's own (US territories), codes that are
# not countries, and names that are common words (see the module's docstring).
NOT_OTHER = frozenset({"RU", "CN", "US", "UM", "VI", "PR", "GU", "AS", "MP", "UN", "EZ", "QO",
                       "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA", "ML", "TG", "IM"})
MIN_STEM = 4  # a shorter Slavic stem (Мал*, Пер*) would match ordinary words


def world_name(name: str, lang: str) -> str:
    """A CLDR name as world-names.yaml writes it: a Slavic stem only where it is long enough."""
    if lang in SLAVIC:
        stem = slavic_stem(name)
        return stem if len(stem) > MIN_STEM else name
    return name


def generate_world() -> dict[str, list[str]]:
    """Language -> the CLDR names of the other countries (see the module's docstring)."""
    out: dict[str, set[str]] = {}
    for lang, code in LOCALES.items():
        key = "zh" if lang == "zh-Hant" else lang
        names = out.setdefault(key, set())
        for territory, name in Locale.parse(code).territories.items():
            if (len(territory) == 2 and territory.isalpha() and territory not in NOT_OTHER
                    and len(name) >= 2):
                names.add(world_name(name, lang))
    return {lang: sorted(names) for lang, names in out.items()}


def main() -> None:
    header = ("# GENERATED by `python -m bench.gen_country_names` from CLDR (Babel); do not edit.\n"
              "# entity id -> language -> aliases (Slavic stems end in '*').\n")
    body = yaml.safe_dump({"aliases": generate()}, allow_unicode=True, sort_keys=True, width=100)
    OUT.write_text(header + body, encoding="utf-8")
    world = ("# GENERATED by `python -m bench.gen_country_names` from CLDR (Babel); do not edit.\n"
             "# language -> names of the other countries (Slavic stems end in '*').\n")
    WORLD_OUT.write_text(world + yaml.safe_dump({"names": generate_world()}, allow_unicode=True,
                                                sort_keys=True, width=100), encoding="utf-8")
    print(f"wrote {OUT.name}, {WORLD_OUT.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
