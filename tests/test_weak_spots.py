"""Weak spots of the aboutness rules found by probing (issue 11), one table per pattern: the US
Treasury's names, an athlete and a tournament's host city, a news agency cited as who tells
in Arabic and Russian, German "Trumps" among English words, a country's election as a date in
Spanish and French, a festival of a country's culture. Each row is a sentence written for the
test and the countries an analyst would call the story about; the negative rows must not
change."""

from __future__ import annotations

import pytest

from monitor.rules.roles import Role
from tests.about_support import CN, NONE, RU, US, about, role_of
from tests.about_support import table as _table

# The US Treasury acting: its unambiguous names count on their own, and so does a "Treasury
# Department" that sanctions, blacklists or fines; the bare "Treasury" (also Britain's, and a
# bond) and "Treasury Department" otherwise (Brazil's, Britain's in wire copy) only beside
# another US name.
TREASURY = [
    ("U.S. Treasury sanctions Russian banks", "The U.S. Treasury imposed sanctions on three "
     "Russian lenders on Tuesday.", RU | US),
    ("US Treasury blacklists Chinese drone makers", "The US Treasury added four Chinese "
     "companies to its sanctions list.", CN | US),
    ("OFAC targets Russian oligarch's yachts", "The Office of Foreign Assets Control named "
     "two Russian businessmen and their vessels.", RU | US),
    ("Department of the Treasury fines Chinese exporter", "The Department of the Treasury "
     "fined a Chinese electronics exporter for shipping parts to Iran.", CN | US),
    ("Treasury Department sanctions Russian lenders", "The Treasury Department imposed "
     "sanctions on three Russian banks.", RU | US),
    ("Treasury Department Blacklists Chinese Chipmakers", "", CN | US),
    ("Treasury sanctions Russian banks", "The Treasury sanctioned three Russian banks, the "
     "Biden administration said.", RU | US),
    ("Commerce Department blacklists Chinese firms", "The Commerce Department added dozens of "
     "Chinese companies to its entity list.", CN | US),
    ("State Department warns China over drills", "The State Department warned Beijing "
     "against new military drills near Taiwan.", CN | US),
    # negatives: the bare Treasury without another US name (Britain's sanctions office is in
    # its Treasury), Britain's Treasury, a bond, another country's treasury, a warning "of"
    ("Treasury sanctions Russian banks", "The Treasury sanctioned three Russian banks.", RU),
    ("UK Treasury sanctions Russian oligarchs", "The UK Treasury sanctioned two Russian "
     "businessmen.", RU),
    ("Brazil fines a bank", "Brazil's Treasury Department fined a bank over Chinese "
     "payments.", NONE),
    ("Treasury in London cuts tax", "The Treasury in London said Chancellor Jeremy Hunt "
     "would cut fuel duty as Russian gas prices rose.", RU),
    ("Treasury yields rise", "Treasury yields rose as investors sold Chinese stocks.", CN),
    ("Argentina pays its creditors", "Treasury Secretary Mario Brodersohn said Argentina "
     "would repay its Chinese creditors in March.", NONE),
    ("Pentagon warns of Chinese buildup", "The Pentagon warned that China is expanding its "
     "nuclear arsenal faster than expected.", CN),
    # another country's Treasury Department named by a word before it that the possessive
    # and demonym endings do not catch (review of issue 11)
    ("UK Treasury Department fines bank", "The UK Treasury Department fined a London bank "
     "for breaching Russia sanctions.", RU),
    ("Israeli Treasury Department sanctions", "The Israeli Treasury Department sanctioned "
     "two Russian exchanges.", RU),
    ("Thai Treasury Department freezes funds", "A Thai Treasury Department freezes Chinese "
     "gang funds, officials said.", CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(TREASURY))
def test_a_us_department_acting_counts_for_the_us(title: str, text: str,
                                                  want: set[str]) -> None:
    assert about(title, text) == want


# An athlete who shares a leader's name, and the city of a tournament, are sports.
SPORTS = [
    ("Medvedev wins in Shanghai", "Daniil Medvedev beat Andrey Rublev to win the Shanghai "
     "Masters on Sunday.", NONE),
    ("Sinner lifts Shanghai title", "Jannik Sinner won the Shanghai Masters, the city's "
     "tournament, for the first time.", NONE),
    ("Medvedev reaches the final in Miami", "Daniil Medvedev reached the Miami Open final "
     "after a three-set win.", NONE),
    ("Kenyan runner wins in Chicago", "A Kenyan runner won the Chicago Marathon in record "
     "time.", NONE),
    ("Alcaraz lifts the China Open trophy", "Carlos Alcaraz won the China Open title on "
     "Sunday.", NONE),
    ("Medvédev gana en Shanghái", "Daniil Medvédev derrotó a Rublev en la final del Masters "
     "de Shanghái.", NONE),
    ("Sinner s'impose à Shanghai", "Jannik Sinner a remporté le Masters de Shanghai "
     "dimanche.", NONE),
    ("Медведев выиграл турнир в Шанхае", "Даниил Медведев обыграл Рублева в финале турнира в "
     "Шанхае.", NONE),
    # negatives: the politician, named as such; the city's politics; "open to" talks; the
    # rouble
    ("Рубль укрепился", "Курс рубля вырос после решения ЦБ.", RU),
    ("Medvedev threatens nuclear strike", "Dmitri A. Medvedev, the former Russian president, "
     "said Moscow could use nuclear weapons.", RU),
    ("Shanghai Masters cancelled in lockdown", "The Shanghai Masters was cancelled as "
     "Shanghai entered a lockdown ordered by Xi Jinping's government.", CN),
    ("Beijing Open to Talks With Washington", "Beijing is open to talks with Washington, the "
     "foreign ministry said.", CN | US),
    ("China Open to Talks With US", "Beijing said it was open to talks with Washington.",
     CN | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(SPORTS))
def test_an_athlete_and_a_tournament_city_are_not_the_state(title: str, text: str,
                                                           want: set[str]) -> None:
    assert about(title, text) == want


# A state news agency cited as who tells (Arabic and Russian put the verb first), or spoken to.
AGENCY_ROLES = [
    ("قمة", "ذكرت وكالة شينخوا أن الرئيس التركي سيزور الصين الشهر المقبل.", "شينخوا",
     Role.SOURCE),
    ("قمة", "أفادت وكالة الأنباء الصينية شينخوا بأن الصين سترسل وفدا إلى أنقرة.", "شينخوا",
     Role.SOURCE),
    ("إيران", "قال وزير الخارجية الإيراني لوكالة تاس إن روسيا شريك مهم.", "تاس", Role.SOURCE),
    ("Иран", "Как сообщает агентство Синьхуа, Китай направил спасателей в Турцию.", "Синьхуа",
     Role.SOURCE),
    ("Иран", "Глава МИД Ирана заявил ТАСС, что Россия остается партнером Тегерана.", "ТАСС",
     Role.SOURCE),
    ("Турция", "Синьхуа сообщает, что Китай направил спасателей в Турцию.", "Синьхуа",
     Role.SOURCE),
    ("Turquía", "China envió rescatistas a Turquía, informó la agencia Xinhua.", "Xinhua",
     Role.SOURCE),
    ("Türkei", "China schickte Helfer in die Türkei, meldete die Nachrichtenagentur Xinhua.",
     "Xinhua", Role.SOURCE),
    ("土耳其", "新华社报道，中国向土耳其派出救援队。", "新华社", Role.SOURCE),
    ("ترکیه", "شینهوا گزارش داد که چین تیم امداد به ترکیه فرستاد.", "شینهوا", Role.SOURCE),
    ("Türkiye", "Xinhua'nın haberine göre Çin, Türkiye'ye kurtarma ekibi gönderdi.", "Xinhua",
     Role.SOURCE),
    # negatives: the agency as what the story is about, and "according to" as before
    ("روسيا", "طردت السلطات الأمريكية مراسلي وكالة تاس الروسية من واشنطن.", "تاس", Role.SUBJECT),
    ("Россия", "Власти США закрыли бюро ТАСС в Вашингтоне.", "ТАСС", Role.SUBJECT),
    ("تركيا وإيران", "بحسب وكالة تاس، التقى وزير الخارجية التركي نظيره الإيراني في روسيا.",
     "تاس", Role.SOURCE),
]


@pytest.mark.parametrize(("title", "lead", "name", "role"), [
    pytest.param(*row, id=(row[1])[:40]) for row in AGENCY_ROLES])
def test_a_news_agency_cited_is_a_source(title: str, lead: str, name: str,
                                         role: Role) -> None:
    assert role_of(title, lead, name) is role


AGENCY = [
    ("Турция и Иран", "Как передает ТАСС, министры Турции и Ирана встретились в Анкаре, а "
     "Россия приветствовала переговоры.", NONE),
    ("Турция и Иран", "Как сообщает агентство ТАСС, министры Турции и Ирана встретились в "
     "Анкаре.", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(AGENCY))
def test_a_story_told_by_an_agency_is_not_its_country_s(title: str, text: str,
                                                        want: set[str]) -> None:
    assert about(title, text) == want


# German's genitive "Trumps" is the English verb among English words.
TRUMPS = [
    ("Why Safety Trumps Speed at China's Biggest Carmaker", "The company says quality trumps "
     "volume at its new plant.", CN),
    ("Safety Trumps Speed for Russian Airline", "The carrier grounded two jets for checks.",
     RU),
    ("Experience Trumps Youth in the Final", "The older side won the cup in Beijing.", CN),
    # negatives: German, the family, the president
    ("Trumps Zölle treffen Europa", "Die Zölle belasten deutsche Autobauer.", US),
    ("Putins Antwort auf Trumps Zölle", "", RU | US),
    ("The Trumps Visit Beijing", "The former president and his wife met Chinese officials.",
     CN | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(TRUMPS))
def test_trumps_is_a_verb_in_english(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# A country's election as the date of a sentence where another country acts; not where the
# sentence speaks of the vote (the election is then the target), nor beside its own state.
ELECTION = [
    ("A pocos días de las elecciones en EE.UU., Rusia lanza misiles", "A pocos días de las "
     "elecciones en EE.UU., Rusia lanzó misiles contra Ucrania.", RU),
    ("A un mes de las elecciones en Estados Unidos, China anuncia aranceles", "A un mes de las "
     "elecciones en Estados Unidos, China anunció aranceles al acero europeo.", CN),
    ("Avant l'élection présidentielle américaine, la Chine lance des manœuvres", "Avant "
     "l'élection présidentielle américaine, la Chine a lancé des manœuvres près de Taïwan.",
     CN),
    ("À quelques jours de l'élection américaine, la Russie frappe Kiev", "À quelques jours "
     "de l'élection américaine, la Russie a frappé Kiev.", RU),
    # negatives: the election as a target, its own state acting
    ("Antes de las elecciones de EE.UU., Rusia intensifica su desinformación", "", RU | US),
    ("Avant l'élection américaine, la Russie multiplie l'ingérence", "Avant l'élection "
     "américaine, la Russie multiplie l'ingérence auprès des électeurs.", RU | US),
    ("Tras las elecciones en Rusia, el Kremlin endurece su postura", "", RU),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(ELECTION))
def test_an_election_dates_another_country_s_act(title: str, text: str,
                                                 want: set[str]) -> None:
    assert about(title, text) == want


# A festival of a country's culture, held anywhere, is culture, not the state.
CULTURE = [
    ("В Казани прошел фестиваль китайской культуры", "В Казани открылся фестиваль китайской "
     "культуры.", RU),
    ("Фестиваль китайского кино открылся в Москве", "Фестиваль китайского кино проходит в "
     "Москве до воскресенья.", RU),
    ("Дни китайской культуры в Новосибирске", "", RU),
    ("У Львові відкрився фестиваль китайської культури", "", NONE),
    ("Kazan hosts a festival of Chinese culture", "The Chinese Culture Festival opened in a "
     "park on Saturday.", NONE),
    # negatives: the state acting
    ("Китай ввел пошлины на российское зерно", "Пекин ввел пошлины на российское зерно.",
     CN | RU),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(CULTURE))
def test_a_festival_of_a_culture_is_not_its_country(title: str, text: str,
                                                    want: set[str]) -> None:
    assert about(title, text) == want


# A host city is a venue again only where its own sentence tells of a contest: a story about the
# city itself that names its tournament in passing keeps the city's country.
HOST_CITY_STORIES = [
    ("Shanghai lockdown protests spread", "Protests spread across Shanghai a week after the "
     "Shanghai Marathon was cancelled.", CN),
    ("Chicago shooting: mayor blames Russia-linked gangs", "Chicago's mayor said gangs tied to "
     "Russia were behind the shooting, days before the Chicago Marathon.", RU | US),
    ("Miami floods close downtown", "Floods closed downtown Miami on the eve of the Miami Open, "
     "the city said.", US),
    # ... and in a sports story the city stays the tournament's venue
    ("Rublev wins in Shanghai", "Andrey Rublev won the Shanghai Masters on Sunday.", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(HOST_CITY_STORIES))
def test_a_story_about_a_host_city_keeps_its_country(title: str, text: str,
                                                    want: set[str]) -> None:
    assert about(title, text) == want
