"""The desk's story list at ``/`` (facets with counts, the query box, the time range, keyset
pages; the state in the URL) and its JSON at ``/api/stories``. Thin: parse the URL, call
``monitor.desk.stories`` in a worker thread, render."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from monitor.db.session import unit_of_work
from monitor.desk.filters import Cursor, FilterError, StoryFilter, from_query, to_query
from monitor.desk.saved import Saved, list_saved
from monitor.desk.stories import FacetCounts, StoryPage, facet_counts, list_stories
from monitor.desk.textquery import QueryTools
from monitor.errors import RuleError
from monitor.rules.user_entities import catalogue_for
from monitor.web import ops
from monitor.web.desk import Desk, desk_of
from monitor.web.render import render

routes = web.RouteTableDef()
TOOLS = web.AppKey("story_query_tools", QueryTools)
PAGE_SIZE = 50  # stories per page unless ``?limit=`` (1 to MAX_PAGE) says otherwise
MAX_PAGE = 200
SPANS = (("24h", "last 24 hours"), ("7d", "last 7 days"), ("30d", "last 30 days"),
         ("", "all time"))
FACETS = (("review", "Review"), ("rule", "Rule"), ("country", "About"), ("entity", "Entity"),
          ("outlet", "Outlet"), ("tag", "Tag"), ("lang", "Language"))
FACET_SHOWN = 12  # values per facet on the page


def query_tools(desk: Desk) -> QueryTools:
    """The catalogue the desk's queries compile against (loaded on first use)."""
    return QueryTools(lambda: catalogue_for(desk.config))


def tools_of(request: web.Request) -> QueryTools:
    tools = request.app.get(TOOLS)
    return tools if tools is not None else query_tools(desk_of(request))


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    href: str  # the list with the value added, or removed when active
    active: bool


def _href(flt: StoryFilter) -> str:
    query = to_query(flt)
    return "/?" + query if query else "/"


def facet_links(flt: StoryFilter, counts: FacetCounts) -> list[tuple[str, list[FacetLink]]]:
    """Per facet, its values with counts, each a link that adds it (or removes it)."""
    out = []
    for facet, title in FACETS:
        values: tuple[tuple[str, int], ...] = getattr(counts, facet)
        links = []
        for value, count in values[:FACET_SHOWN]:
            active = flt.has(facet, value)
            label = counts.entity_names.get(value, value) if facet == "entity" else value
            links.append(FacetLink(value, label.replace("_", " "), count, _href(
                flt.removing(facet, value) if active else flt.adding(facet, value)), active))
        shown = {link.value for link in links}
        for value in _active_values(flt, facet):  # a chosen value with no story left
            if value not in shown:
                links.append(FacetLink(value, value, 0, _href(flt.removing(facet, value)), True))
        if links:
            out.append((title, links))
    return out


def _active_values(flt: StoryFilter, facet: str) -> tuple[str, ...]:
    if facet == "review":
        return (flt.review,) if flt.review else ()
    values: tuple[str, ...] = getattr(flt, facet)
    return values


@dataclass(frozen=True)
class Listing:
    page: StoryPage
    facets: FacetCounts | None
    saved: list[Saved]


def _load(desk: Desk, tools: QueryTools, ask: ListRequest, with_facets: bool) -> Listing:
    now = desk.clock()
    flt = ask.flt
    with unit_of_work(desk.engine) as s:
        page = list_stories(s, flt, after=ask.after, limit=ask.limit, now=now, tools=tools)
        facets = facet_counts(s, flt, now=now, tools=tools) if with_facets else None
        saved = list_saved(s) if with_facets else []
    return Listing(page, facets, saved)


@dataclass(frozen=True)
class ListRequest:
    """What a list URL asks: the filter, where the page starts, how many rows."""

    flt: StoryFilter
    after: Cursor | None
    limit: int


def parse(request: web.Request) -> ListRequest:
    """The filter, cursor and page size of the request's URL (``FilterError`` when they do
    not parse)."""
    flt = from_query(request.query_string)
    after = request.query.get("after")
    raw = request.query.get("limit", "")
    if raw and not (raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        raise FilterError(f"limit={raw[:20]!r} is not a page size: 1 to {MAX_PAGE}")
    return ListRequest(flt, Cursor.decode(after) if after else None,
                       int(raw) if raw else PAGE_SIZE)


def next_href(ask: ListRequest, page: StoryPage, path: str = "/") -> str | None:
    """The next page's URL: the same filter and size, after the page's last story."""
    if page.next is None:
        return None
    query = to_query(ask.flt)
    size = f"limit={ask.limit}&" if ask.limit != PAGE_SIZE else ""
    return path + "?" + (query + "&" if query else "") + size + "after=" + page.next.encode()


@routes.get("/")
async def story_list(request: web.Request) -> web.Response:
    desk = desk_of(request)
    strip = await ops.strip(request)
    shown = StoryFilter(q=request.query.get("q", ""))  # what the form keeps on an error
    try:
        ask = parse(request)
        shown = ask.flt
        listing = await asyncio.to_thread(_load, desk, tools_of(request), ask, True)
    except (FilterError, RuleError) as exc:
        return render(request, "stories.html", status=400, error=str(exc), strip=strip,
                      flt=shown,
                      rows=(), facets=[], next_url=None, spans=SPANS, since_value="",
                      scan=None, counts=None, saved=[], params="", facet_note="")
    counts, flt = listing.facets, ask.flt
    assert counts is not None
    since = flt.since
    return render(
        request, "stories.html", error="", strip=strip, flt=flt, rows=listing.page.rows,
        facets=facet_links(flt, counts), next_url=next_href(ask, listing.page), spans=SPANS,
        since_value=to_query(StoryFilter(since=since)).removeprefix("since=") if since else "",
        scan=listing.page.scan, counts=counts, saved=listing.saved, params=to_query(flt),
        facet_note=(f"counts over the newest {counts.stories:,} stories" if counts.capped
                    else ""))


def page_json(ask: ListRequest, page: StoryPage) -> dict[str, Any]:
    scan = page.scan
    return {"stories": [r.as_json() for r in page.rows],
            "next": page.next.encode() if page.next else None,
            "next_url": next_href(ask, page, "/api/stories"),
            "query_scan": None if scan is None else {
                "scanned": scan.scanned, "limit": scan.limit, "truncated": scan.truncated}}


@routes.get("/api/stories")
async def stories_json(request: web.Request) -> web.Response:
    desk = desk_of(request)
    try:
        ask = parse(request)
        listing = await asyncio.to_thread(_load, desk, tools_of(request), ask, False)
    except (FilterError, RuleError) as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(page_json(ask, listing.page))
