"""``Settings``, the one model of every section, and how it is loaded: the config file
found, then the environment and keyword overrides over it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ..errors import ConfigError
from ..schema.modes import Mode
from ..schema.price import Price
from ..schema.request import describe_validation_error
from .dirs import user_cache_dir, user_config_dir
from .sections import (
    BudgetSettings,
    CacheSettings,
    CascadeSettings,
    EmbeddingsSettings,
    GatewaySettings,
    ModelAlias,
    PrivacySettings,
    ResilienceSettings,
    RouterSettings,
)
from .targets import CloudTarget, DeviceSettings


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
    embeddings: EmbeddingsSettings = Field(default_factory=EmbeddingsSettings)
    aliases: dict[str, ModelAlias] = Field(
        default_factory=dict, description="model name -> mode and/or cloud target: what a "
        "request's model field may say besides hybrid, hybrid/<mode>, a target's name or its "
        "model's name")

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
