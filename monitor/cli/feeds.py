"""The ``feeds`` commands: health listing, OPML import and export."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.base import api, cli, load, print_json, runtime_errors


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
@runtime_errors
def feeds(ctx: click.Context, as_json: bool) -> None:
    """Each feed's health: status, errors, entries per week, next check (or a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = api.feeds_health(load(ctx))
    if as_json:
        print_json(rows)
        return
    click.echo(f"{'FEED':<28} {'STATUS':>6} {'ERR':>4} {'/WEEK':>6} {'ARTICLES':>8}  "
               f"{'NEXT CHECK':<16} ERROR")
    for r in rows:
        nxt = (r["next_check_at"] or "-")[:16].replace("T", " ")
        status = r["status"] if r["status"] is not None else "-"
        name = r["name"] if r["enabled"] else r["name"] + " (off)"
        per_week = f"{r['entries_per_week']:.0f}" if r["entries_per_week"] is not None else "-"
        problem = f"DEAD: {r['dead_reason']}" if r["dead_reason"] else (r["last_error"] or "")
        click.echo(f"{name[:28]:<28} {status!s:>6} {r['error_count']:>4} {per_week:>6} "
                   f"{r['articles']:>8}  {nxt:<16} {problem[:70]}")


@feeds.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-private", is_flag=True,
              help="the feeds may be on private addresses (LAN, loopback)")
@click.pass_context
@runtime_errors
def feeds_import(ctx: click.Context, opml_file: str, allow_private: bool) -> None:
    """Add the feeds of an OPML file (the database keeps them beside config.yaml's)."""
    added = api.import_opml(load(ctx), opml_file, allow_private=allow_private)
    click.echo(f"imported {len(added)} feeds" + (f": {', '.join(added)}" if added else ""))


@feeds.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@click.pass_context
@runtime_errors
def feeds_export(ctx: click.Context, output: str | None) -> None:
    """Write every enabled feed as OPML (to standard output by default)."""
    text = api.export_opml(load(ctx))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)
