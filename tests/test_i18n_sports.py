"""Sports beyond English, Spanish and French: a club named after a city ("ZSKA Moskau", "Spartak
de Moscú", "سبارتاك موسكو", "北京国安") and a country as a national side's opponent ("منتخب مصر
يفوز على الصين وديا", "भारत ने चीन को हराकर एशिया कप जीता") are teams, not the country's story
(the analysts' rule). Politics beside a game keeps its state. Table-driven: each row is a
sentence written for the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

SPORTS = [
    ("Bayern empfängt ZSKA Moskau", "Der FC Bayern trifft in der Champions League auf ZSKA Moskau.",
     NONE),
    ("El Real Madrid, ante el Spartak de Moscú", "", NONE),
    ("Le PSG affronte le Zénith Saint-Pétersbourg", "", NONE),
    ("Fenerbahçe, Spartak Moskova'yı ağırlıyor", "", NONE),
    ("الأهلي يواجه سبارتاك موسكو وديا", "", NONE),
    ("Bayern host CSKA Moscow", "", NONE),
    ("北京国安主场迎战上海申花", "", NONE),
    ("منتخب مصر يفوز على الصين وديا", "", NONE),
    ("भारत ने चीन को हराकर एशिया कप जीता", "भारतीय हॉकी टीम ने फाइनल में चीन को 4-1 से हराया।", NONE),
    ("বিশ্বকাপ ক্রিকেটে যুক্তরাষ্ট্রের কাছে হারল পাকিস্তান", "", NONE),
]

POLITICS = [
    ("Moskau droht Washington mit Gegenmaßnahmen", "", RU | US),
    ("الصين تفرض رسوما على السلع الأمريكية", "", CN | US),
    ("चीन ने अमेरिकी सामान पर शुल्क लगाया", "", CN | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(SPORTS))
def test_a_club_or_a_national_side_is_a_team(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


@pytest.mark.parametrize(("title", "text", "want"), _table(POLITICS))
def test_a_states_politics_is_its_story(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
