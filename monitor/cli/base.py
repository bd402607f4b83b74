"""Shared pieces of the ``monitor`` command: the root group, config loading, error handling.

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

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
    from monitor import api as api
    from monitor import rules_api as rules_api
else:
    # Loaded on first use: the `monitor` script is also what spawned worker processes import,
    # and they need none of the application (measured: 40 MB a worker instead of 100).
    api = _lazy("monitor.api")
    rules_api = _lazy("monitor.rules_api")


def load(ctx: click.Context, *, as_json: bool = False) -> Config:
    """Load the config on first use and set the log up as it says; a config error exits 2
    with every problem listed (as
    ``{"ok": false, "errors": [{"key", "message"}]}`` on standard output with ``as_json``)."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    if "config" not in obj:
        try:
            obj["config"] = _checked(load_config(obj["config_path"]))
        except ConfigError as exc:
            config_error_exit(ctx, exc, as_json)
        setup_logs(ctx, obj["config"])  # logging.level and logging.format, for every command
    config: Config = obj["config"]
    return config


def config_error_exit(ctx: click.Context, exc: ConfigError, as_json: bool) -> NoReturn:
    """Every problem of a config, on stderr (or as ``{"ok": false, "errors": [{"key",
    "message"}]}`` on stdout with ``as_json``); exit 2."""
    if as_json:
        print_json({"ok": False, "errors": [{"key": key, "message": message}
                                            for key, message in exc.problems]})
    else:
        click.echo(f"error: {exc}", err=True)
    ctx.exit(2)


def _checked(config: Config) -> Config:
    """``config`` once its queries compile and its entities merge (``ConfigError`` if not)."""
    # Imported here: the rules (and lark) are not for the worker processes that import this.
    from monitor.rules.checks import check_rules

    check_rules(config)
    return config


def setup_logs(ctx: click.Context, config: Config, *, quiet: str | None = None) -> None:
    """The log as the config says (``logging.level``, ``logging.format``). ``--log-level``
    wins; a command that prints its own summary passes ``quiet`` (a level) to keep the log to
    that, unless ``--verbose``."""
    obj = ctx.find_root().obj
    if not isinstance(obj, dict):
        return
    if ctx.find_root().get_parameter_source("log_level") != click.core.ParameterSource.DEFAULT:
        level = obj["log_level"]
    elif obj.get("verbose"):
        level = "DEBUG" if config.logging.level == "DEBUG" else "INFO"
    else:
        level = quiet or config.logging.level
    logs.setup(level, config.logging.format)


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set non-empty."""
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def runtime_errors(fn: F) -> F:
    """Turn monitor's errors into a one-line message and their exit code: 2 for a usage error
    (an unknown name or id, …) or a configuration error found while running (a rule naming a
    feed no feed has, a busy server.port), 1 for a runtime failure."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Pretty-printed JSON; control and format characters from article text are escaped
    (``\\u009b``), so the document is the same data and a terminal shows it safely."""
    from monitor.alerts.safe_text import json_for_terminal

    click.echo(json_for_terminal(json.dumps(data, indent=2, ensure_ascii=False, default=str)))


def duration(_ctx: click.Context, _param: click.Parameter, value: str | None
              ) -> timedelta | None:
    if value is None:
        return None
    try:
        return timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="monitor", message="monitor %(version)s")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Config file (default: $MONITOR_CONFIG or ./config.yaml).")
@click.option("--log-level", default="INFO",
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Log level (default: logging.level from the config where a command reads it).")
@click.option("-v", "--verbose", is_flag=True,
              help="Log every step (INFO) where a command would print only its summary.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, log_level: str, verbose: bool) -> None:
    """monitor: polls news feeds and alerts on stories about Russia, China and the US."""
    ctx.ensure_object(dict)["config_path"] = config_path or default_config_path()
    ctx.obj["log_level"] = log_level
    ctx.obj["verbose"] = verbose
    logs.setup(log_level)
