"""The sample hit `monitor alerts test` sends: a made-up article run through the configured
rules, so the message has the shape and the evidence of a real delivery, marked as a test
(``test: true`` in the webhook payload, "[monitor test]" before the title elsewhere). Pure.
"""

from __future__ import annotations

from datetime import datetime

from monitor.alerts.render import AlertView
from monitor.config import CountryCondition, RuleConfig
from monitor.rules.engine import Context, RuleEngine, RuleResult

SAMPLE_TITLE = "Xi and Putin pledge deeper ties in Moscow as Washington warns Beijing"
SAMPLE_TEXT = (
    "MOSCOW — Chinese President Xi Jinping arrived in Moscow on Monday for a state visit and "
    "was greeted at the Kremlin by President Vladimir Putin.\n\n"
    "In Washington, the White House said it was watching the visit closely, and Secretary of "
    "State Antony Blinken said the United States would not accept a one-sided proposal.")
SAMPLE_URL = "https://example.org/monitor-test"
TEST_MARK = "[monitor test] "
FALLBACK_RULE = RuleConfig(name="monitor-test", countries=CountryCondition(at_least=2),
                           severity="low")


def sample_result(engine: RuleEngine) -> RuleResult:
    """The first configured rule the sample fires, else the first rule's verdict, else a
    built-in two-country rule's: real evidence, as the engine writes it."""
    analysis = engine.analyse(SAMPLE_TITLE, SAMPLE_TEXT, Context(language="en"), explain=True)
    if analysis.hits:
        return analysis.hits[0]
    if analysis.results:
        return analysis.results[0]
    fallback = RuleEngine([FALLBACK_RULE], engine.catalogue)
    return fallback.analyse(SAMPLE_TITLE, SAMPLE_TEXT, Context(language="en"), explain=True
                            ).results[0]


def sample_view(engine: RuleEngine, now: datetime) -> AlertView:
    """The test alert, as dispatch would build it from a stored hit (alert id 0)."""
    result = sample_result(engine)
    return AlertView(alert_id=0, rule=result.rule, severity=result.severity,
                     title=TEST_MARK + SAMPLE_TITLE, url=SAMPLE_URL, site="monitor",
                     published_at=now, feeds=["monitor-test"], evidence=result.evidence,
                     score=result.score, test=True)
