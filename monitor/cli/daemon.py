"""Commands that run the pipeline or look after it: run, poll, check-config, status, demo, db."""

from __future__ import annotations

import sys

import click

from monitor import logs
from monitor.cli.base import api, cli, load, runtime_errors
from monitor.errors import ConfigError


@cli.command()
@click.pass_context
@runtime_errors
def run(ctx: click.Context) -> None:
    """Run the daemon (upgrades the database first when database.auto_upgrade is on)."""
    config = load(ctx)
    source = ctx.find_root().get_parameter_source("log_level")
    level = config.logging.level if source == click.core.ParameterSource.DEFAULT \
        else ctx.obj["log_level"]
    logs.setup(level, config.logging.format)
    api.run_daemon(config)


@cli.command()
@click.option("--once", is_flag=True, required=True,
              help="Poll every due feed once, deliver due alerts, exit.")
@click.pass_context
@runtime_errors
def poll(ctx: click.Context, once: bool) -> None:
    """Run one poll cycle, then dispatch pending alerts."""
    report = api.poll_once(load(ctx))
    c, d = report.cycle, report.dispatch
    click.echo(f"polled {c.polled} feeds ({c.failed} failed): {c.total('new_entries')} new "
               f"entries, {c.total('articles')} articles, {c.total('hits')} hits; alerts sent "
               f"{d.sent}, retrying {d.retrying}, failed {d.failed}", err=True)


@cli.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config (and rules' feeds and tags against the feeds in the database,
    when it can be read): prints OK, or every problem with its key path (exit 2)."""
    from monitor.config_api import check

    try:
        r = check(load(ctx))
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
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
@click.pass_context
@runtime_errors
def db_prune(ctx: click.Context) -> None:
    """Drop article text older than retention.article_text_days (hits and alerts stay)."""
    n = api.prune(load(ctx))
    click.echo(f"pruned the text of {n} article(s)")


@cli.command()
@click.pass_context
@runtime_errors
def status(ctx: click.Context) -> None:
    """One screen: feed health, the latest hits, the outbox and the database size."""
    s = api.status(load(ctx))
    feeds = s["feeds"]
    click.echo(f"feeds: {feeds['total']} ({feeds['enabled']} enabled), {feeds['in_error']} in "
               f"error, {feeds['dead']} dead; last successful poll {feeds['last_success'] or '-'}")
    for f in feeds["worst"]:
        click.echo(f"  ! {f['name']}: {f['dead_reason'] or f['last_error']} "
                   f"(errors: {f['error_count']})")
    click.echo(f"articles: {s['articles']}; stories: {s['stories']}; hits (24h): "
               f"{s['hits_24h']}")
    for h in s["latest_hits"]:
        click.echo(f"  #{h['id']} {h['created_at'][:16]} [{h['rule']}] {h['title'][:80]}")
    outbox = ", ".join(f"{k} {v}" for k, v in sorted(s["outbox"].items())) or "empty"
    click.echo(f"outbox: {outbox}")
    size = s["database_bytes"]
    click.echo(f"database: {s['database']} ({size / 1e6:.1f} MB)" if size is not None
               else f"database: {s['database']}")


@cli.command()
@click.option("--keep", is_flag=True, help="Keep serving after the cycle (Ctrl-C to stop).")
@runtime_errors
def demo(keep: bool) -> None:
    """Serve the bundled demo feed on 127.0.0.1, run one cycle, print hits with evidence."""
    from monitor.demo import run_demo

    run_demo(sys.stdout, keep_serving=keep)
