"""Commands that run the pipeline or look after it: run, poll, check-config, status, demo, db."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from monitor import poll_report
from monitor.cli.base import (
    api,
    cli,
    config_error_exit,
    load,
    print_json,
    runtime_errors,
    setup_logs,
)
from monitor.cli.progress import TerminalProgress
from monitor.errors import ConfigError
from monitor.status_text import status_lines


@cli.command()
@click.pass_context
@runtime_errors
def run(ctx: click.Context) -> None:
    """Run the daemon (upgrades the database first when database.auto_upgrade is on); with
    server.enabled and server.ui it serves the desk beside /healthz and /metrics."""
    config = load(ctx)
    ui = None
    if config.server.enabled and config.server.ui:
        from monitor.web.serve import desk_factory

        ui = desk_factory(config)
    api.run_daemon(config, ui=ui)


@cli.command()
@click.option("--once", is_flag=True, required=True,
              help="Poll every due feed once, deliver due alerts, exit.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as one JSON object (console alerts go to stderr).")
@click.pass_context
@runtime_errors
def poll(ctx: click.Context, once: bool, as_json: bool) -> None:
    """Run one poll cycle, then dispatch pending alerts. Exit 1 when a feed failed or an
    alert failed for good. On a terminal a progress line replaces the log (see --verbose)."""
    config = load(ctx)
    terminal = sys.stderr.isatty()
    setup_logs(ctx, config, quiet="ERROR" if terminal else "WARNING")
    progress = TerminalProgress(sys.stderr) if terminal and not ctx.obj["verbose"] else None
    try:
        report = api.poll_once(config, out=sys.stderr if as_json else None, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
    c, d = report.cycle, report.dispatch
    if as_json:
        print_json(poll_report.summary_json(c, d, report.next_due))
    else:
        for line in poll_report.summary_lines(c, d, report.next_due,
                                              report.at or datetime.now(UTC)):
            click.echo(line, err=True)
    ctx.exit(0 if poll_report.succeeded(c, d) else 1)


@cli.command("check-config")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as one JSON object.")
@click.pass_context
def check_config(ctx: click.Context, as_json: bool) -> None:
    """Validate the config (and rules' feeds and tags against the feeds in the database,
    when it can be read): prints OK, or every problem with its key path (exit 2)."""
    from monitor.config_api import check

    cfg = load(ctx, as_json=as_json)
    try:
        r = check(cfg)
    except ConfigError as exc:
        config_error_exit(ctx, exc, as_json)
    if as_json:
        print_json({"ok": True, "feeds": r.feeds, "imported_feeds": r.imported_feeds,
                    "rules": r.rules, "database_note": r.database_note,
                    "channels": [{"name": c.name, "type": c.type} for c in cfg.alerts.enabled]})
        return
    imported = f" (+{r.imported_feeds} imported)" if r.imported_feeds else ""
    click.echo(f"OK: {r.feeds} feeds{imported}, {r.rules} rules, channels: "
               f"{', '.join(r.channels) or 'none'}")


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_context
@runtime_errors
def db_upgrade(ctx: click.Context) -> None:
    """Apply pending migrations."""
    rev = api.upgrade_database(load(ctx))
    click.echo(f"database at revision {rev}")


@db.command("prune")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.pass_context
@runtime_errors
def db_prune(ctx: click.Context, as_json: bool) -> None:
    """Drop article text older than retention.article_text_days (hits and alerts stay)."""
    config = load(ctx)
    n = api.prune(config)
    if as_json:
        print_json({"pruned_articles": n,
                    "older_than_days": config.retention.article_text_days})
        return
    click.echo(f"pruned the text of {n} article(s) older than "
               f"{config.retention.article_text_days} days")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
@click.pass_context
@runtime_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """One screen: feed health, the latest hits, the outbox and the database size."""
    now = datetime.now(UTC)
    s = api.status(load(ctx), now)
    if as_json:
        print_json(s)
        return
    for line in status_lines(s, now):
        click.echo(line)


@cli.command()
@click.option("--keep", is_flag=True, help="Keep serving after the cycle (Ctrl-C to stop).")
@runtime_errors
def demo(keep: bool) -> None:
    """Serve the bundled demo feed on 127.0.0.1, run one cycle, print hits with evidence."""
    from monitor.demo import run_demo

    run_demo(sys.stdout, keep_serving=keep)
