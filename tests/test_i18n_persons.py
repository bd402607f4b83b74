"""A demonym naming a person in Turkish, Arabic, Persian, Hindi, Bengali and Korean: a singer, an
actor, an athlete, a model or a tourist by nationality ("ABD'li şarkıcı", "المغنية الأمريكية",
"अमेरिकी गायिका", "美 팝스타", "러시아 선수") is a person's nationality, not a story about the
country (the analysts' rule; Russian, German, Spanish, French and Portuguese have it already).
The same adjective before the state's army or government still counts. Table-driven: each row
is a sentence written for the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

PERSONS = [
    ("Fenerbahçe, Rus forveti transfer etti", "", NONE),
    ("ABD'li şarkıcı Taylor Swift İstanbul'da konser verecek", "", NONE),
    ("Çinli turistler Kapadokya'ya akın etti", "", NONE),
    ("الهلال يتعاقد مع مهاجم روسي", "", NONE),
    ("المغنية الأمريكية تايلور سويفت تلغي حفلها في فيينا", "", NONE),
    ("الممثل الأميركي يزور بيروت", "", NONE),
    ("بازیکن روس به استقلال پیوست", "", NONE),
    ("خواننده آمریکایی در دبی کنسرت داد", "", NONE),
    ("अमेरिकी गायिका टेलर स्विफ्ट का मुंबई में कॉन्सर्ट", "", NONE),
    ("रूसी खिलाड़ी ने जीता खिताब", "", NONE),
    ("মার্কিন গায়িকা টেইলর সুইফটের কনসার্ট ঢাকায়", "", NONE),
    ("চীনা পর্যটক বাড়ছে কক্সবাজারে", "", NONE),
    ("美 팝스타 테일러 스위프트, 도쿄 공연", "", NONE),
    ("러시아 선수, 윔블던 8강 진출", "", NONE),
]

STATE = [
    ("Rus ordusu Harkiv'e saldırdı", "", RU),
    ("الجيش الروسي يقصف خاركيف", "", RU),
    ("ارتش روسیه به خارکیف حمله کرد", "", RU),
    ("अमेरिकी सरकार ने चीन पर नए प्रतिबंध लगाए", "", US | CN),
    ("মার্কিন সরকার চীনের ওপর শুল্ক বাড়াল", "", US | CN),
    ("러시아 정부, 미국에 보복 경고", "", RU | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(PERSONS))
def test_a_demonym_naming_a_person_is_their_nationality(title: str, text: str,
                                                        want: set[str]) -> None:
    assert about(title, text) == want


@pytest.mark.parametrize(("title", "text", "want"), _table(STATE))
def test_the_demonym_of_the_state_still_counts(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
