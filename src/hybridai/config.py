"""Settings: one model fed by a TOML file, ``HYBRIDAI_*`` environment variables and code.

Precedence, highest first: keyword overrides, environment variables, the TOML file, defaults.
The file is the ``path`` given, else ``$HYBRIDAI_CONFIG``, else ``./hybridai.toml``, else
``<user config dir>/hybridai/config.toml``. Nested keys in the environment use ``__``:
``HYBRIDAI_DEVICE__N_CTX=2048``, ``HYBRIDAI_CLOUD__OPENAI__MODEL=gpt-4o-mini``.
See ``hybridai.example.toml`` for every setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .errors import ConfigError
from .schema.modes import Mode
from .schema.price import Price
from .schema.privacy import BUILTIN_KINDS, Policy
from .schema.request import describe_validation_error


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("hybridai"))


def user_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hybridai"))


class DeviceSettings(BaseModel):
    """The on-device model, its engine, and when the device counts as available."""

    model_config = ConfigDict(extra="forbid")

    model_path: Path | None = Field(
        default=None, description="GGUF file; unset means the bundled SmolLM2-135M-Instruct"
    )
    model_name: str | None = Field(default=None, description="name shown in responses")
    n_ctx: int = Field(default=4096, ge=0, description="context window; 0 = the model's own")
    n_threads: int | None = Field(default=None, ge=1, description="unset = physical cores")
    n_batch: int = Field(default=512, ge=1)
    load_timeout_s: float = Field(default=120.0, gt=0)
    first_token_timeout_s: float = Field(default=60.0, gt=0)
    stall_timeout_s: float = Field(default=30.0, gt=0, description="longest gap between tokens")
    max_queue: int = Field(default=8, ge=0, description="requests that may wait for the engine; "
                           "more are device_busy (overflow to the cloud, or HTTP 429)")
    max_queue_wait_s: float = Field(default=30.0, gt=0, description="a request that waited this "
                                    "long for the engine is device_busy too")
    # Availability thresholds.
    min_available_ram_mb: int | None = Field(
        default=None, ge=0, description="unset = model file size x 1.5 + 256 MB"
    )
    min_decode_tokens_per_s: float = Field(default=5.0, ge=0)
    min_prefill_tokens_per_s: float = Field(default=20.0, ge=0)
    min_free_disk_mb: int = Field(default=0, ge=0)
    max_crashes: int = Field(default=3, ge=1, description="crashes within crash_window_s that "
                             "make the device unavailable")
    crash_window_s: float = Field(default=600.0, gt=0)
    benchmark: bool = Field(default=True, description="measure tokens/s once per model+machine")
    slow_recheck_s: float = Field(
        default=600.0, ge=0, description="a benchmark below the speed thresholds is measured "
        "again after this long (it may have met a busy machine)")
    price: Price | None = Field(default=None, description="what a device run costs; unset = 0")


class CloudTarget(BaseModel):
    """An OpenAI-compatible endpoint: OpenAI, Gemini, Anthropic, vLLM, Ollama, llama.cpp…"""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    model: str
    api_key_env: str | None = Field(
        default=None, description="name of the environment variable holding the key"
    )
    timeout_s: float = Field(default=60.0, gt=0, description="whole request, per try")
    connect_timeout_s: float = Field(default=5.0, gt=0)
    first_token_timeout_s: float = Field(
        default=30.0, gt=0, description="from sending to the first streamed token, or to the "
        "response headers when unstreamed; per try")
    max_retries: int = Field(default=1, ge=0, le=10, description="tries after the first on a "
                             "retryable error (connect, timeout, 429, 5xx) before any token")
    backoff_base_s: float = Field(default=0.25, ge=0, description="first retry waits up to "
                                  "this long (full jitter), doubling each retry")
    backoff_max_s: float = Field(default=4.0, ge=0, description="cap of one backoff wait")
    retry_after_max_s: float = Field(
        default=10.0, ge=0, description="a longer Retry-After fails over instead of waiting")
    context_window: int | None = Field(default=None, ge=1, description="tokens; unset = unknown")
    transport: Literal["aiohttp", "openai"] = Field(
        default="aiohttp", description="how async calls (the gateway's) are sent: plain "
        "aiohttp, or the official openai client (sync calls always use the client)")
    ca_bundle: Path | None = Field(
        default=None, description="PEM file of the certificate authorities this target's "
        "HTTPS certificate is checked against, instead of the system's (a private CA, a "
        "TLS-inspecting proxy); unset = $SSL_CERT_FILE if set, else the system's")

    @field_validator("ca_bundle")
    @classmethod
    def _existing_file(cls, path: Path | None) -> Path | None:
        if path is not None and not path.expanduser().is_file():
            raise ValueError(f"ca_bundle {str(path)!r} is not a file")
        return path.expanduser() if path is not None else None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
        return url.rstrip("/")

    def api_key(self) -> str:
        if not self.api_key_env:
            return "not-needed"  # local servers (llama.cpp, vLLM, Ollama) take any key
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ConfigError(
                f"cloud target needs an API key in ${self.api_key_env}, which is not set",
                code="missing_api_key",
            )
        return key


class ResilienceSettings(BaseModel):
    """Circuit breakers (one per cloud target) and offline detection."""

    model_config = ConfigDict(extra="forbid")

    breaker_failures: int = Field(default=5, ge=1, description="consecutive failures that "
                                  "open a target's breaker")
    breaker_failure_ratio: float = Field(default=0.5, gt=0, le=1, description="... or this "
                                         "share of failed calls in the window")
    breaker_min_calls: int = Field(default=10, ge=1, description="calls the window needs "
                                   "before the ratio counts")
    breaker_window_s: float = Field(default=60.0, gt=0)
    breaker_cooldown_s: float = Field(default=30.0, gt=0, description="open this long, then "
                                      "one probe request may try the target")
    offline_s: float = Field(default=30.0, gt=0, description="when no cloud target can be "
                             "connected to, requests skip the cloud this long")
    offline_probe_interval_s: float = Field(default=2.0, gt=0, description="while offline, a "
                                            "background connect probe at most this often")
    probe_timeout_s: float = Field(default=1.0, gt=0, description="connect timeout of a probe")
    continue_streams: bool = Field(
        default=False, description="a stream that breaks after its first token continues on "
        "the plan's next target (sent the text so far and asked to carry on) instead of "
        "ending in StreamInterruptedError")


class RouterSettings(BaseModel):
    """The learned router behind mode ``auto``."""

    model_config = ConfigDict(extra="forbid")

    path: Path | None = Field(default=None, description="router file from `hybridai router "
                              "train`; unset = the default router shipped for the bundled "
                              "model")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="cloud score at "
                                    "or above which a prompt goes to the cloud; unset = the "
                                    "file's own")
    probe_model: Path | None = Field(default=None, description="for a router trained with "
                                     "--probe: that GGUF (unset = where it was at training)")


class CacheSettings(BaseModel):
    """The on-device response cache: answers to repeated (or, semantic, paraphrased) requests."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    mode: Literal["exact", "semantic"] = Field(
        default="exact", description="exact: the same normalized request; semantic: also a "
        "question of the same meaning (embedding similarity) in the same scope")
    threshold: float = Field(default=0.91, gt=0.0, le=1.0, description="cosine similarity at "
                             "or above which a semantic look-up hits (bench/bench_cache.py)")
    ttl_s: float = Field(default=7 * 86400.0, gt=0, description="an entry's lifetime")
    max_entries: int = Field(default=10_000, ge=1, description="least recently used entries "
                             "are evicted beyond this")
    include_sampled: bool = Field(
        default=False, description="also cache requests that sample (temperature unset or "
        "> 0): a repeat then gets the same answer instead of a new draw")
    path: Path | None = Field(default=None,
                              description="SQLite file; unset = <cache_dir>/responses.sqlite")

    def store_path(self, cache_dir: Path) -> Path:
        return (self.path or cache_dir / "responses.sqlite").expanduser()


class BudgetSettings(BaseModel):
    """Caps on cloud spend (USD); once one is spent, requests run on the device."""

    model_config = ConfigDict(extra="forbid")

    daily_usd: float | None = Field(default=None, ge=0, description="unset = no daily cap")
    monthly_usd: float | None = Field(default=None, ge=0, description="unset = no monthly cap")
    timezone: str = Field(default="UTC", description="where days and months begin (IANA name)")
    ledger_path: Path | None = Field(default=None, description="SQLite spend ledger; unset = "
                                     "<cache_dir>/budget.sqlite")
    reserve_tokens: int = Field(default=1024, ge=1, description="completion tokens held "
                                "against the cap for a request that sets no max_tokens")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (an IANA name such as "
                             "'UTC' or 'Europe/Paris')") from None
        return name

    @property
    def capped(self) -> bool:
        return self.daily_usd is not None or self.monthly_usd is not None


class CascadeSettings(BaseModel):
    """Answer on the device, and escalate to the cloud when its confidence is low."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="cascade every request that does not "
                          "say otherwise (request field or x-hybrid-cascade header)")
    threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="device answers whose "
                             "confidence (geometric-mean token probability) is below this "
                             "go to the cloud")


class PrivacySettings(BaseModel):
    """Personal data and secrets found in a request, and what may then leave the device."""

    model_config = ConfigDict(extra="forbid")

    policy: Policy = Field(default=Policy.REDACT, description="keep_local: any finding runs "
                           "on the device only; redact: the cloud sees placeholders; allow")
    detect: list[str] = Field(default_factory=lambda: list(BUILTIN_KINDS),
                              description="built-in kinds to look for")
    phone_region: str = Field(default="US", description="country of phone numbers written "
                              "without a country code (ISO 3166 alpha-2)")
    patterns: dict[str, str] = Field(default_factory=dict, description="kind name -> regular "
                                     "expression of the owner's own private data")
    keywords: list[str] = Field(default_factory=list, description="words that are private "
                                "wherever they appear (whole words, any case)")

    @field_validator("detect")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        unknown = [k for k in kinds if k not in BUILTIN_KINDS]
        if unknown:
            raise ValueError(f"unknown kind(s) {', '.join(map(repr, unknown))}; expected some "
                             f"of {', '.join(BUILTIN_KINDS)}")
        return kinds

    @field_validator("phone_region")
    @classmethod
    def _region(cls, region: str) -> str:
        import phonenumbers

        if region.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{region!r} is not a region phonenumbers knows (e.g. US, GB, DE)")
        return region.upper()

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, patterns: dict[str, str]) -> dict[str, str]:
        for name, pattern in patterns.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in (*BUILTIN_KINDS,
                                                                      "keyword"):
                raise ValueError(f"pattern name {name!r} must be lower_snake_case and not a "
                                 "built-in kind")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {name!r} is not a valid regular expression: "
                                 f"{exc}") from None
        return patterns

    def ordered_kinds(self) -> list[str]:
        """The enabled built-in kinds, most specific first."""
        return [kind for kind in BUILTIN_KINDS if kind in self.detect]


DeviceSettings.model_rebuild()


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("hybridai"))


class GatewaySettings(BaseModel):
    """``hybridai serve``: the OpenAI-compatible HTTP gateway."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="127.0.0.1", description="loopback only unless you say otherwise")
    port: int = Field(default=8080, ge=0, le=65535)
    api_keys_env: str | None = Field(
        default=None, description="environment variable holding comma-separated client keys; "
        "unset = no client auth")
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_tokens_limit: int | None = Field(
        default=None, ge=1, description="larger max_tokens are refused with 400")
    default_max_tokens: int | None = Field(
        default=None, ge=1, description="max_tokens for requests that give none")
    log_path: Path | None = Field(
        default=None, description="SQLite request log; unset = <user data dir>/requests.sqlite")
    log_content: bool = Field(default=False, description="store prompt and answer text")
    drain_timeout_s: float = Field(default=30.0, ge=0,
                                   description="on SIGTERM, how long requests in flight may finish")

    def api_keys(self) -> tuple[str, ...]:
        if not self.api_keys_env:
            return ()
        raw = os.environ.get(self.api_keys_env, "")
        keys = tuple(k.strip() for k in raw.split(",") if k.strip())
        if not keys:
            raise ConfigError(f"gateway.api_keys_env names ${self.api_keys_env}, which holds "
                              "no keys")
        return keys

    def request_log_path(self) -> Path:
        return self.log_path or user_data_dir() / "requests.sqlite"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HYBRIDAI_", env_nested_delimiter="__", extra="forbid",
    )

    mode: Mode = Mode.PREFER_ON_DEVICE
    device: DeviceSettings = Field(default_factory=DeviceSettings)
    cloud: dict[str, CloudTarget] = Field(default_factory=dict)
    cloud_order: list[str] = Field(
        default_factory=list, description="cloud target names in order; unset = file order"
    )
    prices: dict[str, Price] = Field(
        default_factory=dict, description="per-model prices; added to the built-in table"
    )
    cache_dir: Path = Field(default_factory=user_cache_dir)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    router: RouterSettings = Field(default_factory=RouterSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    cascade: CascadeSettings = Field(default_factory=CascadeSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    resilience: ResilienceSettings = Field(default_factory=ResilienceSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    def cloud_targets(self) -> list[str]:
        """Configured cloud target names, primary first."""
        unknown = [name for name in self.cloud_order if name not in self.cloud]
        if unknown:
            raise ConfigError(f"cloud_order names unknown cloud targets: {', '.join(unknown)}")
        rest = [name for name in self.cloud if name not in self.cloud_order]
        return [*self.cloud_order, *rest]


def find_config_file(path: str | Path | None = None) -> Path | None:
    if path is not None:
        chosen = Path(path)
        if not chosen.is_file():
            raise ConfigError(f"config file {chosen} does not exist")
        return chosen
    if env_path := os.environ.get("HYBRIDAI_CONFIG"):
        return find_config_file(env_path)
    for candidate in (Path("hybridai.toml"), user_config_dir() / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from the config file, the environment and ``overrides``; ConfigError if wrong."""
    config_file = find_config_file(path)
    settings_cls: type[Settings] = Settings
    if config_file is not None:
        try:
            tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: not valid TOML: {exc}") from None
        # A subclass carries the file's path into pydantic-settings' TOML source.
        settings_cls = type(
            "Settings", (Settings,),
            {"model_config": {**Settings.model_config, "toml_file": config_file}},
        )
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        where = f"{config_file}: " if config_file else ""
        raise ConfigError(where + describe_validation_error(exc).replace(
            "invalid request", "invalid settings")) from None
