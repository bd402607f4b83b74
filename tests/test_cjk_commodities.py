"""A state's strategic exports in Japanese and Korean: energy, raw materials and arms named by
their origin ("ロシア産原油", "러시아산 천연가스", "북한제 포탄") stand for the state's economy and
power, as "Russian crude" does in English, so the story is about the state; a shop's goods by
origin ("中国産ウナギ", "중국산 김치") stay an origin in passing (tests/test_cjk_knowledge.py's
BACKGROUND has more of those). Table-driven: each row is a sentence written for the test and the
countries an analyst would call the story about."""

from __future__ import annotations

import pytest

from tests.about_support import CN, NONE, RU, about
from tests.about_support import table as _table

COMMODITIES = [
    ("中国、ロシア産原油の輸入が過去最高",
     "中国の税関統計によると、ロシア産原油の輸入が過去最高を記録した。", CN | RU),
    ("ロシア産天然ガス、欧州向けが減少", "欧州連合はロシア産の天然ガスの輸入を減らしている。", RU),
    ("ロシア製ドローン、前線で急増", "", RU),
    ("中, 러시아산 원유 수입 급증", "중국의 러시아산 원유 수입이 사상 최대를 기록했다.", CN | RU),
    ("러시아산 가스 의존 줄이는 유럽", "유럽연합이 러시아산 천연가스 수입을 줄이고 있다.", RU),
    ("중국산 희토류 수출 통제 강화", "", CN),
    # a shop's goods: an origin in passing
    ("中国産ウナギの価格が上昇", "スーパーで売られる中国産ウナギの値段が上がっている。", NONE),
    ("중국산 김치, 식당 점령", "값싼 중국산 김치가 식당 대부분을 차지했다.", NONE),
    ("米国産牛肉、売り場に並ぶ", "スーパーで米国産の牛肉が売られている。", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), _table(COMMODITIES))
def test_a_states_strategic_exports_stand_for_the_state(title: str, text: str,
                                                       want: set[str]) -> None:
    assert about(title, text) == want
