"""Mention roles in the languages other than English (monitor/rules/roles_i18n.py), one table.

Each row is a sentence, the mention in it, and the part it plays: the source of a claim, a
venue (where something is held, where a correspondent works), a club (a city in a sentence
about a match), a person (a demonym naming a tourist or an actor), or the plain subject. Rows
that are not subjects were subjects before the module (weighed in full, they made a country
*about* on their own); the subject rows guard the patterns against overreach.
"""

from __future__ import annotations

import pytest

from monitor.rules.catalogue import load_catalogue
from monitor.rules.matcher import Fields, Matcher
from monitor.rules.roles import Role, roles
from monitor.rules.salience import counted, country_scores

CATALOGUE = load_catalogue()
MATCHER = Matcher(CATALOGUE)
S, SOURCE, VENUE, PERSON = Role.SUBJECT, Role.SOURCE, Role.VENUE, Role.PERSON
PASSING = Role.PASSING


def role_in(text: str, name: str) -> Role:
    fields = Fields(title="", lead=text, body="")
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    found = [r for m, r in zip(mentions, roles(mentions, fields, CATALOGUE), strict=True)
             if m.text == name]
    assert found, f"{name!r} is not a mention of {text!r}"
    return found[0]


ROWS = [
    # Russian and Ukrainian: "по данным", "со ссылкой на", "американские СМИ".
    ("Об этом сообщает NYT со ссылкой на неназванных чиновников - одного украинского и "
     "двух американских.", "американских", SOURCE),
    ("Как пишут американские СМИ, удар был нанесён ночью.", "американские", SOURCE),
    ("По данным разведки США, войска отошли.", "США", SOURCE),
    ("За даними ЗМІ США, переговори зірвано.", "США", SOURCE),
    ("Саммит БРИКС в Казани завершился.", "Казани", VENUE),
    ("МОСКВА, 3 марта — РИА Новости. Глава Минфина Франции заявил", "МОСКВА", VENUE),
    ("PEKÍN, 5 ene (EFE).- El gobierno de Japón anunció", "PEKÍN", VENUE),
    ("Berlin (dpa) - Die Regierung in Washington", "Washington", S),
    ("新华社北京10月4日电 国务院总理会见外宾", "北京", VENUE),
    ("Москва ответит на санкции", "Москва", S),
    ("«Вашингтон» проиграл, а Вашингтон обыграл «Рейнджерс» в овертайме.", "Вашингтон", PERSON),
    ("Американский турист задержан в аэропорту.", "Американский", PERSON),
    ("США ввели санкции против банков.", "США", S),
    ("Путин заявил о готовности к переговорам.", "Путин", S),
    # German: "laut", "US-Experten", "zufolge".
    ("Laut US-Medien plant Israel einen Angriff.", "US", SOURCE),
    ("US-Experten: Israel hat Anlagen zerstört.", "US", SOURCE),
    ("Dem russischen Staatssender zufolge fiel die Stadt.", "russischen", SOURCE),
    ("Beim Gipfel in Peking sprachen die Minister über Handel.", "Peking", VENUE),
    ("Die USA verhängen neue Zölle.", "USA", S),
    # French, Spanish, Portuguese: "selon", "según", "segundo", teller before the adjective.
    ("Selon des responsables américains, l'attaque est imminente.", "américains", SOURCE),
    ("Un sommet se tient en Russie cette semaine.", "Russie", VENUE),
    ("Fuentes estadounidenses confirmaron el ataque.", "estadounidenses", SOURCE),
    ("de cara a la conferencia por la paz que se celebrará el 18 de junio en Nueva York",
     "Nueva York", VENUE),
    ("El partido gobernante en Rusia ganó las elecciones.", "Rusia", S),
    ("Обыски прошли в Москве у оппозиционеров.", "Москве", S),
    ("Según la Casa Blanca, no habrá tregua.", "Casa Blanca", SOURCE),
    ("Norris foi punido no GP dos Estados Unidos.", "Estados Unidos", VENUE),
    ("Os Estados Unidos anunciaram tarifas.", "Estados Unidos", S),
    # Arabic and Persian.
    ("وفقا لمسؤولين أمريكيين فإن الهجوم وشيك", "أمريكيين", SOURCE),
    ("قالت مصادر أمريكية إن المحادثات فشلت", "أمريكية", SOURCE),
    ("شکایت به دادگاهی در واشنگتن رسید", "واشنگتن", VENUE),
    ("به گزارش رسانه‌های آمریکایی حمله انجام شد", "آمریکایی", SOURCE),
    ("فرضت الولايات المتحدة عقوبات جديدة", "الولايات المتحدة", S),
    # Chinese, Japanese, Korean.
    ("据美国有线电视新闻网报道，以色列内阁投票。", "美国", SOURCE),
    ("峰会在北京举行。", "北京", VENUE),
    ("美国宣布对华加征关税。", "美国", S),
    ("米紙によると、停戦が近い。", "米紙", SOURCE),
    ("米政府高官によると、会談は延期された。", "米政府", SOURCE),
    ("米ニュースサイト「アクシオス」によると、合意は近い。", "米", SOURCE),
    ("米ＣＮＮテレビによると、交渉は続く。", "米", SOURCE),
    ("米アップルが新製品を発表した。", "米", S),
    ("워싱턴 특파원을 지낸 논설실장이 전합니다", "워싱턴", VENUE),
    ("미국 언론에 따르면 회담이 열린다", "미국", SOURCE),
    ("미국은 관세를 인상했다", "미국은", S),
    # Hindi, Bengali, Turkish.
    ("रूस में होने वाले ब्रिक्स शिखर सम्मेलन में मोदी जाएंगे", "रूस", VENUE),
    ("अमेरिकी सेना के पूर्व कमांडर से समझें युद्ध की रणनीति", "अमेरिकी सेना", SOURCE),
    ("अमेरिकी सेना ने हमला किया", "अमेरिकी सेना", S),
    ("মার্কিন সংবাদমাধ্যম জানিয়েছে", "মার্কিন", SOURCE),
    ("ABD basınına göre görüşme ertelendi.", "ABD", SOURCE),
    ("Moskova'da düzenlenen zirveye katıldı.", "Moskova", VENUE),
    ("ABD yaptırımları genişletti.", "ABD", S),
    # A country or a city in a sentence about a match: a national team, a club.
    ("Im Turnier blieben die Favoriten USA und Kanada unbesiegt.", "USA", PERSON),
    ("نبرد نابرابر والیبال ایران در شیکاگو", "شیکاگو", PERSON),
    ("فازت روسيا على المنتخب الإسباني في المباراة", "روسيا", PERSON),
    ("Чикаго обыграл Бостон в овертайме", "Чикаго", PERSON),
    # A university or a hospital: where a person works or is treated, or the place a
    # university is named after.
    ("백태웅 미국 하와이대 법학전문대학원 교수를 비롯해 법률가들이", "미국", VENUE),
    ("美国哈佛大学教授表示，该研究有误。", "美国", VENUE),
    ("আমেরিকার হাসপাতালে কোমার সঙ্গে লড়ছেন তিনি।", "আমেরিকার", VENUE),
    ("वह अमेरिका के एक अस्पताल में भर्ती हैं।", "अमेरिका", VENUE),
    ("به دانشگاه استنفورد کالیفرنیا سفر کرده بود", "کالیفرنیا", VENUE),
    ("Estudió en la Universidad de California.", "California", VENUE),
    ("미국 대통령이 말했다", "미국", S),
    ("আমেরিকার প্রেসিডেন্ট বৈঠক করলেন।", "আমেরিকার", S),
    ("California aprobó una ley de privacidad.", "California", S),
    # Where a person died or was found dead is a place, not the story (singular verbs: deaths
    # in a country, plural, are the country's story).
    ("В США умер известный турецкий писатель.", "США", VENUE),
    ("O cantor foi encontrado morto em Miami (EUA) no domingo.", "EUA", VENUE),
    ("ator argentino morre nos EUA aos 70 anos", "EUA", VENUE),
    ("Der Prediger ist in den USA gestorben.", "USA", VENUE),
    ("El escritor murió en Estados Unidos a los 90 años.", "Estados Unidos", VENUE),
    ("前总统在美国病逝。", "美国", VENUE),
    ("元首相が米国で死去した", "米国", VENUE),
    ("미국에서 별세했다", "미국에서", VENUE),
    ("ABD'de hayatını kaybetti.", "ABD", VENUE),
    ("توفي الداعية في الولايات المتحدة", "الولايات المتحدة", VENUE),
    ("این مبلغ در آمریکا درگذشت", "آمریکا", VENUE),
    ("В России погибли десять человек.", "России", S),
    ("В США умерли от жары сотни человек.", "США", S),
    # A model or a comparison is where an idea comes from, not a subject.
    ("um novo sistema, inspirado no modelo norte-americano", "norte-americano", Role.ORIGIN),
    ("eine Reform nach amerikanischem Vorbild", "amerikanischem", Role.ORIGIN),
    # An alignment with a country is another's stance; a law nicknamed after a country (in
    # quotation marks) is a likeness: neither is the country acting.
    ("Die Opposition kritisiert die Annäherung an Moskau.", "Moskau", Role.ORIGIN),
    ("L'opposition dénonce le rapprochement avec Moscou.", "Moscou", Role.ORIGIN),
    ("Оппозиция критикует сближение с Россией.", "Россией", Role.ORIGIN),
    ('Das Parlament verabschiedet das "russische Gesetz" über Medien.', "russische",
     Role.ORIGIN),
    ("Le parlement a adopté la « loi russe » sur les ONG.", "russe", Role.ORIGIN),
    ("Die russische Regierung plant ein Gesetz.", "russische", S),
    ("Moskau lehnt die Annäherung ab.", "Moskau", S),
    # An event of a leader's career as a time: when the story happens, not who acts in it.
    ("Après la victoire de Trump, l'Union européenne rappelle son soutien à Kiev.", "Trump",
     VENUE),
    ("la visite à Kiev depuis l'élection de Donald Trump à la présidentielle américaine",
     "américaine", VENUE),
    ("Tras la victoria de Trump, México negocia con Canadá.", "Trump", VENUE),
    ("После победы Трампа Европа готовится к переговорам.", "Трампа", VENUE),
    ("Nach dem Wahlsieg von Trump reagiert Berlin gelassen.", "Trump", VENUE),
    ("Après la victoire, les Etats-Unis ont annoncé des sanctions.", "Etats-Unis", S),
    ("Trump a promis des tarifs après sa victoire.", "Trump", S),
    # A nickname after a famous place, a decoration of a state's institution: likenesses.
    ("歌手買下「台北白宮」豪宅", "白宮", Role.ORIGIN),
    ("「白宮」回應", "白宮", S),
    ("Генерал з медаллю ФСБ отримав нову посаду", "ФСБ", Role.ORIGIN),
    ("ФСБ задержала шпиона", "ФСБ", S),
    # Supporters of a leader are people described by their allegiance.
    ("Zwei Trump-Unterstützer stehen im Ring.", "Trump", PERSON),
    ("Des partisans de Trump ont manifesté.", "Trump", PERSON),
    ("Сторонники Трампа вышли на улицы.", "Трампа", PERSON),
    ("Trump will Zölle erhöhen.", "Trump", S),
    # A former base of a country's forces is history, not the country acting.
    ("Les détenus sont dans une ancienne base américaine.", "américaine", Role.ORIGIN),
    ("مردان به اردوگاهی که قبلا یک پایگاه نظامی آمریکایی بود برده شدند", "آمریکایی",
     Role.ORIGIN),
    ("این اردوگاه در پایگاه سابق آمریکا است", "آمریکا", Role.ORIGIN),
    ("旧米軍基地の跡地に公園", "米軍", Role.ORIGIN),
    ("米軍基地で事故", "米軍", S),
    ("نیروهای آمریکایی در پایگاه بودند", "نیروهای آمریکایی", S),
    # A place in a sentence about a bout is a venue of the sport.
    ("Am Samstag steigt der Boxer in Texas in den Ring.", "Texas", PERSON),
    # Where a traveller comes back from, or a person studied or grew up: a journey, a
    # biography (as in English).
    ("El primer ministro regresó de Moscú con un acuerdo de gas.", "Moscú", Role.ORIGIN),
    ("Le ministre, de retour de Moscou, a convoqué le conseil.", "Moscou", Role.ORIGIN),
    ("Der Minister ist zurück aus Moskau und berichtet dem Kabinett.", "Moskau", Role.ORIGIN),
    ("Министр вернулся из Москвы и созвал совет.", "Москвы", Role.ORIGIN),
    ("El candidato, que estudió en la Unión Soviética, ganó la elección.", "Unión Soviética",
     Role.ORIGIN),
    ("La romancière a grandi aux États-Unis avant de rentrer à Dakar.", "États-Unis",
     Role.ORIGIN),
    ("Der Dirigent studierte in Moskau und lebt heute in Wien.", "Moskau", Role.ORIGIN),
    ("Moscú firmó un acuerdo de gas con Budapest.", "Moscú", S),
    ("El ministro viajó a Moscú para firmar un acuerdo.", "Moscú", S),
    # ... but a flight of deportees from a country is the country deporting them.
    ("Llegan a Bogotá los vuelos de deportación de Estados Unidos.", "Estados Unidos", S),
    ("Chega a Confins voo com deportados dos EUA.", "EUA", S),
    ("Un vuelo procedente de Miami aterrizó en Bogotá.", "Miami", Role.ORIGIN),
    # ... and a journey called off: the trip does not happen, the country does not act.
    ("Presidente levou pontos e cancelou viagem à Rússia.", "Rússia", Role.ORIGIN),
    ("Sánchez aplazó su visita a China por la dana.", "China", Role.ORIGIN),
    ("Macron annule son voyage en Chine.", "Chine", Role.ORIGIN),
    ("Lula viajará à Rússia para a cúpula do Brics.", "Rússia", S),
    # A country's interest rates as a market's driver: a benchmark, not the country acting.
    ("Aunque tasas de EE. UU. y la inflación afectan, el peso siguió cayendo.", "EE. UU.",
     Role.ORIGIN),
    ("La hausse des taux d'intérêt des États-Unis pèse sur le real.", "États-Unis",
     Role.ORIGIN),
    ("Estados Unidos subió los aranceles al acero.", "Estados Unidos", S),
    # ... and rates set by a country's central bank, named after them.
    ("El peso cayó tras la subida de las tasas de interés por parte del banco central "
     "estadounidense.", "estadounidense", Role.ORIGIN),
    ("La baisse des taux décidée par la Fed a soutenu le peso mexicain.", "la Fed",
     Role.ORIGIN),
    ("La Fed a relevé ses taux pour freiner l'inflation.", "La Fed", S),
    # The other side of a comparison, as in English.
    ("L'Inde investit davantage, à l'instar des États-Unis.", "États-Unis", Role.ORIGIN),
    ("A diferencia de Rusia, México creció este año.", "Rusia", Role.ORIGIN),
    ("Ao contrário da China, o Brasil cortou juros.", "China", Role.ORIGIN),
    ("Anders als die USA setzt Berlin auf Dialog.", "USA", Role.ORIGIN),
    ("В отличие от России, Казахстан вырос.", "России", Role.ORIGIN),
    ("Les États-Unis imposent des sanctions.", "États-Unis", S),
    # Chinese, Japanese and Korean: a nationality, a descent, a people noun after the name.
    ("警察は中国籍の男を逮捕した。", "中国", PERSON),
    ("札幌でロシア人観光客が増えている。", "ロシア", PERSON),
    ("两名俄罗斯籍男子被捕。", "俄罗斯", PERSON),
    ("서울에 미국인 관광객이 몰렸다.", "미국인", PERSON),
    ("中国人民銀行が利下げを発表した。", "中国人民銀行", S),
    ("ロシアの外相が来日した。", "ロシア", S),
]


@pytest.mark.parametrize(("text", "name", "want"),
                         [pytest.param(t, n, w, id=t[:40]) for t, n, w in ROWS])
def test_role_of_a_mention_in_another_language(text: str, name: str, want: Role) -> None:
    assert role_in(text, name) is want


def test_english_text_is_left_to_the_english_patterns() -> None:
    """Latin-script words of other languages ("match", "modelo") do not re-read English."""
    assert role_in("The match between the U.S. and Canada was a trade talk.", "U.S.") is S


def test_a_source_alone_does_not_make_a_country_about() -> None:
    """A story about Israel's strike told by US experts is not about the United States."""
    fields = Fields(title="", lead="Nach Einschätzung von US-Experten hat Israel im Iran "
                    "Anlagen zur Herstellung von Raketentreibstoff zerstört.", body="")
    scores = country_scores(counted(MATCHER.find(fields), CATALOGUE), CATALOGUE, fields=fields)
    assert not scores["US"].about


def roles_in(title: str, lead: str, body: str = "") -> dict[str, Role]:
    """Each mention's text -> its role (the first mention of that text)."""
    fields = Fields(title=title, lead=lead, body=body)
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    found: dict[str, Role] = {}
    for m, r in zip(mentions, roles(mentions, fields, CATALOGUE), strict=True):
        found.setdefault(m.text, r)
    return found


# A country that only passes (rules/passing.py): one of a list of countries in the lead or the
# body, or named once in the lead under a title that names another country and not it. The
# subject rows guard the rule: a title that names no other country, a list of only the
# three, a list in the title, a country the text returns to.
PASSING_ROWS = [
    # Lists: three or more countries, two of them others, in any script.
    ("গ্যাস সংকট: কেন্দ্রীয় মন্ত্রীর দাবি",
     "আমদানি বাড়ছে। আমেরিকা, রাশিয়া, নরওয়ে, কানাডা এবং আলজেরিয়ার মতো দেশগুলো থেকে জ্বালানি আসছে।",
     "রাশিয়া", PASSING),
    ("ब्रिक्स का विस्तार", "ब्रिक्स में ईरान, भारत, चीन, यूएई जैसे देश शामिल हैं।", "चीन", PASSING),
    ("Basketball: Frankreich hadert", "Die drei Favoriten USA, Kanada und Deutschland blieben "
     "unbesiegt.", "USA", PASSING),
    ("Afrika'da yatırım paketi", "Çin böylece ABD, Fransa ve Hindistan'ı geride bıraktı.", "ABD",
     PASSING),
    ("Tarifas", "Aranceles a México, Canadá y China desde enero.", "China", PASSING),
    ("日本の輸出", "輸出先は韓国、ロシア、インドの順だった。", "ロシア", PASSING),
    # ... and not lists: only the three, a pair, a list in the title.
    ("Talks", "США, Китай и Россия договорились о встрече.", "США", S),
    ("Gespräche", "Deutschland und die USA verhandeln über Zölle.", "USA", S),
    ("Aranceles a México, Canadá y China", "Entran en vigor en enero.", "China", S),
    # A lone aside in the lead under a title about another country.
    ("ভারতের জন্য কতটা চিন্তার? জেনে নিন", "চিন এবং রাশিয়া ছাড়া আর কোনও দেশের জাহাজ যেতে দিচ্ছে না।",
     "রাশিয়া", PASSING),
    ("ジョージア 野党支持者らが大規模なデモ",
     "議会選挙で、ロシアに融和的な与党が過半数を獲得した。", "ロシア", PASSING),
    ("کیم جونگ-اون به مقام ریاست کشور کره شمالی رسید",
     "برخی ناظران هدف را پیمان صلح بین کره شمالی و ایالات متحده دانسته‌اند.", "ایالات متحده",
     PASSING),
    ("Netanjahu: Russland soll die Hisbollah beliefern", "Auch chinesische Waffen sind "
     "aufgetaucht.", "chinesische", PASSING),
    # ... and not: the title names no country, names this one, or the text returns to it.
    ("Après la rupture de deux câbles en mer Baltique", "Six pays européens accusent la Russie.",
     "Russie", S),
    ("Russische Schauspieler sollen Fake-Video aufgenommen haben", "Hinter der Aktion wird "
     "Russland vermutet.", "Russland", S),
    ("Netanjahu: Russland soll die Hisbollah beliefern", "Auch chinesische Waffen sind "
     "aufgetaucht.", "Russland", S),
    ("Indien und Japan vertiefen Handel", "China reagiert verärgert. China droht mit Zöllen.",
     "China", S),
    # ... nor a company's nationality after the company noun: the title's actor.
    ("Amazon invierte 5.000 millones en México", "La empresa estadounidense construirá centros "
     "de datos.", "estadounidense", S),
    ("Starbucks ouvre 50 cafés en Inde", "Le groupe américain vise 1 000 boutiques.",
     "américain", S),
    ("Shein abre fábrica no Brasil", "A varejista chinesa vai investir R$ 750 milhões.",
     "chinesa", S),
    # ... nor the agent of a measure the story reports.
    ("México y Canadá responden a los aranceles", "Los gobiernos respondieron a las tarifas "
     "impuestas por Washington.", "Washington", S),
    ("Le Mexique riposte aux droits de douane", "Le gouvernement a répondu aux taxes "
     "imposées par Washington.", "Washington", S),
    ("Brasil reage ao tarifaço", "O governo respondeu às tarifas impostas pelos EUA.", "EUA",
     S),
    ("Venezuela celebra elecciones regionales", "La oposición participa tras años de boicot, "
     "mientras Estados Unidos observa.", "Estados Unidos", PASSING),
    ("Venezuela celebra elecciones regionales", "El gobierno, apoyado por Rusia, ganó en 20 "
     "estados.", "Rusia", PASSING),
    ("Lula visita Angola", "O presidente chegou depois de uma escala, e elogiou a empresa "
     "local. O acordo com a China foi citado.", "China", PASSING),
]


@pytest.mark.parametrize(("title", "lead", "name", "want"),
                         [pytest.param(*row, id=f"{row[2]}-{row[3].value}-{n}")
                          for n, row in enumerate(PASSING_ROWS)])
def test_a_country_that_only_passes(title: str, lead: str, name: str, want: Role) -> None:
    found = roles_in(title, lead)
    assert name in found, f"{name!r} is not a mention"
    assert found[name] is want


def test_a_passing_mention_does_not_make_a_country_about() -> None:
    """Indian fuel imports from a list of suppliers are not about Russia or the US."""
    fields = Fields(title="গ্যাস সংকট: কেন্দ্রীয় মন্ত্রীর দাবি", body="",
                    lead="আমেরিকা, রাশিয়া, নরওয়ে, কানাডা এবং আলজেরিয়ার মতো দেশগুলো থেকে জ্বালানি আসছে।")
    scores = country_scores(counted(MATCHER.find(fields), CATALOGUE), CATALOGUE, fields=fields)
    assert not scores["RU"].about and not scores["US"].about


def test_english_stories_keep_the_english_patterns_alone() -> None:
    """The passing rules read other languages; English is rules/roles.py's."""
    found = roles_in("Japan and India deepen trade", "The deal was struck as the United States "
                     "watched from the sidelines.")
    assert found["United States"] is S
    # A briefing's headline and line, with too few English words to read as English.
    briefing = roles_in("Your Monday Briefing: Ukraine Strikes Back", "Plus the Covid rules "
                        "in China.")
    assert briefing["China"] is S


# A leader's career event as a time ("après l'élection de Trump") is a date; in a title that
# names nothing else, the event and its aftermath are what the story is about.
CAREER_TITLE_ROWS = [
    ("Après l'élection de Trump, sexisme et insultes déferlent en ligne", "Trump", S),
    ("Guerre en Ukraine : après la victoire de Trump, l'UE rappelle son soutien", "Trump",
     VENUE),
    ("Après la victoire de Trump, la Pologne s'inquiète", "Trump", VENUE),
]


@pytest.mark.parametrize(("title", "name", "want"),
                         [pytest.param(t, n, w, id=t[:40]) for t, n, w in CAREER_TITLE_ROWS])
def test_a_career_event_in_a_title_that_names_nothing_else(title: str, name: str,
                                                           want: Role) -> None:
    assert roles_in(title, "Un rapport le montre.")[name] is want


# A market report's drivers (rules/market.py): under a title about a market (gold, oil, a
# stock market, an exchange rate) that names no country, the countries its text names moved
# the market. The subject rows guard the rule: a title that names the country, a title about
# a currency itself, a title that is no market report.
MARKET_ROWS = [
    ("El oro marca un nuevo máximo histórico", "La demanda crece por la inflación en "
     "Estados Unidos.", "Estados Unidos", Role.ORIGIN),
    ("Le pétrole recule pour la troisième séance", "Les stocks américains ont augmenté plus "
     "que prévu.", "américains", Role.ORIGIN),
    ("Goldpreis auf Rekordhoch", "Anleger fliehen vor dem Zollstreit zwischen den USA und "
     "Europa.", "USA", Role.ORIGIN),
    ("〈股市收盤〉台股跌逾百點", "美國公布就業數據後，科技股走弱。", "美國", Role.ORIGIN),
    ("金価格が最高値を更新", "米国の利下げ観測が強まった。", "米国", Role.ORIGIN),
    ("सोने का भाव रिकॉर्ड पर", "अमेरिका में ब्याज दरें घटने की उम्मीद से मांग बढ़ी।", "अमेरिका",
     Role.ORIGIN),
    ("Altın fiyatları rekor kırdı", "ABD'de faiz indirimi beklentisi güçlendi.", "ABD",
     Role.ORIGIN),
    # Spanish and French: the markets, a Latin-American currency's exchange rate.
    ("El peso mexicano se deprecia frente al dólar", "Los inversores temen los aranceles de "
     "Estados Unidos.", "Estados Unidos", Role.ORIGIN),
    ("Les marchés financiers reculent", "Les investisseurs redoutent l'inflation américaine.",
     "américaine", Role.ORIGIN),
    ("Dólar hoy en México: el peso gana terreno", "La Reserva Federal de Estados Unidos "
     "recortó las tasas.", "Estados Unidos", Role.ORIGIN),
    ("Los mercados de Estados Unidos cierran en rojo", "Estados Unidos publicó datos de "
     "empleo.", "Estados Unidos", S),
    # ... and in the title, another market, the Fed or a country's figures after a word of
    # cause.
    ("El Ibex 35 sube arrastrado por Wall Street", "El selectivo ganó un 1 %.", "Wall Street",
     Role.ORIGIN),
    ("Le CAC 40 termine en hausse, porté par Wall Street", "La séance a été calme.",
     "Wall Street", Role.ORIGIN),
    ("Ibovespa fecha em alta com Wall Street", "O índice subiu 1%.", "Wall Street",
     Role.ORIGIN),
    ("El Brent cae por la demanda china", "El barril perdió un 2 %.", "china", Role.ORIGIN),
    ("El oro sube tras los datos de empleo de EE.UU.", "La onza ganó un 1 %.", "EE.UU.",
     Role.ORIGIN),
    # ... and not: the title names the country, a currency alone, no market.
    ("El oro sube tras los aranceles de Estados Unidos", "Estados Unidos anunció nuevas "
     "tarifas.", "Estados Unidos", S),
    ("El Ibex cae tras los aranceles de EE.UU.", "Las bolsas europeas cedieron.", "EE.UU.", S),
    ("Wall Street y el Ibex caen", "Las bolsas cedieron.", "Wall Street", S),
    ("La Bolsa de Nueva York cierra con pérdidas", "El Dow Jones cayó un 1 %.", "Nueva York",
     S),
    ("Le dollar au plus haut depuis vingt ans", "Les États-Unis relèvent leurs taux.",
     "États-Unis", S),
    ("Ein Rekordjahr für Autobauer", "Die USA kaufen mehr deutsche Autos.", "USA", S),
]


@pytest.mark.parametrize(("title", "lead", "name", "want"),
                         [pytest.param(*row, id=f"{row[2]}-{row[3].value}-{n}")
                          for n, row in enumerate(MARKET_ROWS)])
def test_a_country_that_drives_a_market_report(title: str, lead: str, name: str,
                                               want: Role) -> None:
    found = roles_in(title, lead)
    assert name in found, f"{name!r} is not a mention"
    assert found[name] is want


def test_a_market_driver_does_not_make_a_country_about() -> None:
    """A report on gold prices that names the US election twice is not about the US."""
    fields = Fields(title="El oro marca un nuevo máximo histórico", body="",
                    lead="La demanda crece antes de las elecciones en Estados Unidos. Los "
                    "inversores temen la política comercial de Washington.")
    scores = country_scores(counted(MATCHER.find(fields), CATALOGUE), CATALOGUE, fields=fields)
    assert not scores["US"].about
