"""Idioms and things named after a country, in the languages beside English, Spanish and
French: Russian roulette, the roller coaster ("американские горки", "montanha-russa", also a
market's swings), a Chinese restaurant or cuisine, the lunar new year, Chinese medicine, the
"Chinese" kite string of Indian news (चीनी मांझा), Tetris (俄罗斯方块), American football, a
language ("auf Russisch"). The analysts' rule: none of them is a story about the country. The
same adjective of the state still counts (the control rows). Table-driven: each row is a
sentence written for the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

IDIOMS = [
    # Portuguese
    ("Ibovespa vive dia de montanha-russa", "", NONE),
    ("Roleta russa: jovem morre em Goiás", "", NONE),
    ("Salada russa: receita fácil para o Natal", "", NONE),
    ("Restaurante chinês é interditado em São Paulo", "", NONE),
    ("Ano Novo Chinês: desfile reúne milhares na Liberdade", "", NONE),
    ("Medicina chinesa atrai pacientes no interior", "", NONE),
    # German
    ("Russisches Roulette an der Börse", "", NONE),
    ("Chinesisches Restaurant in Köln geschlossen", "", NONE),
    ("Chinesisches Neujahrsfest in Duisburg", "", NONE),
    ("Traditionelle Chinesische Medizin: Was hilft wirklich?", "", NONE),
    ("American Football: Kiel Baltic Hurricanes gewinnen German Bowl", "", NONE),
    ("Kurs auf Russisch: Volkshochschule bietet neue Sprachkurse an", "", NONE),
    # Russian and Ukrainian (a Russian city keeps Russia: the story happens there)
    ("Американские горки на бирже: индекс упал на 3%", "", NONE),
    ("Китайский ресторан в Казани закрыли", "", RU),
    ("Китайский Новый год отметили в Петербурге", "", RU),
    ("Для меня это китайская грамота", "", NONE),
    ("Американский футбол набирает популярность в Сибири", "", RU),
    ("Американські гірки на ринку: гривня то падає, то росте", "", NONE),
    ("У Львові відкрили китайський ресторан", "", NONE),
    ("Китайський Новий рік відзначили в Києві", "", NONE),
    # Turkish: the common noun takes its suffix without an apostrophe
    ("İstanbul'da Çin mutfağı festivali düzenlendi", "", NONE),
    ("Çin restoranında yangın", "", NONE),
    ("Çin Yeni Yılı kutlamaları Londra'da renkli görüntüler oluşturdu", "", NONE),
    # Arabic and Persian: attached prefixes and suffixes
    ("افتتاح مطعم صيني جديد في وسط القاهرة", "", NONE),
    ("احتفالات رأس السنة الصينية في دبي", "", NONE),
    ("المطبخ الصيني يجذب الزوار في معرض الرياض", "", NONE),
    ("الروليت الروسية.. شاب يلقى حتفه في الأردن", "", NONE),
    ("رستوران چینی در شیراز پلمب شد", "", NONE),
    ("جشن سال نو چینی در کیش برگزار شد", "", NONE),
    ("رولت روسی در بازار سرمایه", "", NONE),
    # Hindi and Bengali: the kite string police seize each Sankranti, a cuisine, the new year
    ("मुंबई में चीनी मांझे से युवक घायल", "", NONE),
    ("चीनी मांझा बेचने वाले दुकानदार पर कार्रवाई", "", NONE),
    ("चीनी रेस्टोरेंट में आग", "", NONE),
    ("চীনা মাঞ্জায় গলা কেটে আহত বাইক আরোহী", "", NONE),
    ("কলকাতায় চীনা নববর্ষ উদযাপন", "", NONE),
    ("চীনা রেস্তোরাঁয় আগুন", "", NONE),
    # Korean and Chinese
    ("서울서 중국 음식 축제 열려", "", NONE),
    ("俄罗斯方块世界冠军赛", "", NONE),
    ("股市如同俄罗斯轮盘", "", NONE),
    ("俄羅斯輪盤式的賭注", "", NONE),
]

# The same words where they name the state: still the country.
STATE = [
    ("Governo chinês responde às tarifas de Washington", "", CN | US),
    ("Russische Armee greift Charkiw an", "", RU),
    ("Китайские власти ответили на пошлины США", "", CN | US),
    ("Російська армія атакувала Харків", "", RU),
    ("Çin'den ABD'ye misilleme", "", CN | US),
    ("الحكومة الصينية ترد على الرسوم الأمريكية", "", CN | US),
    ("चीनी सेना ने ताइवान के पास अभ्यास किया", "", CN),
    ("চীনা সেনাবাহিনীর মহড়া শুরু", "", CN),
    ("俄罗斯总统普京会见美国特使", "", RU | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(IDIOMS))
def test_an_idiom_named_after_a_country_is_not_its_story(title: str, text: str,
                                                       want: set[str]) -> None:
    assert about(title, text) == want


@pytest.mark.parametrize(("title", "text", "want"), _table(STATE))
def test_the_states_adjective_still_counts(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
