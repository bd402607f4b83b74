"""``monitor users``: the desk's users (add with a password, list, an API token, disable)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from monitor.cli.base import cli, load, print_json, runtime_errors
from monitor.config import Config
from monitor.errors import UserError

if TYPE_CHECKING:  # SQLAlchemy is imported by the commands that use a database, not at start
    from sqlalchemy.orm import Session


@contextmanager
def _session(config: Config) -> Iterator[Session]:
    from monitor.api import prepare_database
    from monitor.db.engine import make_engine, timeouts_of
    from monitor.db.session import unit_of_work

    prepare_database(config)
    engine = make_engine(config.database.url, timeouts_of(config.database))
    try:
        with unit_of_work(engine) as s:
            yield s
    finally:
        engine.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask the password on: pipe it in with --password-stdin")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@cli.group()
def users() -> None:
    """The desk's users (passwords stored as argon2 hashes, API tokens as SHA-256)."""


@users.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@click.pass_context
@runtime_errors
def users_add(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Add a desk user; the password is asked twice on a terminal (8 characters or more)."""
    from monitor.desk.users import add_user
    from monitor.web.passwords import hash_password

    config = load(ctx)
    password_hash = hash_password(_password(password_stdin))
    with _session(config) as s:
        add_user(s, name, password_hash, datetime.now(UTC))
    click.echo(f"user {name} added")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the users as a JSON list.")
@click.pass_context
@runtime_errors
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every desk user: disabled or not, whether it has an API token, when it was added."""
    from monitor.desk.users import list_users

    with _session(load(ctx)) as s:
        rows = list_users(s)
    if as_json:
        print_json([{"name": u.name, "disabled": u.disabled, "has_token": u.has_token,
                     "created_at": u.created_at.isoformat()} for u in rows])
        return
    if not rows:
        click.echo("no users yet: `monitor users add NAME` adds one")
    for u in rows:
        flags = ", ".join(f for f, on in (("disabled", u.disabled), ("API token", u.has_token))
                          if on)
        click.echo(f"{u.name}  added {u.created_at:%Y-%m-%d %H:%M}Z" + (f"  ({flags})"
                                                                          if flags else ""))


@users.command("token")
@click.argument("name")
@click.pass_context
@runtime_errors
def users_token(ctx: click.Context, name: str) -> None:
    """Create or replace NAME's API token (for the desk's /api/ endpoints: `Authorization:
    Bearer TOKEN`); it is printed once, only its hash is kept."""
    from monitor.desk.users import new_token

    with _session(load(ctx)) as s:
        token = new_token(s, name)
    click.echo(token)


@users.command("disable")
@click.argument("name")
@click.pass_context
@runtime_errors
def users_disable(ctx: click.Context, name: str) -> None:
    """Disable NAME: its logins, sessions and API token stop working."""
    from monitor.desk.users import disable_user

    with _session(load(ctx)) as s:
        disable_user(s, name)
    click.echo(f"user {name} disabled")
