"""A mention's part in Japanese, Korean and Chinese text, where other languages' patterns
(``rules/roles_i18n.py``) read none. Pure.

``rules/roles_i18n.py`` asks this module about a mention in Chinese, Japanese or Korean text:

- whether it is a dateline: the place a wire story is filed from, in brackets at the start of
  the text, before the agency's or the correspondent's name or the date: Kyodo's
  "【ワシントン共同】", Jiji's "〔ワシントン時事〕", a paper's "【北京＝山田太郎】", Reuters'
  "［ワシントン　２２日　ロイター］", Yonhap's "(워싱턴=연합뉴스)", News1's "(베이징=뉴스1)":
  a venue, like "МОСКВА, 3 марта — РИА Новости";
- whether its sentence is about a game: the words of baseball, basketball, football, skating,
  table tennis, golf and the other sports in Japanese, Korean and Chinese ("得点", "選手",
  "フィギュア", "홈런", "메이저리그", "선수", "棒球", "球星"; not a marathon of talks, a
  leaders' round of golf, 선수를 쳤다, a first move), full-width letters read as ASCII ("ＮＢＡ"
  is "NBA"): there a country names a league, a team or an athlete's country (the one list of
  these languages' sports words; ``rules/roles_i18n.py`` holds the others');
- whether a Japanese mention in the lead or the body names a cause, the background of the
  story rather than its subject: "ロシアによるウクライナ侵攻の影響で" (because of Russia's
  invasion), "中国の景気減速を受け" (after China's slowdown), "米国の利上げに伴い": an origin,
  as a market's driver is (a title that names the country keeps it a subject);
- whether a Japanese mention names the place where a show, a fair or a festival opens
  ("ニューヨークで日本映画祭が開幕", "ラスベガスで開幕した見本市"): a venue (an election, a
  protest or a trial held there is the country's own story);
- whether a company is named as a platform or a maker, a service a story's subject uses
  ("ネットフリックスで配信", "グーグルの検索", "넷플릭스 구독", "애플 앱스토어"): an origin, as
  "disponible en Netflix" is in Spanish;
- what a country name's suffix says: a product's origin ("中国産ウナギ", "중국산 김치"; not
  a state's energy, raw materials or arms, "ロシア産原油", nor in a sentence about a tariff, a
  ban or sanctions on those goods), where a traveller goes
  ("미국행 비행기"), a person's descent or nationality ("중국계 미국인", "미국 국적 남성"), as
  中国籍 is in Japanese;
- whether a country's name names a person: a nationality, a descent, a people noun after it
  ("中国籍の男", "ロシア人観光客", "미국인 관광객"), a country's performers or team ("米国代表");
  in Japanese its language, cuisine, a birthplace ("ロシア語", "米国出身": an origin), and where
  a trend is popular ("アメリカで人気": a venue);
- where a Chinese, Japanese or Korean headline's closing outlet starts, after a bar, a dash
  or a colon ("｜中国網日本語版", "：時事ドットコム", " | 미국의소리"): a mention there is the
  source (``rules/roles_en.py``'s ``title_tail`` reads the English ones).
"""

from __future__ import annotations

import re
import unicodedata

_CJK_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")  # Japanese: Chinese and Korean write none

# An opening bracket at the start of the field, then the place (the mention) ...
_DATELINE_BEFORE = re.compile(r"^\s*[【〔［\[（(]\s*$")
# ... then the agency or the correspondent after "=" (Kyodo, Jiji, Reuters, AFP, Yonhap, News1,
# Newsis), or the date.
_DATELINE_AFTER = re.compile(
    r"^\s*(?:[=＝]|共同|時事|ロイター|ＡＦＰ|AFP|ブルームバーグ|発|[\s　]*[\d０-９]{1,2}日)")

_SPORTS = re.compile(
    # Japanese: the games, their players and their scores
    r"選手|得点|優勝|決勝|準決勝|代表戦|試合|五輪|パラリンピック|大リーグ|メジャーリーグ|"
    r"野球|本塁打|ホームラン|盗塁|投手|打者|サッカー|バスケット|バレーボール|ラグビー|"
    r"フィギュア|スケート|卓球|テニス|(?<!首脳が)(?<!首脳と)ゴルフ(?!外交|会談)|柔道|レスリング|体操|競泳|"
    r"陸上競技|マラソン(?!協議|交渉|会談|会議)|"
    r"ボクシング|相撲|競馬|ワールドシリーズ|ワールドカップ|W杯|NBA|MLB|NFL|NHL|MVP|"
    # Korean: the same
    r"선수(?!를|금)|득점|우승|결승|준결승|올림픽|월드컵|메이저리그|프로야구|야구|홈런|도루(?!묵)|"
    r"투수|타자|축구|농구|배구|골프(?!\s?(?:회동|외교|회담))|테니스|탁구|피겨|레슬링|체조|"
    r"수영(?:장|대회|선수권)|마라톤(?!\s?(?:협상|회담|회의|협의))|권투|"
    r"월드시리즈|프리미어리그|챔피언스리그|K리그|"
    # Chinese (simplified and traditional)
    r"棒球|篮球|籃球|足球|网球|網球|高尔夫|高爾夫|排球|乒乓球|羽毛球|田径|田徑|球员|球員|球星|"
    r"大联盟|大聯盟|职业棒球|職棒|美职篮|美職籃|英超|欧冠|歐冠|比赛|比賽|球队|球隊|联赛|聯賽|奥运|奧運|"
    r"世界杯|世界盃|"
    # Japanese: the medals, the American clubs a Japanese player plays for
    r"金メダル|ドジャース|エンゼルス|ヤンキース|カブス|パドレス|マリナーズ|レッドソックス|メッツ|"
    # Korean: 경기 is a game, and also the economy ("미국 경기 침체")
    r"경기(?!\s?(?:침체|둔화|부양|회복|전망|하강|위축|악화|지표|부진|반등|호조|과열|불황|도))")


# The country's war or its economy's turn, then a word of cause.
_JA_CAUSE_AFTER = re.compile(
    r"^(?:軍)?(?:による|の)(?:ウクライナ)?(?:軍事)?侵攻(?:の影響|を受け|に伴)"
    r"|^(?:の|による)(?:急激な|大幅な|相次ぐ)?(?:利上げ|利下げ|金融引き締め|金融緩和|景気減速|景気悪化|"
    r"経済減速|景気後退|不動産不況|(?P<tariff>高関税|追加関税|関税措置|関税政策))(?:の影響|を受け|に伴|による)")
# ... but a tariff is the story's subject where the sentence names the country it targets
# ("米国の追加関税を受け、中国政府は報復関税を課す"): a trade war between the two.
_JA_BIG_THREE = re.compile(r"米国|アメリカ|米政府|米政権|中国|ロシア|露政府")
# (after 米 the city may be one the catalogue does not list: "米ラスベガスで開幕した見本市")
# (and a building there between: "ニューヨークの国連本部で開かれている国連総会")
# (an election, a protest, a trial held there is the country's own story: "ロシアで大統領選挙の
# 投票が始まった", "中国で日本人社員の裁判が開かれた")
_JA_SHOWS = (r"(?:映画祭|見本市|展示会|展覧会|博覧会|万博|音楽祭|芸術祭|フェス|公演|コンサート|"
             r"演奏会|個展|ショー|モーターショー)")
_JA_VENUE_AFTER = re.compile(
    r"^[ァ-ヺー・]{0,12}(?:の[^、。\s]{1,8}?)?で[^、。\s]{0,10}?" + _JA_SHOWS
    + r"が(?:開幕|閉幕|開か|開催)"
    r"|^[ァ-ヺー・]{0,12}(?:の[^、。\s]{1,8}?)?で(?:開幕|閉幕|開か|開催)"
    r"[^、。\s]{0,10}?" + _JA_SHOWS
    + r"|^の国連本部"
    r"|^[ァ-ヺー・]{0,12}で(?:の)?(?:公演|上映|個展|展覧会|演奏会|コンサート|ライブ|映画祭|見本市|"
    r"展示会)")


# A company's service, store, product or show after its name.
_PLATFORM_AFTER = re.compile(
    r"^(?:の)?(?:で(?:配信|公開|視聴|独占|検索)|配信|オリジナル|ドラマ|作品|検索|マップ|地図|アプリ|"
    r"スマホ|スマートフォン|端末|基本ソフト|ＯＳ|OS|クラウド上|プラットフォーム)"
    r"|^\s?(?:구독|드라마|오리지널|시리즈|에서 (?:공개|방영|스트리밍|검색)|앱|검색|지도|"
    r"스마트폰|운영체제|플랫폼)")


def cjk_platform(kinds: set[str], after: str) -> bool:
    """Whether a company mention, ``after`` following it, names a platform or a product."""
    return kinds == {"company"} and _PLATFORM_AFTER.match(after) is not None


# A product's origin: Japanese 中国産 and 米国製 (not 米国産業, its industry, nor 中国製造2025, a
# plan), Korean 중국산; a traveller's destination (미국행); a descent (중국계) or a nationality
# (미국 국적).
_JA_PRODUCT_AFTER = re.compile(r"^(?:産|製)(?![業造薬鉄鋼紙油])")
_KO_PRODUCT = re.compile(r"[가-힣]산(?:의|은|는|이|가|을|를|도|과|와|으로|로)?$")
_KO_BOUND_FOR = re.compile(r"[가-힣]행$")
# (only a traveller's: "러시아행 병력" are troops sent to Russia, the story's subject)
_KO_TRAVEL_AFTER = re.compile(r"^\s?(?:비행기|항공편|여객기|항공권|노선|직항|열차|배편|티켓)")
_KO_DESCENT = re.compile(r"[가-힣]계(?:의|은|는|이|가|을|를|도)?$")
_KO_NATIONALITY_AFTER = re.compile(r"^\s?국적")
# ... unless the goods are a state's strategic exports, energy, raw materials and arms
# ("ロシア産原油", "러시아산 천연가스", "북한제 포탄"): like "Russian crude" in English, they
# stand for the state's economy and power, not for where a shop's goods come from;
_STRATEGIC_AFTER = re.compile(
    r"^(?:産|製)?(?:の)?\s?(?:原油|石油|天然ガス|液化天然ガス|ＬＮＧ|LNG|ガス|石炭|穀物|小麦|"
    r"肥料|ウラン|レアアース|兵器|武器|弾薬|砲弾|ミサイル|無人機|ドローン|戦闘機|"
    r"원유|석유|천연가스|액화천연가스|가스|석탄|곡물|밀|비료|우라늄|희토류|무기|탄약|포탄|"
    r"미사일|무인기|드론|전투기)")
# ... or the sentence is about a trade measure against the country's goods (a tariff, a
# ban, sanctions, a price cap): there they stand for its economy.
_TRADE = re.compile(r"関税|輸入禁止|禁輸|輸入規制|輸出規制|制裁|ダンピング|価格上限|排除|"
                    r"輸入[^、。]{0,8}?(?:停止|制限|中止)|"
                    r"관세|제재|수입 금지|수입금지|수입 규제|덤핑|가격 상한|금수|"
                    r"수입[^,.]{0,8}?(?:중단|제한)|"
                    r"关税|關稅|禁令|倾销|傾銷|停止进口|停止進口")


def bound_role(text: str, after: str, sentence: str, japanese: bool = True) -> str | None:
    """The role a country name's suffix gives the mention ``text`` in its ``sentence``
    ("origin", "person"), or None: a product's origin outside a trade measure, a traveller's
    destination, a descent or a nationality (the Japanese suffixes only in ``japanese``
    text)."""
    if ((japanese and _JA_PRODUCT_AFTER.match(after)) or _KO_PRODUCT.search(text)) \
            and not _STRATEGIC_AFTER.match(after) and not _TRADE.search(sentence):
        return "origin"
    if _KO_BOUND_FOR.search(text) and _KO_TRAVEL_AFTER.match(after):
        return "origin"
    if _KO_DESCENT.search(text) or _KO_NATIONALITY_AFTER.match(after):
        return "person"
    return None


def ja_cause(field: str, text: str, after: str, sentence: str) -> bool:
    """Whether a Japanese mention ``text`` in the lead or the body, ``after`` following it in
    ``sentence``, names the story's cause (not a tariff on another of the three countries)."""
    if field == "title" or (cause := _JA_CAUSE_AFTER.match(after)) is None:
        return False
    return cause.group("tariff") is None or not _JA_BIG_THREE.search(sentence.replace(text, ""))


def ja_venue(after: str) -> bool:
    """Whether a Japanese mention, ``after`` following it, names where a show or a fair is
    held."""
    return _JA_VENUE_AFTER.match(after) is not None


def cjk_dateline(text: str, start: int, after: str) -> bool:
    """Whether the mention at ``text[start:]``, ``after`` following it, is a Japanese or
    Korean wire story's dateline."""
    return (start <= 3 and _DATELINE_BEFORE.match(text[:start]) is not None
            and _DATELINE_AFTER.match(after) is not None)


def cjk_sports(sentence: str) -> bool:
    """Whether a Japanese, Korean or Chinese sentence is about a game (the words of other
    languages' games are ``rules/roles_i18n.py``'s)."""
    if _CJK_TEXT.search(sentence) is None:
        return False
    return _SPORTS.search(unicodedata.normalize("NFKC", sentence)) is not None


# In Chinese, Japanese and Korean, a country's name before a word for a person: a
# nationality ("中国籍の男", "俄罗斯籍男子"), a descent ("中国系"), a people noun
# ("ロシア人観光客", "美国游客", "중국인 관광객"); not "中国人民銀行" (the people's
# institutions) nor "米国人の6割" (a poll of the public).
_PERSON_AFTER = re.compile(
    r"^(?:籍|国籍|國籍|系(?![統统列])|人?(?:の|的)?(?:男性|女性|男子|女子|男|女|観光客|旅行者|留学生|"
    r"留學生|游客|遊客|旅客|公民|歌手|俳優|女優|選手|选手|記者|记者|学生|學生|夫妻|一家|少年|少女))"
    r"|^인?\s?(?:관광객|유학생|남성|여성|남자|여자|기자|학생|선수(?!를)|가수|배우|부부|관광)"
    # Japanese: a country's performers and national team ("ロシアのバレエ団", "米国代表"; not a
    # government's delegation, 代表団)
    r"|^の?(?:バレエ団|楽団|交響楽団|オーケストラ|劇団|サーカス|アーティスト|バンド|アイドル|"
    r"人気歌手|スター|代表(?!団)|選手団)")


# ... and in Japanese a country's name before its language, its cuisine, or a person's
# birthplace ("ロシア語の授業", "中国料理店", "米国出身の歌手", "アメリカ生まれ"): where a
# thing or a person comes from, not the country acting.
_ORIGIN_AFTER = re.compile(r"^(?:語(?!録)|料理|出身|生まれ|育ち|在住|(?:の大学)?(?:に|へ)?留学)")
# ... and the place where a trend is popular ("アメリカで人気のスイーツ", "中国で話題"): a
# lifestyle story's setting, as a venue.
_TREND_AFTER = re.compile(r"^で(?:も)?(?:大|再び)?(?:人気|話題|流行|ヒット|ブーム|バズ)")


def cjk_person(after: str) -> bool:
    """Whether a country's name, ``after`` following it, names a person's nationality, descent
    or people, or a country's performers or team."""
    return _PERSON_AFTER.match(after) is not None


# ... and in Korean a country's films ("미국 영화 출연", an actor cast in an American film: a
# work's origin, as "el cine estadounidense" is in Spanish; not 영화관, its cinemas).
_KO_WORK_AFTER = re.compile(r"^\s?영화(?!관)")


def cjk_origin(after: str) -> bool:
    """Whether a country's name, ``after`` following it, names a language, a cuisine, a
    birthplace or a place of study (Japanese), or a film (Korean)."""
    return _ORIGIN_AFTER.match(after) is not None or _KO_WORK_AFTER.match(after) is not None


def ja_trend(after: str) -> bool:
    """Whether a Japanese place's name, ``after`` following it, names where a trend is
    popular."""
    return _TREND_AFTER.match(after) is not None


# An outlet's name closing a headline: after a bar, a dash or a colon, a short name ending in a
# word for a paper, an agency, a broadcaster, a site or an edition.
_TITLE_TAIL = re.compile(
    r"(?:\s?[|｜]\s?|\s[-－―—–]\s?|[―：])([^|｜\-－―—–：「」『』“”]{1,30})$")
# (a Chinese "专家：" or "美媒：" before a headline is who speaks, and "…电网", "…财报" end words
# of the headline: only an outlet's own endings count)
_OUTLET_END = re.compile(
    r"(?:ドットコム|新聞|ニュース|NEWS|News|日報|通信|テレビ|放送|日本語版|オンライン|デジタル|"
    r"ジャパン|Japan|\.com|\.jp|日报|时报|時報|晚报|晚報|早报|早報|週報|周报|新闻网|新聞網|中文网|"
    r"中文網|人民网|人民網|新华网|新華網|中文版|电子版|電子版|뉴스|일보|신문|방송|TV|의소리|한국어)\s*$")


def cjk_title_tail(title: str) -> int | None:
    """Where a Chinese, Japanese or Korean headline's closing outlet starts, if it has one."""
    if not _CJK_TEXT.search(title):
        return None
    tail = _TITLE_TAIL.search(title)
    if tail is None or tail.start() == 0 or not _OUTLET_END.search(tail.group(1)):
        return None
    return tail.start(1)


_PLACES = frozenset({"capital", "city", "place", "state", "country"})


def cjk_role(kinds: set[str], text: str, field: str, after: str, sentence: str) -> str | None:
    """The role ("venue", "person", "origin") that this module's patterns read for a mention
    of ``kinds`` written ``text`` in ``field``, ``after`` following it in ``sentence``; None
    when they read none, or the sentence is in none of these scripts (a dateline, a game and
    a headline's outlet are asked for apart). The Japanese patterns read Japanese only."""
    if _CJK_TEXT.search(sentence) is None:
        return None
    japanese = _KANA.search(sentence) is not None
    if japanese and kinds & _PLACES and ja_venue(after):
        return "venue"
    if "country" in kinds and (bound := bound_role(text, after, sentence, japanese)):
        return bound
    if (japanese and ja_cause(field, text, after, sentence)) or cjk_platform(kinds, after):
        return "origin"
    return None
