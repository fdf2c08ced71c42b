"""Load and validate the newswatch TOML config: outlets, watchlists, channels, database."""

from __future__ import annotations

import os
import re
import textwrap
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from alerts.matcher import Watchlists
from alerts.query import QueryError, alias_term, parse_query
from flows.config_checks import database_url_problem, describe
from flows.schedule import validate_cron
from spiders.excludes import ExcludeError, compile_exclude

DEFAULT_CONFIG = "newswatch.toml"
DEFAULT_DATABASE = "sqlite:///newswatch.db"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ALIAS_NAME = re.compile(r"^[\w-]+$")


class ConfigError(Exception):
    """The config cannot be used; the message names the file, the key path and the problem."""


def _compiles(selector: str) -> str:
    try:
        compile_exclude(selector)
    except ExcludeError as exc:
        raise ValueError(str(exc)) from None
    return selector


# A CSS selector, or an XPath expression when it starts with "/" or "(".
Selector = Annotated[str, AfterValidator(_compiles)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _zone(zone: str | None) -> str | None:
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (use an IANA name)") from None
    return zone


class Outlet(_Strict):
    """One outlet to follow and where to discover its articles."""

    name: str = Field(min_length=1)
    feeds: list[str] = []
    sitemaps: list[str] = []
    pages: list[str] = []
    allow: str | None = None  # regex an article URL must match
    delay: float | None = Field(default=None, ge=0)  # seconds between requests to its hosts
    concurrency: int | None = Field(default=None, ge=1)  # parallel requests to each host
    # Its links may lead to private (RFC 1918, ULA) addresses: an intranet outlet. Loopback,
    # link-local and the like stay refused unless the outlet itself is configured on them.
    intranet: bool = False
    # IANA zone (e.g. "Europe/Moscow") for dates without an offset
    timezone: Annotated[str | None, AfterValidator(_zone)] = None
    # Elements to cut before cleaning, for the rare block the boilerplate rules cannot see.
    exclude: list[Selector] = []

    @field_validator("feeds", "sitemaps", "pages")
    @classmethod
    def _http_only(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

    @field_validator("allow")
    @classmethod
    def _valid_regex(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _has_a_source(self) -> Outlet:
        if not (self.feeds or self.sitemaps or self.pages):
            raise ValueError("an outlet needs at least one of feeds, sitemaps or pages")
        return self


DeliveryMode = Literal["immediate", "digest", "both"]


def _clock_time(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"{value!r} is not a time of day as HH:MM (24-hour)")
    return value


class ChannelDelivery(_Strict):
    """How much a channel is sent: unset keys take the [alerts] value, then the default."""

    per_hour: int | None = Field(default=None, ge=0)  # messages alone per hour; the rest: digest
    per_second: float | None = Field(default=None, ge=0)  # pace; 0 = unpaced
    digest_times: list[Annotated[str, AfterValidator(_clock_time)]] | None = None  # "HH:MM"
    timezone: Annotated[str | None, AfterValidator(_zone)] = None  # of digest_times
    catch_up_after_hours: float | None = Field(default=None, gt=0)


TemplateKey = Literal["slack", "email", "plain", "digest_slack", "digest_email", "digest_plain"]


class AlertSettings(ChannelDelivery):
    """Delivery for every channel ([alerts]) and per channel ([alerts.channels.NAME]), and
    the user's template files in place of bundled ones ([alerts.templates], relative to the
    config file's folder)."""

    channels: dict[str, ChannelDelivery] = {}
    templates: dict[TemplateKey, str] = {}
    # A failing channel is given up on as dead after this many strikes (a 401/403/404/410 or
    # an SMTP 5xx counts 4, any other failure 1)…
    dead_after_strikes: int = Field(default=12, ge=1, le=10_000)
    # …spread over at least this many hours (0: as soon as the strikes add up).
    dead_after_hours: float = Field(default=12, ge=0, le=8760, allow_inf_nan=False)


class Example(_Strict):
    """An article a rule test feeds the query: a bare string in the config is its text."""

    text: str = ""
    title: str = ""
    author: str = ""
    outlet: str = ""
    lang: str | None = None


class Watchlist(_Strict):
    """A named query, the channels its alerts go to, and which stories it alerts on."""

    name: str = Field(min_length=1)
    query: str
    notify: list[str] = []
    # Rule tests: articles (or just texts) the query must match, and must not.
    must_match: list[str | Example] = []
    must_not_match: list[str | Example] = []
    # Stories published longer ago are stored silently: an outlet's archive on its first
    # crawl, an old article re-linked from a home page.
    max_age_days: float = Field(default=3, gt=0)
    # A material update (never a cosmetic one) of an alerted story, or one that newly
    # matches: "alert" once per story, marked as an update, or "ignore".
    on_update: Literal["alert", "ignore"] = "alert"
    # How its alerts reach its channels: alone ("immediate"), in the channel's digest, or
    # both; one mode for all, or a table of channel name -> mode (unnamed: immediate).
    delivery: DeliveryMode | dict[str, DeliveryMode] = "immediate"

    def mode_for(self, channel: str) -> DeliveryMode:
        """How this watchlist's alerts reach `channel`."""
        if isinstance(self.delivery, str):
            return self.delivery
        return self.delivery.get(channel, "immediate")

    @field_validator("query")
    @classmethod
    def _valid_query(cls, query: str, info: ValidationInfo) -> str:
        aliases = (info.context or {}).get("aliases") or {}
        try:
            parse_query(query, aliases if _is_alias_table(aliases) else {})
        except QueryError as exc:
            where = textwrap.indent(exc.caret(), "    ")
            name = info.data.get("name", "?")
            raise ValueError(
                f"invalid query in watchlist {name!r}: {exc}" + (f"\n{where}" if where else "")
            ) from None
        return query


class Crawl(_Strict):
    """How politely and how long to crawl."""

    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    timeout_seconds: float = Field(default=600, gt=0)  # wall clock for one crawl subprocess
    download_timeout: float = Field(default=30, gt=0)
    concurrency_per_domain: int = Field(default=2, ge=1)
    delay_seconds: float = Field(default=0.5, ge=0)
    max_page_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    clean_seconds: float = Field(default=20, ge=0)  # cleaning deadline per page; 0 = none
    retries: int = Field(default=2, ge=0)  # extra attempts after a timeout or 5xx
    max_redirects: int = Field(default=5, ge=0)
    sitemap_max_urls: int = Field(default=50_000, ge=1)  # URLs taken from one sitemap file
    sitemap_max_depth: int = Field(default=3, ge=1)  # levels of sitemap index
    retry_after_max_wait: float = Field(default=60, ge=0)  # longer Retry-After: skip the outlet
    shards: int = Field(default=0, ge=0)  # outlet shards per cycle; 0 = one per CPU core
    # Set (e.g. "newswatch-shard/shard") to run each shard as a flow run of that deployment,
    # picked up by any worker of its pool; unset, shards are subprocesses of the cycle.
    shard_deployment: str | None = None


class Stories(_Strict):
    """How far back a new article is compared with stored ones to find its story."""

    # Copies of a wire story follow within hours, reposts within days. An older look-alike is
    # a story of its own (an anniversary piece, a re-run), and the window keeps the index small.
    window_days: float = Field(default=3, gt=0)


class Retention(_Strict):
    """How long old article versions and raw pages are kept, and when the clean-up runs."""

    versions_days: int = Field(default=90, ge=0)  # 0 keeps every version forever
    raw_html_days: int = Field(default=14, ge=0)  # 0 keeps raw pages as long as their version
    schedule: str = "30 3 * * *"  # cron (UTC) of the maintenance flow

    @field_validator("schedule")
    @classmethod
    def _valid_cron(cls, expression: str) -> str:
        return validate_cron(expression)


class Feeds(_Strict):
    """Where each watchlist's Atom and JSON feeds are written after every run (unset: nowhere)."""

    dir: str | None = None  # relative to the config file's folder (feeds_dir)


class HealthSettings(_Strict):
    """Where notices of outlets going bad (failing, degraded, silent) and recovering go."""

    notify: list[str] = []  # channel names; none: states are kept and reported, not sent


class Config(_Strict):
    """The whole validated config."""

    database: str = DEFAULT_DATABASE
    schedule: str = "*/15 * * * *"  # cron, used by `newswatch serve`
    channels: dict[str, str] = {}
    crawl: Crawl = Crawl()
    stories: Stories = Stories()
    retention: Retention = Retention()
    health: HealthSettings = HealthSettings()
    alerts: AlertSettings = AlertSettings()
    feeds: Feeds = Feeds()
    # name -> words or phrases, any of which `@name` in a query stands for
    aliases: dict[str, list[str]] = {}
    outlets: list[Outlet] = []
    watchlists: list[Watchlist] = []

    @field_validator("aliases")
    @classmethod
    def _valid_aliases(cls, aliases: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, entries in aliases.items():
            if not _ALIAS_NAME.match(name):
                raise ValueError(f"alias name {name!r}: use letters, digits, '_' or '-'")
            if not entries:
                raise ValueError(f"alias {name!r} has no entries")
            for entry in entries:
                try:
                    alias_term(entry)
                except QueryError as exc:
                    raise ValueError(f"alias {name!r}: {exc}") from None
        return aliases

    def queries(self) -> Watchlists:
        """Every watchlist's parsed query, by name, compiled to be matched in one pass."""
        return Watchlists({w.name: parse_query(w.query, self.aliases) for w in self.watchlists})

    @field_validator("schedule")
    @classmethod
    def _valid_cron(cls, expression: str) -> str:
        return validate_cron(expression)

    @field_validator("database")
    @classmethod
    def _usable_database(cls, url: str) -> str:
        problem = database_url_problem(url)
        if problem:
            raise ValueError(problem)
        return url

    @model_validator(mode="after")
    def _references_resolve(self) -> Config:
        for kind, items in (("outlets", self.outlets), ("watchlists", self.watchlists)):
            names = [item.name for item in items]
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise ValueError(f"duplicate {kind} name(s): {', '.join(duplicates)}")
        notifying = [(f"watchlists[{i}]", w.notify) for i, w in enumerate(self.watchlists)]
        delivering = [
            (f"watchlists[{i}].delivery", list(w.delivery))
            for i, w in enumerate(self.watchlists) if isinstance(w.delivery, dict)
        ]  # fmt: skip
        for where, names in [("alerts.channels", list(self.alerts.channels)), *delivering]:
            for name in names:
                if name not in self.channels:
                    raise ValueError(f"{where}: channel {name!r} is not defined in [channels]")
        for where, notify in [*notifying, ("health", self.health.notify)]:
            for j, channel in enumerate(notify):
                if channel not in self.channels:
                    raise ValueError(
                        f"{where}.notify[{j}]: channel {channel!r} is not defined "
                        f"in [channels] (defined: {', '.join(sorted(self.channels)) or 'none'})"
                    )
        return self


def _is_alias_table(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, list) and all(isinstance(e, str) for e in v) for v in value.values()
    )


def config_path(path: str | os.PathLike | None) -> Path:
    """The config file to use: the given path, else $NEWSWATCH_CONFIG, else newswatch.toml."""
    return Path(path or os.environ.get("NEWSWATCH_CONFIG") or DEFAULT_CONFIG)


def feeds_dir(config: Config, path: str | os.PathLike) -> Path | None:
    """The folder the feeds are written to, a relative one taken from the config at `path`."""
    if not config.feeds.dir:
        return None
    return Path(path).parent / Path(config.feeds.dir).expanduser()


def load_config(path: str | os.PathLike, env: dict[str, str] | None = None) -> Config:
    """Read, expand ${VAR}s in and validate a config file; raise ConfigError naming the fault."""
    env = dict(os.environ if env is None else env)
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, source=str(path), env=env)


def parse_config(raw: dict[str, Any], source: str, env: dict[str, str]) -> Config:
    """Validate an already-decoded config mapping; `source` names it in errors."""
    expanded = _expand(raw, env, source, path="")
    if env.get("NEWSWATCH_DATABASE_URL"):
        expanded["database"] = env["NEWSWATCH_DATABASE_URL"]
    try:
        # Queries name aliases: their validators see the [aliases] table.
        config = Config.model_validate(expanded, context={"aliases": expanded.get("aliases")})
    except ValidationError as exc:
        raise ConfigError("\n".join(describe(exc, source, Config))) from None
    return _with_templates(config, source)


def _with_templates(config: Config, source: str) -> Config:
    """The config with its template files resolved (relative to the config's folder) and each
    tried on a sample alert: a broken one is a ConfigError naming the file and the line."""
    if not config.alerts.templates:
        return config
    from alerts.overrides import override_problem  # jinja2 only for configs that need it

    resolved = {}
    for key, name in config.alerts.templates.items():
        path = Path(name).expanduser()
        path = path if path.is_absolute() else Path(source).parent / path
        problem = override_problem(key, str(path))
        if problem:
            raise ConfigError(f"{source}: alerts.templates.{key}: {problem}")
        resolved[key] = str(path)
    alerts = config.alerts.model_copy(update={"templates": resolved})
    return config.model_copy(update={"alerts": alerts})


def _expand(value: Any, env: dict[str, str], source: str, path: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, env, source, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, source, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):
        missing = [name for name in _ENV_REF.findall(value) if name not in env]
        if missing:
            raise ConfigError(
                f"{source}: {path}: environment variable ${{{missing[0]}}} is not set"
            )
        return _ENV_REF.sub(lambda m: env[m.group(1)], value)
    return value
