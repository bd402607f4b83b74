"""American criminal justice as the stories name it (federal prisons, prosecutors and judges,
a county's sheriff, a district attorney, a grand jury): the words count for the United States
where the story names it otherwise, and never for another federal state's justice.
Table-driven: each row is a story written for the test and the countries (RU, CN, US) an
analyst would call it about."""

from __future__ import annotations

import pytest

from tests.about_support import NONE, US, about, table

JUSTICE = [
    # beside the FBI or a state, the federal prison and the prosecutors are American
    ("Man gets life for kidnapping girl",
     "A man who kidnapped a girl was sentenced to life in federal prison on Thursday. "
     "Federal prosecutors said he would never harm a child again.\n"
     "He confessed in an interview with the FBI.", US),
    ("Girl rescued from motel room",
     "Officers found the girl in a motel room and arrested the suspect. "
     "A federal jury took fifteen minutes to convict him.\n"
     "He still faces charges in Texas.", US),
    # alone, they may be anyone's: nothing says where
    ("Man gets life for kidnapping girl",
     "A man who kidnapped a girl was sentenced to life in federal prison on Thursday. "
     "Federal prosecutors said he would never harm a child again.\n"
     "He confessed to the police.", NONE),
    # another federal state's prosecutors, in a story that names the US once
    ("Syrian charged over attack plot",
     "German federal prosecutors charged a Syrian man with planning an attack on Tuesday. "
     "Germany's federal prosecutor said he had bought chemicals online.\n"
     "The man had been refused a visa to the U.S. in 2019.", NONE),
]


@pytest.mark.parametrize(("title", "text", "want"), table(JUSTICE))
def test_american_justice_counts_beside_the_united_states(title: str, text: str,
                                                          want: set[str]) -> None:
    assert about(title, text) == want
