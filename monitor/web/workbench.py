"""The rule workbench page (``/workbench``): edit a rule, run it against the current one over
recent stored articles, save it to the stored rules, enable or disable stored rules. Thin: the
work is ``monitor.desk.workbench``'s, run off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from monitor.alerts.safe_text import link_url
from monitor.db import stored_rules
from monitor.db.session import unit_of_work
from monitor.desk import workbench
from monitor.desk.textquery import QueryTools
from monitor.desk.workbench import Bounds, RuleForm
from monitor.errors import ConfigError, NotFoundError
from monitor.web import ops
from monitor.web.desk import USER, Desk, desk_of
from monitor.web.render import render
from monitor.web.stories import tools_of

routes = web.RouteTableDef()
FIELDS = ("name", "query", "exclude", "at_least", "min_salience", "languages", "feeds", "tags",
          "severity")
MAX_ARTICLES_CAP = 20000  # what a page may ask for at most


def form_of(data: MultiMapping[Any]) -> RuleForm | None:
    """The rule form sent in a query string or a POST body (None when it holds none)."""
    if "name" not in data:
        return None
    value = {k: str(data.get(k, "")) for k in FIELDS}
    return RuleForm(name=value["name"], query=value["query"], exclude=value["exclude"],
                    countries_at_least=value["at_least"],
                    countries_of=tuple(str(c) for c in data.getall("of", [])),
                    min_salience=value["min_salience"], languages=value["languages"],
                    feeds=value["feeds"], tags=value["tags"],
                    severity=value["severity"] or "medium")


def bounds_of(data: Mapping[str, str]) -> Bounds:
    """The run's bounds from ``days`` and ``max`` (defaults when absent or not numbers)."""
    def number(key: str, default: int, top: int) -> int:
        try:
            return max(1, min(int(data.get(key, default)), top))
        except ValueError:
            return default
    return Bounds(days=number("days", workbench.DEFAULT_DAYS, workbench.MAX_DAYS),
                  max_articles=number("max", workbench.DEFAULT_MAX_ARTICLES, MAX_ARTICLES_CAP))


def form_query(form: RuleForm, bounds: Bounds) -> str:
    """The URL query string of a run of ``form`` (the page's state in its URL)."""
    pairs: list[tuple[str, str]] = [
        ("name", form.name), ("query", form.query), ("exclude", form.exclude),
        ("at_least", form.countries_at_least), *[("of", c) for c in form.countries_of],
        ("min_salience", form.min_salience), ("languages", form.languages),
        ("feeds", form.feeds), ("tags", form.tags), ("severity", form.severity),
        ("days", str(bounds.days)), ("max", str(bounds.max_articles)), ("run", "1")]
    return urlencode(pairs)


def _open(desk: Desk, tools: QueryTools, form: RuleForm | None, start: str | None, run: bool,
          bounds: Bounds) -> workbench.WorkbenchPage:
    with unit_of_work(desk.engine) as s:
        return workbench.open_page(s, desk.config, form, start, run, desk.clock(), bounds,
                                   tools.catalogue() if run else None)


async def _page(request: web.Request, page: workbench.WorkbenchPage, status: int = 200,
                new_rule: str | None = None, **extra: Any) -> web.Response:
    return render(request, "workbench.html", status=status, page=page, link_url=link_url,
                  new_rule=new_rule, strip=await ops.strip(request),
                  run_url="/workbench?" + form_query(page.form, page.bounds),
                  saved=request.query.get("saved"), **extra)


@routes.get("/workbench")
async def workbench_page(request: web.Request) -> web.Response:
    desk = desk_of(request)
    query = request.query
    bounds = bounds_of(query)
    start = query.get("rule")
    page = await asyncio.to_thread(_open, desk, tools_of(request), form_of(query), start,
                                   "run" in query, bounds)
    known = {*page.config_rules, *(r.name for r in page.stored)}
    return await _page(request, page, status=400 if page.errors else 200,
                       new_rule=start if start and start not in known else None)


def _save(desk: Desk, tools: QueryTools, form: RuleForm, user: str, bounds: Bounds
          ) -> tuple[str | None, workbench.WorkbenchPage | None]:
    """(the saved rule's name, None), or (None, the page with the problems)."""
    try:
        with unit_of_work(desk.engine) as s:
            saved = workbench.save(s, desk.config, form, user, desk.clock(), tools.catalogue())
            return saved.name, None
    except ConfigError as exc:
        with unit_of_work(desk.engine) as s:
            page = workbench.open_page(s, desk.config, form, None, False, desk.clock(), bounds)
        return None, workbench.WorkbenchPage(
            form=page.form, errors=tuple(exc.problems), stored=page.stored,
            config_rules=page.config_rules, bounds=bounds)


@routes.post("/workbench/save")
async def save_rule(request: web.Request) -> web.Response:
    desk = desk_of(request)
    data = await request.post()
    form = form_of(data) or RuleForm()
    bounds = bounds_of({k: str(v) for k, v in data.items() if k in ("days", "max")})
    name, page = await asyncio.to_thread(_save, desk, tools_of(request), form, request[USER],
                                         bounds)
    if page is not None:
        return await _page(request, page, status=400)
    raise web.HTTPSeeOther("/workbench?" + urlencode({"rule": name, "saved": name}))


def _enable(desk: Desk, name: str, enabled: bool, user: str) -> None:
    with unit_of_work(desk.engine) as s:
        stored_rules.set_enabled(s, name, enabled, user, desk.clock())


@routes.post("/workbench/rules/{name}/{action:enable|disable}")
async def enable_rule(request: web.Request) -> web.Response:
    desk = desk_of(request)
    name = request.match_info["name"]
    try:
        await asyncio.to_thread(_enable, desk, name, request.match_info["action"] == "enable",
                                request[USER])
    except NotFoundError:
        raise web.HTTPNotFound(text=f"no stored rule is named {name!r}") from None
    raise web.HTTPSeeOther("/workbench")
