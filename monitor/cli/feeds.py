"""The ``feeds`` commands: health listing, add (with feed discovery), remove, disable,
enable, poll one now, OPML import and export. Names that match no feed, feeds config.yaml
manages and URLs that cannot be feeds exit 2; a page offering feeds to pick from exits 1."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor.alerts.safe_text import squeeze
from monitor.cli.base import _lazy, api, cli, load, print_json, runtime_errors
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor import feeds_api as feeds_api
else:
    feeds_api = _lazy("monitor.feeds_api")

F = TypeVar("F", bound=Callable[..., Any])
JSON = click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")


def usage_errors(fn: F) -> F:
    """``UsageError`` (an unknown name, a config.yaml feed, a URL that cannot be a feed's):
    a one-line message and exit code 2."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    return wrapper  # type: ignore[return-value]


def shown(text: str, limit: int = 200) -> str:
    """Text from a feed, a page, an OPML file or a server's error as one terminal-safe line
    (no escapes, runs of whitespace collapsed), cut to ``limit``."""
    return squeeze(text)[:limit]


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
        nxt = (r["next_check_at"] or ("next poll" if r["last_checked_at"] is None else "-")
               )[:16].replace("T", " ")
        status = r["status"] if r["status"] is not None else "-"
        name = shown(r["name"]) + ("" if r["enabled"] else " (off)")
        per_week = f"{r['entries_per_week']:.0f}" if r["entries_per_week"] is not None else "-"
        problem = shown(f"DEAD: {r['dead_reason']}" if r["dead_reason"]
                        else r["last_error"] or "")
        click.echo(f"{name[:28]:<28} {status!s:>6} {r['error_count']:>4} {per_week:>6} "
                   f"{r['articles']:>8}  {nxt:<16} {problem[:70]}")


@feeds.command("add")
@click.argument("url")
@click.option("--name", default=None, help="the feed's name (default: from its title)")
@click.option("--tags", default="", help="comma-separated tags, e.g. world,russia")
@click.option("--pick", type=click.IntRange(min=1), default=None,
              help="the page names several feeds: add the N-th listed")
@click.option("--allow-private", is_flag=True,
              help="the feed may be on a private address (LAN, loopback)")
@JSON
@click.pass_context
@runtime_errors
@usage_errors
def feeds_add(ctx: click.Context, url: str, name: str | None, tags: str, pick: int | None,
              allow_private: bool, as_json: bool) -> None:
    """Add the feed at URL, after fetching and parsing it. Given a web page, list the feeds
    it names and exit 1 (re-run with the feed's URL or --pick N; on a terminal, asks)."""
    config = load(ctx)
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]

    def add(chosen: int | None) -> Any:
        return feeds_api.add_feed(config, url, name=name, tags=tag_list,
                                  allow_private=allow_private, pick=chosen)

    result = add(pick)
    if isinstance(result, feeds_api.Choices) and not as_json and _interactive():
        _show_choices(result)
        chosen = click.prompt("add which (0: none)", type=click.IntRange(0, len(result.links)))
        if chosen == 0:
            sys.exit(1)
        result = add(chosen)
    if isinstance(result, feeds_api.Choices):
        if as_json:
            print_json({"url": result.url, "guessed": result.guessed,
                        "feeds": [asdict(link) for link in result.links]})
        else:
            _show_choices(result)
        click.echo(f"error: {shown(url)} is a web page, not a feed: re-run with the feed's URL, or "
                   "with --pick N", err=True)
        sys.exit(1)
    if as_json:
        print_json(asdict(result))
        return
    title = f" ({shown(result.title)})" if result.title else ""
    name_ = shown(result.name)
    click.echo(f"added feed {name_}: {shown(result.url)}{title}, {result.entries} entries "
               f"now; polled at the next cycle, or now with `monitor feeds poll {name_}`")


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _show_choices(choices: Any) -> None:
    where = ("it names no feed; these common feed paths of its site answer with one"
             if choices.guessed else f"it names {len(choices.links)} feed(s)")
    click.echo(f"{shown(choices.url)} is a web page, not a feed; {where}:")
    for n, link in enumerate(choices.links, 1):
        title = f"  {shown(link.title, 80)}" if link.title else ""
        click.echo(f"  {n}. {shown(link.url)}  [{link.kind}]{title}")


@feeds.command("remove")
@click.argument("name")
@JSON
@click.pass_context
@runtime_errors
@usage_errors
def feeds_remove(ctx: click.Context, name: str, as_json: bool) -> None:
    """Delete an added or imported feed (its articles, hits and alerts stay). Feeds from
    config.yaml are removed there."""
    feeds_api.remove_feed(load(ctx), name)
    if as_json:
        print_json({"name": name, "removed": True})
    else:
        click.echo(f"removed feed {name!r}")


def _toggle(ctx: click.Context, name: str, enabled: bool, as_json: bool) -> None:
    said = feeds_api.set_enabled(load(ctx), name, enabled)
    if as_json:
        print_json({"name": name, "enabled": enabled, "message": said})
    else:
        click.echo(said)


@feeds.command("disable")
@click.argument("name")
@JSON
@click.pass_context
@runtime_errors
@usage_errors
def feeds_disable(ctx: click.Context, name: str, as_json: bool) -> None:
    """Stop polling an added or imported feed (kept, with its history)."""
    _toggle(ctx, name, False, as_json)


@feeds.command("enable")
@click.argument("name")
@JSON
@click.pass_context
@runtime_errors
@usage_errors
def feeds_enable(ctx: click.Context, name: str, as_json: bool) -> None:
    """Poll a disabled feed again (due at once; a dead feed is revived)."""
    _toggle(ctx, name, True, as_json)


@feeds.command("poll")
@click.argument("name")
@JSON
@click.pass_context
@runtime_errors
@usage_errors
def feeds_poll(ctx: click.Context, name: str, as_json: bool) -> None:
    """Poll one feed now, whatever its schedule, and say what it brought (exit 1 if the poll
    failed). Alerts it creates are sent by the daemon or `monitor alerts dispatch`."""
    o = feeds_api.poll_feed_now(load(ctx), name)
    if as_json:
        print_json(asdict(o))
    elif o.ok:
        click.echo(f"polled {shown(o.feed)}: HTTP {o.status}, {o.entries} entries, {o.new_entries} "
                   f"new, {o.articles} articles, {o.hits} hits, {o.alerts} alerts queued")
    else:
        click.echo(f"error: polling {shown(o.feed)} failed: {shown(o.error or '', 500)}"
                   + (f" (HTTP {o.status})" if o.status else ""), err=True)
    if not o.ok:
        sys.exit(1)


@feeds.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-private", is_flag=True,
              help="the feeds may be on private addresses (LAN, loopback)")
@JSON
@click.pass_context
@runtime_errors
def feeds_import(ctx: click.Context, opml_file: str, allow_private: bool,
                 as_json: bool) -> None:
    """Add the feeds of an OPML file (the database keeps them beside config.yaml's); says
    which were skipped and why."""
    report = feeds_api.import_opml(load(ctx), opml_file, allow_private=allow_private)
    if as_json:
        print_json(report.to_json())
        return
    added = report.added
    click.echo(f"imported {len(added)} feeds" + (f": {', '.join(added)}" if added else ""))
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)}:")
    for s in report.skipped:
        click.echo(f"  {shown(s.name, 60) or '(untitled)'}: {shown(s.url) or '-'}: "
                   f"{shown(s.reason, 300)}")


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
