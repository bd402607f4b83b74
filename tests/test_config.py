"""The config loader: the shipped file, environment interpolation, and errors with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_config, parse_config, parse_duration
from monitor.errors import ConfigError
from tests.conftest import ROOT


def test_shipped_config_is_valid_with_console_only_by_default() -> None:
    cfg = load_config(ROOT / "config.yaml", env={})
    assert len(cfg.feeds) >= 15
    assert [r.name for r in cfg.rules] == ["russia-china-us"]
    assert [c.name for c in cfg.alerts.enabled] == ["console"]
    # The relative path in the shipped file is relative to the file's folder.
    assert cfg.database.url == f"sqlite:///{(ROOT / 'monitor.db').resolve()}"
    assert cfg.fetch.allow_private_addresses is False


def test_environment_enables_slack_and_email_and_overrides_database() -> None:
    env = {"SLACK_WEBHOOK_URL": "https://hooks.example/T/B/secret-token",
           "SMTP_HOST": "smtp.example", "SMTP_FROM": "monitor@example",
           "ALERT_EMAIL_TO": "a@example, b@example", "SMTP_PASSWORD": "hunter2",
           "MONITOR_DATABASE_URL": "postgresql://db.example/monitor"}
    cfg = load_config(ROOT / "config.yaml", env=env)
    enabled = {c.name: c for c in cfg.alerts.enabled}
    assert set(enabled) == {"console", "slack", "email"}
    assert enabled["email"].to == ["a@example", "b@example"]
    assert enabled["email"].port == 587
    assert cfg.database.url == "postgresql://db.example/monitor"
    # Secrets never show in a repr or a dump that could reach a log.
    shown = repr(cfg) + str(cfg.model_dump())
    assert "secret-token" not in shown and "hunter2" not in shown


@pytest.mark.parametrize(("yaml_text", "path", "message"), [
    ("scheduler: {min_interval: 10x}", "scheduler.min_interval", "duration"),
    ("scheduler: {min_interval: 7h, max_interval: 6h}", "scheduler", "min_interval"),
    ("feeds: [{name: a, url: 'ftp://x'}]", "feeds.0.url", "http"),
    ("feeds: [{url: 'http://x'}]", "feeds.0.name", "required"),
    ("feeds: [{name: a, url: 'http://x'}, {name: a, url: 'http://y'}]", "", "duplicate feed"),
    ("rules: [{name: r, countries: {at_least: 0}}]", "rules.0.countries.at_least",
     "greater than or equal to 1"),
    ("rules: [{name: r, countries: {of: [RU, XX]}}]", "rules.0.countries.of.1", "'RU'"),
    ("rules: [{name: r}]", "rules.0", "condition"),
    ("rules: [{name: r, countries: {}, channels: [pager]}]", "", "unknown channel"),
    ("alerts: {channels: [{name: s, type: slack, enabled: true}]}",
     "alerts.channels.0.webhook_url", "is not given"),
    ("alerts: {channels: [{name: p, type: pigeon}]}", "alerts.channels.0.type", "console"),
    ("alerts: {channels: [{name: e, type: email, security: tls}]}",
     "alerts.channels.0.security", "starttls"),
    ("fetch: {timeout: -3}", "fetch.timeout", "positive"),
    ("databse: {url: x}", "databse", "unknown key; did you mean `database`?"),
])
def test_broken_config_names_the_key_path(tmp_path: Path, yaml_text: str, path: str,
                                          message: str) -> None:
    f = tmp_path / "config.yaml"
    f.write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_config(f, env={})
    assert any(p == path and message in m for p, m in info.value.problems), info.value.problems


def test_unreadable_and_malformed_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml", env={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(bad, env={})
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(bad, env={})


@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("5m", 300), ("6h", 21600), ("2d", 172800), ("1.5h", 5400), (45, 45),
    ("250ms", 0.25),
])
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5 minutes", "-1m", "0s", "h", True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_env_default_syntax() -> None:
    cfg = parse_config({"fetch": {"user_agent": "m (${CONTACT:-ops@x})"}}, env={})
    assert cfg.fetch.user_agent == "m (ops@x)"
    cfg = parse_config({"fetch": {"user_agent": "m (${CONTACT:-ops@x})"}},
                       env={"CONTACT": "me@y"})
    assert cfg.fetch.user_agent == "m (me@y)"


def test_a_config_with_the_retired_default_interval_still_loads() -> None:
    """``scheduler.default_interval`` was never read; a config written when it existed loads
    as before (its other scheduler keys kept)."""
    cfg = parse_config({"scheduler": {"default_interval": "15m", "min_interval": "10m"}}, env={})
    assert cfg.scheduler.min_interval == 600
    assert not hasattr(cfg.scheduler, "default_interval")
