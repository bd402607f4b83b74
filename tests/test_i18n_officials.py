"""Officials in office in 2025-2026 as the other languages' press writes them: a headline that
names two states only through their ministers and envoys ("Бессент и Хэ Лифэн обсудили
пошлины", "वांग यी और रुबियो की मुलाकात") is about both. Names a common surname shares
(Ushakov, Dmitriev) are listed with the first name. Table-driven: each row is a sentence
written for the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, RU, US, about
from tests.about_support import table as _table

OFFICIALS = [
    # Ukrainian and Russian
    ("Ван І та Рубіо зустрілися в Куала-Лумпурі", "", CN | US),
    ("Мао Нін відповіла на заяву Гегсета", "", CN | US),
    ("Бессент і Хе Ліфен провели переговори в Женеві", "", US | CN),
    ("Келлог зустрівся з Небензею в Нью-Йорку", "", US | RU),
    ("Бессент и Хэ Лифэн обсудили пошлины в Женеве", "", US | CN),
    ("Мао Нин ответила Лютнику", "", CN | US),
    ("Юрий Ушаков: Кремль готовит встречу с Уиткоффом", "", RU | US),
    ("Кирилл Дмитриев встретился с Уиткоффом", "", RU | US),
    # Arabic and Persian
    ("لي تشيانغ يستقبل بيسنت في بكين", "", CN | US),
    ("دونغ جون يحذر هيغسيث من التصعيد", "", CN | US),
    ("ويتكوف يلتقي يوري أوشاكوف في موسكو", "", US | RU),
    ("بسنت و هه لیفنگ در ژنو مذاکره کردند", "", US | CN),
    ("مائو نینگ به روبیو پاسخ داد", "", CN | US),
    # Turkish and German
    ("Li Çiang, Bessent'i Pekin'de kabul etti", "", CN | US),
    ("Zaharova'dan Rubio'ya yanıt", "", RU | US),
    ("Sacharowa kritisiert Hegseth", "", RU | US),
    ("Beloussow telefoniert mit Hegseth", "", RU | US),
    # Hindi and Bengali
    ("वांग यी और रुबियो की कुआलालंपुर में मुलाकात", "", CN | US),
    ("पेसकोव ने विटकॉफ के दौरे की पुष्टि की", "", RU | US),
    ("ওয়াং ই ও রুবিওর বৈঠক কুয়ালালামপুরে", "", CN | US),
    ("জাখারোভার জবাব হেগসেথকে", "", RU | US),
    # Korean and Chinese (Taiwanese and Hong Kong spellings)
    ("네벤자 \"美 결의안 거부\"", "", RU | US),
    ("魯比奧與王毅通話", "", US | CN),
    ("海格塞斯會晤董軍", "", US | CN),
    ("乌沙科夫：俄方与魏科夫会谈富有成效", "", RU | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(OFFICIALS))
def test_officials_by_name_stand_for_their_states(title: str, text: str,
                                                  want: set[str]) -> None:
    assert about(title, text) == want
