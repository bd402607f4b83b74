"""Every language the feeds speak: names, morphology and disambiguation, one table per language.

Each row is a headline-sized text and the countries (RU, CN, US) its names identify — after
the catalogue's weak-alias rule, as salience sees them. Rows naming a country failed before
the translations (the name or its inflection was unknown); rows naming none guard the new
names against what contains them, and fail without their blockers. The morphology rows use inflected
forms that the catalogue does not list (the script's rule must find them); the blocker rows
are names inside something that is not the country (a newspaper, a club, a continent).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from monitor.config import RuleConfig
from monitor.errors import RuleError
from monitor.rules.catalogue import Catalogue, load_catalogue, parse_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.evaluate import in_split
from monitor.rules.matcher import Matcher
from monitor.rules.salience import counted
from monitor.rules.world import spans
from tests.conftest import shared

CATALOGUE = load_catalogue()
MATCHER = Matcher(CATALOGUE)


def named(text: str, catalogue: Catalogue = CATALOGUE, matcher: Matcher = MATCHER) -> set[str]:
    """The countries the text's names identify (own entities, weak ones only beside a strong)."""
    mentions = counted(matcher.find_in(text, "title"), catalogue)
    return {c for m in mentions for e in m.entity_ids
            if (c := catalogue.entities[e].country) is not None}


def _table(rows: list[tuple[str, set[str]]]) -> list[object]:
    return [pytest.param(text, want, id=text[:40]) for text, want in rows]


RU_US, RU_CN, CN_US = {"RU", "US"}, {"RU", "CN"}, {"CN", "US"}
RU, CN, US, NONE = {"RU"}, {"CN"}, {"US"}, set[str]()

RUSSIAN = [
    # Slavic case endings on stems, and lower-case adjectives.
    ("Поставки российских вооружений", RU),
    ("Встреча с Белым домом", US),
    ("Москвичи и американцы", RU_US),
    ("Удар по Курской области", RU),
    ("Центробанк снизил ставку", RU),
    # Clubs named after a city, sports teams, namesakes, newspapers, continents.
    ("«Вашингтон» обыграл «Рейнджерс», Овечкин забил", NONE),
    ("«Вашингтона» не хватило на третий период", NONE),
    ("Ставки на матч «Краснодар» — «Спартак»", NONE),
    ("В Краснодаре прошёл митинг", RU),
    ("Даниил Медведев вышел в финал", NONE),
    ("Медведев выиграл турнир в Пекине", CN),
    ("Медведев пригрозил Западу, Кремль промолчал", RU),
    ("Сборная России по хоккею", NONE),
    ("Латинской Америки экспорт растёт", NONE),
    ("Цена в долларах США выросла", NONE),
    ("«Нью-Йорк таймс» сообщила", NONE),
    ("Американская актриса вышла замуж", NONE),
]
UKRAINIAN = [
    ("Росії загрожують санкції", RU),
    ("Удар російських військ", RU),
    ("путін заявив", RU),
    ("Зустріч у Білому домі", US),
    ("Сполучені Штати та Китай", CN_US),
    ("Збірна США з баскетболу", NONE),
]
CHINESE = [
    # Simplified and traditional; no word boundaries.
    ("拜習會登場", CN_US),
    ("華府回應賀錦麗", US),
    ("聯準會宣布降息", US),
    ("普丁與習主席通話", RU_CN),
    ("我国经济稳中向好", CN),
    # Newspapers, regions and idioms that contain a country's name.
    ("纽约时报报道", NONE),
    ("據紐約時報報導", NONE),
    ("华盛顿邮报称", NONE),
    ("中美洲移民", NONE),
    ("这是美中不足", NONE),
    ("中国选手郑钦文夺冠", NONE),
    ("北京时间10月25日", NONE),
    # A state medium's commentary column is the state's voice; its byline and name are not.
    ("【央视快评】推动乡村振兴", CN),
    ("人民網評：穩中求進", CN),
    ("央视网消息：女排晋级决赛", NONE),
    ("福克斯新闻主持人离职", US),
]
JAPANESE = [
    ("ロシアはウクライナに侵攻", RU),
    ("米中首脳会談", CN_US),
    ("プーチン大統領が訪中", RU_CN),
    ("トランプ氏が勝利", US),
    ("中国地方で大雨", NONE),
    ("中国電力の決算", NONE),
    ("全米オープンで優勝", NONE),
    ("アメリカンフットボールの試合", NONE),
    ("NBA＝アメリカプロバスケットボール", NONE),
    # Pairs of countries written as one abbreviation name both (中露: China and Russia).
    ("中露の軍事協力", RU_CN),
    ("中ロ首脳会談", RU_CN),
    ("米ソ冷戦の終結", RU_US),
    ("中台関係が緊張", CN),
    # 米 and 露 before a ministry, a party, a service: the country's own institution.
    ("米財務省が制裁を発表", US),
    ("米商務省が輸出規制", US),
    ("米共和党の候補", US),
    ("米新政権が発足", US),
    ("米海軍の艦艇", US),
    ("露外務省が声明", RU),
    ("ＦＲＢが利下げを決定", US),
    # 米 before a name in katakana or Latin letters: an American company or body.
    ("米アップルが新製品", US),
    ("米ＣＮＮテレビによる", US),
    # ... not 米 as the end of North America, the West, new rice.
    ("北米トヨタの販売", NONE),
    ("欧米メディアの報道", NONE),
    ("新米コシヒカリの出荷", NONE),
    ("米ドルの為替", NONE),
    # A Latin-letter name beside kana or kanji ends there (Japanese has no spaces).
    ("FBIが捜査を開始", US),
    # Officials and institutions (offices and years in entities.yaml).
    ("パウエル議長が記者会見", US),
    ("ナビウリナ総裁が利上げ", RU),
    ("毛寧報道官が反発", CN),
    ("中国海警局の船が領海侵入", CN),
    ("ブッシュクラフトの道具", NONE),  # bushcraft is not George W. Bush
]
KOREAN = [
    ("연준 금리 인하", US),
    # Particles attached to the name, chained.
    ("러시아는 북한과 협력", RU),
    ("미국의 대선 결과", US),
    ("중국과의 무역", CN),
    ("북러 군사 협력", RU),
    ("미·중 갈등 격화", CN_US),
    ("트럼프가 승리했다", US),
    ("시 주석은 방미", CN_US),
    # A name inside another word is not the name.
    ("러시아워 교통 체증", NONE),
    ("뉴욕타임스 보도", NONE),
]
ARABIC = [
    # Attached prefixes (و ب ل ال) and nisba suffixes.
    ("والصين تدعو إلى الحوار", CN),
    ("بالصين", CN),
    ("للصين", CN),
    ("وللولايات المتحدة", US),
    ("القوات الروسية", RU),
    ("الأمريكيين", US),
    # Vowel marks and the shadda are not letters: الأميركيّة is الأميركية.
    ("الانتخابات الأميركيّة", US),
    ("وبوتين", RU),
    ("ترامب وبايدن", US),
    ("أمريكا اللاتينية", NONE),
    ("بالدولار الأمريكي", NONE),
]
PERSIAN = [
    ("روسیه و چین", RU_CN),
    ("نیروهای آمریکایی", US),
    ("کاخ سفید", US),
    ("چینی‌ها", CN),
    ("آمریکای لاتین", NONE),
    ("صدای آمریکا گزارش داد", NONE),
    ("کرم ضد چین و چروک", NONE),  # چین is also a wrinkle
    ("مجری فاکس‌نیوز از شبکه جدا شد", US),  # an American channel
    # سیاه (black) is not سیا (the CIA) with a suffix: the Black Sea, a black flag.
    ("کشتی‌ها در دریای سیاه", NONE),
    ("پرچم سیاه", NONE),
    ("سیا گزارش داد", US),
    # Congress named with its country counts on its own.
    ("کنگره آمریکا رای داد", US),
    ("اف‌بی‌آی تحقیق می‌کند", US),
    ("فدرال رزرو نرخ بهره را کاهش داد", US),
    ("زاخارووا گفت", RU),
    ("وانگ یی به مسکو رفت", RU_CN),
    ("ظروف چینی عتیقه", NONE),  # chinaware
    ("جنت یلن به پکن رفت", CN_US),
    ("گراسیموف و میشوستین", RU),
    ("گروه واگنر در آفریقا", RU),
    ("دومای روسیه قانون را تصویب کرد", RU),
]
HINDI = [
    ("रूसी राष्ट्रपति पुतिन", RU),
    ("अमेरिकियों ने वोट दिया", US),
    ("चीन और अमेरिका", CN_US),
    ("अमेरिकी डॉलर मजबूत", NONE),
    ("लैटिन अमेरिका", NONE),
    ("चीनी के दाम बढ़े", NONE),  # चीनी is also sugar
    ("चीनी सेना की घुसपैठ", CN),
    ("चुनाव में विपक्ष का 'ट्रंप कार्ड' नहीं चला", NONE),  # the idiom "trump card"
    ("ट्रंप ने टैरिफ बढ़ाए", US),
]
BENGALI = [
    # Attached case suffixes: -র (of), -কে (to), -য় (in), with ও (also).
    ("রাশিয়ার প্রেসিডেন্ট", RU),
    ("রাশিয়াকে নিষেধাজ্ঞা", RU),
    ("চীনের সঙ্গে বাণিজ্য", CN),
    ("মার্কিন যুক্তরাষ্ট্রের নির্বাচন", US),
    ("আমেরিকাও", US),
    ("ট্রাম্প জিতেছেন", US),
    ("লাতিন আমেরিকা", NONE),
    ("চিনির দাম বাড়ল", NONE),  # চিনি is sugar: চিন + a vowel sign is not a case suffix
]
TURKISH = [
    # Suffixes after an apostrophe.
    ("Rusya'nın açıklaması", RU),
    ("ABD’nin yaptırımları", US),
    ("Çin'e ihracat", CN),
    ("Moskova'da Pekin'in büyükelçisi", RU_CN),
    ("Rusça kursu", NONE),
    ("Latin Amerika ülkeleri", NONE),
    ("ABD doları yükseldi", NONE),
    ("Rus salatası tarifi", NONE),  # Russian salad
    ("Fed'in faiz kararı", US),
]
SPANISH = [
    ("los rusos y los chinos", RU_CN),
    ("Casa Blanca y Pentágono", US),
    ("América Latina crece", NONE),
    ("500 dólares estadounidenses", NONE),
    ("El actor estadounidense murió", NONE),
    ("los separatistas prorrusos", NONE),
    # The adjective in every gender and number; the Federal Reserve by its Spanish name.
    ("la economía china y las empresas chinas", CN),
    ("La Reserva Federal sube los tipos", US),
    # ... and not English porcelain.
    ("a bull in a china shop", NONE),
]
PORTUGUESE = [
    ("Rússia e China", RU_CN),
    ("Moscovo e Pequim", RU_CN),
    ("O presidente norte-americano", US),
    ("Pequim responde a Washington", CN_US),
    ("dólar americano sobe", NONE),
    ("o exército russo avança", RU),
    # Lower-case adjectives do not match capitalised: Russo is a surname.
    ("Alison Russo, Stabbed NYC EMT", US),
    ("RUSSO SAYS IT ACTED AS BROKER", NONE),
    ("O Fed manteve os juros", US),
]
FRENCH = [
    ("Poutine reçu à Pékin", RU_CN),
    ("Les Américains votent", US),
    ("Maison-Blanche", US),
    ("Amérique latine", NONE),
    # "pro-Russian" is a label, and an American actor is not the United States.
    ("Géorgie : victoire du parti pro-russe", NONE),
    ("L'actrice américaine est morte", NONE),
    # Elision and spelling variants: l'Amérique is the United States, the continent is not.
    ("L'Amérique se replie sur elle-même", US),
    ("Les Etats Unis imposent des sanctions", US),
    ("Amérique du Sud", NONE),
    ("les deux Amériques", NONE),
    ("Le Congrès américain a voté", US),
    ("la Fed relève ses taux", US),
]
GERMAN = [
    ("Russlands Truppen und Chinas Flotte", RU_CN),
    ("Lawrow in Peking", RU_CN),
    ("Das Weiße Haus", US),
    ("im Weißen Haus", US),
    ("Preis in US-Dollar", NONE),
    ("America's Cup", NONE),
    ("US-Schauspieler James van der Beek", NONE),
    ("US-Schauspielerin erkrankt", NONE),
    ("pro-russische Partei gewinnt", NONE),
    ("Die US-Notenbank senkt den Leitzins", US),
]

TABLES = {"ru": RUSSIAN, "uk": UKRAINIAN, "zh": CHINESE, "ja": JAPANESE, "ko": KOREAN,
          "ar": ARABIC, "fa": PERSIAN, "hi": HINDI, "bn": BENGALI, "tr": TURKISH,
          "es": SPANISH, "pt": PORTUGUESE, "fr": FRENCH, "de": GERMAN}


@pytest.mark.parametrize(("text", "want"), _table(RUSSIAN))
def test_russian(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(UKRAINIAN))
def test_ukrainian(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(CHINESE))
def test_chinese(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(JAPANESE))
def test_japanese(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(KOREAN))
def test_korean(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(ARABIC))
def test_arabic(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(PERSIAN))
def test_persian(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(HINDI))
def test_hindi(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(BENGALI))
def test_bengali(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(TURKISH))
def test_turkish(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(SPANISH + PORTUGUESE + FRENCH + GERMAN))
def test_spanish_portuguese_french_german(text: str, want: set[str]) -> None:
    assert named(text) == want


def test_a_bengali_letter_in_either_encoding_matches() -> None:
    """য় is one code point (U+09DF) or য + nukta; feeds use both."""
    assert named("রা\u09b6ি\u09df\u09be") == RU
    assert named("রা\u09b6ি\u09af\u09bc\u09be") == RU


def test_a_mark_after_an_indic_name_is_part_of_the_word() -> None:
    """Vowel signs are combining marks, not letters: चीनी is not चीन + a boundary unless its
    suffix is a case suffix; रूस inside another word is not Russia."""
    assert named("रूसो") == NONE  # Rousseau
    assert named("रूसी") == RU


def _tiny(**translation: object) -> tuple[Catalogue, Matcher]:
    base = {"groups": [{"country": "RU", "kind": "country",
                        "entities": [{"id": "Q159", "name": "Russia", "en": ["Russia"]}]}]}
    catalogue = parse_catalogue(base, [translation])
    return catalogue, Matcher(catalogue)


def test_translations_merge_by_entity_id_and_add_missing_entities() -> None:
    catalogue, matcher = _tiny(
        aliases={"Q159": {"ru": ["Росси*"]}},
        entities=[{"id": "Q159", "name": "dup ignored", "country": "US"},
                  {"id": "new-one", "name": "New", "country": "RU", "ko": ["새이름"]}],
        blockers={"ru": ["сборн* России"]})
    assert catalogue.entities["Q159"].country == "RU"  # the main catalogue's entity wins
    assert named("Россией", catalogue, matcher) == RU
    assert named("새이름은", catalogue, matcher) == RU
    assert named("сборной России", catalogue, matcher) == NONE


def test_translations_of_an_unknown_entity_are_rejected() -> None:
    with pytest.raises(RuleError, match="unknown entity ids nobody"):
        _tiny(aliases={"nobody": {"ru": ["Никто"]}})


def test_generated_country_names_are_in_sync_with_cldr() -> None:
    pytest.importorskip("babel")
    from bench.gen_country_names import OUT, generate

    assert yaml.safe_load(OUT.read_text("utf-8")) == {"aliases": generate()}


def test_generated_world_names_are_in_sync_with_cldr() -> None:
    pytest.importorskip("babel")
    from bench.gen_country_names import WORLD_OUT, generate_world

    assert yaml.safe_load(WORLD_OUT.read_text("utf-8")) == {"names": generate_world()}


# The other countries' names (rules/world.py), found by each script's rule: the inflected or
# prefixed forms are not in the generated file. The empty rows guard against names inside
# other words and against the three countries themselves.
WORLD_ROWS = [
    ("Переговоры Ирана и Индии", ["Ирана", "Индии"]),
    ("وإيران والهند توقعان اتفاقا", ["إيران", "الهند"]),
    ("کرهٔ شمالی آزمایش کرد", ["کرهٔ شمالی"]),
    ("ভারতের জন্য কতটা চিন্তার", ["ভারতের"]),
    ("भारत-चीन समझौते", ["भारत"]),
    ("인도와 일본은 합의했다", ["인도와", "일본은"]),
    ("日本株は小幅続伸へ", ["日本"]),
    ("法国和德国的立场", ["法国", "德国"]),
    ("Fransa ve Hindistan'ı geride bıraktı", ["Fransa", "Hindistan"]),
    ("Die Favoriten USA, Kanada und Deutschland", ["Kanada", "Deutschland"]),
    ("La Unión Europea y Colombia", ["Unión Europea", "Colombia"]),
    ("Россия, Китай и США", []),
    ("Малый бизнес просит помощи", []),  # no three-letter stem (Мали: Мал*)
    ("マリオの新作", []),  # no two-kana name (マリ)
    ("وضع مالي صعب", []),  # Mali is "financial" in Arabic
    ("Indianapolis Colts win", []),
]


@pytest.mark.parametrize(("text", "want"), [pytest.param(t, w, id=t[:30]) for t, w in WORLD_ROWS])
def test_the_other_countries_are_found_by_each_scripts_rule(text: str, want: list[str]) -> None:
    assert [text[a:b] for a, b in spans(text, CATALOGUE.world)] == want


def _per_language(split: str) -> dict[str, float]:
    path = shared("labeled/multilingual-dev.jsonl")
    engine = RuleEngine([RuleConfig.model_validate(
        {"name": "r", "countries": {"at_least": 2, "of": ["RU", "CN", "US"]}})], CATALOGUE)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in Path(path).read_text("utf-8").splitlines():
        row = json.loads(line)
        if not in_split(row["id"], split):  # type: ignore[arg-type]
            continue
        about = {c for c, s in engine.analyse(row["title"] or "", row["body"] or "")
                 .countries.items() if s.about}
        gold = set(row["countries"])
        for c in ("RU", "CN", "US"):
            cell = counts[row["lang"]]
            cell[0] += c in about and c in gold
            cell[1] += c in about and c not in gold
            cell[2] += c in gold and c not in about
    return {lang: 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            for lang, (tp, fp, fn) in counts.items()}


def test_every_language_of_the_multilingual_set_is_read() -> None:
    """Per-country micro-F1 (RU, CN, US pooled) in each of the 15 languages: none is blind.
    (Before the translations, Arabic, Persian and Bengali scored 0-0.1.)"""
    scores = _per_language("all")
    assert len(scores) == 15
    low = {lang: round(f1, 2) for lang, f1 in scores.items() if f1 < 0.6}
    assert not low, f"languages below 0.60 micro-F1: {low}"


# Arabic script is folded in the text and the aliases alike: Arabic ي/ك in Persian text (and
# Persian ی/ک in Arabic), hamza seats, vowel marks and the tatweel inside a name, the ZWNJ.
ARABIC_SCRIPT_FOLDING = [
    ("بـوتين يلتقي", RU),  # tatweel inside the name
    ("الصّين", CN),  # shadda inside the name
    ("وَالصين", CN),  # a vowel mark on the attached prefix
    ("پوتين گفت", RU),  # Persian text with Arabic yeh
    ("کاخ سفيد", US),
    ("آمريكايي‌ها", US),
    ("شي جين‌پينگ", CN),  # Arabic yeh, and a ZWNJ where the catalogue has none
    ("سفارت آمريكا در تهران", US),
    ("کرم ضد چين و چروک", NONE),  # a guard: the wrinkle blocker holds in either spelling
]


# Labels of a stance ("pro-Russian", "anti-American") name no country, in every language;
# China's provinces and cities are China; Russian-language media name Russia's forces
# "occupiers" as Ukrainian ones do.
LABELS_AND_PLACES = [
    ("친러 성향의 정당", NONE),
    ("반미 시위가 열렸다", NONE),
    ("亲俄罗斯势力", NONE),
    ("親ロシア派の武装勢力", NONE),
    ("القوات الموالية لروسيا", NONE),
    ("Rus yanlısı ayrılıkçılar", NONE),
    ("रूस समर्थक अलगाववादी", NONE),
    ("他东躲西藏多年", NONE),
    ("吉林长春市新增感染者", CN),
    ("廣東省發布暴雨警報", CN),
    ("Оккупанты запустили ракеты", RU),
    ("Для сыктывкарских посёлков купят суда", RU),  # a city's adjective, in lower case
    ("Саратовские власти отчитались", RU),
    ("курский губернатор", RU),
    ("중러 협력 강화", RU_CN),
    # US officials of the 2024 news in every script; namesakes inside longer words.
    ("前中共高官女爆與華茲情史", CN_US),
    ("اجتماع بنّاء لهوكشتاين", US),
    ("월즈 후보", US),
    ("霍格華茲魔法學校", NONE),
]


@pytest.mark.parametrize(("text", "want"), _table(LABELS_AND_PLACES))
def test_labels_and_places(text: str, want: set[str]) -> None:
    assert named(text) == want


@pytest.mark.parametrize(("text", "want"), _table(ARABIC_SCRIPT_FOLDING))
def test_arabic_script_is_folded(text: str, want: set[str]) -> None:
    assert named(text) == want
