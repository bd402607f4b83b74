"""The ``story`` command: one story's timeline (articles, outlets, alerts and follow-ups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from monitor.alerts.safe_text import one_line
from monitor.cli.base import cli, load, print_json, runtime_errors
from monitor.cli.hits import when

if TYPE_CHECKING:
    from monitor.story_api import AlertStep, StoryTimeline


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def step_line(step: AlertStep) -> str:
    """One alert of the timeline: which it is, where it went, what became of it."""
    what = (f"follow-up #{step.id} of alert #{step.parent_id}" if step.kind == "followup"
            else f"alert #{step.id}")
    head = f"{what} [{one_line(step.rule)}] → {one_line(step.channel)}:"
    tries = _plural(step.attempts, "attempt")
    error = f"; last error: {one_line(step.last_error)[:200]}" if step.last_error else ""
    if step.status == "sent":
        return f"{head} sent {when(step.sent_at)} ({tries})"
    if step.status == "folded":
        return f"{head} folded (kept, not sent: the channel cannot show a follow-up on its own)"
    if step.status == "failed":
        return f"{head} failed after {tries}{error}"
    return f"{head} {one_line(step.status)}, next attempt {when(step.next_attempt_at)} " \
           f"({tries} so far){error}"


def timeline_lines(story: StoryTimeline) -> list[str]:
    alerts = sum(len(a.alerts) for a in story.articles)
    lines = [f"story #{story.id}: {one_line(story.title)}",
             f"first seen {when(story.created_at)} · {_plural(len(story.articles), 'article')}"
             f" · {_plural(alerts, 'alert')}"]
    for n, art in enumerate(story.articles, 1):
        outlet = ", ".join(one_line(f) for f in art.feeds) or one_line(art.site) or "-"
        lines += ["", f"{n}. {outlet} · published {when(art.published_at)} · found "
                  f"{when(art.found_at)}",
                  f"   {one_line(art.title)}", f"   {one_line(art.url)}",
                  f"   rules: {', '.join(one_line(r) for r in art.rules) or 'none matched'}"]
        lines += [f"   {step_line(step)}" for step in art.alerts]
    return lines


@cli.command()
@click.argument("story_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@runtime_errors
def story(ctx: click.Context, story_id: int, as_json: bool) -> None:
    """A story's timeline: every article (outlet, published and found), every alert (channel,
    status, sent, attempts) and which were follow-ups. `monitor hits` shows story ids."""
    from monitor import story_api

    timeline = story_api.story_timeline(load(ctx), story_id)
    if as_json:
        print_json(timeline.as_json())
        return
    click.echo("\n".join(timeline_lines(timeline)))
