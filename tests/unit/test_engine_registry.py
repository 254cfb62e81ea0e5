"""The engine registry and the device built on it: another engine kind plugs in by name, or an
engine is handed in, and the device uses it like the llama.cpp one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hybridai.config import DeviceSettings, Settings
from hybridai.device.manager import Device
from hybridai.engines.llamacpp.engine import LlamaCppEngine
from hybridai.engines.model_source import ModelLocation
from hybridai.engines.protocol import DeviceEngine
from hybridai.engines.registry import (
    DEFAULT_ENGINE,
    ENGINES,
    EngineRegistry,
    build_engine,
    register_engine,
)
from hybridai.errors import ConfigError
from hybridai.schema.events import Finished, Started, TextDelta
from tests.unit.builders import FakeEngine, chat_request, device_probe, model_facts


def fake_factory(settings: DeviceSettings, location: ModelLocation, cache_dir: Path
                 ) -> DeviceEngine:
    return FakeEngine(settings, location, cache_dir)


@pytest.fixture
def fake_kind() -> Iterator[str]:
    register_engine("fake", fake_factory)
    yield "fake"
    ENGINES.unregister("fake")


def settings(tmp_path: Path, **device: object) -> Settings:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    return Settings(cache_dir=tmp_path / "cache",
                    device=DeviceSettings(model_path=model, **device))  # type: ignore[arg-type]


def test_llama_cpp_is_the_default_engine(tmp_path: Path) -> None:
    assert DeviceSettings().kind == DEFAULT_ENGINE == "llama.cpp"
    assert DEFAULT_ENGINE in ENGINES.kinds()
    device = Device(settings(tmp_path))
    assert isinstance(device.engine, LlamaCppEngine)  # built, not started: no process yet
    assert device.engine.pid is None and device.engine.location == device.location


def test_device_builds_the_engine_its_settings_name(tmp_path: Path, fake_kind: str) -> None:
    config = settings(tmp_path, kind=fake_kind)
    device = Device(config)
    engine = device.engine
    assert isinstance(engine, FakeEngine)
    assert engine.settings is config.device and engine.cache_dir == config.cache_dir
    assert engine.location.path == config.device.model_path == device.location.path
    device.close()
    assert engine.closed


def test_a_handed_in_engine_is_the_one_the_device_uses(tmp_path: Path) -> None:
    config = settings(tmp_path)
    location = ModelLocation(name="other", path=tmp_path / "tiny.gguf", bundled=False)
    engine = FakeEngine(config.device, location, config.cache_dir)
    device = Device(config, engine)
    assert device.engine is engine and device.location is location
    assert list(device.engine.stream(chat_request("two words"))) == [
        Started(2), TextDelta("ok"), Finished("stop", 2, 1)]


def test_the_device_benchmarks_any_engine_and_reports_it(tmp_path: Path) -> None:
    config = settings(tmp_path)
    engine = FakeEngine(config.device, ModelLocation("tiny", tmp_path / "tiny.gguf", False),
                        config.cache_dir)
    device = Device(config, engine)
    probe = device_probe(model=model_facts(path=str(tmp_path / "tiny.gguf")))
    result = device.benchmark(probe)
    assert result is not None and engine.calls == ["start", "benchmark"]
    assert (result.prefill_tokens_per_s, result.decode_tokens_per_s, result.load_s) == (
        300.0, 30.0, 0.1)
    assert device.benchmark(probe) == result and engine.calls == ["start", "benchmark"]  # cached


def test_an_unknown_kind_is_a_config_error_naming_the_known_ones(tmp_path: Path) -> None:
    config = settings(tmp_path, kind="vllm")
    with pytest.raises(ConfigError, match="unknown device engine 'vllm'.*llama.cpp") as info:
        Device(config)
    assert info.value.code == "unknown_engine"


def test_a_kind_is_registered_once_unless_replaced(tmp_path: Path) -> None:
    registry = EngineRegistry()
    registry.register("fake", fake_factory)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("fake", fake_factory)
    config = settings(tmp_path)

    def other(settings: DeviceSettings, location: ModelLocation, cache_dir: Path
              ) -> DeviceEngine:
        return FakeEngine(settings, location, cache_dir, name="other")

    registry.register("fake", other, replace=True)
    location = ModelLocation("tiny", config.device.model_path, False)
    assert registry.build("fake", config.device, location, config.cache_dir).name == "other"
    assert registry.kinds() == ["fake"]
    registry.unregister("fake")
    with pytest.raises(ConfigError):
        registry.build("fake", config.device, location, config.cache_dir)


def test_build_engine_follows_the_settings(tmp_path: Path, fake_kind: str) -> None:
    config = settings(tmp_path, kind=fake_kind)
    location = ModelLocation("tiny", config.device.model_path, False)
    assert isinstance(build_engine(config.device, location, config.cache_dir), FakeEngine)
