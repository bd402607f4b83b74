"""The only reader of ``config.yaml``: YAML, ``${VAR}`` expansion, validation, checks.

``load_config(path, env)`` returns a frozen ``Config`` or raises ``ConfigError`` listing every
problem with its key path. A relative SQLite path in ``database.url`` is made relative to the
config file's folder (not the process's working directory), so every command, wherever it is
started, uses the same database. What needs the rules stage (queries that compile, user
entities that merge into the catalogue) is checked there, by ``monitor/rules/checks.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from monitor.config import yaml_stream
from monitor.config.checks import check_config
from monitor.config.env import empty_to_none, expand
from monitor.config.explain import problems_of
from monitor.config.models import Config
from monitor.errors import ConfigError

# libyaml's safe loader when PyYAML has it: ten times faster on a config of 100,000 feeds.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_config(data: Any, env: Mapping[str, str] | None = None,
                 base_dir: Path | None = None) -> Config:
    """Validate an already-loaded YAML tree. Raises ``ConfigError`` listing every problem.
    ``base_dir``: the folder a relative SQLite path is relative to (None: leave it)."""
    env = os.environ if env is None else env
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([("", "the top level must be a mapping of sections")])
    expanded = expand(data, env)
    data = empty_to_none(expanded.data)
    if url := env.get("MONITOR_DATABASE_URL"):
        database = data.get("database")
        data = {**data, "database": {**(database if isinstance(database, dict) else {}),
                                     "url": url}}
    data = _desk_secret(data, env)
    problems = list(expanded.problems)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        seen = {path for path, _ in problems}
        problems += [p for p in problems_of(exc.errors(), expanded) if p[0] not in seen]
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    check_config(config)
    if base_dir is not None:
        config = _anchor_sqlite(config, base_dir)
    return config


def _desk_secret(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """``server.secret`` defaults to ``${MONITOR_DESK_SECRET:-}``: the variable when the key
    is not given (or empty)."""
    server = data.get("server")
    server = server if isinstance(server, dict) else {}
    if server.get("secret") is not None or not (secret := env.get("MONITOR_DESK_SECRET")):
        return data
    return {**data, "server": {**server, "secret": secret}}


def sqlite_relative_to(url: str, base_dir: Path) -> str:
    """``sqlite:///monitor.db`` → ``sqlite:////<base_dir>/monitor.db``; other URLs (absolute
    paths, ``:memory:``, ``file:`` URIs, PostgreSQL) unchanged."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    path = parsed.database
    if (parsed.get_backend_name() != "sqlite" or not path or path == ":memory:"
            or parsed.query.get("uri") or path.startswith("file:") or Path(path).is_absolute()):
        return url
    return parsed.set(database=str(base_dir.resolve() / path)).render_as_string(
        hide_password=False)


def _anchor_sqlite(config: Config, base_dir: Path) -> Config:
    url = sqlite_relative_to(config.database.url, base_dir)
    if url == config.database.url:
        return config
    return config.model_copy(update={"database": config.database.model_copy(update={"url": url})})


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate ``path``. Raises ``ConfigError`` (with key paths) on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([("", f"cannot read {path}: {exc.strerror or exc}")]) from None
    try:
        try:
            data = yaml_stream.load(text)  # no node tree: a list of 100,000 feeds is lean
        except yaml_stream.Unusual:
            data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise ConfigError([("", f"{path} is not valid YAML{at}: {exc}")]) from None
    return parse_config(data, env, base_dir=path.parent)


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("MONITOR_CONFIG") or "config.yaml")
