"""Templates rendered with autoescaping on (article text is untrusted), one Jinja2 environment
per desk application, with the request's user and CSRF token in every template."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from monitor.web.desk import CSRF_TOKEN, USER

TEMPLATES = web.AppKey("templates", jinja2.Environment)


def make_environment() -> jinja2.Environment:
    """The desk's Jinja2 environment: the package's templates, autoescaped, strict."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("monitor.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def csrf_field(token: str) -> Markup:
    """The hidden input every form carries (``auth`` refuses a POST without it)."""
    return Markup('<input type="hidden" name="csrf" value="{}">').format(escape(token))


def render(request: web.Request, template: str, *, status: int = 200,
           **context: Any) -> web.Response:
    """``template`` rendered with ``context`` plus ``user``, ``csrf_token``, ``csrf_field()``
    and ``request`` (path and query of the page)."""
    env = request.app[TEMPLATES]
    token = request.get(CSRF_TOKEN, "")
    page = env.get_template(template).render(
        user=request.get(USER), csrf_token=token, csrf_field=lambda: csrf_field(token),
        request=request, **context)
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
