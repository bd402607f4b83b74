"""A market report's drivers, in the languages other than English. Pure.

A story whose title reports a market (the price of gold or oil, a stock market or an index,
an exchange rate) and does not name a country is about that market; the countries its text
names are what moved it: "黃金價格周三轉跌，係因美元走強和美公債殖利率上升" under a gold
headline, "une onde de choc même aux Etats-Unis, où Nvidia a plié de 4%" under a headline
about a tremor on the Bourse, "la demanda de oro crece antes de la elección en Estados
Unidos". Like a price benchmark (the analysts' rule: not about), such a driver weighs as an
origin.

A country stays a subject where the title names it, unless a Japanese headline on Tokyo's
market names that country's shares or rates as what moved it ("東京株、米ハイテク株高を好感"),
or a Spanish, French or Portuguese one names another market, the Fed or a country's figures
after a word of cause ("El Ibex 35 sube arrastrado por Wall Street", "El Brent cae por la
demanda china").
A currency is no market word (but its local price is: "Dólar hoy en México", "Dólar Colombia"
are exchange-rate reports): a headline about the dollar itself ("Euro ve Dolar 20 yıl sonra
eşitlendi") is the dollar's story, while one beside another market ("黃金轉跌 美元走強": gold
falls as the dollar strengthens) is a driver of it.

A Korean headline on Seoul's market and a Chinese one on Shanghai's, Hong Kong's or Taipei's
name their drivers as the Japanese one does ("코스피, 美 증시 훈풍에 상승", "台股开高
美股科技股反弹").

``drivers`` returns the indices of such mentions; ``rules/roles.py`` gives them the role
``ORIGIN``. In English (``english_drivers``) only a headline that names the driver after a
word of cause ("Nifty falls as US bond yields rise", "Sensex tanks on weak US cues") says
so: "U.S. stocks fall" is the American market's own story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Fields, Mention

# A market in a headline: a commodity's price, a stock market or index, an exchange rate.
_B, _E = r"(?<!\w)", r"(?!\w)"
_MARKET = re.compile(
    _B + r"(?:gold|silver|crude|Brent|Sensex|Nifty|"
    r"oro|plata|petróleo|crudo|Bolsas?(?!\s+Fam[ií]lia)|Ibex|tipo de cambio|divisas|"
    r"mercados?(?:\s+(?:bursátil|financier|cambiari)\w*)?|Merval|"
    r"peso\s+(?:mexicano|colombiano|chileno|argentino|uruguayo|dominicano)|"
    # the dollar's local price, a Latin-American exchange-rate report: "Dólar hoy", "Dólar
    # Colombia", "el dólar en México", "dólar blue"
    r"d[óo]lar(?:\s+hoy|\s+blue|\s+oficial|:?\s+(?:en\s+)?(?:Colombia|México|Argentina|Chile|"
    r"Perú|Uruguay|Venezuela|Bolivia|Paraguay|Guatemala|Costa Rica|República Dominicana))|"
    r"l['’]or|pétrole|Bourses?|CAC\s?40|taux de change|devises|marchés?(?:\s+financiers?)?|"
    r"ouro|prata|Ibovespa|câmbio|"
    r"Gold(?:preis|kurs)?\w*|Ölpreis\w*|Börsen?|Aktien?|DAX|Devisen|Wechselkurs\w*|"
    r"золото|золота|нефть|нефти|бирж\w*|нафта|нафти|біржі|Мосбирж\w*|"
    r"altın(?:ın|a|da)?|petrol\w*|borsa\w*|BIST|döviz\w*|hisse\w*|"
    r"الذهب|النفط|البورصة|الأسهم|سعر الصرف|أسعار الصرف|طلا|نفت|بورس|"
    r"सोन[ाे]|चांदी|सेंसेक्स|निफ्टी|शेयर बाजार|रुपय[ाे]|कच्चा तेल|সোনা\w*|শেয়ার বাজার\w*)" + _E
    + r"|黄金|黃金|金价|金價|贵金属|貴金屬|油价|油價|原油|股市|台股|港股|A股|汇市|匯市|汇率|匯率|"
    r"盘后|盤後|股价|股價|期货|期貨|大盘|大盤|金価格|金相場|株価|日経平均|円相場|為替|東証|円安|"
    r"東京株|日本株|"
    r"円高|금값|유가(?!족)|코스피|코스닥|환율|증시|주가",
    re.IGNORECASE)


def _countries(mention: Mention, catalogue: Catalogue) -> set[str]:
    return {c for e in mention.entity_ids if (c := catalogue.entities[e].country)}


# A Japanese headline on Tokyo's market names what moved it in the same line: "東京株、米ハイテク
# 株高を好感", "円相場、米金利上昇で円安", "東証、中国経済の減速懸念で反落". A country before
# its shares, rates, bonds or economy there is a driver, not the story's subject.
_JA_HOME_MARKET = re.compile(r"東京株|日本株|東証|日経平均|日経先物|円相場|円安|円高|東京外為")
# ... and a Korean one on Seoul's: "코스피, 美 증시 훈풍에 상승", "원·달러 환율, 미 금리
# 인하에 하락".
_KO_HOME_MARKET = re.compile(r"코스피|코스닥|원·달러|원/달러|원달러|원화 가치|"
                             r"서울 외환시장|국내 증시")
_KO_INDICATOR_AFTER = re.compile(r"^\s?(?:증시|주가|국채|금리|기준금리|경제|경기|고용|물가|"
                                 r"소비자물가|지표|기술주|반도체주|빅테크|달러|CPI|GDP|관세)")
# ... and a Chinese one on Shanghai's, Shenzhen's, Hong Kong's or Taipei's: "台股开高
# 美股科技股反弹" (美股 and 美债 name another market's shares and bonds themselves).
_ZH_HOME_MARKET = re.compile(r"台股|A股|港股|沪指|滬指|上证|上證|深成指|深證|恒指|恆指|恒生|恆生")
_ZH_MARKET_NAME = re.compile(r"(?:股|债|債)$")
_JA_INDICATOR_AFTER = re.compile(r"^[ァ-ヺー・]{0,8}(?:株|金利|長期金利|国債|債券|利回り|経済|景気|"
                                 r"雇用|物価|消費者物価|指標|統計|利下げ|利上げ|インフレ|"
                                 r"の(?:経済|景気)|"
                                 # a leader's tariffs, words, policy, win ("トランプ関税で")
                                 r"(?:氏|大統領|政権|次期政権)?の?(?:関税|発言|政策|経済政策|"
                                 r"勝利|当選|再選|就任))")


def _title_drivers(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields
                   ) -> set[int]:
    """Indices of the title's subject mentions that name another market's shares, rates or
    bonds in a Japanese headline on Tokyo's market, a Korean one on Seoul's or a Chinese one
    on a Chinese market's."""
    if _JA_HOME_MARKET.search(fields.title) is not None:
        after = _JA_INDICATOR_AFTER
    elif _KO_HOME_MARKET.search(fields.title) is not None:
        after = _KO_INDICATOR_AFTER
    elif _ZH_HOME_MARKET.search(fields.title) is not None:
        return {i for i, m in enumerate(mentions) if subject[i] and m.field == "title"
                and _ZH_MARKET_NAME.search(m.text)}
    else:
        return set()
    return {i for i, m in enumerate(mentions) if subject[i] and m.field == "title"
            and after.match(fields.title[m.end:])}


# An English headline on a market names what moved it after a word of cause: "Nifty falls
# as US bond yields rise", "Sensex tanks on weak US cues", "Gold rises ahead of US Fed
# decision", "Crude climbs on US inventory draw".
_EN_MARKET = re.compile(
    r"\b(?:Sensex|Nifty|gold|silver|crude|Brent|oil\s+prices?|stocks|shares|equities|"
    r"markets?|bourses?|rupee|yen|euro|sterling|FTSE|Nikkei|Hang\s+Seng|Dalal\s+Street|"
    r"bond\s+yields?)\b", re.IGNORECASE)
_EN_CAUSE_BEFORE = re.compile(
    r"\b(?:as|on|after|ahead\s+of|amid|over|despite|following|tracking|tracks|track|"
    r"awaiting|awaits|eyes|eyeing)\s+(?:the\s+)?(?:(?:weak|strong|firm|soft|upbeat|"
    r"downbeat|mixed|positive|negative|hot|cool|hawkish|dovish)\s+)?$", re.IGNORECASE)


# ... a market figure of that country, not the country acting ("as US imposes tariffs" is a
# story about the US acting, whatever it does to the Sensex).
_EN_INDICATOR_AFTER = re.compile(
    r"^(?:['’]s)?(?:\s+[\w-]+){0,2}?\s+(?:bond|yields?|Treasur(?:y|ies)|cues?|Fed|rates?|"
    r"data|jobs|payrolls|inflation|CPI|PPI|GDP|futures|stocks|shares|markets?|dollar|"
    r"inventor(?:y|ies)|stockpiles?|crude|demand|growth|slowdown|recession|economy|"
    r"economic|tech|equities|indices|index)\b", re.IGNORECASE)


def english_drivers(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
                    catalogue: Catalogue) -> set[int]:
    """Indices of the subject mentions that name what moved the market an English headline
    reports: the title's after a word of cause and before a market figure ("Nifty falls as
    US bond yields rise"), and,
    where the title then names no country as a subject, the lead's and body's."""
    title = fields.title
    market = _EN_MARKET.search(title)
    if market is None:
        return set()
    moved = {i for i, m in enumerate(mentions) if subject[i] and m.field == "title"
             and m.start > market.start() and _EN_CAUSE_BEFORE.search(title[:m.start])
             and _EN_INDICATOR_AFTER.match(title[m.end:])}
    if not moved:
        return set()
    kept = {c for i, m in enumerate(mentions) if m.field == "title" and subject[i]
            and i not in moved for c in _countries(m, catalogue)}
    return moved | {i for i, m in enumerate(mentions)
                    if subject[i] and m.field != "title"
                    and (own := _countries(m, catalogue)) and not own & kept}


# A Spanish, French or Portuguese headline on a market names what moved it after a word of
# cause, as a market or an indicator of that country: "El Ibex 35 sube arrastrado por Wall
# Street", "Le CAC 40 termine en hausse, porté par Wall Street", "Ibovespa fecha em alta com
# Wall Street", "El Brent cae por la demanda china", "el oro sube tras los datos de empleo de
# EE.UU."; "El Ibex cae tras los aranceles de EE.UU." names the US acting.
_ROMANCE_CAUSE_BEFORE = re.compile(
    r"(?<!\w)(?:arrastrad\w*|impulsad\w*|lastrad\w*|presionad\w*|contagiad\w*|animad\w*|"
    r"tras|por|ante|pese a|a pesar de|a la espera de|en espera de|atent[oa]s? a|"
    r"pendientes? de|con|porté\w* par|plombé\w* par|tiré\w* par|dans le sillage de|"
    r"sur fond de|après|malgré|face à|avec|puxad\w* por|impulsionad\w* por|"
    r"pressionad\w* por|após|com|na esteira de|apesar de|de olho (?:em|n[oa]s?))\s+"
    r"(?:[^\s,.;:]+\s+){0,5}?$", re.IGNORECASE)
_ROMANCE_INDICATOR_BEFORE = re.compile(
    r"(?<!\w)(?:demandas?|datos?|inflación|empleo|tasas?|tipos|bonos?|rendimientos?|"
    r"crecimiento|economía|consumo|importaciones|producción|inventarios?|reservas|bolsas?|"
    r"mercados?|índices?|acciones|tecnológicas|demandes?|données|inflation|emploi|taux|"
    r"obligations|croissance|économie|consommation|importations|stocks|marchés?|valeurs|"
    r"dados|inflação|emprego|juros|títulos|crescimento|economia|estoques|ações|mercados?)"
    r"(?:\s+(?:de|del|de la|de los|en|des|du|de l['’]|do|da|dos|das|nos|nas|aux|em|en los)"
    r")?\s*$", re.IGNORECASE)
_DRIVER_KINDS = frozenset({"market"})
_DRIVER_IDS = frozenset({"wall-street", "federal-reserve"})


def _romance_title_drivers(mentions: Sequence[Mention], subject: Sequence[bool],
                           fields: Fields, catalogue: Catalogue, market: re.Match[str]
                           ) -> set[int]:
    """Indices of the title's subject mentions, after its market word and a word of cause,
    that name another market, the Fed or an indicator of a country (see above)."""
    title = fields.title
    return {i for i, m in enumerate(mentions) if subject[i] and m.field == "title"
            and m.start > market.start() and _ROMANCE_CAUSE_BEFORE.search(title[:m.start])
            and (_ROMANCE_INDICATOR_BEFORE.search(title[:m.start])
                 or set(m.entity_ids) & _DRIVER_IDS
                 or {catalogue.entities[e].kind for e in m.entity_ids} & _DRIVER_KINDS)}


def drivers(mentions: Sequence[Mention], subject: Sequence[bool], fields: Fields,
            catalogue: Catalogue) -> set[int]:
    """Indices of the subject mentions (``subject[i]``) in the lead and body of a market
    report that name a country its title leaves out, and of a Japanese, Spanish, French or
    Portuguese headline's that name what moved its market (see the module's docstring)."""
    market = _MARKET.search(fields.title)
    if market is None:
        return set()
    moved = _title_drivers(mentions, subject, fields) | _romance_title_drivers(
        mentions, subject, fields, catalogue, market)
    kept = {c for i, m in enumerate(mentions) if m.field == "title" and subject[i]
            and i not in moved for c in _countries(m, catalogue)}
    return moved | {i for i, m in enumerate(mentions)
                    if subject[i] and m.field != "title"
                    and (own := _countries(m, catalogue)) and not own & kept}


__all__ = ["drivers"]
