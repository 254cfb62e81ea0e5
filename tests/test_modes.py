"""Each mode against the real llama.cpp engine and a real OpenAI-compatible server on
loopback, with faults injected by a real proxy: Firebase AI Logic's semantics."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from hybridai.errors import (
    CloudConnectionError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
    DeviceUnavailableError,
    EngineCrashedError,
    EngineTimeoutError,
    NoRouteError,
    StreamInterruptedError,
)
from hybridai.schema.modes import Route
from tests.conftest import user

pytestmark = pytest.mark.integration

SHORT = {"max_tokens": 8, "temperature": 0.0}
# Impossible RAM threshold: the device reports unavailable/not_enough_memory.
NO_MEMORY = {"min_available_ram_mb": 10**9}


def ask(client, mode: str, **kwargs):
    return client.chat.completions.create(messages=user("Name a colour."), mode=mode,
                                          **{**SHORT, **kwargs})


# -- prefer_on_device (the default) ----------------------------------------------------------

def test_prefer_on_device_runs_on_the_device_when_available(make_client, proxy):
    response = ask(make_client(proxy.base_url), "prefer_on_device")
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "device_available"
    assert response.text.strip()
    assert proxy.requests == []  # the cloud never saw it


def test_default_mode_is_prefer_on_device(make_client, proxy):
    client = make_client(proxy.base_url)
    response = client.chat.completions.create(messages=user("Hi"), **SHORT)
    assert response.hybrid.mode == "prefer_on_device"
    assert response.hybrid.route is Route.ON_DEVICE


def test_prefer_on_device_goes_to_cloud_when_device_unavailable(make_client, proxy):
    response = ask(make_client(proxy.base_url, device=NO_MEMORY), "prefer_on_device")
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "device_unavailable:not_enough_memory"
    assert response.text.strip()
    assert len(proxy.requests) == 1


def test_prefer_on_device_goes_to_cloud_when_prompt_exceeds_device_context(make_client, proxy):
    client = make_client(proxy.base_url, device={"n_ctx": 256})
    long_prompt = "Summarize this. " + "The cat sat on the mat. " * 80  # ~600 tokens
    response = client.chat.completions.create(messages=user(long_prompt),
                                              mode="prefer_on_device", **SHORT)
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "fallback:context_length_exceeded"
    assert response.hybrid.fallbacks[0].target == "device"


def test_prefer_on_device_falls_back_to_cloud_when_engine_hangs(make_client, proxy):
    client = make_client(proxy.base_url, device={"first_token_timeout_s": 1.5})
    engine = client.pipeline.device.engine
    client.warm_up()  # engine started and benchmarked
    os.kill(engine.pid, signal.SIGSTOP)  # the worker stops answering: a hang
    response = ask(client, "prefer_on_device")  # the engine kills the stopped worker itself
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "fallback:engine_timeout"
    assert engine.restarts >= 1


def _crash_engine_when_busy(engine, delay_s: float = 0.3) -> threading.Thread:
    """SIGSEGV the worker once a request is in flight: a native crash mid-request."""

    def crash() -> None:
        deadline = time.monotonic() + 30
        while engine._current_id is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay_s)
        os.kill(engine.pid, signal.SIGSEGV)

    thread = threading.Thread(target=crash, daemon=True)
    thread.start()
    return thread


LONG_PREFILL = "Repeat after me. " + "One two three four five six seven eight. " * 150


def test_prefer_on_device_falls_back_to_cloud_when_engine_crashes(make_client, proxy):
    client = make_client(proxy.base_url)
    engine = client.pipeline.device.engine
    client.warm_up()
    first_pid = engine.pid
    crasher = _crash_engine_when_busy(engine)
    # ~1,500 prompt tokens keep the worker in prefill, before any token, when it is killed.
    response = client.chat.completions.create(messages=user(LONG_PREFILL),
                                              mode="prefer_on_device", **SHORT)
    crasher.join()
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "fallback:engine_crashed"
    assert "SIGSEGV" in response.hybrid.fallbacks[0].message
    # The engine restarts: the next request runs on the device again, in a new process.
    again = ask(client, "prefer_on_device")
    assert again.hybrid.route is Route.ON_DEVICE
    assert engine.pid != first_pid


# -- only_on_device --------------------------------------------------------------------------

def test_only_on_device_never_uses_the_cloud(make_client, proxy):
    response = ask(make_client(proxy.base_url), "only_on_device")
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "only_on_device"
    assert proxy.requests == []


def test_only_on_device_errors_clearly_when_device_unavailable(make_client, proxy):
    with pytest.raises(DeviceUnavailableError, match="not_enough_memory|RAM") as info:
        ask(make_client(proxy.base_url, device=NO_MEMORY), "only_on_device")
    assert info.value.reason == "not_enough_memory"
    assert proxy.requests == []


def test_only_on_device_crash_is_a_clear_error_and_engine_restarts(make_client, proxy):
    client = make_client(proxy.base_url)
    engine = client.pipeline.device.engine
    client.warm_up()
    crasher = _crash_engine_when_busy(engine)
    with pytest.raises(EngineCrashedError, match="SIGSEGV"):
        client.chat.completions.create(messages=user(LONG_PREFILL), mode="only_on_device",
                                       **SHORT)
    crasher.join()
    assert proxy.requests == []
    assert ask(client, "only_on_device").hybrid.route is Route.ON_DEVICE


def test_only_on_device_prompt_too_long_is_a_context_error(make_client):
    client = make_client(None, device={"n_ctx": 256})
    with pytest.raises(ContextOverflowError, match="256"):
        client.chat.completions.create(messages=user("word " * 600), mode="only_on_device",
                                       **SHORT)


def test_idle_crash_is_noticed_and_engine_restarts(make_client):
    client = make_client(None)
    engine = client.pipeline.device.engine
    client.warm_up()
    old_pid = engine.pid
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.2)
    response = ask(client, "only_on_device")
    assert response.hybrid.route is Route.ON_DEVICE
    assert engine.pid != old_pid
    assert engine.recent_crashes() == 1


def test_engine_hang_in_only_on_device_is_a_timeout_error(make_client):
    client = make_client(None, device={"first_token_timeout_s": 1.0})
    client.warm_up()
    os.kill(client.pipeline.device.engine.pid, signal.SIGSTOP)
    with pytest.raises(EngineTimeoutError, match="within 1 s"):
        ask(client, "only_on_device")


# -- prefer_in_cloud -------------------------------------------------------------------------

def test_prefer_in_cloud_runs_in_the_cloud(make_client, proxy):
    response = ask(make_client(proxy.base_url), "prefer_in_cloud")
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "cloud_preferred"
    assert response.hybrid.target == "standin"
    assert response.hybrid.cost_usd > 0
    assert len(proxy.requests) == 1


@pytest.mark.parametrize("behavior, code", [
    ("status:500", "cloud_server_error"),
    ("status:503", "cloud_server_error"),
    ("status:429:2", "cloud_rate_limited"),
    ("hang", "cloud_timeout"),
])
def test_prefer_in_cloud_falls_back_to_device(make_client, proxy, behavior, code):
    proxy.behavior = behavior
    response = ask(make_client(proxy.base_url, timeout_s=1.5), "prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == f"fallback:{code}"
    assert response.hybrid.fallbacks[0].target == "standin"
    # One retry (max_retries defaults to 1), then the device; 429's Retry-After was waited.
    assert len(proxy.requests) == 2
    assert [r.code for r in response.hybrid.retries] == [code]


def test_prefer_in_cloud_falls_back_when_connection_refused(make_client, refused_url):
    response = ask(make_client(refused_url), "prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "fallback:cloud_connection_error"


def test_prefer_in_cloud_does_not_fall_back_on_a_client_error(make_client, proxy):
    proxy.behavior = "status:401"
    with pytest.raises(CloudStatusError) as info:
        ask(make_client(proxy.base_url), "prefer_in_cloud")
    assert info.value.status == 401


def test_streamed_request_falls_back_before_its_first_token(make_client, proxy):
    proxy.behavior = "status:500"
    chunks = list(make_client(proxy.base_url).chat.completions.create(
        messages=user("Hi"), mode="prefer_in_cloud", stream=True, **SHORT))
    assert chunks[-1].hybrid.route is Route.ON_DEVICE
    assert "".join(c.text for c in chunks).strip()


def test_streamed_request_cut_after_first_token_does_not_fall_back(make_client, proxy):
    proxy.behavior = "cut:3"  # a role chunk and two tokens, then the connection drops
    stream = make_client(proxy.base_url).chat.completions.create(
        messages=user("Count from one to twenty."), mode="prefer_in_cloud", stream=True,
        max_tokens=40, temperature=0.0)
    received = []
    with pytest.raises(StreamInterruptedError, match="after the answer had started"):
        for chunk in stream:
            received.append(chunk.text)
    assert "".join(received)  # the caller got tokens before the cut


def test_unstreamed_request_cut_midway_falls_back(make_client, proxy):
    proxy.behavior = "cutbytes:40"  # the JSON answer breaks off after 40 bytes
    response = make_client(proxy.base_url).chat.completions.create(
        messages=user("Count from one to twenty."), mode="prefer_in_cloud",
        max_tokens=40, temperature=0.0)
    assert response.hybrid.route is Route.ON_DEVICE
    assert response.hybrid.reason == "fallback:cloud_connection_error"


# -- only_in_cloud ---------------------------------------------------------------------------

def test_only_in_cloud_runs_in_the_cloud(make_client, proxy):
    response = ask(make_client(proxy.base_url), "only_in_cloud")
    assert response.hybrid.route is Route.IN_CLOUD
    assert response.hybrid.reason == "only_in_cloud"


@pytest.mark.parametrize("behavior, error", [
    ("status:500", CloudStatusError),
    ("status:429", CloudStatusError),
    ("hang", CloudTimeoutError),
])
def test_only_in_cloud_never_falls_back_to_device(make_client, proxy, behavior, error):
    proxy.behavior = behavior
    client = make_client(proxy.base_url, timeout_s=1.5)
    with pytest.raises(error):
        ask(client, "only_in_cloud")
    assert client.pipeline.device.engine.pid is None  # the device was never started


def test_only_in_cloud_connection_refused(make_client, refused_url):
    with pytest.raises(CloudConnectionError, match="could not be reached"):
        ask(make_client(refused_url), "only_in_cloud")


def test_only_in_cloud_without_a_cloud_target_is_an_error(make_client):
    with pytest.raises(NoRouteError, match="no cloud target"):
        ask(make_client(None), "only_in_cloud")


# -- context windows -------------------------------------------------------------------------

def test_prompt_longer_than_every_context_window(make_client, proxy):
    client = make_client(proxy.base_url, device={"n_ctx": 256}, context_window=4096)
    with pytest.raises(ContextOverflowError, match="fits no context window"):
        client.chat.completions.create(messages=user("word " * 6000),
                                       mode="prefer_on_device", **SHORT)

