"""A story's genre from the density and variety of its trade's words (rules/genre.py)."""

from __future__ import annotations

import pytest

from monitor.rules.genre import Genre, genre
from monitor.rules.matcher import split_fields
from tests.test_precision import DAVIS_CUP, HOCKEY, TOUR

CROP = ("China added 100,000 tonnes of wheat for the 1986/87 season, the USDA said. Purchases "
        "for the season now total 1.2 mln tonnes. Sales for the next season were cancelled. "
        "The season ends in May. Shipments this season lag last season's.")
STRIKE = ("Daimler output could be hit by a dispute over overtime. Workers refused overtime on "
          "Friday. The union said overtime rules must change. Talks on overtime resume. "
          "Management said overtime is needed.")
STADIUM = ("The city council approved a stadium for the team after a long debate. The mayor "
           "said taxes would not rise. Opponents said the money should go to schools, roads "
           "and housing, and promised to fight the plan in court next year.")


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("Nelson's OT goal lifts Isles", HOCKEY, Genre.SPORTS),
    ("Spain beats Russia in the Davis Cup Finals", DAVIS_CUP, Genre.SPORTS),
    ("The Doobie Brothers announce a tour", TOUR, Genre.ENTERTAINMENT),
    # Spanish and French reports: a match, a tour.
    ("México vence a Estados Unidos", "El delantero anotó dos goles en la segunda parte. El "
     "entrenador celebró el pase a la semifinal del torneo. El portero atajó un penalti. La "
     "afición llenó el estadio.", Genre.SPORTS),
    ("La chanteuse américaine annonce une tournée", "La chanteuse présentera ses nouvelles "
     "chansons en concert à Paris. Le réalisateur de son clip l'accompagne. L'album sort en "
     "mars, avec une bande-annonce.", Genre.ENTERTAINMENT),
    # a music-business feud: a label, its artists, their recordings and performances
    ("Manager denies blocking singer's show", "The pop songstress says her former label "
     "will not let her use her old recordings in televised performances. The label's owner "
     "denies it. Other artists have backed her, and the music press has taken sides; his "
     "performers are staying quiet.", Genre.ENTERTAINMENT),
    # ... but a company's results, however well it performed, are news
    ("Retailer beats forecasts", "The retailer's performance beat forecasts as its stores "
     "performed well. Its best-performing unit sold music players. Analysts praised the "
     "performance of its online shop, and shares rose 4 percent.", Genre.NEWS),
    # one trade word, however often, is not a genre
    ("China adds wheat commitments", CROP, Genre.NEWS),
    ("Daimler output could be affected by dispute", STRIKE, Genre.NEWS),
    # a news story that names a team once
    ("Council approves stadium", STADIUM, Genre.NEWS),
])
def test_genre(title: str, text: str, expected: Genre) -> None:
    assert genre(split_fields(title, text)) is expected


def test_trade_words_inside_other_words_are_no_genre() -> None:
    """Words of a trade only as parts of other words ("seasoned", "tourism", "endgame",
    "filmed") pass the cheap substring bound but count for nothing."""
    text = ("The seasoned minister praised tourism. The endgame of the talks was filmed. "
            "Goalposts moved again, a coaching manual said; the bandwidth auction followed "
            "the albumen study and the rescoring of bonds.") * 3
    assert genre(split_fields("Talks on tourism", text)) is Genre.NEWS
