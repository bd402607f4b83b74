"""The nationality of the one person a headline profiles ("El soldado de EE.UU. que aprendió
a tocar el piano", "The U.S. Soldier Who..."): monitor/rules/roles_person.py, one table.

Rows that are not subjects were subjects before (weighed in full, a single one made a country
*about*); the subject rows guard the pattern: a group of people, the country itself, a
profile of harm done or suffered.
"""

from __future__ import annotations

import threading

import pytest

from monitor.rules.roles import Role
from tests.about_support import NONE, RU, US, about, role_of, table

S, PERSON = Role.SUBJECT, Role.PERSON




# (headline, the mention, its role): the one person a headline profiles, singular.
PROFILE_ROWS = [
    # Spanish
    ("El soldado de EE.UU. que se convirtió en chef de un restaurante en Lima", "EE.UU.",
     PERSON),
    ("La estadounidense que cruzó el Atlántico a remo", "estadounidense", PERSON),
    ("El ingeniero ruso que construye violines en Sevilla", "ruso", PERSON),
    ("La historia del estadounidense que aprendió a tejer en Oaxaca", "estadounidense",
     PERSON),
    # Portuguese, French
    ("O norte-americano que vive há vinte anos numa ilha do Pará", "norte-americano",
     PERSON),
    ("A mulher russa que ensina balé em Recife", "russa", PERSON),
    ("Le Russe qui a traversé la Patagonie à vélo", "Russe", PERSON),
    ("Le Chinois qui a appris le français en chantant", "Chinois", PERSON),
    # English: the nationality before the person
    ("The U.S. Soldier Who Became a Chef in Lima", "U.S.", PERSON),
    ("The American Who Built a School in a Kenyan Village", "American", PERSON),
    # ... and not: a group, the country itself, harm done or suffered.
    ("Los soldados estadounidenses que llegan a Polonia", "estadounidenses", S),
    ("La Rusia que sueña con volver a ser imperio", "Rusia", S),
    ("El soldado ruso que mató a un civil en Ucrania", "ruso", S),
    ("El estadounidense que fue detenido en Moscú", "estadounidense", S),
    ("Le soldat américain qui a tué trois civils", "américain", S),
    ("O russo que foi preso em Lisboa", "russo", S),
    ("The U.S. Soldier Who Killed Three Civilians", "U.S.", S),
    ("The Chinese Who Left Shanghai for the Countryside", "Chinese", S),
    # (harm: a poisoning, a hack, an invasion, a surrender or a desertion is the war's or the
    # state's story)
    ("The Russian Who Poisoned Skripal", "Russian", S),
    ("The Russian Who Hacked the 2016 Election", "Russian", S),
    ("El ruso que envenenó a Skripal", "ruso", S),
    ("El soldado ruso que se rindió en Ucrania", "ruso", S),
    ("Le soldat russe qui a déserté", "russe", S),
    ("O russo que invadiu a Ucrânia aos 19 anos", "russo", S),
    # ... nor a person the headline ties to another state: the person is the link.
    ("The American Who Advises the Kremlin", "American", S),
    ("The American Who Spent 10 Years in a Chinese Prison", "American", S),
    ("El estadounidense que asesora al Kremlin", "estadounidense", S),
    ("La estadounidense que pasó diez años en una cárcel china", "estadounidense", S),
    ("Le Russe qui a conseillé la Maison Blanche", "Russe", S),
]


@pytest.mark.parametrize(("title", "name", "want"),
                         [pytest.param(*r, id=r[0][:40]) for r in PROFILE_ROWS])
def test_the_nationality_of_a_profiled_person(title: str, name: str, want: Role) -> None:
    assert role_of(title, "", name) is want


# What the stories are about: a profiled person's nationality makes no country about; harm
# the person did keeps it, and so does a tie to another state.
ABOUT = [
    ("El soldado de EE.UU. que se convirtió en chef en Lima", "", NONE),
    ("El soldado de EE.UU. que mató a tres civiles", "", US),
    ("The American Who Became Putin's Favorite Propagandist", "", RU | US),
    ("El estadounidense que se convirtió en el propagandista favorito de Putin", "", RU | US),
]


@pytest.mark.parametrize(("title", "text", "want"), table(ABOUT))
def test_what_the_story_is_about(title: str, text: str, want: set[str]) -> None:
    assert about(title, text) == want


def test_a_long_run_of_punctuation_before_a_country_in_a_title_is_read_at_once() -> None:
    """A feed's title is untrusted: 40,000 characters of "- - -" before a country took the
    profile's pattern minutes (quadratic backtracking), in the rules threads every article
    shares. Read at once, and the same as without the run."""
    title = "- " * 20_000 + "La economía de China crece más de lo esperado"
    lead = "Estados Unidos respondió con aranceles."
    done: list[set[str]] = []
    reader = threading.Thread(target=lambda: done.append(about(title, lead)), daemon=True)
    reader.start()
    reader.join(timeout=20)  # a guard, not a speed claim
    assert done, "the analysis was still running"
    assert done[0] == about("La economía de China crece más de lo esperado", lead)
