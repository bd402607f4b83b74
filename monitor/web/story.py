"""The story page (``/stories/{id}``: evidence first, then the timeline, then the text) and
the marks' POST routes (mark a story or a hit, undo a mark): redirect back to the page
(post/redirect/get), or JSON when the page's script asks."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web
from markupsafe import Markup, escape

from monitor.db.session import unit_of_work
from monitor.desk.marks import REASONS, MarkView, StoryMarks, add_mark, story_marks, undo_mark
from monitor.desk.ops import OpsStrip
from monitor.desk.story import Segments, StoryDetail, StoryRules, story_detail
from monitor.errors import NotFoundError, UsageError
from monitor.human import moment
from monitor.web import ops
from monitor.web.desk import USER, Desk, desk_of
from monitor.web.render import render

routes = web.RouteTableDef()
RULES = web.AppKey("story_rules", StoryRules)  # built once per app (make_desk_app)


def highlight(segments: Segments) -> Markup:
    """Escaped text with the marked pieces in ``<mark>`` (each piece escaped on its own)."""
    return Markup("").join(Markup("<mark>{}</mark>").format(piece) if marked else escape(piece)
                           for piece, marked in segments)


def when(at: datetime | None) -> str:
    return moment(at) if at else "—"


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "") \
        or "X-Requested-With" in request.headers


def _story_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 18:
        raise NotFoundError("story", raw, [])
    return int(raw)


def _load(desk: Desk, rules: StoryRules, story_id: int) -> tuple[StoryDetail, StoryMarks]:
    with unit_of_work(desk.engine) as s:
        return (story_detail(s, story_id, desk.config, rules.engine()),
                story_marks(s, story_id))


def _not_found(request: web.Request, what: str, strip: OpsStrip | None = None
               ) -> web.Response:
    if wants_json(request):
        return web.json_response({"error": f"no {what}"}, status=404)
    return render(request, "story_404.html", status=404, what=what, strip=strip)


@routes.get("/stories/{id}")
async def story_page(request: web.Request) -> web.Response:
    try:
        story_id = _story_id(request)
        detail, marks = await asyncio.to_thread(_load, desk_of(request), request.app[RULES],
                                                story_id)
    except NotFoundError:
        return _not_found(request, f"story {request.match_info['id']}",
                          await ops.strip(request))
    return render(request, "story.html", story=detail, marks=marks, reasons=REASONS,
                  strip=await ops.strip(request),
                  highlight=highlight, when=when, hit_ids={r.hit_id for r in detail.rules})


def _mark(desk: Desk, story_id: int, user: str, form: dict[str, str]
          ) -> tuple[MarkView, StoryMarks]:
    hit = form.get("hit", "")
    if hit and not hit.isdigit():
        raise UsageError(f"not a hit id: {hit!r}")
    with unit_of_work(desk.engine) as s:
        mark = add_mark(s, story_id, form.get("kind", ""), user, desk.clock(),
                        hit_id=int(hit) if hit else None, reason=form.get("reason"),
                        note=form.get("note"))
        return mark, story_marks(s, story_id)


def _undo(desk: Desk, mark_id: int, user: str) -> tuple[MarkView, StoryMarks]:
    with unit_of_work(desk.engine) as s:
        mark = undo_mark(s, mark_id, user, desk.clock())
        return mark, story_marks(s, mark.story_id)


def _answer(request: web.Request, mark: MarkView, marks: StoryMarks) -> web.Response:
    if wants_json(request):
        return web.json_response({"mark": mark.as_json(), "story": marks.as_json()})
    raise web.HTTPSeeOther(f"/stories/{mark.story_id}#marks")


def _refused(request: web.Request, message: str) -> web.Response:
    if wants_json(request):
        return web.json_response({"error": message}, status=400)
    return web.Response(text=message, status=400)


@routes.post("/stories/{id}/marks")
async def post_mark(request: web.Request) -> web.Response:
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    try:
        story_id = _story_id(request)
        mark, marks = await asyncio.to_thread(_mark, desk_of(request), story_id,
                                              request[USER], form)
    except NotFoundError as exc:
        return _not_found(request, f"{exc.what} {exc.given}")
    except UsageError as exc:
        return _refused(request, str(exc))
    return _answer(request, mark, marks)


@routes.post("/marks/{id}/undo")
async def post_undo(request: web.Request) -> web.Response:
    raw = request.match_info["id"]
    try:
        if not raw.isdigit() or len(raw) > 18:
            raise NotFoundError("mark", raw, [])
        mark, marks = await asyncio.to_thread(_undo, desk_of(request), int(raw),
                                              request[USER])
    except NotFoundError as exc:
        return _not_found(request, f"{exc.what} {exc.given}")
    return _answer(request, mark, marks)
