"""200 concurrent mixed clients against the gateway: nothing crashes, every request ends in
an answer or a clean error. A fast real OpenAI-compatible server stands in for the cloud so
that the load reaches the gateway, not a model."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import ServerThread, free_port
from tests.support.gateway_process import GatewayProcess, write_config

pytestmark = pytest.mark.integration

CLIENTS = 200
MODELS = ["hybrid", "hybrid/cloud", "hybrid/on-device", "hybrid/prefer_in_cloud"]


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    port = free_port()
    with ServerThread(echo_app(), port):
        yield f"http://127.0.0.1:{port}/v1"


async def one_client(http: httpx.AsyncClient, url: str, index: int) -> tuple[str, int, str]:
    rng = random.Random(index)
    model, stream = rng.choice(MODELS), rng.random() < 0.5
    body = {"model": model, "stream": stream, "max_tokens": 6, "temperature": 0,
            "messages": [{"role": "user", "content": f"Say the number {index}."}]}
    if not stream:
        response = await http.post(url, json=body)
        if response.status_code == 200:
            assert response.json()["choices"][0]["message"]["content"] is not None
        else:
            assert response.json()["error"]["code"]  # a clean OpenAI-style error
        return model, response.status_code, "json"
    async with http.stream("POST", url, json=body) as response:
        if response.status_code != 200:
            payload = json.loads(await response.aread())
            assert payload["error"]["code"]
            return model, response.status_code, "sse"
        lines = [line async for line in response.aiter_lines() if line]
    assert lines[-1] == "data: [DONE]", lines[-3:]
    final = json.loads(lines[-2].removeprefix("data: "))
    assert final["hybrid"]["route"] in ("on_device", "in_cloud")
    return model, 200, "sse"


def test_200_concurrent_mixed_streaming_clients(echo_url, tmp_path: Path, shared_cache: Path):
    config = write_config(tmp_path, cloud_url=echo_url, cache_dir=shared_cache,
                          gateway={"log_path": tmp_path / "requests.sqlite"},
                          device={"max_queue": 8})
    gateway = GatewayProcess(config, tmp_path / "requests.sqlite").start()
    try:
        async def run() -> list[tuple[str, int, str]]:
            limits = httpx.Limits(max_connections=CLIENTS)
            async with httpx.AsyncClient(timeout=180, limits=limits) as http:
                url = gateway.base_url + "/chat/completions"
                return await asyncio.gather(*(one_client(http, url, i) for i in range(CLIENTS)))

        results = asyncio.run(run())
        statuses = Counter(status for _, status, _ in results)
        assert set(statuses) <= {200, 429}, statuses
        # Only the mode that forbids the cloud may be turned away when the device is full.
        assert all(model == "hybrid/on-device" for model, status, _ in results if status == 429)
        assert statuses[200] >= CLIENTS * 3 // 4
        assert httpx.get(gateway.root + "/healthz").status_code == 200
    finally:
        gateway.stop()
    assert "Traceback" not in gateway.output.read_text()
