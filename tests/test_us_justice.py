"""American criminal justice as the stories name it (a county's sheriff, a district attorney, a
grand jury): the words count for the United States where the story names it otherwise. The
federal forms ("federal prosecutors", "federal prison", "federal judge") are left out: Brazil,
Mexico, Germany, Switzerland, Canada and Australia have federal prosecutors and prisons too, and
a Brazilian story that names the US once would become American.
Table-driven: each row is a story written for the test and the countries (RU, CN, US) an
analyst would call it about."""

from __future__ import annotations

import pytest

from tests.about_support import NONE, US, about, table

JUSTICE = [
    # beside a state or the FBI, a county's sheriff and a grand jury are American
    ("Deputies arrest six in drug raid",
     "The county sheriff's office said deputies found methamphetamine in a garage. "
     "A grand jury will hear the case next month, the sheriff's department said.\n"
     "The suspects were held in the county jail in Indiana.", US),
    ("Girl rescued from motel room",
     "Officers found the girl in a motel room and arrested the suspect. "
     "The district attorney said a grand jury had indicted him.\n"
     "He confessed in an interview with the FBI.", US),
    # alone, they say nothing of where
    ("Deputies arrest six in drug raid",
     "The sheriff's office said deputies found drugs in a garage. "
     "A grand jury will hear the case next month.\n"
     "The suspects were held in the county jail.", NONE),
    # another federal state's prosecutors and prisons, in a story that names the US once
    ("Syrian charged over attack plot",
     "German federal prosecutors charged a Syrian man with planning an attack on Tuesday. "
     "Germany's federal prosecutor said he had bought chemicals online.\n"
     "The man had been refused a visa to the U.S. in 2019.", NONE),
    ("Bolsonaro charged over coup plot",
     "Federal prosecutors in Brasilia charged former president Jair Bolsonaro on Tuesday. "
     "The federal prosecutors said he had planned to stay in power.\n"
     "He would face up to 40 years in a federal prison, the federal judge said.\n"
     "Bolsonaro spent three months in the United States after his defeat.\n"
     "Federal prosecutors also charged two of his former ministers.", NONE),
    ("Man charged with smuggling migrants",
     "Federal prosecutors in Toronto charged a man with smuggling migrants across the border. "
     "A federal judge denied him bail.\n"
     "He drove them towards the U.S. border at night.", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), table(JUSTICE))
def test_american_justice_counts_beside_the_united_states(title: str, text: str,
                                                          want: set[str]) -> None:
    assert about(title, text) == want
