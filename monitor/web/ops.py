"""The ops page (``/ops``: feeds with their health, the outbox, a Retry button per failed
alert) and the ops strip every page shows: ``await strip(request)`` gives the values,
``{% from "ops_strip.html" import ops_strip %}{{ ops_strip(strip) }}`` shows them."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import web

from monitor import human
from monitor.alerts.safe_text import link_url
from monitor.db.session import unit_of_work
from monitor.desk import ops
from monitor.errors import UsageError
from monitor.web.desk import Desk, desk_of
from monitor.web.render import render

routes = web.RouteTableDef()
TIMES: dict[str, Any] = {"moment": human.moment, "until": human.until, "duration": human.duration,
         "link_url": link_url, "one_line": human.one_line}


def _strip(desk: Desk) -> ops.OpsStrip:
    with unit_of_work(desk.engine) as s:
        return ops.ops_strip(s, desk.clock())


async def strip(request: web.Request) -> ops.OpsStrip:
    """The ops strip's values for any desk page (three small queries, in a thread)."""
    return await asyncio.to_thread(_strip, desk_of(request))


def _page(desk: Desk) -> ops.OpsPage:
    with unit_of_work(desk.engine) as s:
        return ops.ops_page(s, desk.clock())


@routes.get("/ops")
async def ops_view(request: web.Request) -> web.Response:
    desk = desk_of(request)
    page = await asyncio.to_thread(_page, desk)
    return render(request, "ops.html", page=page, strip=page.strip, now=desk.clock(),
                  done=request.query.get("done", ""), error=request.query.get("error", ""),
                  **TIMES)


@routes.post("/ops/alerts/{alert_id:\\d+}/retry")
async def retry(request: web.Request) -> web.Response:
    desk = desk_of(request)
    alert_id = int(request.match_info["alert_id"])
    try:
        await asyncio.to_thread(ops.retry_failed, desk.config, alert_id)
    except UsageError as exc:
        raise web.HTTPSeeOther("/ops?error=" + quote(str(exc), safe="")) from None
    raise web.HTTPSeeOther(f"/ops?done={alert_id}")
