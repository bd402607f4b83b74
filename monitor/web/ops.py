"""The ops page (``/ops``: feeds with their health, the outbox, a Retry button per failed
alert) and the ops strip every page shows: ``await strip(request)`` gives the values,
``{% from "ops_strip.html" import ops_strip %}{{ ops_strip(strip) }}`` shows them."""

from __future__ import annotations

import asyncio
from typing import Any

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


def _ops(request: web.Request, page: ops.OpsPage, *, done: str = "", error: str = "",
         status: int = 200) -> web.Response:
    return render(request, "ops.html", status=status, page=page, strip=page.strip,
                  now=desk_of(request).clock(), done=done, error=error, **TIMES)


@routes.get("/ops")
async def ops_view(request: web.Request) -> web.Response:
    """The ops page; ``?done=ID`` (digits only) says that alert was queued again. No message
    is read from the URL: a link could make one up."""
    done = request.query.get("done", "")
    page = await asyncio.to_thread(_page, desk_of(request))
    return _ops(request, page, done=done if done.isdigit() and len(done) < 19 else "")


@routes.post("/ops/alerts/{alert_id:\\d+}/retry")
async def retry(request: web.Request) -> web.Response:
    desk = desk_of(request)
    alert_id = int(request.match_info["alert_id"])
    try:
        await asyncio.to_thread(ops.retry_failed, desk.config, alert_id)
    except UsageError as exc:
        page = await asyncio.to_thread(_page, desk)
        return _ops(request, page, error=str(exc), status=409)
    raise web.HTTPSeeOther(f"/ops?done={alert_id}")
