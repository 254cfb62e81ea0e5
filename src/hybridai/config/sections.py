"""The settings sections of how requests are handled: ``[resilience]``, ``[router]``,
``[cache]``, ``[budget]``, ``[cascade]``, ``[privacy]``, ``[gateway]`` and ``[embeddings]``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..errors import ConfigError, InvalidRequestError
from ..schema.modes import Mode
from ..schema.privacy import BUILTIN_KINDS, Policy
from .dirs import user_data_dir


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


CacheShare = Literal["user", "key", "everyone"]
"""Who may be given an answer the cache stored for another caller."""


class CacheSettings(BaseModel):
    """The on-device response cache: answers to repeated (or, semantic, paraphrased) requests."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    mode: Literal["exact", "semantic"] = Field(
        default="exact", description="exact: the same normalized request; semantic: also a "
        "question of the same meaning (embedding similarity) in the same scope")
    threshold: float = Field(default=0.60, gt=0.0, le=1.0, description="cosine similarity at "
                             "or above which a stored question is a candidate; the verifier "
                             "(cache.verify) then decides (bench/bench_cache.py)")
    ttl_s: float = Field(default=7 * 86400.0, gt=0, description="an entry's lifetime")
    max_entries: int = Field(default=10_000, ge=1, description="least recently used entries "
                             "are evicted beyond this")
    share: CacheShare = Field(
        default="user", description="who may be given an answer stored for another caller: "
        "user: only the same gateway key and the same `user` field (the default: an answer "
        "may hold what only its caller should see); key: anyone with the same gateway key; "
        "everyone: every caller (public FAQ answers)")
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
    ner: str = Field(default="auto", description="spaCy pipeline behind names and addresses: "
                     "auto (the first installed of en_core_web_sm/md/lg/trf), a package name, "
                     "or off (cue words and patterns only)")
    ip_addresses: Literal["public", "all"] = Field(
        default="public", description="which IP addresses are personal data: public (those "
        "routed on the internet; private, loopback, link-local, shared and documentation "
        "ranges name no one outside their network) or all")

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

    @field_validator("ner")
    @classmethod
    def _ner(cls, setting: str) -> str:
        setting = setting.strip()
        if setting.lower() in ("auto", "off"):
            return setting.lower()
        if not re.fullmatch(r"[A-Za-z_][\w.]*", setting):
            raise ValueError(f"privacy.ner = {setting!r}: expected auto, off or the package "
                             "name of a spaCy pipeline (e.g. en_core_web_sm)")
        import importlib.util

        if (importlib.util.find_spec("spacy") is None
                or importlib.util.find_spec(setting.split(".")[0]) is None):
            raise ValueError(f"privacy.ner = {setting!r} is not installed: pip install "
                             f"'hybridai[ner]' && python -m spacy download {setting}, or set "
                             "auto or off")
        return setting

    def ordered_kinds(self) -> list[str]:
        """The enabled built-in kinds, most specific first."""
        return [kind for kind in BUILTIN_KINDS if kind in self.detect]


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
    responses_keep_days: float = Field(
        default=30.0, gt=0, description="how long /v1/responses keeps a stored response (and "
        "its conversation) for previous_response_id and GET; OpenAI keeps 30 days")
    drain_timeout_s: float = Field(default=30.0, ge=0,
                                   description="on SIGTERM, how long requests in flight may finish")
    extension_fields: list[str] = Field(
        default_factory=list, description="request fields beyond OpenAI's that are passed to "
        "the cloud (vendor extensions such as top_k, min_p, repetition_penalty) and honoured "
        "on the device where llama.cpp can; any other unknown field is a 400")
    # issue 19: browser pages on other origins (the SDK's cloud path and device reports)
    cors_origins: list[str] = Field(
        default_factory=list, description="origins whose pages may call the gateway "
        "(CORS: \"https://app.example.com\", or \"*\"); empty = same-origin only")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"a CORS origin is scheme://host[:port] with no path, or "
                                 f"\"*\"; got {origin!r}")
        return origins

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


class ModelAlias(BaseModel):
    """What a model name in a request stands for: a mode, a cloud target, or both."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode | None = Field(default=None, description="unset = the configured mode")
    target: str | None = Field(default=None, description="the cloud target tried first; "
                               "unset = the failover chain as configured")

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, mode: object) -> object:
        try:
            return None if mode is None else Mode.parse(str(mode))
        except InvalidRequestError as exc:
            raise ValueError(str(exc)) from None


# -- [embeddings]: POST /v1/embeddings and client.embeddings (core/embeddings.py) ------------

DEVICE_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
"""The embedding model the device runs (``engines.embeddings``): 384 dimensions."""


class EmbeddingsSettings(BaseModel):
    """Where embeddings are made: on the device (all-MiniLM-L6-v2), or by one cloud target's
    embedding model; and whether every vector must come from one model (an index's)."""

    model_config = ConfigDict(extra="forbid")

    cloud_target: str | None = Field(
        default=None, description="the [cloud.<name>] target whose /embeddings makes cloud "
        "embeddings; unset = embeddings never leave the device")
    cloud_model: str | None = Field(
        default=None, description="that target's embedding model (text-embedding-3-small, "
        "...); its price comes from [prices]")
    pin_model: str | None = Field(
        default=None, description="every vector comes from this model, never another: "
        f"{DEVICE_EMBEDDING_MODEL} (the device) or cloud_model; a request that model cannot "
        "serve is refused instead of falling back (an index stays consistent)")

    @field_validator("pin_model")
    @classmethod
    def _pin_known(cls, pin: str | None, info: ValidationInfo) -> str | None:
        cloud_model = info.data.get("cloud_model")
        if pin is not None and pin not in (DEVICE_EMBEDDING_MODEL, cloud_model):
            known = " or ".join(repr(m) for m in (DEVICE_EMBEDDING_MODEL, cloud_model) if m)
            raise ValueError(f"pin_model {pin!r} is no embedding model here; expected {known}")
        return pin

    @model_validator(mode="after")
    def _target_and_model(self) -> EmbeddingsSettings:
        if (self.cloud_target is None) != (self.cloud_model is None):
            raise ValueError("cloud_target and cloud_model go together: the target, and the "
                             "embedding model it serves")
        return self
