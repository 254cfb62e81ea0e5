"""The documented example config is valid as shipped."""

from __future__ import annotations

from pathlib import Path

from hybridai.config import load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "hybridai.example.toml"


def test_example_config_loads():
    settings = load_settings(EXAMPLE)
    assert settings.cloud_targets() == ["openai", "gemini"]
    assert settings.cloud["openai"].api_key_env == "OPENAI_API_KEY"
    assert settings.prices["gpt-4o-mini"].output_per_1m == 0.60
    assert settings.device.n_ctx == 4096
    assert settings.cache.mode == "exact" and settings.cache.max_entries == 10_000
    assert settings.budget.timezone == "UTC" and settings.budget.reserve_tokens == 1024
    assert not settings.budget.capped
    assert settings.cascade.enabled is False and settings.cascade.threshold == 0.5


def test_example_aliases_name_a_configured_target():
    settings = load_settings(EXAMPLE)
    assert settings.aliases["fast"].target in settings.cloud
    assert settings.gateway.extension_fields == [] and settings.gateway.cors_origins == []
    assert settings.embeddings.cloud_target is None  # embeddings stay on the device
    assert settings.cloud["openai"].responses_api is False
