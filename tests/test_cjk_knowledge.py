"""Japanese and Korean knowledge a desk analyst uses: the dateline a wire story is filed from,
the abbreviations of a country's name in headlines and compounds, the places of a country,
the words of a sports story, and the words in which a country's name is a plant, an animal,
a game or a continent. Table-driven: each row is a sentence written for the test and the
countries (RU, CN, US) an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, US, about
from tests.about_support import table as _table

# A wire story's dateline says where it was filed (Kyodo's 【ワシントン共同】, Jiji's
# 〔ワシントン時事〕, a correspondent's 【北京＝山田太郎】, Reuters' [ワシントン ２２日 ロイター],
# Yonhap's "(워싱턴=연합뉴스)"): a venue, not the story's subject. The story filed there about
# the country still is about it.
DATELINES = [
    ("ＩＭＦ、世界経済見通しを下方修正",
     "【ワシントン共同】国際通貨基金（ＩＭＦ）は２２日、世界経済見通しを発表した。", NONE),
    ("ＩＭＦ、世界経済見通しを下方修正",
     "〔ワシントン時事〕国際通貨基金（ＩＭＦ）は２２日、世界経済見通しを発表した。", NONE),
    ("世界銀行、途上国の債務に警鐘",
     "［ワシントン　２２日　ロイター］ - 世界銀行は２２日、途上国の債務について報告書を公表した。",
     NONE),
    ("台湾総統、南太平洋を歴訪",
     "【北京＝山田太郎】台湾の頼清徳総統は３０日、南太平洋の友好国を歴訪する旅に出発した。", NONE),
    ("国連安保理が緊急会合",
     "【ニューヨーク共同】国連安全保障理事会は１０日、中東情勢を巡る緊急会合を開いた。", NONE),
    ("米、イランに追加制裁",
     "【ワシントン共同】米財務省は１１日、イランの石油輸出に関わる企業を制裁対象に加えた。", US),
    ("北朝鮮外相がロシアを訪問",
     "【モスクワ共同】北朝鮮の崔善姫外相は、ロシアのラブロフ外相とモスクワで会談した。", RU),
    ("IMF, 세계경제 성장률 전망 하향",
     "(워싱턴=연합뉴스) 김동현 특파원 = 국제통화기금(IMF)은 22일 세계 경제 성장률 전망치를 "
     "하향 조정했다.", NONE),
    ("대만 총통, 남태평양 순방",
     "(베이징=연합뉴스) 정성조 특파원 = 대만의 라이칭더 총통이 남태평양 순방에 나선다.", NONE),
    ("미 재무부, 이란 석유 제재",
     "(워싱턴=연합뉴스) 김동현 특파원 = 미국 재무부는 이란 석유 수출에 관여한 기업을 제재했다.",
     US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(DATELINES))
def test_a_japanese_or_korean_dateline_is_where_the_story_was_filed(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# Japanese writes 米 before the name of an American statistic, rate, market or body in kanji
# ("米雇用統計", "米長期金利", "米労働省", "米連邦地裁"), and 米中間選挙 is the US midterm, not
# the US and China; Korean headlines abbreviate the countries to hanja (美 the US, 中 China,
# 露 Russia: "美 대선", "美中 갈등", "中, 대만 포위 훈련"), which in Chinese and Japanese text
# are other words. Rice (米価, 米粉, 備蓄米) stays rice.
ABBREVIATIONS = [
    ("米雇用統計、予想上回る", "米労働省が発表した１０月の雇用統計は市場予想を上回った。", US),
    ("米消費者物価、３．２％上昇", "", US),
    ("米長期金利が上昇、４．５％", "", US),
    ("米連邦地裁、政権の大統領令を差し止め", "", US),
    ("米中間選挙、共和党が下院で過半数", "", US),
    ("米中間の対立が激化", "", CN | US),
    ("円相場、米雇用統計を受け円安進む", "", NONE),
    ("米価が高騰、備蓄米を放出", "", NONE),
    ("米粉パンが人気に", "", NONE),
    ("米子市で火災", "", NONE),
    ("米 国防長官 中国の脅威に言及", "", CN | US),
    ("露 プーチン大統領 核使用の基準緩和", "", RU),
    ("米 5キロ 4000円台に", "", NONE),
    ("米 コシヒカリ 新潟産が値上がり", "", NONE),
    ("美 대선 D-1, 해리스·트럼프 초박빙", "", US),
    ("트럼프 美 대통령 당선인, 관세 예고", "", US),
    ("美中 무역갈등 재점화", "", CN | US),
    ("中, 대만 포위 군사훈련", "", CN),
    ("露, 우크라 에너지 시설 공습", "", RU),
    ("美, 中에 반도체 추가 규제", "", CN | US),
    ("中企 지원 예산 확대", "", NONE),
    ("中東 정세 불안에 유가 급등", "", NONE),
    ("中南美 수출 증가", "", NONE),
    ("美しい景色を楽しむ", "", NONE),
    ("中国美術館で展覧会", "", CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(ABBREVIATIONS))
def test_abbreviations_of_the_countries_in_japanese_and_korean(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# A country's places in Japanese and Korean: Russia's regions (the war's front in Kursk and
# Belgorod), China's provinces, the US states; the story set there is about the country.
PLACES = [
    ("ウクライナ、クルスク州で越境攻撃",
     "ウクライナ軍はロシア西部クルスク州で越境攻撃を続けている。", RU),
    ("ベルゴロド州に無人機攻撃", "", RU),
    ("広東省で洪水、数十万人が避難", "", CN),
    ("深センで日本人男児刺され死亡", "", CN),
    ("浙江省の工場で爆発", "", CN),
    ("ジョージア州で再集計", "", US),
    ("ジョージアで議会選挙", "", NONE),
    ("북한군, 쿠르스크 전선 투입", "", RU),
    ("광둥성 폭우로 수십만 명 대피", "", CN),
    ("조지아주 개표 결과 발표", "", US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(PLACES))
def test_a_countrys_regions_in_japanese_and_korean(title: str, text: str,
                                                   want: set[str]) -> None:
    assert about(title, text) == want


# A sports story in Japanese, Korean or Chinese, full-width letters too (ＮＢＡ): the country
# names a league, a team or an athlete's country; 경기 is also the economy ("미국 경기 침체").
SPORTS = [
    ("八村塁が２０得点", "米プロバスケットボールＮＢＡのレイカーズの八村塁選手が２０得点を挙げた。",
     NONE),
    ("ロシアのフィギュア選手、国際大会に復帰できず", "", NONE),
    ("中国の卓球選手が優勝", "", NONE),
    ("오타니, 50홈런-50도루 달성",
     "미국 프로야구 메이저리그 LA 다저스의 오타니 쇼헤이가 50홈런-50도루를 달성했다.", NONE),
    ("중국 탁구 선수, 세계선수권 우승", "", NONE),
    ("大谷翔平获得MVP", "美国职业棒球大联盟道奇队球星大谷翔平获得年度最有价值球员奖。", NONE),
    ("美国篮球队夺冠", "", NONE),
    ("미국 경기 침체 우려 커져", "미국의 고용 지표가 부진하면서 경기 침체 우려가 커졌다.", US),
    ("중국 경기 둔화 우려", "중국의 3분기 경제성장률이 4.6%에 그치며 경기 둔화 우려가 커졌다.", CN),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(SPORTS))
def test_a_sports_story_in_japanese_korean_and_chinese(title: str, text: str,
                                               want: set[str]) -> None:
    assert about(title, text) == want


# A country's name inside a plant's, an animal's or a game's, or a continent's: not the state.
NAMESAKES = [
    ("アメリカザリガニの飼育に新ルール", "", NONE),
    ("ロシアンルーレットのような状況", "", NONE),
    ("ロシアンブルーの子猫が人気", "", NONE),
    ("南アメリカで大規模な干ばつ", "", NONE),
    ("ラテンアメリカ諸国の首脳会議", "", NONE),
    ("アメリカ大陸を縦断する旅", "", NONE),
    ("アメリカで山火事", "", US),
    ("ロシアが反発", "", RU),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(NAMESAKES))
def test_a_countrys_name_inside_another_name(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# A Korean headline on Seoul's market, or a Chinese one on Shanghai's or Taipei's, names what
# moved it, as a Japanese one on Tokyo's does: the country's shares or rates there are a
# driver; the American market's own story stays the US's. 美媒 (US media) is a source.
MARKETS = [
    ("코스피, 美 증시 훈풍에 상승", "", NONE),
    ("코스피, 미 증시 훈풍에 상승", "", NONE),
    ("원·달러 환율, 미 금리 인하 기대에 하락", "", NONE),
    ("미 증시, 기술주 강세에 사상 최고치", "", US),
    ("円相場、米消費者物価の上振れで円安", "", NONE),
    ("東証、トランプ関税で急落", "", NONE),
    ("日経平均、トランプ氏の当選で大幅高", "", NONE),
    ("トランプ氏、関税を発表", "", US),
    ("台股开高 美股科技股反弹", "", NONE),
    ("美股三大指数全线收涨", "", US),
    ("通胀降温 美债价格走高", "", US),
    ("美大选进入最后冲刺", "", US),
    ("美媒披露朝鲜新型导弹细节", "", NONE),
    ("日媒透露朝鲜将试射导弹", "", NONE),
    ("美國務院批准對台軍售", "", US),
    ("美參議院通過法案", "", US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(MARKETS))
def test_a_korean_or_chinese_market_headline_names_its_drivers(title: str, text: str,
                                                    want: set[str]) -> None:
    assert about(title, text) == want


# In Japanese, a country named as the story's cause in the lead (Russia's invasion of Ukraine
# behind wheat prices, China's slowdown behind a carmaker's forecast) is background; where a
# show or a fair opens is a venue; where a product comes from ("中国産ウナギ", "중국산 김치")
# or a traveller goes ("미국행") an origin, a descent or a nationality ("중국계", "미국 국적")
# a person. The war's own story, and a title that names the country, stay the country's.
BACKGROUND = [
    ("小麦価格が高騰、パンも値上げへ",
     "ロシアによるウクライナ侵攻の影響で、小麦の国際価格が高騰している。", NONE),
    ("電気代、来月から値上げ",
     "ロシアのウクライナ侵攻を受けて燃料価格が上昇し、電力各社は料金を引き上げる。", NONE),
    ("トヨタ、今期の利益予想を下方修正", "中国の景気減速の影響で、販売台数が減った。", NONE),
    ("ロシアのウクライナ侵攻から１０００日",
     "ロシアによるウクライナ侵攻の開始から１０００日となった。", RU),
    ("ロシア軍、東部で攻勢",
     "ロシアのウクライナ侵攻が長期化する中、ロシア軍は東部で攻勢を強めた。", RU),
    ("ニューヨークで日本映画祭が開幕", "米ニューヨークで日本映画祭が開幕した。", NONE),
    ("ラスベガスで見本市", "米ラスベガスで開幕した家電見本市には多くの日本企業が出展した。", NONE),
    ("国連総会、首相が演説",
     "首相はニューヨークの国連本部で開かれている国連総会で演説した。", NONE),
    ("中国産ウナギを国産と偽装、社長逮捕",
     "中国産のウナギを国産と偽って販売したとして、警察は社長を逮捕した。", NONE),
    ("米国産業界、関税に反発", "", US),
    ("중국산 김치 수입 급증", "", NONE),
    ("미국행 비행기 결항", "", NONE),
    ("중국계 남성 체포", "", NONE),
    ("미국 국적 남성 체포", "", NONE),
    ("미국발 관세 폭탄", "", US),
    ("러시아산 원유에 가격 상한", "러시아에 대한 제재의 일환이다.", RU),
    ("트럼프, 중국산 제품에 관세 60% 예고", "", CN | US),
    ("中国製ＥＶに追加関税", "", CN),
    ("米国で鳥インフル拡大、卵価格が高騰", "", US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(BACKGROUND))
def test_a_cause_a_venue_a_products_origin_a_nationality(title: str, text: str,
                                                         want: set[str]) -> None:
    assert about(title, text) == want


# Companies as economic actors and the officials in office, in Japanese and Korean: the
# company named in the body alone is a maker or a platform in passing; a dish is a dish.
ACTORS = [
    ("エヌビディア、売上高９４％増", "", US),
    ("アリババ、クラウド事業を強化", "", CN),
    ("ＵＳスチール買収、日本製鉄が計画見直し", "", US),
    ("新型スマホを発売", "シャープは新型スマートフォンを発売した。価格は５万円。"
     "グーグルの基本ソフトを搭載する。", NONE),
    ("アップルパイの専門店が開店", "", NONE),
    ("人気アニメの新作", "新シリーズはネットフリックスで配信される。", NONE),
    ("이동통신 3사, 요금제 개편", "새 요금제에는 음악 스트리밍과 넷플릭스 구독이 포함된다.", NONE),
    ("엔비디아, 3분기 매출 94% 증가", "", US),
    ("파인애플 가격 급등", "", NONE),
    ("ラトニック氏、日本に投資要求", "", US),
    ("米財務長官、為替で日本に注文", "", US),
    ("ボロジン下院議長が訪朝", "", RU),
    ("林剣報道官、日本の措置に反発", "", CN),
    ("小米汽车交付量创新高", "", CN),
    ("小米粥的做法", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(ACTORS))
def test_companies_and_officials_in_japanese_and_korean(title: str, text: str,
                                                        want: set[str]) -> None:
    assert about(title, text) == want


def test_a_flattened_japanese_body_counts_by_its_paragraphs() -> None:
    """A feed flattens an article's paragraphs into one line, and Japanese writes no space
    after 。 inside a paragraph: "。 " is where a paragraph ended. A country discussed in three
    of eight paragraphs is discussed through the body (rules/salience.py), as it would be
    with the line breaks kept, though it stands in only three of twenty-four sentences."""
    filler = "関係者は慎重な見方を示した。市場の反応は限られた。今後の動向が注目される。"
    us = "米政府は新たな方針を示した。市場の反応は限られた。今後の動向が注目される。"
    paragraphs = [us if i in (1, 4, 6) else filler for i in range(8)]
    text = "会議は三日間続いた。参加者は多かった。" + " ".join(paragraphs)
    assert about("国際会議が閉幕", text) == US
    assert about("国際会議が閉幕", text.replace("。 ", "。")) == NONE


# A Chinese, Japanese or Korean headline may close with its outlet's name after a bar, a dash
# or a colon: a country's name there names the outlet, not the story's subject.
TAILS = [
    ("北朝鮮が衛星打ち上げ | 中国網日本語版", "", NONE),
    ("北朝鮮が衛星打ち上げ｜人民網日本語版", "", NONE),
    ("中国経済が減速｜中国網日本語版", "", CN),
    ("米大統領選の行方｜ＮＨＫニュース", "", US),
    ("북한, 미사일 발사 | 미국의소리", "", NONE),
    ("朝鲜发射导弹 - 美国之音中文网", "", NONE),
    ("ロシア：ウクライナ東部で攻勢", "", RU),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(TAILS))
def test_a_headlines_closing_outlet_is_a_source(title: str, text: str,
                                                want: set[str]) -> None:
    assert about(title, text) == want


# A compound names one country when a longer word holds it: 俄中央银行 is Russia's central
# bank and 美中期选举 the US midterms, not Russia and China or the US and China; 北美中部 and
# 南美中部 are the middle of North and South America, 欧美企业 and 拉美企业 Western and Latin
# American firms; Japanese 米中部, 米中東, 米中堅, 米中銀 are the US's middle, its Middle East
# envoy, its mid-sized firms, its central bank. The two countries' own compound stays both.
COMPOUNDS = [
    ("俄中央银行宣布将基准利率上调至21%", "", RU),
    ("俄中央选举委员会公布总统选举初步结果", "", RU),
    ("俄中央军区举行大规模演习", "", RU),
    ("美中期选举结果出炉 共和党夺回众议院", "", US),
    ("美中西部遭遇暴风雪 数十万户停电", "", US),
    ("美中东问题特使抵达多哈", "", US),
    ("美中央司令部发表声明", "", US),
    ("北美中部地区遭遇强降雪", "", NONE),
    ("南美中部发生6级地震", "", NONE),
    ("拉美中小企业数字化转型提速", "", NONE),
    ("欧美企业加速撤离俄罗斯市场", "", RU),
    ("拉美企业加大对亚洲出口", "", NONE),
    ("北美企业第三季度盈利增长", "", NONE),
    ("欧美官员齐聚慕尼黑安全会议", "", NONE),
    ("美中关系持续紧张", "", CN | US),
    ("中俄联合军演开始", "", CN | RU),
    ("米中部オクラホマ州で竜巻、5人死亡", "", US),
    ("米中南部で寒波、停電広がる", "", US),
    ("ウィトコフ米中東担当特使がイスラエル訪問", "", US),
    ("米中堅銀行の株価急落", "", US),
    ("米中小企業の景況感が改善", "", US),
    ("米中銀、利下げを決定", "", US),
    ("米中古車価格が下落", "", US),
    ("米中貿易協議が再開", "", CN | US),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(COMPOUNDS))
def test_a_longer_word_holding_a_compound_names_one_country(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# Korean writes 美 (beauty) and 中 (during, in progress) after a Hangul word too ("청순美",
# "본회의 中", "진행中"): there they are not the US and China, which a headline sets apart.
KOREAN_HANJA = [
    ("국회 본회의 中 쓰러진 의원, 병원 이송", "", NONE),
    ("김태희, 청순美 발산…여신 미모", "", NONE),
    ("아이유, 우아美 뽐내", "", NONE),
    ("수지, 고혹美 물씬 화보 공개", "", NONE),
    ("시험 기간中 도서관 붐벼", "", NONE),
    ("협상 진행中 美 대표단 철수", "", US),
    ("美 국무장관, 中 외교부장과 회담", "", CN | US),
    ("美, 中 관영매체 제재", "", CN | US),
    ("트럼프 中 방문 일정 확정", "", CN | US),
    ("美 상무부 中 기업 추가 제재", "", CN | US),
    ("운전 中 사고 낸 운전자 입건", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(KOREAN_HANJA))
def test_korean_beauty_and_during_are_not_the_us_and_china(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# Japanese: a venue is where a show, a fair or a festival is held; an election, a protest or a
# trial in a country is the country's story. The war and the tariff a story reports stay its
# subjects; a marathon of talks, a leaders' round of golf, a stolen base in a Korean idiom
# (도루묵, "back to square one"), a first move (선수를 쳤다) are no game; rice in a spaced
# headline stays rice; 製鉄 (steelmaking) and 製薬 are no product's origin, an import halt on
# a country's gas no product story.
JAPANESE_KOREAN_ROLES = [
    ("ロシアで大統領選挙の投票が始まった", "", RU),
    ("アメリカで大規模な抗議デモが始まった", "", US),
    ("中国で日本人社員の裁判が開かれた", "", CN),
    ("米国で大統領選挙の討論会が開かれた", "", US),
    ("ニューヨークで日本映画祭が開幕", "", NONE),
    ("ウクライナ東部で激戦",
     "ロシアによるウクライナ侵攻が長期化する中、ゼレンスキー大統領は欧州に追加支援を求めた。"
     "ロシア軍は東部ドネツク州で攻勢を強めている。", RU),
    ("中国、報復関税を発表",
     "米国の追加関税を受け、中国政府は米国からの輸入品に報復関税を課すと発表した。", CN | US),
    ("中国、対抗措置を決定",
     "米国の高関税を受け、中国商務省は米国産大豆への報復関税を決めた。", CN | US),
    ("미중, 마라톤 협상 끝에 관세 합의", "", CN | US),
    ("米中、マラソン協議で合意", "", CN | US),
    ("日米首脳がゴルフ 親密ぶりアピール", "", US),
    ("日米首脳、ゴルフ外交で親密ぶり", "", US),
    ("트럼프 \"러시아와 협상\"…우크라 종전 협상도 말짱 도루묵", "", RU | US),
    ("미국이 선수를 쳤다…중국 희토류 수출 통제에 맞불", "", CN | US),
    ("미국 수영 선수, 세계선수권 우승", "", NONE),
    ("배우 최수영, 미국 영화 출연 확정", "", NONE),
    ("류준열, 할리우드 진출…미국 영화 주연 발탁", "", NONE),
    ("미국 영화관 체인 파산 신청", "", US),
    ("北, 러시아행 병력 추가 파병", "", RU),
    ("북한군 러시아행 1만명 넘어", "", RU),
    ("러시아행 항공편 운항 재개", "", NONE),
    ("EU, 러시아산 가스 수입 단계적 중단", "", RU),
    ("EU、ロシア産LNGの輸入を段階的に停止", "", RU),
    ("中国製監視カメラ、政府機関から排除へ", "", CN),
    ("中国製鉄大手の宝武鋼鉄、減産へ", "", CN),
    ("米国製薬大手ファイザー、新薬承認", "", US),
    ("米 備蓄米の放出で価格下落へ", "", NONE),
    ("米 価格高騰 スーパーで品薄続く", "", NONE),
    ("米 店頭価格 5週ぶり値下がり", "", NONE),
    ("新潟 米 作付け面積が拡大", "", NONE),
    ("米 大統領 関税引き上げを表明", "", US),
    ("もち米大手が値上げ", "", NONE),
    ("精米大手、新工場を建設", "", NONE),
    ("米大手銀行、相次ぎ増益", "", US),
    ("米 政府閉鎖の可能性高まる", "", US),
    ("米 ホワイトハウス 声明を発表", "", US),
    ("코스피, 美 관세 폭탄에 급락", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(JAPANESE_KOREAN_ROLES))
def test_an_event_a_cause_a_game_a_product_rice_in_japanese_and_korean(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


# A Chinese headline's "X：Y" is a speaker and what they said ("专家：", "美媒：") unless Y ends
# in an outlet's name (日报, 时报, 中文网).
CHINESE_COLONS = [
    ("专家：俄罗斯正在重建乌克兰东部电网", "", RU),
    ("专家：美国试图主导全球互联网", "", US),
    ("分析：中国经济复苏乏力", "", CN),
    ("美媒：中国加紧窃取美国军事情报", "", CN | US),
    ("据美国情报官员称，朝鲜将再次试射导弹", "", NONE),
    ("米情報機関によると、北朝鮮が発射準備", "", NONE),
    ("朝鲜试射弹道导弹｜联合早报", "", NONE),
    ("朝鲜发射导弹 - 美国之音中文网", "", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(CHINESE_COLONS))
def test_a_chinese_headlines_colon_is_a_speaker_unless_an_outlet_follows(
        title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


def test_one_stray_space_does_not_cut_a_flattened_body_in_two() -> None:
    """A flattened Chinese body with one space after a 。 by accident keeps its sentences as
    its units: the US, discussed in four of its sentences spread through it, stays about."""
    filler = "与会代表进行了深入讨论。会议持续了三天。"
    us = "美国政府宣布了新的政策。"
    text = (filler * 2 + us) * 4 + filler * 2
    assert about("国际会议闭幕", text) == US
    half = text.index(us, len(text) // 2)
    assert about("国际会议闭幕", text[:half] + " " + text[half:]) == US
