"""What part a mention plays in its sentence, in the languages other than English. Pure.

``rules/roles_en.py`` reads the English patterns; this module reads the same roles in the other
languages the feeds speak, from the text around the mention (a few words either side):

- the source of a claim: "по данным США", "laut US-Medien", "selon des responsables
  américains", "según fuentes estadounidenses", "据美国有线电视新闻网报道", "米紙によると",
  "미국 언론에 따르면", "به گزارش رسانه‌های آمریکایی", "وفقا لمسؤولين أمريكيين";
- a dateline: "МОСКВА, 3 марта — РИА Новости", "PEKÍN, 5 ene (EFE).-", "新华社北京10月4日电";
- a venue: a place named as where a summit, a court, a conference or a match is held, or
  where a correspondent works ("саммит в Казани", "دادگاهی در واشنگتن", "GP dos Estados
  Unidos", "워싱턴 특파원", "रूस में होने वाले शिखर सम्मेलन"), or the seat of an
  international body ("ante la CIDH, en Washington"): ``rules/roles_venue.py`` reads them;
- a team: a city or a country in a sentence about a match ("Вашингтон обыграл «Рейнджерс»":
  a club; "the favourites USA, Canada and Germany" of a tournament: national teams);
- a person: a demonym naming a tourist, a student, an actor ("американский турист"), and in
  Chinese, Japanese and Korean a nationality or a people noun after the name ("中国籍の男",
  "ロシア人観光客", "미국인 관광객").

- a university or a hospital: where a person works or is treated ("미국 하와이대 교수",
  "আমেরিকার হাসপাতালে"), or the place a university is named after ("دانشگاه استنفورد
  کالیفرنیا"): a venue;
- an origin: a model or a comparison ("inspirado no modelo norte-americano"), an alignment
  with a country ("Annäherung an Moskau"), a law nicknamed after one ("russische
  Agentengesetz", in quotation marks), a nickname after a famous place (「台北白宮」), a
  decoration of a state's institution ("з медаллю ФСБ");
- a place of death: where a person died or was found dead ("В США умер", "morto nos EUA"),
  and a time: an event of a leader's career as a date ("après la victoire de Trump"), or a
  country's election ("tras las elecciones de EE.UU.", "米大統領選後に": ``rules/roles_time.py``):
  venues; not in a title that names nothing else ("Après l'élection de Trump, le sexisme
  déferle en ligne"): there the event and its aftermath are what the story is about;
- a former base of a country's forces ("une ancienne base américaine", "旧米軍基地"): an origin;
- in Japanese, a language, a cuisine, a birthplace, a place of study ("ロシア語", "中国料理",
  "米国出身", "米国に留学"): an origin; where a trend is popular ("アメリカで人気"): a venue;
- a person: a supporter of a leader ("Trump-Unterstützer", "partisans de Trump").

The origin patterns (a model, a comparison, an alignment, a journey, a driver, a nickname, a
decoration) are ``rules/roles_origin.py``'s; the Chinese, Japanese and Korean ones (a person,
a language, a trend, a game, a cause, a product) ``rules/roles_cjk.py``'s; a Spanish or
French demonym after a trade or as a nationality noun before a name ("el cineasta
estadounidense", "l'Américain Noah Lyles"), and the nationality of the one person a headline
profiles ("El soldado de EE.UU. que aprendió a tocar el piano"), are ``rules/roles_person.py``'s.

``foreign_role`` returns the role's value ("source", "venue", "person", "origin") or None;
it never decides for English, whose words it does not list.
"""

from __future__ import annotations

import re
from itertools import islice

from monitor.rules import roles_cjk as cjk
from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Fields, Mention
from monitor.rules.morphology import LATIN, script_of
from monitor.rules.roles_origin import reads_origin
from monitor.rules.roles_person import in_profile, profiled, reads_person
from monitor.rules.roles_scene import scene_role
from monitor.rules.roles_source import agency_source
from monitor.rules.roles_time import election_time
from monitor.rules.roles_venue import PLACE_KINDS, reads_venue
from monitor.rules.world import spans

_WINDOW_BEFORE, _WINDOW_AFTER = 90, 60
_WORDS = r"(?:[^\s,;:.!?،؛。，、]+\s+){0,7}"  # a few words, not across a comma or a stop

# "According to ..." before the mention (which is then the source, or names it).
_ACCORDING = re.compile(
    r"(?<!\w)(?:"
    r"[Пп]о данным|[Пп]о словам|[Пп]о сообщени\w+|[Пп]о информации|[Пп]о оценк\w+|"
    r"со ссылкой на|[Сс]огласно|[Кк]ак сообща\w+|[Кк]ак пиш\w+|[Зз]а даними|[Зз]а словами|"
    r"[Зз]а інформацією|[Зз]а оцінк\w+|з посиланням на|[Яя]к повідомля\w+|[Зз]гідно з|"
    r"[Ll]aut|nach Angaben|nach Einschätzung|nach Informationen|nach Berichten|"
    r"unter Berufung auf|[Ss]elon|[Dd]['’]après|citant|[Ss]egún|[Dd]e acuerdo con|citando|"
    r"[Ss]egundo|[Dd]e acordo com|[Cc]onforme"
    r")\s+" + _WORDS + r"$"
    r"|(?:وفقا ل|وفقاً ل|بحسب|حسب|نقلا عن|نقلاً عن|طبقا ل|به گزارش|به نقل از|به گفته|"
    r"بنا بر|بنابر)\s*" + _WORDS + r"$"
    r"|(?:据|據|根据|根據|援引|引述|引用)[^\s。，,；！？]{0,12}$")
# The mention, then who tells: "американские СМИ", "US-Medien", "美国官员称", "米政府高官".
_TELLERS_AFTER = re.compile(
    r"^(?:\s+[^\s,.]+)?\s+(?:чиновник|официальн\w* лиц|источник|СМИ|издани|газет|разведк|"
    r"эксперт|аналитик|посадовц|посадов\w+ ос|джерел|ЗМІ|видання|розвідк|експерт|медіа|"
    r"телеканал)"
    r"|^(?:-|\s+)(?:Medien|Experten|Beamte|Regierungskreise|Geheimdienst|Sender|Zeitung|"
    r"Kreise|Quellen|Angaben|Berichte|Analysten|Denkfabrik|Nachrichtenagentur)"
    r"|^(?:['’]\w*)?\s+(?:basın|medya|yetkili|kaynak|istihbarat|uzman|gazete)"
    r"|^(?:['’]\w*)\s+göre\b"
    # (its intelligence services tell; 美国军事情报, US military secrets, is what is stolen)
    r"|^[^\s。，,；]{0,6}?(?:官员|官員|媒体|媒體|消息人士|情报(?:机构|部门|官员|界|人士)|"
    r"情報(?:機関|当局|筋|部門|官員|界)|专家|專家|分析师|分析師|"
    r"智库|智庫|报纸|報紙|网站|網站|电视台|電視台|有线电视|有線電視|知情人士|"
    r"によると|によれば|が報じ|は報じ|が伝え|は伝え|の報道|メディア|当局者|高官|関係者|"
    r"ニュースサイト|通信社)"
    # "according to" after a named outlet (米ＣＮＮテレビによると, 米ニュースサイト「アクシオス」
    # によると), not after a subject (が, は, を: 米国が…によると is who acts)
    r"|^[^\s。、，,；がはを]{0,16}?(?:によると|によれば)"
    r"|^[^\s.,]{0,3}\s?(?:당국자|관리|관계자|언론|매체|정보당국|소식통|전문가|신문)"
    r"|^[^\s.,]{0,3}\s?(?:[^\s.,]+\s)?(?:에 따르면|에따르면)"
    r"|^\S{0,4}\s+(?:अधिकारियों|अधिकारी|मीडिया|सूत्रों|रिपोर्ट|विशेषज्ञ|अखबार|সংবাদমাধ্যম|"
    r"সংবাদ মাধ্যম|গণমাধ্যম|মিডিয়া|কর্মকর্তা|সূত্র|প্রতিবেদন|বিশেষজ্ঞ)"
    r"|^\S{0,4}\s+(?:के अनुसार|के मुताबिक|अनुयायी|অনুযায়ী|সূত্রে)"
    # who explains: "अमेरिकी सेना के जनरल से समझें" (understand it from a US Army general)
    r"|^\S{0,4}\s+(?:के|की)\s+(?:\S+\s+){0,2}?से\s+(?:समझें|समझिए|जानें|जानिए)"
    r"|^\S*\s+(?:\S+\s+){0,3}zufolge\b")
# Who tells, then the mention (Romance, Arabic and Persian adjectives follow the noun):
# "des responsables américains", "fuentes estadounidenses", "مصادر أمريكية".
_TELLERS_BEFORE = re.compile(
    r"(?<!\w)(?:responsables?|officiels?|médias|sources?|experts?|analystes|renseignements?|"
    r"presse|quotidien|funcionarios?|fuentes?|medios|prensa|expertos?|analistas|"
    r"inteligencia|diario|fontes?|mídia|imprensa|especialistas|jornal|"
    r"мнени\w+|источник\w*|разведк\w+|СМИ|джерел\w*|розвідк\w+|ЗМІ)"
    # (then "of", "at", "of the government": "fuentes del Pentágono", "sources au Pentagone")
    r"\s+(?:(?:de la|de los|de las|del|de|des|du|au|aux|la|los|las|da|do|dos|das|в|из|у|з)\s+"
    r"|de l['’]\s*)?(?:(?:gobierno|gouvernement|governo)\s+)?$"
    r"|(?:مسؤول\w*|مصادر|مصدر|وسائل الإعلام|وسائل إعلام|صحيفة|صحف|تقارير|خبراء|محللون|"
    r"استخبارات|الاستخبارات|مقامات|منابع|رسانه‌های|رسانه های|رسانه|کارشناسان|روزنامه)\s+$",
    re.IGNORECASE)
# A news outlet of a country, the adjective after the noun (Spanish, French, Portuguese): "la
# agencia rusa TASS", "l'agence officielle chinoise", "la cadena estadounidense CNN", "le site
# américain Axios"; not an agency of the state, which a complement names ("la agencia
# estadounidense de medicamentos", "l'agence américaine de l'environnement").
_OUTLET_BEFORE = re.compile(
    r"(?<!\w)(?:agencias?|agences?|cadenas?|cha[iî]nes?|televisi[oó]n|t[ée]l[ée]vision|"
    r"televisoras?|emisoras?|radios?|canal|peri[oó]dicos?|journal|journaux|revistas?|"
    r"magazines?|hebdomadaires?|semanarios?|sites?|sitios?|portal|portais|medio|m[ée]dia|"
    r"ag[êe]ncias?|emissoras?|jornais|revistas?)"
    r"(?:\s+(?:de (?:noticias|prensa|informaci[oó]n)|de presse|d['’][ÉéEe]tat|de notícias|"
    r"estatal|oficial|officielle|officiel|gouvernementale|gubernamental|p[uú]blica|publique|"
    r"d['’]information|de información|informativ[oa]|d['’]informations?))?\s+$",
    re.IGNORECASE)
_OF_AFTER = re.compile(r"^\s+(?:de|del|du|des|d['’]|pour|para|da|do)(?!\w)", re.IGNORECASE)

# Where a person died or was found dead: a place of death, not the story's subject ("В США
# умер Фетхуллах Гюлен", "encontrado morto nos EUA", "morto em Los Angeles (EUA)", "starb in
# den USA", "在美国病逝", "米国で死去", "미국에서 별세"). Singular verbs only: "в России
# погибли десять человек" is a story about Russia.
_DIED = (r"(?:умер|умерла|скончал\w*|погиб|погибла|найден\w* мертв\w*|найден\w* мёртв\w*|"
         r"помер|померла|загинув|загинула|starb|stirbt|gestorben|verstorben|tot aufgefunden|"
         r"mort|morte|décédé\w*|décède|meurt|retrouvé\w* mort\w*|murió|muere|falleció|fallece|"
         r"hallad\w* muert\w*|encontrad\w* muert\w*|morreu|morre|faleceu|falece|"
         r"encontrad\w* mort\w*)")
_DEATH_AT = r"(?:в|во|у|in|im|in den|à|au|aux|en|em|no|na|nos|nas)"  # a preposition of place
_DEATH_BEFORE = re.compile(
    r"(?<!\w)" + _DIED + r"(?:\s+[^\s,.;:]+){0,4}?\s+" + _DEATH_AT
    + r"\s+(?:[^\s(,.;:]+\s+){0,2}?\(?$"
    r"|(?:توفي|توفيت|مات|ماتت|وفاته|وفاتها)(?:\s+\S+){0,3}?\s+في\s*$", re.IGNORECASE)
# ... the verb after the place, with a preposition before it ("В США умер", "در آمریکا
# درگذشت", "在美国病逝"), or after a place whose case ending says where ("ABD'de öldü",
# "米国で死去", "미국에서 별세", "अमेरिका में निधन").
_DEATH_AFTER = re.compile(
    r"^\s+(?:[^\s,.;:]+\s+)?" + _DIED + r"(?!\w)"
    r"|^\s+(?:درگذشت|فوت کرد|جان باخت)"
    r"|^[^\s。，,；]{0,4}?(?:去世|逝世|病逝|过世|過世|身亡)", re.IGNORECASE)
_DEATH_AT_BEFORE = re.compile(r"(?<!\w)(?:" + _DEATH_AT + r"|در)\s+$|(?:在|于|於)$", re.IGNORECASE)
# An event of a leader's career as a time ("après la victoire de Trump", "depuis la victoire
# de Donald Trump à la présidentielle américaine", "tras la elección de Trump", "после победы
# Трампа"): when the story happens, like a dateline, not who acts in it.
_SINCE = (r"(?:après|depuis|avant|dans|tras|después de|desde|antes de|após|depois d[aeo]|"
          r"desde|nach|seit|vor|после|с момента|до|після|від часу|з часу)")
_CAREER = (r"(?:victoire|élection|réélection|retour|investiture|arrivée|victoria|elección|"
           r"reelección|regreso|llegada|vitória|eleição|reeleição|volta|retorno|chegada|"
           r"Wahlsieg|Wahl|Wiederwahl|Rückkehr|Amtseinführung|Amtsantritt|"
           r"побед\w*|избрани\w*|переизбрани\w*|возвращени\w*|инаугураци\w*|приход\w*|"
           r"перемог\w*|обрання|переобрання|повернення|інавгураці\w*)")
_TIME_BEFORE = re.compile(
    r"(?<!\w)" + _SINCE + r"\s+(?:(?:la|le|l['’]|el|a|o|dem|der|den)\s*)?" + _CAREER
    + r"(?:\s+[^\s,.;:!?«»\"“”]+){0,6}?\s+$", re.IGNORECASE)
# A former base of a country's forces: where a place comes from, history ("une ancienne base
# américaine", "پایگاه سابق آمریکا"; "که قبلا یک پایگاه نظامی آمریکایی بود", formerly was;
# "旧米軍基地").
_FORMER_BEFORE = re.compile(
    r"(?<!\w)(?:ancienne?s?\s+|ex-)bases?(?:\s+(?:militaires?|navales?|aériennes?))?\s+$"
    r"|(?:پایگاه|اردوگاه)\S*\s+(?:نظامی\s+)?سابق\s+$", re.IGNORECASE)
_ONCE_BEFORE = re.compile(r"(?:قبلا|قبلاً|سابقا|سابقاً|پیشتر|پیش‌تر)\s+(?:\S+\s+){0,4}?$")
_WAS_AFTER = re.compile(r"^\s+(?:\S+\s+)?بود(?!\w)")
_JA_FORMER = re.compile(r"(?:旧|元)$")
_JA_BASE_AFTER = re.compile(r"^の?(?:基地|飛行場)")


def _former(before: str, after: str) -> bool:
    return bool(_FORMER_BEFORE.search(before)
                or (_ONCE_BEFORE.search(before) and _WAS_AFTER.match(after))
                or (_JA_FORMER.search(before) and _JA_BASE_AFTER.match(after)))


_DEATH_CASE_AFTER = re.compile(
    r"^['’](?:da|de|ta|te)\s+(?:\S+\s+){0,2}?(?:öldü|hayatını kaybetti|vefat etti)"
    r"|^で(?:死去|死亡|亡くな)"
    r"|^\S{0,2}\s?(?:별세|사망했|숨져|숨졌)"
    r"|^\s+में\s+(?:\S+\s+){0,2}?निधन")
# A university or a hospital: where a person works or is treated, or the place a university is
# named after ("미국 하와이대 교수", "আমেরিকার হাসপাতালে", "美国哈佛大学教授", "دانشگاه
# استنفورد کالیفرنیا", "Universidad de California").
_INSTITUTION_AFTER = re.compile(
    r"^\s?\S{0,8}?대(?:학교|학)?(?:\s\S{1,8}원)?\s?(?:교수|연구원|연구팀|연구진|병원)"
    r"|^[^\s。，,；]{0,10}?(?:大学|大學|大)(?:的)?(?:教授|研究|医院|醫院|病院)"
    r"|^\S{0,3}\s+(?:\S+\s+)?(?:হাসপাতাল|বিশ্ববিদ্যালয়)"
    r"|^\S{0,3}\s+(?:के|की)\s+(?:\S+\s+)?(?:अस्पताल|विश्वविद्यालय|यूनिवर्सिटी)")
_INSTITUTION_BEFORE = re.compile(
    r"(?<!\w)(?:دانشگاه|بیمارستان|جامعة|مستشفى|Universität|Universidad|Universidade|"
    r"Université|Universitat|Università|Klinik|hôpital|hospital|университет\w*|"
    r"університет\w*)(?:\s+\S+){0,2}?\s+(?:(?:de|of|von|do|da|del|di)\s+)?$",
    re.IGNORECASE)
# A dateline: the place a wire story is filed from, at the start of a field ("МОСКВА, 3 марта
# — РИА Новости", "PEKÍN, 5 ene (EFE).-", "Berlin (dpa) -") or in a Chinese agency's opening
# ("新华社北京10月4日电").
# Latin-American papers write the date in words ("3 de marzo"), Prensa Latina no dash after
# its name ("La Habana, 5 ene (Prensa Latina) El gobierno"), and a dateline alone ends in
# ".-" ("WASHINGTON.- El gobierno").
_AGENCIES = (r"AFP|EFE|dpa|AP|Reuters|ANSA|APA|KNA|Europa Press|Lusa|AA|DHA|İHA|РИА|ТАСС|"
             r"Интерфакс|УНІАН|Укрінформ|Prensa Latina|PL|Xinhua|Notimex|NTX|Télam|Sputnik")
_DATELINE_AFTER = re.compile(
    r"^(?:[,.]\s*\d{1,2}\.?\s+(?:de\s+)?\w+\.?(?:\s+(?:de\s+)?\d{4})?\s*"
    r"(?:\([^)]{1,30}\))?\s*\.?\s*[—–-]"
    r"|\s*\((?:" + _AGENCIES + r")[^)]{0,20}\)\s*\.?\s*[—–:-]"
    r"|[,.]\s*\d{1,2}\.?\s+(?:de\s+)?\w+\.?\s*\((?:" + _AGENCIES + r")\)\s+(?=[A-ZÁÉÍÓÚÑ])"
    r"|\s*\.\s?[—–-]\s)")
_ZH_DATELINE = re.compile(r"^\d{1,2}月\d{1,2}日(?:电|電|讯|訊)")

# A city or a country in a sentence about a match is a club or a national team ("Вашингтон
# обыграл «Рейнджерс»", "die Favoriten USA, Kanada und Deutschland" of a tournament).
_MATCH = re.compile(
    r"НХЛ|КХЛ|НБА|МЛБ|НФЛ|шайб|обыгра|забросил|плей-офф|овертайм|буллит|матч|вратар|"
    r"хоккеист|футболист|баскетбол|олимпийск|NHL|NBA|MLB|NFL|UEFA|FIFA|"
    r"Basketball|Fußball|Olympi|Turnier|Vorrunde|Halbfinale|Viertelfinale|"
    r"\bmatch\b|tournoi|basket-ball|football|olympique|"
    r"Box(?:kampf|karriere|er\b|en\b|ring)|in den Ring|\bboxe\b|boxeo|бокс|UFC|MMA|"
    r"torneo|fútbol|futebol|baloncesto|basquete|Fórmula 1|F1\b|Copa|"
    r"\b(?:tenis|tennis|golf|rugby|ATP|WTA)\b|b[ée]isbol|Grandes Ligas|Serie Mundial|Super Bowl|"
    r"Juegos Olímpicos|Jeux olympiques|Coupe du monde|campeonato|championnat|semifinal|"
    r"demi-finale|cuartos de final|quarts? de finale|Roland[- ]Garros|Wimbledon|Gran Slam|"
    r"Grand Chelem|Ligue des champions|Champions League|MLS\b|"
    # a national team, capitalised or qualified ("la selección mexicana", "a seleção
    # brasileira", "la sélection nationale"), not a selection of companies or projects
    r"Selecci[óo]n|Seleção|Sélection|sélectionneur|"
    r"(?:selecci[óo]n|seleção|sélection)\s+(?:nacional|nationale|mayor|principal|olímpica|"
    r"olympique|rusa|sub-?\d+|de (?:fútbol|futbol|futebol|football|baloncesto|voleibol)|"
    r"[a-záéíóúñãçèê]+(?:ana|ina|ena|eña|esa|ense|ola|ica|eca|aya|eira|aise|ienne|aine|oise|"
    r"que))(?!\w)|"
    r"empat[aóe]\w*|gole[óa]\w*|(?:el|del|al|un) Mundial\b|les Bleus|"
    r"(?<![\d.,/-])\d-\d(?![\d.,/-])|por \d a \d(?!\d)|"  # a score: 1-1, (3-2), por 2 a 1
    # Portuguese and Latin-American football, volleyball, a friendly
    r"Concacaf|Conmebol|Liga de Naciones|v[ôó]lei|voleibol|v[óo]ley|"
    # (not "un encuentro amistoso" of two governments)
    r"(?:partido|jogo|duelo|em|en) amistoso|match amical|"
    r"\bmaç|turnuva|basketbol|futbol|[Mm]illi [Tt]akım|"
    # a German national side or friendly ("DFB-Elf", "Länderspiel", "Nationalmannschaft")
    r"Testspiel|Länderspiel|Nationalmannschaft|Nationalelf|DFB|Bundesliga|Eishockey|Handball|"
    r"مباراة|المنتخب|منتخب|ودي[اًة]|الدوري|بطولة|كرة القدم|يورو|والیبال|فوتبال|بسکتبال|مسابقه|"
    r"مسابقات|تیم ملی|MVP|मैच|टूर्नामेंट|ओलंपिक|हॉकी|क्रिकेट|फुटबॉल|विश्व कप|एशिया कप|वनडे|"
    r"ম্যাচ|টুর্নামেন্ট|অলিম্পিক|ক্রিকেট|ফুটবল|হকি|বিশ্বকাপ|এশিয়া কাপ")  # (CJK: roles_cjk)
# ... not a court's or a chamber's vote, whose tally reads like a score ("la Corte Suprema de
# EE. UU. decidió por 6-3"), nor a jury's selection.
_VOTE = re.compile(r"(?<!\w)(?:Corte|Cour|Tribunal|Suprem[oa]|suprême|jueces|juges|juízes|"
                   r"vot(?:o|os|ación|aron|e|es|é|ação|aram)|jurado|jury|júri|Senado|Sénat|"
                   r"Congreso|Congrès|Congresso|Gericht|Richter|Stimmen)(?!\w)")
_SENTENCE_REACH = 200
_SENTENCE_STOP = re.compile(r"[.!?。！？]\s")
_PLACE_KINDS = PLACE_KINDS

# A demonym naming a person: "американский турист", "touriste américain".
_PERSON_AFTER = re.compile(
    r"^-(?:Unterstützer|Anhänger|Fan|Wähler|Gegner|Kritiker|Fans)\w*"
    r"|^\s+(?:турист|студент|гражданин|гражданк|журналист|актер|актёр|актрис|певиц|певец|"
    r"спортсмен|болельщик|блогер|бизнесмен|рэпер|Tourist|Student|Journalist|Schauspieler|"
    r"Sänger|Sportler|Staatsbürger)\w*", re.IGNORECASE)
_PERSON_BEFORE = re.compile(
    r"(?<!\w)(?:(?:partisans?|soutiens?|partidarios?|seguidores?|apoiadores?|eleitores?|"
    r"votantes?|électeurs?|сторонник\w*|сторонниц\w*|прихильник\w*)(?:\s+(?:de|da|do))?"
    r"|touristes?|étudiants?|étudiantes?|journalistes?|ressortissants?|citoyens?|"
    r"turistas?|estudiantes?|periodistas?|ciudadanos?|ciudadanas?|cidadãos?|cidadãs?|"
    r"jornalistas?|estudantes?|"
    # a man, a woman, a migrant, a billionaire, an artist of a country
    r"hombres?|mujer|mujeres|j[oó]venes|joven|niños?|niñas?|migrantes?|inmigrantes?|"
    r"empresari[oa]s?|multimillonari[oa]s?|millonari[oa]s?|magnates?|artistas?|"
    r"escritor(?:a|es|as)?|hommes?|femmes?|jeunes?|enfants?|migrants?|immigrés?|"
    r"hommes? d['’]affaires|femmes? d['’]affaires|milliardaires?|millionnaires?|artistes?|"
    r"écrivains?|écrivaines?)\s+$"
    # ... a country's community abroad: "la comunidad colombiana en Nueva York"
    r"|(?<!\w)(?:comunidad|comunidades|diáspora|communauté|diaspora|comunidade)\s+[^\s,.;:]+\s+"
    r"(?:en|à|aux|au|em|nos|nas|no|na|de|dos|des)\s+(?:(?:la|los|les|os|o)\s+)?$",
    re.IGNORECASE)

# (a person, a language, a cuisine, a trend after a name in Chinese, Japanese and Korean:
# rules/roles_cjk.py)


def _kinds(mention: Mention, catalogue: Catalogue) -> set[str]:
    return {catalogue.entities[e].kind for e in mention.entity_ids}


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` (at most ``_SENTENCE_REACH`` characters either
    side)."""
    head = max(0, start - _SENTENCE_REACH)
    stops = [m.end() for m in _SENTENCE_STOP.finditer(text, head, start)]
    after = _SENTENCE_STOP.search(text, end, end + _SENTENCE_REACH)
    return text[stops[-1] if stops else head:after.start() if after else end + _SENTENCE_REACH]


# English words: a Latin-script mention among them is English, read by rules/roles.py alone.
_ENGLISH = re.compile(r"\b(?:the|The|and|of|to|is|was|were|for|that|with|from|has|have)\b")
_SAMPLE = 400


def reads_english(fields: Fields, least: int = 3) -> bool:
    """Whether the article reads as English (its title and first few hundred characters have
    ``least`` English function words): then rules/roles.py's patterns alone decide. A
    headline and a line of English may have fewer; ``least=1`` tells them from the other
    languages, where English words are rare."""
    sample = fields.title + " " + (fields.lead[:_SAMPLE] + " " + fields.body[:_SAMPLE])[:_SAMPLE]
    return _english_words(sample, least)


def _english_words(text: str, at_least: int) -> bool:
    """Whether ``text`` has ``at_least`` English words (the search stops there)."""
    return sum(1 for _ in islice(_ENGLISH.finditer(text), at_least)) >= at_least


def _dated(mention: Mention, kinds: set[str], before: str, after: str, beside: str) -> bool:
    """Whether the mention names a time: a leader's career event, or the country's election,
    unless ``beside`` says (``rules/roles.py``) that its sentence makes the election a target
    ("target": another country acting on the vote, "antes de las elecciones de EE.UU., Rusia
    intensifica su desinformación") or the country's election no date ("own": its own state's
    organ, "tras las elecciones en Rusia, el Kremlin endurece su postura")."""
    if "country" in kinds and beside == "target":
        return False
    return bool(_TIME_BEFORE.search(before)) or (
        "country" in kinds and not beside and election_time(mention.text, before, after))


def _cited(mention: Mention, kinds: set[str], before: str, after: str) -> bool:
    """Whether the mention is the source of a claim ("по данным США", "US-Medien", "la agencia
    rusa TASS", "ذكرت وكالة شينخوا": ``rules/roles_source.py``)."""
    return bool(_ACCORDING.search(before) or _TELLERS_AFTER.match(after)
                or _TELLERS_BEFORE.search(before) or mention.text.endswith(("媒", "紙", "誌"))
                or agency_source(kinds, before, after)
                or (_OUTLET_BEFORE.search(before) and not _OF_AFTER.match(after)
                    and "country" in kinds))


def foreign_role(mention: Mention, chain_end: Mention, fields: Fields,
                 catalogue: Catalogue, title_alone: bool = False,
                 beside: str = "") -> str | None:
    """The role of a mention read by this module's patterns ("source", "venue", "person",
    "origin"), or None when it reads as a subject (``chain_end`` ends the mention's noun
    phrase; ``title_alone``: it is the title's only mention; ``beside``: what else its sentence
    names, ``rules/roles.py``'s "target" or "own"). A Latin-script mention among
    English words is left to rules/roles.py, and so is an article that ``reads_english``."""
    text = fields.get(mention.field)
    before = text[max(0, mention.start - _WINDOW_BEFORE):mention.start]
    after = text[chain_end.end:chain_end.end + _WINDOW_AFTER]
    if script_of(mention.text) == LATIN and _english_words(before + " " + after, 2):
        return None
    if _cited(mention, _kinds(mention, catalogue), before, after):
        return "source"
    kinds = _kinds(mention, catalogue) | _kinds(chain_end, catalogue)
    if kinds & _PLACE_KINDS and (
            (mention.start <= 3 and not text[:mention.start].strip(" «\"")
             and _DATELINE_AFTER.match(after)) or _ZH_DATELINE.match(after)
            or cjk.cjk_dateline(text, mention.start, after)):
        return "venue"
    sentence = _sentence(text, mention.start, mention.end)
    if reads_venue(kinds, set(mention.entity_ids), before, after, sentence) or (
            mention.field == "title" and in_profile(text[:mention.start])):
        return "venue"
    if kinds & (_PLACE_KINDS | {"country"}) and (
            _DEATH_BEFORE.search(before) or _DEATH_CASE_AFTER.match(after)
            or (_DEATH_AT_BEFORE.search(before) and _DEATH_AFTER.match(after))):
        return "venue"
    if (kinds & (_PLACE_KINDS | {"country"}) and _INSTITUTION_AFTER.match(after)) or (
            kinds & _PLACE_KINDS and _INSTITUTION_BEFORE.search(before)):
        return "venue"
    if kinds & (_PLACE_KINDS | {"country"}) and (
            (_MATCH.search(sentence) and not _VOTE.search(sentence)) or cjk.cjk_sports(sentence)):
        return "person"
    if (scene := scene_role(kinds, before, sentence)) is not None:
        return scene
    if (cjk_read := cjk.cjk_role(kinds, mention.text, mention.field, after, sentence)):
        return cjk_read
    if _dated(mention, kinds, before, after, beside) and not (
            mention.field == "title" and title_alone and not spans(fields.title, catalogue.world)):
        return "venue"
    if kinds & (_PLACE_KINDS | {"country"}) and _former(before, after):
        return "origin"
    if kinds & (_PLACE_KINDS | {"country"}) and cjk.ja_trend(after):
        return "venue"
    if reads_origin(kinds, before, after, mention.field == "title") or (
            kinds & {"country"} and cjk.cjk_origin(after)):
        return "origin"
    right = text[mention.end:mention.end + _WINDOW_AFTER]  # the mention's own next words
    if _PERSON_AFTER.match(after) or _PERSON_BEFORE.search(before) or (
            kinds & {"country"} and (cjk.cjk_person(after)
                                     or reads_person(mention.text, before, right))) or (
            mention.field == "title" and title_alone and kinds & {"country"}
            and profiled(text[:mention.start], mention.text, text[mention.end:])):
        return "person"
    return None
