"""/readyz of a real `hybridai serve` process: ready when its configured mode can serve,
whatever else is down. The clouds are the real OpenAI-compatible server on loopback, a
closed port and a fault-injecting proxy answering HTTP 500; the device is the real engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import user
from tests.support.fault_proxy import FaultProxy, ServerThread
from tests.support.gateway_process import TEST_SPEED_FLOOR, GatewayProcess, toml_value

pytestmark = pytest.mark.integration


@pytest.fixture
def failing_cloud(cloud_server: str) -> Iterator[FaultProxy]:
    """A cloud that answers everything, GET /models too, with HTTP 500."""
    proxy = FaultProxy(upstream=cloud_server, behavior="status:500")
    with ServerThread(proxy.app(), proxy.port):
        yield proxy


def start(folder: Path, shared_cache: Path, mode: str, clouds: dict[str, str]
          ) -> GatewayProcess:
    lines = [f"cache_dir = {toml_value(shared_cache)}", f"mode = {toml_value(mode)}",
             f"cloud_order = {toml_value(list(clouds))}",
             "[gateway]", f"log_path = {toml_value(folder / 'requests.sqlite')}",
             "[device]", *(f"{k} = {toml_value(v)}" for k, v in TEST_SPEED_FLOOR.items()),
             "load_timeout_s = 600"]
    for name, url in clouds.items():
        lines += [f"[cloud.{name}]", f"base_url = {toml_value(url)}", 'model = "stand-in"',
                  "max_retries = 0", "connect_timeout_s = 2"]
    config = folder / "gateway.toml"
    config.write_text("\n".join(lines) + "\n")
    # A busy machine may need long to load and benchmark the device model.
    return GatewayProcess(config, folder / "requests.sqlite").start(timeout_s=600)


def ready(gateway: GatewayProcess) -> tuple[int, dict]:
    # Under a device mode, /readyz asks for the device's availability: slow when busy.
    response = httpx.get(gateway.root + "/readyz", timeout=300)
    return response.status_code, response.json()


def ask(gateway: GatewayProcess) -> httpx.Response:
    return httpx.post(gateway.base_url + "/chat/completions", timeout=300, json={
        "model": "hybrid", "messages": user("Name a colour."), "max_tokens": 8,
        "temperature": 0.0})


def test_ready_with_one_of_two_clouds_down(tmp_path, shared_cache, cloud_server,
                                           refused_url):
    gateway = start(tmp_path, shared_cache, "only_in_cloud",
                    {"a": refused_url, "b": cloud_server + "/v1"})
    try:
        status, body = ready(gateway)
        assert status == 200, body
        assert (body["ready"], body["mode"], body["serves"]) == (True, "only_in_cloud", ["b"])
        assert body["cloud"]["a"]["reachable"] is False
        assert body["cloud"]["a"]["healthy"] is False
        assert (body["cloud"]["b"]["http_status"], body["cloud"]["b"]["healthy"]) == (200, True)
        assert body["device"]["required"] is False
        # And it does serve: the request fails over from a to b.
        answer = ask(gateway)
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-hybrid-target"] == "b"
    finally:
        gateway.stop()


def test_not_ready_when_only_in_cloud_has_no_healthy_cloud(tmp_path, shared_cache,
                                                           refused_url, failing_cloud):
    gateway = start(tmp_path, shared_cache, "only_in_cloud",
                    {"a": refused_url, "b": failing_cloud.base_url})
    try:
        status, body = ready(gateway)
        assert status == 503, body
        assert (body["ready"], body["serves"]) == (False, [])
        # A target answering 500 is reachable, and still no place to send requests.
        assert body["cloud"]["b"]["reachable"] is True
        assert body["cloud"]["b"]["http_status"] == 500
        assert body["cloud"]["b"]["healthy"] is False
        assert "a: unreachable" in body["reason"]
        assert "b: answered HTTP 500" in body["reason"]
        assert httpx.get(gateway.root + "/healthz", timeout=30).status_code == 200  # alive
    finally:
        gateway.stop()


def test_prefer_on_device_with_the_clouds_down_is_ready_on_the_device(
        tmp_path, shared_cache, refused_url, failing_cloud):
    gateway = start(tmp_path, shared_cache, "prefer_on_device",
                    {"a": refused_url, "b": failing_cloud.base_url})
    try:
        status, body = ready(gateway)
        assert status == 200, body
        assert (body["ready"], body["serves"]) == (True, ["device"])
        assert body["device"]["engine_loaded"] is True
        assert body["device"]["status"] == "available"
        assert [c["healthy"] for c in body["cloud"].values()] == [False, False]
        answer = ask(gateway)
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-hybrid-route"] == "on_device"
    finally:
        gateway.stop()
