"""An election as a date ("tras las elecciones de EE.UU.", "米大統領選後に":
monitor/rules/roles_time.py), one table.

Rows that are not subjects were subjects before (weighed in full, a single one made a country
*about*); the subject rows guard the pattern: a country holding its election, an election
that is what happens.
"""

from __future__ import annotations

import pytest

from monitor.rules.roles import Role
from tests.about_support import NONE, RU, US, about, role_of, table

S, VENUE = Role.SUBJECT, Role.VENUE




# (title, lead, the mention, its role). The election rows put the time in the lead under a
# title naming another country, as a wire story does.
ELECTION_ROWS = [
    # Spanish
    ("México revisa su presupuesto", "Tras las elecciones de EE.UU., el peso perdió un 3 %.",
     "EE.UU.", VENUE),
    ("Chile prepara su cosecha", "Antes de las elecciones presidenciales en Estados Unidos, "
     "los exportadores frenan envíos.", "Estados Unidos", VENUE),
    ("Colombia y Perú firman un acuerdo", "A pocos días de las elecciones en Estados Unidos, "
     "los cancilleres se reunieron en Lima.", "Estados Unidos", VENUE),
    ("Argentina emite deuda", "Después de las elecciones estadounidenses, los bonos subieron.",
     "estadounidenses", VENUE),
    # French, Portuguese
    ("La Pologne renforce son armée", "À quelques jours des élections aux États-Unis, "
     "Varsovie commande des chars.", "États-Unis", VENUE),
    ("Le Maroc attire les investisseurs", "Depuis les élections américaines, la Bourse de "
     "Casablanca progresse.", "américaines", VENUE),
    ("O Brasil exporta mais soja", "Após as eleições nos EUA, os preços da soja caíram.", "EUA",
     VENUE),
    # German, Russian, Ukrainian
    ("Polen rüstet auf", "Nach der US-Wahl will Warschau mehr Panzer kaufen.", "US", VENUE),
    ("Казахстан повышает пошлины", "После выборов в США тенге ослаб.", "США", VENUE),
    ("Польща купує танки", "Напередодні виборів у США Варшава підписала контракт.", "США",
     VENUE),
    # Japanese, Chinese, Korean: the time after the election word
    ("韓国の輸出が減少", "米大統領選後に韓国ウォンが下落した。", "米大統領選", VENUE),
    ("北朝鮮がミサイル発射か", "米大統領選を前に、北朝鮮が発射準備を進めている。", "米大統領選",
     VENUE),
    ("台股大漲", "美国大选后，亚洲股市普遍上涨。", "美国", VENUE),
    ("한국 수출 감소", "미국 대선 이후 원화 가치가 떨어졌다.", "미국", VENUE),
    # ... and not: the country holds its election, or acts.
    ("Jornada clave", "Estados Unidos celebra elecciones el martes.", "Estados Unidos", S),
    ("Wahltag", "Die USA verhängen nach der Wahl neue Zölle.", "USA", S),
    ("韓国の輸出が減少", "米大統領選でトランプ氏が勝利した。", "米大統領選", S),
    ("大选日", "美国大选结果公布。", "美国", S),
    ("한국 수출 감소", "미국 대선 후보 토론회가 열렸다.", "미국", S),
    # ... nor an election that a noun's time is: the campaign before it is the story.
    ("Campaña electoral", "La campaña antes de las elecciones de EE.UU. se vuelve más sucia.",
     "EE.UU.", S),
    ("Campanha", "A campanha antes das eleições nos EUA fica mais suja.", "EUA", S),
    ("Выборы", "Кампания перед выборами в США становится всё грязнее.", "США", S),
    ("Wahlkampf", "Der Wahlkampf vor der US-Wahl wird schmutziger.", "US", S),
    # ... nor an election another country's acts in the same sentence aim at: a target.
    ("Ciberseguridad", "Antes de las elecciones de EE.UU., Rusia intensifica su campaña de "
     "desinformación.", "EE.UU.", S),
    ("Cybersicherheit", "Vor der US-Wahl verbreitet Russland gezielt Falschnachrichten.", "US",
     S),
    ("Безопасность", "Перед выборами в США Россия усилила кампанию дезинформации.", "США", S),
    ("情報戦", "米大統領選を前に、ロシアが偽情報を拡散している。", "米大統領選", S),
    ("情報战", "美国大选前，俄罗斯加大干预力度。", "美国", S),
]


@pytest.mark.parametrize(("title", "lead", "name", "want"),
                         [pytest.param(*r, id=f"{r[2]}-{r[3].value}-{n}")
                          for n, r in enumerate(ELECTION_ROWS)])
def test_an_election_as_a_date(title: str, lead: str, name: str, want: Role) -> None:
    assert role_of(title, lead, name) is want


# What the stories are about: an election as a date makes no country about; the leaders
# named beside it still do.
ABOUT = [
    ("北朝鮮、核実験の可能性 米大統領選前後に", "韓国の国防相が述べた。", NONE),
    ("Tras las elecciones de EE.UU., Trump anuncia aranceles", "Trump firmó el decreto.", US),
    ("Injerencia", "Rusia intentó influir antes de las elecciones de Estados Unidos, según el "
     "FBI.", RU | US),
    ("Ucrania", "Tras las elecciones en Rusia, el Kremlin endurece su postura.", RU),
    ("Taiwán", "Tras las elecciones en Estados Unidos, Washington endurece su postura.", US),
]


@pytest.mark.parametrize(("title", "text", "want"), table(ABOUT))
def test_what_the_story_is_about(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want
