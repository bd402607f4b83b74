"""A bloc's members named in a relative clause ("Brics, a bloc that includes Russia and China",
"bloco que inclui Rússia e China", "в который входят Россия и Китай", "التي تضم روسيا والصين")
are background to another country's story, in every language; a story where the members act,
or a meeting where they take part, keeps them. Table-driven: each row is a sentence written for
the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

BRICS = "Brasília"
MEMBERS = [
    ("Lula hosts Modi in " + BRICS,
     "The two leaders discussed trade and the expansion of Brics, a bloc that includes Russia "
     "and China.", NONE),
    ("Lula hosts Modi", "The bloc, whose members include Russia, India and China, is growing.",
     NONE),
    ("Lula recebe Modi em " + BRICS,
     "Os dois líderes discutiram a ampliação do Brics, bloco que inclui Rússia e China.", NONE),
    ("Lula recibe a Modi en Brasilia",
     "Ambos hablaron de la ampliación de los Brics, bloque que incluye a Rusia y China.", NONE),
    ("Lula reçoit Modi", "Le bloc, qui comprend la Russie, l’Inde et la Chine, s’élargit.", NONE),
    ("Lula empfängt Modi in " + BRICS,
     "Beide sprachen über die Erweiterung der Brics-Gruppe, zu der auch Russland und China "
     "gehören.", NONE),
    ("Лула принял Моди в Бразилиа",
     "Лидеры обсудили расширение БРИКС, в который входят Россия и Китай.", NONE),
    ("Лула прийняв Моді", "Лідери обговорили розширення БРІКС, до якого входять Росія і Китай.",
     NONE),
    ("لولا يستقبل مودي في برازيليا", "ناقش الزعيمان توسيع مجموعة بريكس التي تضم روسيا والصين.",
     NONE),
    ("لولا با مودی دیدار کرد", "دو رهبر درباره گسترش بریکس که شامل روسیه و چین است گفتگو کردند.",
     NONE),
    ("लूला ने मोदी से मुलाकात की",
     "दोनों नेताओं ने ब्रिक्स के विस्तार पर चर्चा की, जिसमें रूस और चीन भी शामिल हैं।", NONE),
    ("লুলা-মোদি বৈঠক", "দুই নেতা ব্রিকসের সম্প্রসারণ নিয়ে আলোচনা করেন, যার সদস্য রাশিয়া ও চীন।",
     NONE),
    # a lead whose lower case is longer than it (İ is two characters in lower case), a bloc's
    # noun in capitals: found all the same (passing.py's cue words are found in lower case)
    ("Erdoğan hosts Modi in İstanbul",
     "At the İstanbul talks the leaders discussed BRICS, a GROUP that includes Russia and China.",
     NONE),
]

ACTING = [
    ("Russia and China veto US resolution", "Moscow and Beijing vetoed the draft.", RU | CN | US),
    ("Genf: Treffen der Außenminister",
     "Russland und die USA haben in Genf über Atomwaffen verhandelt.", RU | US),
    ("जिनेवा में बैठक", "एक बैठक हुई जिसमें रूस और अमेरिका ने हिस्सा लिया।", RU | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(MEMBERS))
def test_a_blocs_members_in_a_relative_clause_pass(title: str, text: str,
                                                   want: set[str]) -> None:
    assert about(title, text) == want


@pytest.mark.parametrize(("title", "text", "want"), _table(ACTING))
def test_countries_that_act_stay(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
