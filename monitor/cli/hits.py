"""The ``hits`` command: recent hits with their evidence."""

from __future__ import annotations

from datetime import timedelta

import click

from monitor.cli.base import api, cli, duration, load, print_json, runtime_errors


@cli.command()
@click.option("--since", callback=duration, default=None, help="e.g. 24h, 7d")
@click.option("--rule", default=None, help="Only this rule's hits.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def hits(ctx: click.Context, since: timedelta | None, rule: str | None, as_json: bool) -> None:
    """Recent hits with their evidence."""
    rows = api.recent_hits(load(ctx), since, rule)
    if as_json:
        print_json(rows)
        return
    for h in rows:
        about = ", ".join(h["evidence"].get("about", []))
        click.echo(f"#{h['id']} {h['created_at'][:16]} [{h['rule']}] {h['title']}")
        click.echo(f"    {h['url']}  ({about}; score {h['score']:g})")
    if not rows:
        click.echo("no hits")
