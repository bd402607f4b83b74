"""The keyword baseline that ``monitor eval --baseline`` scores beside the monitor. Pure.

It is the data README's "names + aliases" net: a story is about a country when it names one of
twenty English keywords of it anywhere in the title or body (country name, demonym, capital,
seat of power, leaders of the dev sets' years), as whole words and case-sensitively. Nothing
else: no salience, no blockers, no other languages. It says how much of a figure comes from the
catalogue and salience rather than from naming the country.
"""

from __future__ import annotations

import re

BASELINE_ALIASES: dict[str, tuple[str, ...]] = {
    "RU": ("Russia", "Russian", "Soviet", "Moscow", "Kremlin", "Putin"),
    "CN": ("China", "Chinese", "Beijing", "Xi Jinping"),
    "US": ("United States", "U.S.", "USA", "American", "Washington", "White House",
           "Pentagon", "Biden", "Trump", "Reagan"),
}


def _pattern(aliases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_PATTERNS = {code: _pattern(aliases) for code, aliases in BASELINE_ALIASES.items()}


def baseline_about(title: str, body: str) -> set[str]:
    """The countries the keyword baseline calls the story about."""
    text = f"{title}\n{body}"
    return {code for code, pattern in _PATTERNS.items() if pattern.search(text)}


def describe() -> str:
    """The baseline's keywords, one line (printed under the figures)."""
    return "; ".join(f"{code}: {', '.join(aliases)}" for code, aliases in BASELINE_ALIASES.items())
