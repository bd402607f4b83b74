"""The ``monitor`` command: parses arguments, loads the config once, calls one API function.

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor import logs
from monitor.config import Config, default_config_path, load_config, parse_duration
from monitor.errors import ConfigError, MonitorError

F = TypeVar("F", bound=Callable[..., Any])


def _lazy(name: str) -> ModuleType:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from monitor import api, rules_api
else:
    # Loaded on first use: the `monitor` script is also what spawned worker processes import,
    # and they need none of the application (measured: 40 MB a worker instead of 100).
    api = _lazy("monitor.api")
    rules_api = _lazy("monitor.rules_api")




def _config(ctx: click.Context) -> Config:
    """Load the config on first use; a config error exits 2 with every problem listed."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    if "config" not in obj:
        try:
            obj["config"] = load_config(obj["config_path"])
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
    config: Config = obj["config"]
    return config


def runtime_errors(fn: F) -> F:
    """Turn monitor's errors into a one-line message and exit code 1."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Config file (default: $MONITOR_CONFIG or ./config.yaml).")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, log_level: str) -> None:
    """monitor: polls news feeds and alerts on stories about Russia, China and the US."""
    ctx.ensure_object(dict)["config_path"] = config_path or default_config_path()
    ctx.obj["log_level"] = log_level
    logs.setup(log_level)


@cli.command()
@click.pass_context
@runtime_errors
def run(ctx: click.Context) -> None:
    """Run the daemon (upgrades the database first when database.auto_upgrade is on)."""
    config = _config(ctx)
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
    report = api.poll_once(_config(ctx))
    c, d = report.cycle, report.dispatch
    click.echo(f"polled {c.polled} feeds ({c.failed} failed): {c.total('new_entries')} new "
               f"entries, {c.total('articles')} articles, {c.total('hits')} hits; alerts sent "
               f"{d.sent}, retrying {d.retrying}, failed {d.failed}", err=True)


@cli.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config: prints OK, or every problem with its key path (exit 2)."""
    cfg = _config(ctx)
    enabled = ", ".join(f"{c.name} ({c.type})" for c in cfg.alerts.enabled) or "none"
    click.echo(f"OK: {len(cfg.feeds)} feeds, {len(cfg.rules)} rules, channels: {enabled}")


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_context
@runtime_errors
def db_upgrade(ctx: click.Context) -> None:
    """Apply pending migrations."""
    rev = api.upgrade_database(_config(ctx))
    click.echo(f"database at revision {rev}")


@db.command("prune")
@click.pass_context
@runtime_errors
def db_prune(ctx: click.Context) -> None:
    """Drop article text older than retention.article_text_days (hits and alerts stay)."""
    n = api.prune(_config(ctx))
    click.echo(f"pruned the text of {n} article(s)")


@cli.command()
@click.pass_context
@runtime_errors
def status(ctx: click.Context) -> None:
    """One screen: feed health, the latest hits, the outbox and the database size."""
    s = api.status(_config(ctx))
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


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
@runtime_errors
def feeds(ctx: click.Context, as_json: bool) -> None:
    """Each feed's health: status, errors, entries per week, next check (or a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = api.feeds_health(_config(ctx))
    if as_json:
        _print_json(rows)
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
    added = api.import_opml(_config(ctx), opml_file, allow_private=allow_private)
    click.echo(f"imported {len(added)} feeds" + (f": {', '.join(added)}" if added else ""))


@feeds.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@click.pass_context
@runtime_errors
def feeds_export(ctx: click.Context, output: str | None) -> None:
    """Write every enabled feed as OPML (to standard output by default)."""
    text = api.export_opml(_config(ctx))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None
              ) -> timedelta | None:
    if value is None:
        return None
    try:
        return timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@click.option("--since", callback=_duration, default=None, help="e.g. 24h, 7d")
@click.option("--rule", default=None, help="Only this rule's hits.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def hits(ctx: click.Context, since: timedelta | None, rule: str | None, as_json: bool) -> None:
    """Recent hits with their evidence."""
    rows = api.recent_hits(_config(ctx), since, rule)
    if as_json:
        _print_json(rows)
        return
    for h in rows:
        about = ", ".join(h["evidence"].get("about", []))
        click.echo(f"#{h['id']} {h['created_at'][:16]} [{h['rule']}] {h['title']}")
        click.echo(f"    {h['url']}  ({about}; score {h['score']:g})")
    if not rows:
        click.echo("no hits")


@cli.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "sent", "failed", "folded"]),
              default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def alerts(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """List alerts (the outbox), or run a subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    rows = api.alerts(_config(ctx), status)
    if as_json:
        _print_json(rows)
        return
    for a in rows:
        err = f"  error: {a['last_error']}" if a["last_error"] else ""
        kind = f" follow-up of #{a['parent_id']}" if a["kind"] == "followup" else ""
        click.echo(f"#{a['id']} {a['status']:<8} {a['channel']:<12} attempts={a['attempts']} "
                   f"[{a['rule']}] {a['title'][:70]}{kind}{err}")
    if not rows:
        click.echo("no alerts")


@alerts.command("test")
@click.argument("channel")
@click.pass_context
@runtime_errors
def alerts_test(ctx: click.Context, channel: str) -> None:
    """Send a test message through CHANNEL."""
    api.send_test_alert(_config(ctx), channel)
    click.echo(f"test message sent to {channel}")


@alerts.command("retry")
@click.argument("alert_id", type=int, required=False)
@click.option("--failed", is_flag=True, help="Requeue every failed alert.")
@click.pass_context
@runtime_errors
def alerts_retry(ctx: click.Context, alert_id: int | None, failed: bool) -> None:
    """Requeue alert ALERT_ID, or every failed alert (--failed)."""
    if (alert_id is None) == (not failed):
        raise click.UsageError("give an alert id or --failed (not both)")
    n = api.retry_alerts(_config(ctx), alert_id, failed)
    click.echo(f"requeued {n} alert(s)")


@alerts.command("dispatch")
@click.pass_context
@runtime_errors
def alerts_dispatch(ctx: click.Context) -> None:
    """Deliver the alerts that are due, once."""
    report = api.dispatch_once(_config(ctx))
    click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")


@cli.group()
def rules() -> None:
    """Try the rules."""


@rules.command("test")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def rules_test(ctx: click.Context, source: str, as_json: bool) -> None:
    """Run the rules on SOURCE: a text or HTML file, a URL, or - for standard input."""
    try:
        title, analysis = rules_api.analyse_source(_config(ctx), source)
    except OSError as exc:
        click.echo(f"error: cannot read {source}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    if as_json:
        _print_json(rules_api.analysis_json(analysis))
        return
    color = sys.stdout.isatty()
    if title:
        click.echo(f"title: {title}")
    for code, score in sorted(analysis.countries.items(), key=lambda kv: -kv[1].salience):
        ents = ", ".join(f"{analysis.catalogue.entities[e].name} ×{n}"
                         for e, n in sorted(score.entities.items(), key=lambda kv: -kv[1]))
        verdict = "ABOUT" if score.about else "mentioned"
        click.echo(f"{code}: salience {score.salience:g} ({verdict}): {ents}")
    for result in analysis.results:
        mark = "MATCH" if result.matched else "no match"
        if color and result.matched:
            mark = click.style(mark, fg="green", bold=True)
        click.echo(f"rule {result.rule}: {mark} — {result.evidence['clause']}")
        for snip in result.evidence["snippets"]:
            from monitor.rules.evidence import marked

            before, after = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
            click.echo(f"  > {marked(snip, before, after)}")


@rules.command("backtest")
@click.option("--since", callback=_duration, default="30d", show_default=True)
@click.option("--rule", default=None, help="Only this rule.")
@click.option("--apply", is_flag=True, help="Store the new hits (no alerts are sent).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def rules_backtest(ctx: click.Context, since: timedelta | None, rule: str | None, apply: bool,
                   as_json: bool) -> None:
    """Re-run the rules over stored articles and list what would fire."""
    found = rules_api.backtest(_config(ctx), since, rule, apply)
    if as_json:
        _print_json([vars(h) for h in found])
        return
    for h in found:
        state = "stored" if h.stored else ("stored now" if apply else "new")
        click.echo(f"[{h.rule}] {state:<10} {h.title[:80]}\n    {h.url}")
    new = sum(1 for h in found if not h.stored)
    click.echo(f"{len(found)} hits, {new} not stored before"
               + ("; stored them" if apply and new else ""))


@cli.command("eval")
@click.option("--data", "data", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Labeled JSONL (id, title, body, countries; optional borderline, lang, rules).")
@click.option("--split", type=click.Choice(["all", "tune", "holdout"]), default="all",
              show_default=True, help="Evaluate on the tune or holdout part (by id hash).")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="List the N worst-scored stories with their evidence.")
@click.option("--baseline", is_flag=True, help="Score the keyword baseline beside the monitor.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def eval_(ctx: click.Context, data: str, split: str, errors: int, baseline: bool,
          as_json: bool) -> None:
    """Precision, recall and F1 of the flag, of aboutness per country and of each rule: on all
    rows, on clear rows, per language."""
    from monitor.rules.eval_text import report_lines

    report = rules_api.evaluate_file(_config(ctx), data, split,  # type: ignore[arg-type]
                                     errors=errors, baseline=baseline)
    if as_json:
        _print_json(report)
        return
    for line in report_lines(report):
        click.echo(line)


@cli.command("entities")
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def entities(ctx: click.Context, query: str | None, as_json: bool) -> None:
    """Find catalogue entities (and their @id for queries) by id, name or any alias; the
    config's `entities:` are included. Without QUERY, list them all."""
    found = rules_api.entities(_config(ctx), query)
    if as_json:
        _print_json(found)
        sys.exit(0 if found else 1)
    from monitor.rules.user_entities import entity_lines

    for line in entity_lines(found):
        click.echo(line)
    if not found:
        click.echo(f"no entity matches {query!r}" if query else "no entities")
        sys.exit(1)


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
