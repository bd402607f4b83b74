"""The ``hits`` command: recent hits with their outlet, dates, countries and evidence."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from monitor.alerts.safe_text import one_line
from monitor.cli.base import cli, duration, load, print_json, runtime_errors
from monitor.human import moment

if TYPE_CHECKING:
    from monitor.hits_api import HitRow


def _country(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise click.BadParameter(f"{value!r} is not a two-letter country code (e.g. RU, CN, US)")
    return value.upper()


def when(value: datetime | None) -> str:
    """``2026-12-02 14:05 UTC`` (``human.moment``), or ``undated``."""
    return moment(value) if value else "undated"


def hit_lines(row: HitRow) -> list[str]:
    """What the terminal shows of a hit; every text from outside made one line."""
    from monitor.rules.evidence import marked

    outlet = ", ".join(one_line(f) for f in row.feeds) or one_line(row.site) or "-"
    story = f" · story #{row.story_id}" if row.story_id is not None else ""
    lines = [f"#{row.id} [{one_line(row.rule)}] {one_line(row.title)}",
             f"    {outlet} · published {when(row.published_at)} · found {when(row.found_at)}"
             f"{story}",
             f"    about: {', '.join(one_line(c) for c in row.about) or '-'} · "
             f"score {row.score:g} · {one_line(row.severity)}",
             f"    why: {one_line(row.why)}"]
    if row.snippet is not None:
        snippet = replace(row.snippet, text=one_line(row.snippet.text))  # spans stay valid
        lines.append(f"    > {marked(snippet, '[', ']')}")
    lines.append(f"    {one_line(row.url)}")
    return lines


@cli.command()
@click.option("--since", callback=duration, default=None, help="e.g. 24h, 7d")
@click.option("--rule", default=None, help="Only this rule's hits.")
@click.option("--feed", default=None, help="Only articles this feed carried.")
@click.option("--country", callback=_country, default=None,
              help="Only stories about this country (ISO code, e.g. RU).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most this many (the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
@runtime_errors
def hits(ctx: click.Context, since: timedelta | None, rule: str | None, feed: str | None,
         country: str | None, limit: int, as_json: bool) -> None:
    """Recent hits, newest first: outlet, published and found times, countries, evidence."""
    from monitor import hits_api
    from monitor.clock import utcnow

    query = hits_api.HitQuery(since=since, rule=rule, feed=feed, country=country, limit=limit)
    rows = hits_api.find_hits(load(ctx), query, utcnow())
    if as_json:
        print_json([r.as_json() for r in rows])
        return
    for row in rows:
        click.echo("\n".join(hit_lines(row)))
    if not rows:
        click.echo("no hits")
    elif len(rows) == limit:
        click.echo(f"(the latest {limit}; --limit N shows more)")
