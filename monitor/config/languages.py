"""Language codes a rule's ``languages`` may name: ISO 639 as babel knows them, and the code a
wrong one most likely meant (``EN``, ``english``, ``zh-Hans`` → ``en``, ``en``, ``zh``); and
the languages the catalogue's aliases are in."""

from __future__ import annotations

import difflib
import re
from functools import cache

# The languages the entity catalogue has aliases in (rules/data/*.yaml): a user entity's
# aliases (``entities:``) are keyed by them.
CATALOGUE_LANGUAGES = ("en", "de", "fr", "es", "ru", "zh", "uk", "ar", "fa", "pt", "tr", "hi",
                       "bn", "ja", "ko")


@cache
def known_languages() -> dict[str, str]:
    """ISO 639 codes (two letters, or three where there is no two-letter one) → English name."""
    from babel import Locale

    names = Locale("en").languages
    return {code: str(name) for code, name in names.items() if re.fullmatch(r"[a-z]{2,3}", code)}


def rule_language(value: str) -> str:
    """Articles are compared by their primary language code (``en`` for ``en-GB``): a rule
    naming anything else would never fire. Raises ValueError saying what was meant."""
    known = known_languages()
    if value in known:
        return value
    by_name = {name.lower(): code for code, name in known.items()}
    primary = re.split(r"[-_]", value)[0].lower()
    guess = primary if primary in known else by_name.get(value.lower())
    if guess is None and (near := difflib.get_close_matches(value.lower(), by_name, n=1)):
        guess = by_name[near[0]]
    hint = f"; did you mean `{guess}` ({known[guess]})?" if guess else ""
    raise ValueError(f"unknown language code {value!r} (ISO 639, e.g. en, ru, zh){hint}")
