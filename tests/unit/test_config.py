"""config.load_settings: sources, precedence and errors; CloudTarget.api_key.

tests/conftest.py clears HYBRIDAI_* variables, points XDG_CONFIG_HOME into tmp_path and makes
tmp_path the working directory for every test.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hybridai.config import CloudTarget, Price, Settings, load_settings
from hybridai.errors import ConfigError
from hybridai.schema.modes import Mode

FULL_CONFIG = """
    mode = "prefer_in_cloud"

    [device]
    n_ctx = 1024
    n_batch = 128
    min_decode_tokens_per_s = 2.5

    [cloud.openai]
    base_url = "https://api.openai.com/v1/"
    model = "gpt-4o-mini"
    api_key_env = "OPENAI_API_KEY"
    context_window = 128000

    [cloud.local]
    base_url = "http://127.0.0.1:8080/v1"
    model = "qwen"

    [prices.my-model]
    input_per_1m = 1.0
    output_per_1m = 2.0
"""


def write_toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def config_error(path: Path | None = None, **overrides: object) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        load_settings(path, **overrides)
    return raised.value


# -- sources -------------------------------------------------------------------------------------

def test_defaults_without_any_file() -> None:
    settings = load_settings()
    assert settings.mode is Mode.PREFER_ON_DEVICE
    assert settings.cloud == {}
    assert settings.cloud_targets() == []
    assert settings.device.n_ctx == 4096
    assert settings.device.benchmark is True


def test_file_given_by_path(tmp_path: Path) -> None:
    settings = load_settings(write_toml(tmp_path / "conf" / "my.toml", FULL_CONFIG))
    assert settings.mode is Mode.PREFER_IN_CLOUD
    assert (settings.device.n_ctx, settings.device.n_batch) == (1024, 128)
    assert settings.device.min_decode_tokens_per_s == 2.5
    openai = settings.cloud["openai"]
    assert openai.base_url == "https://api.openai.com/v1"  # trailing slash stripped
    assert (openai.model, openai.api_key_env, openai.context_window) == (
        "gpt-4o-mini", "OPENAI_API_KEY", 128000)
    assert settings.cloud["local"].api_key_env is None
    assert settings.cloud_targets() == ["openai", "local"]  # file order
    assert settings.prices == {"my-model": Price(input_per_1m=1.0, output_per_1m=2.0)}


def test_cloud_order_puts_named_targets_first(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "c.toml", 'cloud_order = ["local"]\n' + FULL_CONFIG)
    assert load_settings(path).cloud_targets() == ["local", "openai"]


def test_hybridai_config_variable_names_the_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_toml(tmp_path / "elsewhere" / "conf.toml", 'mode = "only_in_cloud"\n')
    monkeypatch.setenv("HYBRIDAI_CONFIG", str(path))
    assert load_settings().mode is Mode.ONLY_IN_CLOUD


def test_explicit_path_beats_hybridai_config(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_CONFIG",
                       str(write_toml(tmp_path / "env.toml", 'mode = "only_in_cloud"\n')))
    chosen = write_toml(tmp_path / "chosen.toml", 'mode = "only_on_device"\n')
    assert load_settings(chosen).mode is Mode.ONLY_ON_DEVICE


def test_hybridai_toml_in_the_working_directory_is_found(tmp_path: Path) -> None:
    assert Path.cwd() == tmp_path
    write_toml(tmp_path / "hybridai.toml", 'mode = "only_on_device"\n')
    assert load_settings().mode is Mode.ONLY_ON_DEVICE


def test_user_config_file_is_found_and_loses_to_the_working_directory(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at tmp_path / "xdg-config".
    write_toml(tmp_path / "xdg-config" / "hybridai" / "config.toml", 'mode = "only_in_cloud"\n')
    assert load_settings().mode is Mode.ONLY_IN_CLOUD
    write_toml(tmp_path / "hybridai.toml", 'mode = "only_on_device"\n')
    assert load_settings().mode is Mode.ONLY_ON_DEVICE


# -- precedence ----------------------------------------------------------------------------------

def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_toml(tmp_path / "c.toml", FULL_CONFIG)
    monkeypatch.setenv("HYBRIDAI_MODE", "only_on_device")
    monkeypatch.setenv("HYBRIDAI_DEVICE__N_CTX", "2048")
    settings = load_settings(path)
    assert settings.mode is Mode.ONLY_ON_DEVICE
    assert settings.device.n_ctx == 2048
    assert settings.device.n_batch == 128  # the file's other [device] keys survive


def test_keyword_overrides_beat_the_environment(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_toml(tmp_path / "c.toml", FULL_CONFIG)
    monkeypatch.setenv("HYBRIDAI_MODE", "only_on_device")
    monkeypatch.setenv("HYBRIDAI_DEVICE__N_CTX", "2048")
    settings = load_settings(path, mode="only_in_cloud", device={"n_ctx": 512})
    assert settings.mode is Mode.ONLY_IN_CLOUD
    assert settings.device.n_ctx == 512
    assert settings.device.n_batch == 128


def test_cloud_target_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_CLOUD__OPENAI__BASE_URL", "https://api.openai.com/v1")
    monkeypatch.setenv("HYBRIDAI_CLOUD__OPENAI__MODEL", "gpt-4o")
    settings = load_settings()
    assert settings.cloud == {"openai": CloudTarget(base_url="https://api.openai.com/v1",
                                                    model="gpt-4o")}
    assert settings.cloud_targets() == ["openai"]


def test_environment_variable_overrides_one_key_of_a_file_cloud_target(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_CLOUD__OPENAI__MODEL", "gpt-4.1")
    settings = load_settings(write_toml(tmp_path / "c.toml", FULL_CONFIG))
    assert settings.cloud["openai"].model == "gpt-4.1"
    assert settings.cloud["openai"].api_key_env == "OPENAI_API_KEY"


# -- errors --------------------------------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    error = config_error(tmp_path / "absent.toml")
    assert "absent.toml" in str(error)
    assert "does not exist" in str(error)


def test_hybridai_config_pointing_nowhere(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_CONFIG", str(tmp_path / "gone.toml"))
    assert "gone.toml" in str(config_error())


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "broken.toml", "mode = = 3\n")
    error = config_error(path)
    assert str(path) in str(error)
    assert "not valid TOML" in str(error)


@pytest.mark.parametrize(("text", "where"), [
    ('modee = "only_in_cloud"\n', "modee: unknown field"),
    ("[device]\nn_ctxx = 1024\n", "device.n_ctxx: unknown field"),
    ('[cloud.openai]\nbase_url = "https://a/v1"\nmodel = "m"\napi_key = "sk"\n',
     "cloud.openai.api_key: unknown field"),
])
def test_unknown_keys_are_rejected(tmp_path: Path, text: str, where: str) -> None:
    path = write_toml(tmp_path / "typo.toml", text)
    error = config_error(path)
    assert str(path) in str(error)
    assert where in str(error)


def test_bad_mode_in_the_file(tmp_path: Path) -> None:
    error = config_error(write_toml(tmp_path / "c.toml", 'mode = "sideways"\n'))
    assert "mode:" in str(error)
    assert "prefer_on_device" in str(error)  # the valid choices are listed


def test_bad_mode_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_MODE", "sideways")
    assert "mode:" in str(config_error())


def test_base_url_must_be_http(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "c.toml", '[cloud.x]\nbase_url = "ftp://a/v1"\nmodel = "m"\n')
    error = config_error(path)
    assert "cloud.x.base_url" in str(error)
    assert "http:// or https://" in str(error)


def test_cloud_target_needs_a_model(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "c.toml", '[cloud.x]\nbase_url = "https://a/v1"\n')
    assert "cloud.x.model" in str(config_error(path))


def test_out_of_range_value(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "c.toml", "[device]\nmax_crashes = 0\n")
    assert "device.max_crashes" in str(config_error(path))


def test_cloud_order_naming_an_unknown_target() -> None:
    settings = Settings(cloud={"openai": CloudTarget(base_url="https://a/v1", model="m")},
                        cloud_order=["openai", "azure"])
    with pytest.raises(ConfigError, match="unknown cloud targets: azure"):
        settings.cloud_targets()


def test_config_errors_carry_the_invalid_config_code(tmp_path: Path) -> None:
    assert config_error(tmp_path / "absent.toml").code == "invalid_config"


# -- CloudTarget.api_key -------------------------------------------------------------------------

def test_api_key_is_read_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-test")
    target = CloudTarget(base_url="https://a/v1", model="m", api_key_env="MY_KEY")
    assert target.api_key() == "sk-test"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_api_key(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("MY_KEY", raising=False)
    else:
        monkeypatch.setenv("MY_KEY", value)
    target = CloudTarget(base_url="https://a/v1", model="m", api_key_env="MY_KEY")
    with pytest.raises(ConfigError) as raised:
        target.api_key()
    assert raised.value.code == "missing_api_key"
    assert "$MY_KEY" in str(raised.value)


def test_no_api_key_variable_means_a_placeholder_key() -> None:
    assert CloudTarget(base_url="http://127.0.0.1:8080/v1", model="m").api_key() == "not-needed"


# -- the response cache ----------------------------------------------------------------------

def test_cache_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HYBRIDAI_CACHE__ENABLED")  # the suite's conftest turns it off
    cache = load_settings(cache_dir=tmp_path).cache
    assert (cache.enabled, cache.mode, cache.include_sampled) == (True, "exact", False)
    assert cache.ttl_s == 7 * 86400 and cache.max_entries == 10_000
    assert cache.store_path(tmp_path) == tmp_path / "responses.sqlite"


def test_cache_from_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_toml(tmp_path / "c.toml", """
        [cache]
        mode = "semantic"
        threshold = 0.8
        ttl_s = 60
        max_entries = 5
        include_sampled = true
        path = "/tmp/x.sqlite"
    """)
    monkeypatch.setenv("HYBRIDAI_CACHE__MAX_ENTRIES", "7")
    cache = load_settings(path).cache
    assert (cache.mode, cache.threshold, cache.ttl_s, cache.max_entries) == (
        "semantic", 0.8, 60, 7)
    assert cache.include_sampled and cache.store_path(tmp_path) == Path("/tmp/x.sqlite")
    assert cache.enabled is False  # HYBRIDAI_CACHE__ENABLED from conftest beats the file


@pytest.mark.parametrize(("text", "where"), [
    ('mode = "fuzzy"', "cache.mode"), ("threshold = 1.5", "cache.threshold"),
    ("ttl_s = 0", "cache.ttl_s"), ("max_entries = 0", "cache.max_entries"),
    ("size = 3", "cache.size"),
])
def test_bad_cache_settings_name_the_key(tmp_path: Path, text: str, where: str) -> None:
    path = write_toml(tmp_path / "c.toml", f"[cache]\n{text}\n")
    assert where in str(config_error(path))


# -- resilience settings -------------------------------------------------------------------------

def test_resilience_settings_from_the_file_and_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = FULL_CONFIG.replace('model = "qwen"', 'model = "qwen"\n    first_token_timeout_s '
                               '= 3\n    max_retries = 0\n    retry_after_max_s = 2.5')
    path = write_toml(tmp_path / "c.toml", text + """
    [resilience]
    breaker_failures = 2
    offline_s = 5
    """)
    monkeypatch.setenv("HYBRIDAI_RESILIENCE__BREAKER_COOLDOWN_S", "7")
    settings = load_settings(path)
    local = settings.cloud["local"]
    assert (local.first_token_timeout_s, local.max_retries, local.retry_after_max_s) == (
        3.0, 0, 2.5)
    assert settings.cloud["openai"].max_retries == 1  # the default: one retry
    resilience = settings.resilience
    assert (resilience.breaker_failures, resilience.offline_s,
            resilience.breaker_cooldown_s) == (2, 5.0, 7.0)


@pytest.mark.parametrize("text, where", [
    ("[resilience]\nbreaker_failures = 0\n", "resilience.breaker_failures"),
    ("[resilience]\nbreaker_failure_ratio = 1.5\n", "resilience.breaker_failure_ratio"),
    ("[resilience]\nprobe_timeout_s = 0\n", "resilience.probe_timeout_s"),
    ("[resilience]\nretries = 3\n", "resilience.retries"),
    ('[cloud.x]\nbase_url = "https://a/v1"\nmodel = "m"\nmax_retries = -1\n',
     "cloud.x.max_retries"),
    ('[cloud.x]\nbase_url = "https://a/v1"\nmodel = "m"\nfirst_token_timeout_s = 0\n',
     "cloud.x.first_token_timeout_s"),
])
def test_bad_resilience_settings_name_the_key(tmp_path: Path, text: str, where: str) -> None:
    assert where in str(config_error(write_toml(tmp_path / "c.toml", text)))
