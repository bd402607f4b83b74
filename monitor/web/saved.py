"""Saved searches on the desk: save the current list's query string by name (POST, CSRF),
delete one, and read each as an Atom feed (``/saved/NAME.atom``) or JSON (``/api/saved/NAME``).

A feed reader often cannot send a header: ``/saved/NAME.atom`` (and only it) also takes the
user's API token as ``?token=`` (see ``auth.query_token``); pages never show a token."""

from __future__ import annotations

import asyncio

from aiohttp import web

from monitor.db.session import unit_of_work
from monitor.desk.filters import FilterError, from_query, to_query
from monitor.desk.saved import (
    FeedHit,
    Saved,
    delete_saved,
    get_saved,
    list_saved,
    save_search,
    saved_hits,
)
from monitor.errors import NotFoundError, RuleError, UsageError
from monitor.web.atom import atom_feed
from monitor.web.desk import USER, Desk, desk_of
from monitor.web.stories import tools_of

routes = web.RouteTableDef()


def _save(request: web.Request, name: str, params: str) -> Saved:
    desk = desk_of(request)
    with unit_of_work(desk.engine) as s:
        return save_search(s, name, params, request[USER], desk.clock(), tools_of(request))


@routes.post("/saved")
async def save(request: web.Request) -> web.Response:
    form = await request.post()
    name, params = str(form.get("name", "")).strip(), str(form.get("params", ""))
    try:
        saved = await asyncio.to_thread(_save, request, name, params)
    except (UsageError, RuleError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    raise web.HTTPSeeOther("/?" + saved.params if saved.params else "/")


def _delete(desk: Desk, name: str) -> None:
    with unit_of_work(desk.engine) as s:
        delete_saved(s, name)


def _back(params: str) -> str:
    """The list a form was sent from (``params``: its query string), or ``/``."""
    try:
        query = to_query(from_query(params))
    except FilterError:
        return "/"
    return "/?" + query if query else "/"


@routes.post("/saved/{name}/delete")
async def delete(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        await asyncio.to_thread(_delete, desk_of(request), request.match_info["name"])
    except NotFoundError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    raise web.HTTPSeeOther(_back(str(form.get("params", ""))))


def _hits(request: web.Request, name: str) -> tuple[Saved, list[FeedHit]]:
    desk = desk_of(request)
    tools = tools_of(request)
    with unit_of_work(desk.engine) as s:
        saved = get_saved(s, name)
        return saved, saved_hits(s, saved, now=desk.clock(), tools=tools)


async def _read(request: web.Request, name: str) -> tuple[Saved, list[FeedHit]]:
    try:
        return await asyncio.to_thread(_hits, request, name)
    except NotFoundError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    except (UsageError, RuleError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None


@routes.get("/saved/{name}.atom")
async def feed(request: web.Request) -> web.Response:
    saved, hits = await _read(request, request.match_info["name"])
    base = f"{request.scheme}://{request.host}"
    body = atom_feed(saved, hits, base, desk_of(request).clock())
    return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")


@routes.get("/api/saved")
async def saved_list(request: web.Request) -> web.Response:
    def load() -> list[Saved]:
        with unit_of_work(desk_of(request).engine) as s:
            return list_saved(s)

    return web.json_response([s.as_json() for s in await asyncio.to_thread(load)])


@routes.get("/api/saved/{name}")
async def saved_json(request: web.Request) -> web.Response:
    saved, hits = await _read(request, request.match_info["name"])
    return web.json_response({**saved.as_json(), "hits": [h.as_json() for h in hits]})
