"""A wire story's dateline and a sports story's words, in Japanese and Korean. Pure.

``rules/roles_i18n.py`` asks this module two things about a mention in Japanese or Korean text:

- whether it is a dateline: the place a wire story is filed from, in brackets at the start of
  the text, before the agency's or the correspondent's name or the date: Kyodo's
  "【ワシントン共同】", Jiji's "〔ワシントン時事〕", a paper's "【北京＝山田太郎】", Reuters'
  "［ワシントン　２２日　ロイター］", Yonhap's "(워싱턴=연합뉴스)", News1's "(베이징=뉴스1)":
  a venue, like "МОСКВА, 3 марта — РИА Новости";
- whether its sentence is about a game: the words of baseball, basketball, football, skating,
  table tennis, golf and the other sports in Japanese and Korean ("得点", "選手", "フィギュア",
  "홈런", "메이저리그", "선수"), full-width letters read as ASCII ("ＮＢＡ" is "NBA"): there a
  country names a league, a team or an athlete's country.
"""

from __future__ import annotations

import re
import unicodedata

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
    r"フィギュア|スケート|卓球|テニス|ゴルフ|柔道|レスリング|体操|競泳|陸上競技|マラソン|"
    r"ボクシング|相撲|競馬|ワールドシリーズ|ワールドカップ|W杯|NBA|MLB|NFL|NHL|MVP|"
    # Korean: the same
    r"선수|득점|우승|결승|준결승|올림픽|월드컵|메이저리그|프로야구|야구|홈런|도루|"
    r"투수|타자|축구|농구|배구|골프|테니스|탁구|피겨|레슬링|체조|수영|마라톤|권투|"
    r"월드시리즈|프리미어리그|챔피언스리그|K리그")


def cjk_dateline(text: str, start: int, after: str) -> bool:
    """Whether the mention at ``text[start:]``, ``after`` following it, is a Japanese or
    Korean wire story's dateline."""
    return (start <= 3 and _DATELINE_BEFORE.match(text[:start]) is not None
            and _DATELINE_AFTER.match(after) is not None)


def cjk_sports(sentence: str) -> bool:
    """Whether a Japanese or Korean sentence is about a game."""
    if sentence.isascii():
        return False
    return _SPORTS.search(unicodedata.normalize("NFKC", sentence)) is not None
