"""The whole pipeline built through its composition seam with fakes: a fake engine as the
device, fake clouds, a fake clock. Parse, cache, screen, plan, execute and record all run
for real; no process starts and nothing touches the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import CacheSettings, CloudTarget, DeviceSettings, PrivacySettings, Settings
from hybridai.core.build import build_pipeline
from hybridai.device.manager import Device
from hybridai.engines.model_source import locate_model
from hybridai.errors import CloudStatusError, EngineCrashedError, PrivateDataError
from hybridai.schema.modes import Route
from hybridai.schema.privacy import Policy
from tests.unit.builders import FakeClock, FakeCloud, FakeEngine

USER = [{"role": "user", "content": "Why is the sky blue?"}]


class TickingClock(FakeClock):
    """Moves a fixed step each time it is read: every latency it measures is known."""

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


def settings(tmp_path: Path, **fields: object) -> Settings:
    fields.setdefault("cache", CacheSettings(enabled=False))
    return Settings(cache_dir=tmp_path, device=DeviceSettings(benchmark=False),
                    cloud={"primary": CloudTarget(base_url="http://127.0.0.1:9/v1",
                                                  model="big", max_retries=0),
                           "secondary": CloudTarget(base_url="http://127.0.0.1:9/v1",
                                                    model="bigger", max_retries=0)},
                    **fields)  # type: ignore[arg-type]


def client(tmp_path: Path, *, engine_errors: list[Exception] | None = None,
           cloud_errors: dict[str, Exception] | None = None, **fields: object
           ) -> tuple[HybridAI, FakeEngine, dict[str, FakeCloud]]:
    config = settings(tmp_path, **fields)
    engine = FakeEngine(config.device, locate_model(config.device), config.cache_dir,
                        errors=list(engine_errors or []))
    clouds = {name: FakeCloud(name, target, (cloud_errors or {}).get(name))
              for name, target in config.cloud.items()}
    pipeline = build_pipeline(config, device=Device(config, engine), clouds=clouds,
                              clock=TickingClock())
    return HybridAI(pipeline=pipeline), engine, clouds


def test_the_device_answers_when_preferred_and_the_clouds_are_untouched(tmp_path: Path) -> None:
    ai, engine, clouds = client(tmp_path)
    response = ai.chat.completions.create(messages=USER, mode="prefer_on_device")
    assert response.text == "ok" and response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "device_available"
    assert response.hybrid.saved_usd > 0  # priced against the first cloud of the chain
    assert all(cloud.calls == 0 for cloud in clouds.values())
    # The clock handed in is the one the recorder reads: a whole number of its steps.
    assert response.hybrid.latency_s > 0 and (response.hybrid.latency_s / 0.25).is_integer()


def test_a_crashed_engine_falls_back_down_the_cloud_chain(tmp_path: Path) -> None:
    ai, engine, clouds = client(
        tmp_path, engine_errors=[EngineCrashedError("worker died")],
        cloud_errors={"primary": CloudStatusError("down", status=503)})
    response = ai.chat.completions.create(messages=USER, mode="prefer_on_device")
    assert response.text == "Blue." and response.hybrid.target == "secondary"
    assert [(f.target, f.code) for f in response.hybrid.fallbacks] == [
        ("device", "engine_crashed"), ("primary", "cloud_status_error")]
    assert response.hybrid.reason == "fallback:cloud_status_error"


def test_the_cache_handed_in_answers_a_repeat(tmp_path: Path) -> None:
    ai, engine, clouds = client(tmp_path, cache=CacheSettings(enabled=True))
    first = ai.chat.completions.create(messages=USER, mode="only_in_cloud", temperature=0)
    second = ai.chat.completions.create(messages=USER, mode="only_in_cloud", temperature=0)
    assert first.hybrid.route is Route.IN_CLOUD and second.hybrid.route is Route.CACHE
    assert second.text == first.text and clouds["primary"].calls == 1


def test_keep_local_runs_private_data_on_the_device_only(tmp_path: Path) -> None:
    ai, engine, clouds = client(tmp_path, privacy=PrivacySettings(policy=Policy.KEEP_LOCAL))
    private = [{"role": "user", "content": "Mail ada@example.com the report"}]
    response = ai.chat.completions.create(messages=private, mode="prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE and response.hybrid.reason == (
        "private:email")
    assert all(cloud.calls == 0 for cloud in clouds.values())
    with pytest.raises(PrivateDataError):
        ai.chat.completions.create(messages=private, mode="only_in_cloud")


async def test_the_async_client_takes_the_same_pipeline(tmp_path: Path) -> None:
    sync_ai, engine, clouds = client(tmp_path, engine_errors=[EngineCrashedError("died")])
    ai = AsyncHybridAI(pipeline=sync_ai.pipeline)
    chunks = [chunk async for chunk in await ai.chat.completions.create(
        messages=USER, mode="prefer_on_device", stream=True)]
    final = chunks[-1].hybrid
    assert "".join(c.text for c in chunks) == "Blue." and final is not None
    assert final.reason == "fallback:engine_crashed" and final.target == "primary"
