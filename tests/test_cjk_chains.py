"""Chained country abbreviations in Chinese and Japanese headlines: 米中露, 中露首脳会談,
中俄美, 露米. Two compounds share a character (米中 and 中露 in 米中露; 中露 and 露首脳 in
中露首脳), neither holding the other, and each names a country the other lacks: both count, not
only the first or the longest (before, 中露首脳会談 lost China and 米中露 lost Russia). A compound
that holds another stays one word (米中間選挙 is the US midterm, not the US and China), and a
blocker still wins its overlap (中米 and 中美洲 are Central America). Table-driven: each row is
a sentence written for the test and the countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, ENGINE, NONE, RU, US, about
from tests.about_support import table as _table

CHAINS = [
    ("中露首脳会談、米を牽制", "習近平国家主席とプーチン大統領が会談し、米国を牽制した。", CN | RU),
    ("中露首脳が共同声明", "両首脳は経済協力の拡大で合意した。", CN | RU),
    ("米中露の首脳が会談", "3カ国の首脳は核軍縮について話し合った。", US | CN | RU),
    ("米中露、核軍縮で協議へ", "", US | CN | RU),
    ("露米首脳が電話会談", "両首脳は約1時間話した。", RU | US),
    ("中俄美三国外长会晤", "三国外长在北京举行会谈。", CN | RU | US),
    ("中俄美关系进入新阶段", "", CN | RU | US),
    ("美中俄三角关系再受关注", "", US | CN | RU),
    # one compound holding another: one word
    ("米中間選挙、共和党が下院を奪還", "共和党が下院の過半数を得た。", US),
    ("米中古車価格が下落", "中古車の価格が3カ月連続で下がった。", US),
    # a blocker wins its overlap
    ("中米の移民がメキシコ国境へ", "ホンジュラスやグアテマラからの移民が北上している。", NONE),
    ("中美洲国家领导人会晤", "中美洲多国领导人在巴拿马举行会议。", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(CHAINS))
def test_chained_abbreviations_name_each_country(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


def test_a_chain_counts_each_country_once() -> None:
    """中露首脳: China from 中露, Russia from 露首脳 only: the shared 露 is not a second
    mention of Russia."""
    countries = ENGINE.analyse("中露首脳会談", "").countries
    assert {c: s.entities for c, s in countries.items()} == {"CN": {"Q148": 1},
                                                             "RU": {"Q159": 1}}
