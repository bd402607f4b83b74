"""The README documents every channel key (with the types that read it) and every field of
the webhook payload."""

from __future__ import annotations

import re

from monitor.alerts.render import AlertView, webhook_payload
from monitor.config import CHANNEL_KEYS, ChannelConfig
from monitor.evidence_model import Evidence
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def table_after(heading: str) -> dict[str, list[str]]:
    """The first Markdown table after ``heading``: first cell (without backticks) → cells."""
    start = README.index(heading)
    block = re.search(r"((?:^\|.*\|\n)+)", README[start:], re.M)
    assert block, f"no table after {heading!r}"
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in block.group(1).splitlines()[2:]]
    return {row[0].strip("`"): row[1:] for row in rows}


def test_every_channel_key_is_documented_with_its_types() -> None:
    table = table_after("### Alert channels")
    assert set(table) == set(ChannelConfig.model_fields)
    for key, (types, *_rest) in table.items():
        readers = {t for t, keys in CHANNEL_KEYS.items() if key in keys}
        documented = set(CHANNEL_KEYS) if types == "all" else {
            t.strip() for t in types.split(",")}
        assert documented == readers, key


def test_every_webhook_payload_field_is_documented() -> None:
    view = AlertView(alert_id=1, rule="r", severity="low", title="t", url="https://x/",
                     site=None, published_at=None, feeds=[], evidence=Evidence(), score=0.0)
    assert set(table_after("**Webhook payload.**")) == set(webhook_payload(view))
