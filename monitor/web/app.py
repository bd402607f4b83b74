"""The desk's aiohttp application: middlewares (security headers, authentication), the pages'
routes, the static files. Each page module exposes ``routes`` (an ``aiohttp`` RouteTableDef);
a new page is a new module added to ``PAGES``."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from monitor.desk.story import StoryRules
from monitor.web import auth, ops, saved, stories, story, workbench
from monitor.web.desk import DESK, Desk
from monitor.web.render import TEMPLATES, make_environment

STATIC = Path(__file__).with_name("static")
PAGES: tuple[web.RouteTableDef, ...] = (auth.routes, stories.routes, saved.routes, story.routes,
                                        ops.routes, workbench.routes)


def make_desk_app(desk: Desk) -> web.Application:
    """The desk as an aiohttp application (mount it, or run it with ``web.AppRunner``)."""
    app = web.Application(middlewares=[auth.security_headers, auth.authenticate],
                          client_max_size=1024 * 1024)
    app[DESK] = desk
    app[TEMPLATES] = make_environment()
    app[stories.TOOLS] = tools = stories.query_tools(desk)  # the catalogue, loaded once
    app[story.RULES] = StoryRules(desk.config, tools.catalogue)  # the rules, built once
    for page in PAGES:
        app.add_routes(page)
    app.router.add_static("/static/", STATIC, append_version=True)
    return app
