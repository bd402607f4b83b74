"""The ``alerts`` commands: the outbox, test messages, retries and one dispatch."""

from __future__ import annotations

import sys

import click

from monitor.alerts.safe_text import one_line
from monitor.cli.base import api, cli, load, print_json, runtime_errors


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
    rows = api.alerts(load(ctx), status)
    if as_json:
        print_json(rows)
        return
    for a in rows:  # the title and a server's error message come from outside: one line
        err = f"  error: {one_line(a['last_error'])}" if a["last_error"] else ""
        kind = f" follow-up of #{a['parent_id']}" if a["kind"] == "followup" else ""
        click.echo(f"#{a['id']} {a['status']:<8} {a['channel']:<12} attempts={a['attempts']} "
                   f"[{a['rule']}] {one_line(a['title'][:70])}{kind}{err}")
    if not rows:
        click.echo("no alerts")


@alerts.command("test")
@click.argument("channel")
@click.pass_context
@runtime_errors
def alerts_test(ctx: click.Context, channel: str) -> None:
    """Send a test message through CHANNEL."""
    api.send_test_alert(load(ctx), channel)
    click.echo(f"test message sent to {channel}")


@alerts.command("retry")
@click.argument("alert_id", type=int, required=False)
@click.option("--failed", is_flag=True, help="Requeue every failed alert.")
@click.option("--force", is_flag=True, help="Requeue ALERT_ID even if it was already sent.")
@click.pass_context
@runtime_errors
def alerts_retry(ctx: click.Context, alert_id: int | None, failed: bool, force: bool) -> None:
    """Requeue alert ALERT_ID, or every failed alert (--failed). An alert already sent is
    refused (exit 2) unless --force."""
    if (alert_id is None) == (not failed):
        raise click.UsageError("give an alert id or --failed (not both)")
    if alert_id is not None:
        from monitor import alerts_api

        n = alerts_api.retry_alert(load(ctx), alert_id, force)
    else:
        n = api.retry_alerts(load(ctx), None, failed)
    click.echo(f"requeued {n} alert(s)")


@alerts.command("dispatch")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
@runtime_errors
def alerts_dispatch(ctx: click.Context, as_json: bool) -> None:
    """Deliver the alerts that are due, once. Exit 1 when any failed or waits for a retry
    after an error."""
    from monitor import alerts_api

    report = api.dispatch_once(load(ctx))
    ok = alerts_api.dispatch_ok(report)
    if as_json:
        print_json(alerts_api.dispatch_json(report))
    else:
        click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
    if not ok:
        click.echo(f"error: {report.failed + report.retrying} alert(s) not delivered "
                   f"({report.retrying} will be retried, {report.failed} failed for good); "
                   "`monitor alerts` shows the errors, `monitor alerts retry` requeues",
                   err=True)
        sys.exit(1)
