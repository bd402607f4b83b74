"""The configuration: the schema of ``config.yaml`` and its one loader.

``models`` is the schema (pydantic), ``env`` expands ``${VAR}``, ``explain`` turns validation
errors into problems a user can act on, ``checks`` looks across sections, ``load`` reads the
file. ``from monitor.config import Config, load_config, ...`` is the public face.
"""

from monitor.config.checks import KnownFeed, rule_source_problems
from monitor.config.load import default_config_path, load_config, parse_config, sqlite_relative_to
from monitor.config.models import (
    CHANNEL_KEYS,
    COUNTRIES,
    AlertsConfig,
    ChannelConfig,
    Config,
    Country,
    CountryCondition,
    DatabaseConfig,
    Duration,
    EntityConfig,
    FeedConfig,
    FetchConfig,
    LoggingConfig,
    RetentionConfig,
    RetryConfig,
    RuleConfig,
    SchedulerConfig,
    ServerConfig,
    StoriesConfig,
    StrList,
    parse_duration,
)

__all__ = [
    "CHANNEL_KEYS", "COUNTRIES", "AlertsConfig", "ChannelConfig", "Config", "Country",
    "CountryCondition", "DatabaseConfig", "Duration", "EntityConfig", "FeedConfig",
    "FetchConfig", "KnownFeed", "LoggingConfig", "RetentionConfig", "RetryConfig", "RuleConfig",
    "SchedulerConfig", "ServerConfig", "StoriesConfig", "StrList", "default_config_path",
    "load_config", "parse_config", "parse_duration", "rule_source_problems",
    "sqlite_relative_to",
]
