"""Mentions → per-country salience and whether the story is *about* the country. Pure.

A mention's weight depends on where it stands: in the title it says most about the story, in
the lead (first two sentences) a lot, in the body less, and each further body mention of the
same country adds less than the one before (a story about French wine that names "American"
buyers five times is not about the United States). The threshold is the weight of one lead
mention: a country named in the title or lead, or repeatedly in the body, is "about".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.rules.catalogue import Catalogue
from monitor.rules.matcher import Mention

FIELD_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
BODY_DECAY = 0.7  # the n-th body mention of a country weighs BODY_DECAY ** (n - 1)
ABOUT_THRESHOLD = 2.0


@dataclass
class CountryScore:
    salience: float = 0.0
    about: bool = False
    entities: dict[str, int] = field(default_factory=dict)  # entity id -> mention count


def country_scores(mentions: list[Mention], catalogue: Catalogue,
                   threshold: float = ABOUT_THRESHOLD) -> dict[str, CountryScore]:
    """Salience per country code (only countries that are mentioned)."""
    scores: dict[str, CountryScore] = {}
    body_seen: dict[str, int] = {}
    for mention in mentions:
        countries = {catalogue.entities[eid].country for eid in mention.entity_ids}
        for country in countries:
            score = scores.setdefault(country, CountryScore())
            weight = FIELD_WEIGHT[mention.field]
            if mention.field == "body":
                weight *= BODY_DECAY ** body_seen.get(country, 0)
                body_seen[country] = body_seen.get(country, 0) + 1
            score.salience += weight
        for eid in mention.entity_ids:
            country = catalogue.entities[eid].country
            ents = scores[country].entities
            ents[eid] = ents.get(eid, 0) + 1
    for score in scores.values():
        score.salience = round(score.salience, 3)
        score.about = score.salience >= threshold
    return scores
