"""The configuration schema: pydantic models of every section of ``config.yaml``.

Each model checks what it can see on its own (types, ranges, language codes, a rule's
``at_least`` against its ``of``, a database URL's form); checks across sections are in
``checks``. Secrets are ``SecretStr`` so they never appear in logs or reprs. Durations are
written ``90s``, ``5m``, ``6h``, ``2d``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from monitor.config.languages import CATALOGUE_LANGUAGES, rule_language

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def parse_duration(value: Any) -> float:
    """``"90s"`` → 90.0, ``"5m"`` → 300.0, ``45`` → 45.0 (seconds); raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 90s, 5m or 6h")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNIT_SECONDS[m.group(2) or "s"]
    else:
        raise ValueError(f"expected a duration like 90s, 5m or 6h, got {value!r}")
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]


def _split_list(value: Any) -> Any:
    """Accept ``"a@x, b@y"`` (e.g. from one environment variable) as a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


StrList = Annotated[list[str], BeforeValidator(_split_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")


def _database_url(value: str) -> str:
    """A SQLite or PostgreSQL URL (``sqlite:///monitor.db``, ``postgresql://u@host/db``)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "expected sqlite:///path/to/monitor.db or postgresql://user@host:5432/db"
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise ValueError(f"{value!r} is not a database URL; {example}") from None
    scheme = url.drivername.split("+")[0]
    if scheme not in DATABASE_SCHEMES:
        raise ValueError(f"{value!r}: unknown database {scheme!r}; {example}")
    return value


class DatabaseConfig(_Model):
    # A relative SQLite path is relative to the config file's folder (see load.py).
    url: Annotated[str, AfterValidator(_database_url)] = "sqlite:///monitor.db"
    auto_upgrade: bool = True  # `monitor run` applies pending migrations at start
    # PostgreSQL: how long to wait to connect, for one statement (server side), for data the
    # server does not acknowledge (a silent connection), and for a free pooled connection.
    connect_timeout: Duration = 10.0
    statement_timeout: Duration = 30.0
    tcp_user_timeout: Duration = 30.0
    pool_timeout: Duration = 30.0


class FetchConfig(_Model):
    full_text: bool = True  # fetch each article page and extract its text
    timeout: Duration = 20.0
    user_agent: str = "monitor/0.1 (media monitor)"
    allow_private_addresses: bool = False
    max_body_bytes: int = Field(default=10_000_000, gt=0)
    # 64 in flight: a round of 304s on 30 ms latency is not latency-bound (16 capped it at
    # ~530 feeds/s); per_host still bounds each host, and the pool (limits) is twice this.
    concurrency: int = Field(default=64, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    per_host: int = Field(default=2, gt=0)  # requests in flight to one host
    # httpx stays the API; "aiohttp" gives it aiohttp's connection pool (measured several times
    # faster on many concurrent requests, see bench/fetch_throughput.py).
    transport: Literal["aiohttp", "httpx"] = "aiohttp"
    host_spacing: Duration | None = None  # at least this between two requests to one host
    # Processes for feed parsing and text extraction; None: one per core, 0: one thread.
    extract_workers: int | None = Field(default=None, ge=0)
    parse_timeout: Duration = 20.0  # a feed parse running longer is killed (its worker replaced)
    extract_timeout: Duration = 30.0  # likewise an extraction (the article keeps the feed text)


class SchedulerConfig(_Model):
    """When feeds are polled. A feed without its own ``interval`` is checked as often as it
    publishes (``ingest/schedule``), within ``[min_interval, max_interval]``."""

    min_interval: Duration = 300.0
    max_interval: Duration = 21600.0
    tick: Duration = 30.0  # how often the scheduler looks for due feeds
    dispatch_every: Duration = 10.0  # how often due alerts are delivered
    batch_size: int = Field(default=100, gt=0)
    lease: Duration = 300.0  # a claimed feed or alert is another instance's after this
    shutdown_timeout: Duration = 20.0  # on SIGTERM, in-flight work gets this long to finish

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: Any) -> Any:
        """``default_interval`` was never read (the adaptive interval is the default); a
        config that still has it loads as it did."""
        if isinstance(data, dict) and "default_interval" in data:
            data = {k: v for k, v in data.items() if k != "default_interval"}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> SchedulerConfig:
        if self.min_interval > self.max_interval:
            raise ValueError("min_interval must not exceed max_interval")
        return self


class FeedConfig(_Model):
    name: str = Field(min_length=1)
    url: str
    interval: Duration | None = None
    tags: list[str] = Field(default_factory=list)
    full_text: bool | None = None  # None: use fetch.full_text

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http:// or https:// URL")
        return v


Country = Literal["RU", "CN", "US"]
COUNTRIES: tuple[Country, ...] = ("RU", "CN", "US")


class CountryCondition(_Model):
    at_least: int = Field(default=2, ge=1)
    of: list[Country] = Field(default_factory=lambda: list(COUNTRIES))

    @model_validator(mode="after")
    def _can_fire(self) -> CountryCondition:
        listed = sorted(set(self.of), key=self.of.index)
        if self.at_least > len(listed):
            raise PydanticCustomError(
                "never_fires", "at_least {at_least} is more than the {n} countries in `of` "
                "({listed}): the rule can never fire",
                {"at_least": self.at_least, "n": len(listed), "listed": ", ".join(listed)})
        return self


class RuleConfig(_Model):
    """A rule fires when every condition it states holds (see README "Rules")."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    countries: CountryCondition | None = None
    min_salience: float | None = Field(default=None, gt=0)  # overrides the "about" threshold
    query: str | None = None  # boolean query, e.g. '@RU NEAR/20 @CN AND sanction*'
    exclude: str | None = None  # the rule does not fire when this query matches
    # article languages (unknown language passes)
    languages: list[Annotated[str, AfterValidator(rule_language)]] | None = None
    feeds: list[str] | None = None  # only articles from these feeds
    tags: list[str] | None = None  # only articles from feeds with one of these tags
    severity: Literal["low", "medium", "high"] = "medium"
    channels: list[str] | None = None  # None: every enabled channel
    email_to: StrList | None = None  # this rule's recipients on email channels (default: `to`)

    @model_validator(mode="after")
    def _has_condition(self) -> RuleConfig:
        if self.countries is None and not self.query:
            raise ValueError("a rule needs a condition (countries or query)")
        return self


def _alias_text(value: str) -> str:
    text = value.strip()
    if len(text.rstrip("*")) < 2 and not any(ord(ch) > 0x2E7F for ch in text):
        raise ValueError("an alias needs at least 2 characters (CJK: 1)")
    return text


def _alias_language(value: str) -> str:
    if value not in CATALOGUE_LANGUAGES:
        raise ValueError(f"unknown language {value!r} (aliases can be in "
                         f"{', '.join(CATALOGUE_LANGUAGES)})")
    return value


AliasText = Annotated[str, AfterValidator(_alias_text)]
AliasLanguage = Annotated[str, AfterValidator(_alias_language)]


class EntityConfig(_Model):
    """A user entity (``entities:``), or aliases added to a catalogue entity by its id. The
    fields are the catalogue's (see rules/data/entities.yaml), with aliases per language under
    ``aliases``."""

    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+$")  # default: name's slug
    name: str | None = Field(default=None, min_length=1)
    country: Country | None = None
    related: dict[Country, Annotated[float, Field(gt=0, le=1)]] = Field(default_factory=dict)
    kind: str = "user"
    weak: bool = False  # counts only beside its country named outright
    aliases: dict[AliasLanguage, list[AliasText]] = Field(default_factory=dict)
    weak_aliases: list[AliasText] = Field(default_factory=list)
    # bare surnames: count where the story also names the entity or its country's politics
    surnames: list[AliasText] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
        return v

    @model_validator(mode="after")
    def _named(self) -> EntityConfig:
        if self.id is None and self.name is None:
            raise ValueError("an entity needs an id (to add to a catalogue entity) or a name")
        return self


class RetryConfig(_Model):
    base_seconds: float = Field(default=30.0, gt=0)
    max_seconds: float = Field(default=3600.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)


class ChannelConfig(_Model):
    name: str = Field(min_length=1)
    type: Literal["console", "slack", "email", "webhook"]
    # "auto": on when the settings it needs are present (e.g. ${SLACK_WEBHOOK_URL} is set).
    enabled: bool | Literal["auto"] = "auto"
    webhook_url: SecretStr | None = None  # slack (incoming webhook), webhook
    bot_token: SecretStr | None = None  # slack: a bot token, for thread replies to follow-ups
    slack_channel: str | None = None  # slack with bot_token: the channel to post in
    api_url: str = "https://slack.com/api/chat.postMessage"
    # Messages to this channel at most this often; what comes faster is sent as one message
    # listing the stories (Slack throttles webhooks at about one message a second).
    min_gap: Duration = 1.0
    batch_max: int = Field(default=10, ge=1)  # stories listed in one burst message at most
    digest: Literal["none", "hourly", "daily"] = "none"  # collect alerts into one message
    digest_at: str = Field(default="08:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # UTC
    host: str | None = None  # email
    port: int | None = Field(default=None, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_addr: str | None = None
    to: StrList = Field(default_factory=list)
    timeout: Duration = 20.0

    def missing(self) -> list[str]:
        """The settings this channel needs and lacks."""
        need: dict[str, object] = {}
        if self.type == "slack" and self.bot_token and self.bot_token.get_secret_value():
            need["slack_channel"] = self.slack_channel
        elif self.type in ("slack", "webhook"):
            need["webhook_url"] = self.webhook_url and self.webhook_url.get_secret_value()
        if self.type == "email":
            need.update(host=self.host, from_addr=self.from_addr, to=self.to)
        return [key for key, value in need.items() if not value]

    @property
    def is_enabled(self) -> bool:
        return self.enabled is True or (self.enabled == "auto" and not self.missing())

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> ChannelConfig:
        if self.enabled is True and (gaps := self.missing()):
            # load.py turns this into one line per missing key, naming its ${VAR}.
            raise PydanticCustomError(
                "channel_incomplete", "enabled {type} channel lacks {keys}",
                {"type": self.type, "keys": ", ".join(gaps), "missing": gaps})
        if self.type in ("slack", "webhook") and self.webhook_url is not None:
            url = self.webhook_url.get_secret_value()
            if url and not re.match(r"^https?://", url):
                raise ValueError("webhook_url must be an http:// or https:// URL")
        return self


_COMMON_KEYS = ("name", "type", "enabled", "min_gap", "batch_max", "digest", "digest_at")
# The keys each channel type reads (README "Alert channels" documents each).
CHANNEL_KEYS: dict[str, tuple[str, ...]] = {
    "console": (*_COMMON_KEYS, "timeout"),
    "slack": (*_COMMON_KEYS, "webhook_url", "bot_token", "slack_channel", "api_url", "timeout"),
    "webhook": (*_COMMON_KEYS, "webhook_url", "timeout"),
    "email": (*_COMMON_KEYS, "host", "port", "security", "username", "password", "from_addr",
              "to", "timeout"),
}


class ServerConfig(_Model):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9108, gt=0, lt=65536)
    ui: bool = False  # the analyst's desk beside /healthz and /metrics
    # How long /healthz (and a /metrics scrape) waits for the database; past it, 503.
    health_timeout: Duration = 5.0
    # The key that signs the desk's session cookies; unset: a random one per process.
    secret: SecretStr | None = None


class LoggingConfig(_Model):
    format: Literal["text", "json"] = "text"  # text: key=value pairs; json: one object a line
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class RetentionConfig(_Model):
    # Article text is dropped after this many days; titles, links, hits, evidence and alert
    # records are kept. The scheduler prunes daily; `monitor db prune` does it now.
    article_text_days: int = Field(default=30, ge=1)


class StoriesConfig(_Model):
    threshold: float = Field(default=0.5, gt=0, le=1)  # Jaccard of title + lead words
    window: Duration = 172800.0  # articles join stories at most this old
    # Articles held in memory to match new ones against (about 1 KB each); the oldest go first.
    index_size: int = Field(default=50_000, ge=100)


def _duplicates(names: Iterable[str]) -> list[str]:
    """The names given more than once, sorted (linear: a config may list 100,000 feeds)."""
    return sorted(n for n, count in Counter(names).items() if count > 1)


class AlertsConfig(_Model):
    channels: list[ChannelConfig] = Field(
        default_factory=lambda: [ChannelConfig(name="console", type="console")]
    )
    retry: RetryConfig = Field(default_factory=RetryConfig)

    @field_validator("channels")
    @classmethod
    def _unique_names(cls, v: list[ChannelConfig]) -> list[ChannelConfig]:
        if dupes := _duplicates(c.name for c in v):
            raise ValueError(f"duplicate channel names: {', '.join(dupes)}")
        return v

    @property
    def enabled(self) -> list[ChannelConfig]:
        return [c for c in self.channels if c.is_enabled]


class Config(_Model):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    feeds: list[FeedConfig] = Field(default_factory=list)
    rules: list[RuleConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    stories: StoriesConfig = Field(default_factory=StoriesConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    # Entities and aliases added to the packaged catalogue (rules/user_entities.py merges them).
    entities: list[EntityConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        for kind, names in (("feed", (f.name for f in self.feeds)),
                            ("rule", (r.name for r in self.rules))):
            if dupes := _duplicates(names):
                raise ValueError(f"duplicate {kind} names: {', '.join(dupes)}")
        known = {c.name for c in self.alerts.channels}
        for rule in self.rules:
            for ch in rule.channels or []:
                if ch not in known:
                    raise ValueError(f"rule {rule.name!r} names unknown channel {ch!r}")
        return self
