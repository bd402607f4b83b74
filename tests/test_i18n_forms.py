"""Names of the three states the press writes that the catalogue lacked: the Taiwanese forms of
the Pentagon and the Kremlin (五角大樓, 克林姆林宮), the German city adjectives of the capitals
("die Moskauer Führung", "Pekinger Regierung") and the Kremlin chief, "the Celestial Empire" of
the Russian press (Поднебесная), Bengali "মার্কিনিরা", and the American state's institutions
in Brazil's and Spain's press ("o governo americano", "el ejército americano": "americano"
alone is also the continent). Table-driven: each row is a sentence written for the test and
the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

FORMS = [
    ("五角大樓：共軍機艦持續擾台", "", US | CN),
    ("克林姆林宮：與白宮的對話仍在進行", "", RU | US),
    ("Moskauer Führung droht Washington", "", RU | US),
    ("Kremlchef empfängt Pekinger Delegation", "", RU | CN),
    ("Поднебесная ответила Вашингтону пошлинами", "", CN | US),
    ("Піднебесна відповіла Вашингтону митами", "", CN | US),
    ("মার্কিনিরা রাশিয়ার ওপর নিষেধাজ্ঞা বাড়াল", "", US | RU),
    ("Tarifas do governo americano atingem a China", "", US | CN),
    ("Exército americano ataca alvos russos na Síria", "", US | RU),
    ("El gobierno americano sanciona a Rusia", "", US | RU),
    # "americano" alone stays the continent's too
    ("O continente americano e a Europa", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(FORMS))
def test_a_name_of_the_state_counts(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
