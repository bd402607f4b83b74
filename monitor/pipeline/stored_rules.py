"""The rules a poll runs: the config's plus the enabled rules stored from the workbench,
rebuilt without a restart when the stored ones change (``db.stored_rules.stamp``, one cheap
query per cycle; the engine is rebuilt off the event loop only when it moved)."""

from __future__ import annotations

import asyncio
import logging

from monitor.app import App
from monitor.db import stored_rules
from monitor.db_work import read_db
from monitor.errors import MonitorError
from monitor.rules.engine import RuleEngine

log = logging.getLogger("monitor.pipeline")


async def refresh_rules(app: App) -> None:
    """Swap ``app.rules`` for an engine of the config's and the enabled stored rules when the
    stored rules changed since the last look. A database that cannot say keeps the rules the
    poll had (logged): a cycle never stops for it."""
    try:
        now = await read_db(app, stored_rules.stamp)
        if now == app.polling.rules_stamp:
            return
        catalogue = app.rules.catalogue
        reserved = {r.name for r in app.config.rules}
        extra = await read_db(app, stored_rules.enabled_rules, catalogue, reserved)
        engine = await asyncio.to_thread(RuleEngine, list(app.config.rules) + extra, catalogue,
                                         app.rules.params)
    except MonitorError as exc:
        log.error("reading the stored rules failed; keeping the rules as they were error=%r",
                  str(exc))
        return
    app.rules = engine
    app.polling.rules_stamp = now
    log.info("rules reloaded config=%d stored=%d", len(app.config.rules), len(extra))
