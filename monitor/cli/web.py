"""``monitor web``: the analyst's desk alone (review without polling), until Ctrl-C/SIGTERM."""

from __future__ import annotations

import click

from monitor.cli.base import cli, load, runtime_errors


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default: server.host).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default: server.port; 0: any free port).")
@click.pass_context
@runtime_errors
def web(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the desk alone, without polling, and print its URL. Off loopback it needs a user
    (`monitor users add NAME`)."""
    from monitor.web.serve import serve_desk

    config = load(ctx)
    serve_desk(config, host or config.server.host,
               config.server.port if port is None else port,
               lambda url: click.echo(f"desk at {url} (Ctrl-C to stop)"))
