"""German names in the genitive: the press writes "Putins Krieg", "Trumps Zölle", "die Kritik
des Pentagons", "die Antwort Washingtons", "Pekings Reaktion", and a headline that names two
states only so is about both. Table-driven: each row is a sentence written for the test and the
countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, RU, US, about
from tests.about_support import table as _table

GENITIVE = [
    ("Putins Antwort auf Trumps Zölle", "", RU | US),
    ("Kreml weist Vorwürfe des Pentagons zurück", "", RU | US),
    ("Pekings Reaktion auf die Sanktionen Washingtons", "", CN | US),
    ("Moskaus Gaslieferungen an Peking steigen", "", RU | CN),
    ("Lawrows Treffen mit Rubios Stellvertreter", "", RU | US),
    ("Xi Jinpings Besuch in Moskau", "", CN | RU),
    ("Bessents Gespräche mit Li Qiang", "", US | CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(GENITIVE))
def test_a_name_in_the_genitive_names_its_state(title: str, text: str,
                                                want: set[str]) -> None:
    assert about(title, text) == want
