"""The one sentence splitter: where the lead ends and what a snippet holds."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.cli import cli
from monitor.rules import sentences
from monitor.rules.matcher import split_fields
from tests.conftest import ROOT


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences.spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. Commerce Department acted. China replied.",
     ["The U.S. Commerce Department acted.", "China replied."]),
    ("The U.K. government agreed. Talks go on.", ["The U.K. government agreed.", "Talks go on."]),
    ("Talks with Mr. Xi in Beijing ended. Then came lunch.",
     ["Talks with Mr. Xi in Beijing ended.", "Then came lunch."]),
    ("Dr. Fauci spoke. Sen. Warren and Gen. Milley listened.",
     ["Dr. Fauci spoke.", "Sen. Warren and Gen. Milley listened."]),
    ("He flew to St. Petersburg in late Jan. and stayed. They met.",
     ["He flew to St. Petersburg in late Jan. and stayed.", "They met."]),
    ("J. R. R. Tolkien wrote it. It sold.", ["J. R. R. Tolkien wrote it.", "It sold."]),
    ("Output rose 3.5 percent in May. Prices fell.",
     ["Output rose 3.5 percent in May.", "Prices fell."]),
    ("Is it over? \"Yes!\" Maybe… Or not.", ["Is it over?", "\"Yes!\"", "Maybe…", "Or not."]),
    ("A headline without a period\n\nThe story starts here.",
     ["A headline without a period", "The story starts here."]),
    ("A wire story wrapped\nat forty characters goes on. Next.",
     ["A wire story wrapped\nat forty characters goes on.", "Next."]),
    ("Путин прибыл в Пекин. «Мы друзья», — сказал он! Почему? Ясно…",
     ["Путин прибыл в Пекин.", "«Мы друзья», — сказал он!", "Почему?", "Ясно…"]),
    ("«Встреча состоится в Москве.» Так сказал В. Путин.",
     ["«Встреча состоится в Москве.»", "Так сказал В. Путин."]),
    ("В 2022 г. цены выросли, т.е. заметно. Потом упали.",
     ["В 2022 г. цены выросли, т.е. заметно.", "Потом упали."]),
    # Spanish plural abbreviations double their initials; titles of address.
    ("El embajador de EE. UU. llegó a Bogotá. La Sra. Díaz lo recibió. Luego hablaron.",
     ["El embajador de EE. UU. llegó a Bogotá.", "La Sra. Díaz lo recibió.", "Luego hablaron."]),
    ("Las FF. AA. y EE.UU. firmaron. Fin.", ["Las FF. AA. y EE.UU. firmaron.", "Fin."]),
    ("It ended World War II. Peace came.", ["It ended World War II.", "Peace came."]),
    ("习近平抵达莫斯科。双方举行会谈！结果如何？尚不清楚。",
     ["习近平抵达莫斯科。", "双方举行会谈！", "结果如何？", "尚不清楚。"]),
])
def test_sentences_end_where_a_reader_sees_them_end(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_the_lead_is_the_first_two_sentences_of_the_same_splitter() -> None:
    text = ("The move by the U.S. Commerce Department follows talks with Mr. Xi in Beijing. "
            "Gen. Milley said little. The rest is body.")
    fields = split_fields("A title", text)
    assert fields.lead == ("The move by the U.S. Commerce Department follows talks with Mr. Xi "
                           "in Beijing. Gen. Milley said little.")
    assert fields.body == "The rest is body."


def test_rules_test_snippets_keep_abbreviations_whole() -> None:
    story = ("U.S. Restricts Sales of Sophisticated Chips to China and Russia\n\n"
             "The move by the U.S. Commerce Department follows talks with Mr. Xi in Beijing.\n")
    result = CliRunner().invoke(cli, ["--config", str(ROOT / "config.yaml"), "rules", "test",
                                      "-"], input=story, obj={})
    assert result.exit_code == 0, result.output
    snippets = [line for line in result.stdout.splitlines() if line.startswith("  > ")]
    assert "  > The move by the [U.S.] [Commerce Department] follows talks with Mr. [Xi] in " \
           "[Beijing]." in snippets
    assert not any(s.startswith("  > Restricts") or s.endswith("Mr.") for s in snippets)


# The definition of a sentence end as a plain regular expression (one lookbehind tried at every
# character): the splitter finds the same ends without it.
_PLAIN_END = re.compile(r"(?<=[.!?…。！？])[\"'”’»]?\s+|(?<=[。！？])|\n\s*\n\s*")


def _plain_ends(text: str) -> list[int]:
    return [m.end() for m in _PLAIN_END.finditer(text)
            if not sentences._abbreviated(text, m.start(), m.group())]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"aZ .!?…。！？\"'”’»\n\t3гU.S", "Mr", "т.е", "\n\n"]),
                max_size=40).map("".join))
def test_sentence_ends_are_those_of_the_plain_definition(text: str) -> None:
    assert list(sentences.ends(text)) == _plain_ends(text)
