"""Resilience through real faults on loopback: timeouts, retries, circuit breakers, failover
across two cloud vendors and then the device, and offline detection.

The vendors are fault-injecting proxies (and a TCP relay that resets connections) in front
of the one real OpenAI-compatible server; the device is the real llama.cpp engine.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import CloudTarget, DeviceSettings, ResilienceSettings, Settings
from hybridai.errors import (
    CloudAnswerError,
    CloudStatusError,
    CloudTimeoutError,
    NoRouteError,
    StreamInterruptedError,
)
from hybridai.policies.resilience import BreakerState
from hybridai.schema.modes import Route
from tests.conftest import STAND_IN_MODEL, STAND_IN_PRICE, user
from tests.support.fault_proxy import FaultProxy, ResetProxy, ServerThread, blackhole
from tests.support.gateway_process import TEST_SPEED_FLOOR, GatewayProcess, toml_value

pytestmark = pytest.mark.integration

SHORT = {"max_tokens": 8, "temperature": 0.0}
# Backoff small enough that a wait of a second or more can only come from Retry-After.
QUICK_RETRY = {"max_retries": 1, "backoff_base_s": 0.05, "backoff_max_s": 0.05}
NO_RETRY = {"max_retries": 0}
# A stalled vendor stalls this long; a request that ends well before it did not wait it out,
# however slowly a loaded machine generates the answer that replaced it.
STALL_S = 120


def vendor(url: str, **fields: Any) -> CloudTarget:
    # Generous except where a test sets a bound: a loaded machine's server can be slow.
    options = {"timeout_s": 90.0, "first_token_timeout_s": 50.0, "connect_timeout_s": 2.0,
               **fields}
    return CloudTarget(base_url=url, model=STAND_IN_MODEL, **options)


def settings(shared_cache: Path, vendors: dict[str, CloudTarget], **resilience: Any
             ) -> Settings:
    return Settings(cloud=vendors, cloud_order=list(vendors),
                    prices={STAND_IN_MODEL: STAND_IN_PRICE},
                    # A machine busy with other work may need long to load and benchmark.
                    device=DeviceSettings(**TEST_SPEED_FLOOR, load_timeout_s=600),
                    cache_dir=shared_cache,
                    resilience=ResilienceSettings(**resilience))


@pytest.fixture
def make(shared_cache: Path) -> Iterator[Callable[..., HybridAI]]:
    made: list[HybridAI] = []

    def factory(vendors: dict[str, CloudTarget], **resilience: Any) -> HybridAI:
        made.append(HybridAI(settings(shared_cache, vendors, **resilience)))
        return made[-1]

    yield factory
    for client in made:
        client.pipeline.close()


@pytest.fixture
def second_proxy(cloud_server: str) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(upstream=cloud_server)
    with ServerThread(fault_proxy.app(), fault_proxy.port):
        yield fault_proxy


# Tests about the cloud chain use only_in_cloud: the device is neither probed nor loaded.
def ask(client: HybridAI, mode: str = "only_in_cloud", **kwargs: Any) -> Any:
    return client.chat.completions.create(messages=user("Name a colour."), mode=mode,
                                          **{**SHORT, **kwargs})


def stream_text(client: HybridAI, mode: str = "only_in_cloud") -> tuple[str, Any]:
    chunks = list(client.chat.completions.create(messages=user("Name a colour."), mode=mode,
                                                 stream=True, **SHORT))
    return "".join(c.text for c in chunks), chunks[-1].hybrid


# -- failover across vendors, then the device -----------------------------------------------

def test_vendors_fail_over_in_order_then_to_the_device(make, proxy, second_proxy):
    proxy.behavior, second_proxy.behavior = "status:503", "status:500"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY),
                   "b": vendor(second_proxy.base_url, **NO_RETRY)})
    response = ask(client, "prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE
    assert [(f.target, f.code) for f in response.hybrid.fallbacks] == [
        ("a", "cloud_server_error"), ("b", "cloud_server_error")]
    assert "503" in response.hybrid.fallbacks[0].message
    assert "500" in response.hybrid.fallbacks[1].message
    assert (len(proxy.requests), len(second_proxy.requests)) == (1, 1)
    assert response.text.strip()


def test_second_vendor_answers_when_the_first_is_down(make, proxy, second_proxy,
                                                      refused_url):
    client = make({"a": vendor(refused_url, **NO_RETRY),
                   "b": vendor(proxy.base_url, **NO_RETRY)})
    response = ask(client, "only_in_cloud")
    assert (response.hybrid.route, response.hybrid.target) == (Route.IN_CLOUD, "b")
    assert response.hybrid.reason == "fallback:cloud_connection_error"
    assert response.hybrid.fallbacks[0].target == "a"
    assert len(proxy.requests) == 1


def test_only_in_cloud_never_reaches_the_device_after_every_vendor_failed(make, proxy,
                                                                          second_proxy):
    proxy.behavior = second_proxy.behavior = "status:502"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY),
                   "b": vendor(second_proxy.base_url, **NO_RETRY)})
    with pytest.raises(NoRouteError, match="a: .*502.*b: .*502") as info:
        ask(client, "only_in_cloud")
    assert info.value.code == "cloud_server_error"
    assert client.pipeline.device.engine.pid is None


def test_a_429_fails_over_with_its_own_code(make, proxy, second_proxy):
    proxy.behavior = "status:429"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY),
                   "b": vendor(second_proxy.base_url, **NO_RETRY)})
    response = ask(client, "only_in_cloud")
    assert (response.hybrid.target, response.hybrid.reason) == ("b", "fallback:cloud_rate_limited")
    assert [(f.target, f.code) for f in response.hybrid.fallbacks] == [("a", "cloud_rate_limited")]


# -- HTTP 200 answers that are no answer --------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
@pytest.mark.parametrize(("behavior", "code", "message"), [
    ("errorbody", "cloud_error_answer", "injected error answer"),
    ("badjson", "cloud_invalid_json", "not JSON"),
], ids=["errorbody", "badjson"])
def test_a_200_that_is_no_answer_fails_over_like_a_5xx(make, proxy, second_proxy, behavior,
                                                       code, message, stream):
    """Some vendors and proxies answer HTTP 200 with an error object when overloaded: that
    is a failed try, with the vendor's message, not an empty answer."""
    proxy.behavior = behavior
    client = make({"a": vendor(proxy.base_url, **NO_RETRY),
                   "b": vendor(second_proxy.base_url)})
    if stream:
        text, hybrid = stream_text(client, "prefer_in_cloud")
    else:
        response = ask(client, "prefer_in_cloud")
        text, hybrid = response.text, response.hybrid
    assert text.strip()
    assert (hybrid.target, hybrid.reason) == ("b", f"fallback:{code}")
    assert [f.target for f in hybrid.fallbacks] == ["a"]
    assert message in hybrid.fallbacks[0].message


def test_a_200_without_choices_fails_over_to_the_device(make, proxy):
    proxy.behavior = "nochoices"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY)})
    response = ask(client, "prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE and response.text.strip()
    assert [(f.target, f.code) for f in response.hybrid.fallbacks] == [
        ("a", "cloud_error_answer")]
    assert "no choices" in response.hybrid.fallbacks[0].message


def test_a_200_error_answer_is_retried_on_the_same_vendor(make, proxy):
    proxy.script = ["errorbody"]
    client = make({"a": vendor(proxy.base_url, **QUICK_RETRY)})
    response = ask(client, "only_in_cloud")
    assert (response.hybrid.target, response.text.strip() != "") == ("a", True)
    assert [(r.target, r.code) for r in response.hybrid.retries] == [
        ("a", "cloud_error_answer")]


def test_only_in_cloud_with_only_error_answers_is_an_error_not_an_empty_answer(make, proxy):
    proxy.behavior = "errorbody"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY)})
    with pytest.raises(CloudAnswerError, match="injected error answer") as info:
        ask(client, "only_in_cloud")
    assert info.value.code == "cloud_error_answer"


# -- timeouts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("behavior", [f"stall:{STALL_S}", f"delay:{STALL_S}"],
                         ids=["stall-after-headers", "no-headers"])
def test_first_token_timeout_fails_a_stream_over_before_its_first_token(
        make, proxy, second_proxy, behavior):
    """LiteLLM's complaint: streaming fallbacks that never fire. A stream whose first token
    does not come in time moves to the next vendor, and the caller sees one clean answer."""
    proxy.behavior = behavior
    client = make({"a": vendor(proxy.base_url, first_token_timeout_s=1.0, **NO_RETRY),
                   "b": vendor(second_proxy.base_url)})
    started = time.monotonic()
    text, hybrid = stream_text(client)
    assert time.monotonic() - started < STALL_S / 2  # the timeout fired
    assert text.strip()
    assert (hybrid.target, hybrid.reason) == ("b", "fallback:cloud_timeout")
    assert "no first token within 1 s" in hybrid.fallbacks[0].message


@pytest.mark.parametrize("behavior", [f"stall:{STALL_S}", f"delay:{STALL_S}"],
                         ids=["stall-after-headers", "no-headers"])
def test_first_token_timeout_fails_an_unstreamed_answer_over_before_it_starts(
        make, proxy, second_proxy, behavior):
    """Unstreamed, the first token is the answer's arrival: an answer that has not started
    within first_token_timeout_s moves to the next vendor."""
    proxy.behavior = behavior
    client = make({"a": vendor(proxy.base_url, first_token_timeout_s=1.0, **NO_RETRY),
                   "b": vendor(second_proxy.base_url)})
    started = time.monotonic()
    response = ask(client)
    assert time.monotonic() - started < STALL_S / 2  # the timeout fired
    assert response.text.strip()
    assert (response.hybrid.target, response.hybrid.reason) == ("b", "fallback:cloud_timeout")
    assert "no first token within 1 s" in response.hybrid.fallbacks[0].message


def test_an_unstreamed_answer_is_bounded_by_the_total_timeout(make, proxy):
    proxy.script = [f"delay:{STALL_S}"]
    client = make({"a": vendor(proxy.base_url, timeout_s=1.5, **NO_RETRY)})
    with pytest.raises(CloudTimeoutError, match="longer than 1.5 s"):
        ask(client, "only_in_cloud")


def test_first_token_timeout_in_only_in_cloud_is_a_timeout_error(make, proxy):
    proxy.behavior = f"stall:{STALL_S}"
    client = make({"a": vendor(proxy.base_url, first_token_timeout_s=1.0, **NO_RETRY)})
    with pytest.raises(CloudTimeoutError, match="no first token within 1 s"):
        stream_text(client, "only_in_cloud")


def test_async_stream_stalled_before_its_first_token_fails_over(shared_cache, proxy,
                                                                second_proxy):
    proxy.behavior = f"stall:{STALL_S}"

    async def main() -> tuple[str, Any, float]:
        client = AsyncHybridAI(settings(shared_cache, {
            "a": vendor(proxy.base_url, first_token_timeout_s=1.0, **NO_RETRY),
            "b": vendor(second_proxy.base_url)}))
        try:
            started = time.monotonic()
            stream = await client.chat.completions.create(
                messages=user("Name a colour."), mode="only_in_cloud", stream=True, **SHORT)
            chunks = [chunk async for chunk in stream]
            return "".join(c.text for c in chunks), chunks[-1].hybrid, (
                time.monotonic() - started)
        finally:
            await client.close()

    text, hybrid, elapsed = asyncio.run(main())
    assert elapsed < STALL_S / 2 and text.strip()
    assert (hybrid.target, hybrid.reason) == ("b", "fallback:cloud_timeout")


# -- connection resets -------------------------------------------------------------------------

def test_reset_mid_stream_after_tokens_is_a_stream_interruption(make, cloud_server):
    with ResetProxy(cloud_server, after_events=3) as reset:
        client = make({"a": vendor(reset.base_url, **QUICK_RETRY)})
        received: list[str] = []
        with pytest.raises(StreamInterruptedError, match="after the answer had started") as info:
            for chunk in client.chat.completions.create(
                    messages=user("Count from one to twenty."), mode="only_in_cloud",
                    stream=True, max_tokens=40, temperature=0.0):
                received.append(chunk.text)
        assert "".join(received)
        assert reset.connections == 1  # never retried once tokens reached the caller
        assert re.search(r"the connection to a broke after \d+ chunks?: ", str(info.value))


def test_a_stream_cut_mid_answer_reads_plainly_through_both_clients(make, shared_cache, proxy):
    """aiohttp reports a cut chunked body as its parser's ``400, message='…'``: no status
    anyone sent, so it must not reach the caller."""
    proxy.behavior = "cut:3"

    def check(error: BaseException) -> None:
        message = str(error)
        assert re.search(r"the connection to a broke after \d+ chunks?: ", message), message
        assert "400" not in message and "message=" not in message, message

    client = make({"a": vendor(proxy.base_url, **NO_RETRY)})
    with pytest.raises(StreamInterruptedError) as info:
        stream_text(client)
    check(info.value)

    async def main() -> None:
        async_client = AsyncHybridAI(settings(shared_cache, {
            "a": vendor(proxy.base_url, **NO_RETRY)}))
        try:
            stream = await async_client.chat.completions.create(
                messages=user("Count from one to twenty."), mode="only_in_cloud",
                stream=True, max_tokens=40, temperature=0.0)
            with pytest.raises(StreamInterruptedError) as async_info:
                async for _ in stream:
                    pass
            check(async_info.value)
        finally:
            await async_client.close()

    asyncio.run(main())


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "unstreamed"])
def test_reset_before_the_answer_is_retried_then_fails_over(make, cloud_server, proxy, stream):
    with ResetProxy(cloud_server, after_events=0) as reset:
        client = make({"a": vendor(reset.base_url, **QUICK_RETRY),
                       "b": vendor(proxy.base_url)})
        if stream:
            text, hybrid = stream_text(client)
        else:
            response = ask(client)
            text, hybrid = response.text, response.hybrid
        assert text.strip()
        assert (hybrid.target, hybrid.reason) == ("b", "fallback:cloud_connection_error")
        assert [r.target for r in hybrid.retries] == ["a"]
        assert reset.connections == 2  # the first try and its one retry


# -- retries -----------------------------------------------------------------------------------

def test_5xx_then_success_is_retried_on_the_same_vendor(make, proxy):
    proxy.script = ["status:503"]
    client = make({"a": vendor(proxy.base_url, **QUICK_RETRY)})
    response = ask(client, "only_in_cloud")
    assert (response.hybrid.target, response.hybrid.reason) == ("a", "only_in_cloud")
    assert response.hybrid.fallbacks == []
    assert [(r.target, r.code) for r in response.hybrid.retries] == [
        ("a", "cloud_server_error")]
    assert len(proxy.requests) == 2


def test_streamed_5xx_then_success_is_retried(make, proxy):
    proxy.script = ["status:500"]
    client = make({"a": vendor(proxy.base_url, **QUICK_RETRY)})
    text, hybrid = stream_text(client, "only_in_cloud")
    assert text.strip() and hybrid.target == "a" and len(hybrid.retries) == 1


def test_429_retry_after_is_honoured(make, proxy):
    proxy.script = ["status:429:1"]
    client = make({"a": vendor(proxy.base_url, **QUICK_RETRY)})
    response = ask(client, "only_in_cloud")
    assert response.hybrid.target == "a"
    first, second = proxy.requests
    # Backoff alone would have waited at most 0.05 s; the server asked for one second.
    assert second.at - first.at >= 1.0


def test_a_retry_after_longer_than_the_cap_fails_over_at_once(make, proxy, second_proxy):
    proxy.behavior = f"status:429:{STALL_S}"
    client = make({"a": vendor(proxy.base_url, retry_after_max_s=5, **QUICK_RETRY),
                   "b": vendor(second_proxy.base_url)})
    started = time.monotonic()
    response = ask(client)
    assert time.monotonic() - started < STALL_S / 2
    assert (response.hybrid.target, len(proxy.requests)) == ("b", 1)


def test_retries_are_bounded_and_then_fail_over_to_the_device(make, proxy):
    proxy.behavior = "status:503"
    client = make({"a": vendor(proxy.base_url, max_retries=2, backoff_base_s=0.01,
                               backoff_max_s=0.01)})
    response = ask(client, "prefer_in_cloud")
    assert response.hybrid.route is Route.ON_DEVICE
    assert len(proxy.requests) == 3 and len(response.hybrid.retries) == 2


def test_client_errors_are_not_retried(make, proxy):
    proxy.behavior = "status:401"
    client = make({"a": vendor(proxy.base_url, **QUICK_RETRY)})
    with pytest.raises(CloudStatusError):
        ask(client)
    assert len(proxy.requests) == 1


# -- circuit breaker ---------------------------------------------------------------------------

def test_breaker_opens_skips_the_vendor_then_half_opens_and_closes(make, proxy, second_proxy):
    proxy.behavior = "status:500"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY),
                   "b": vendor(second_proxy.base_url)},
                  breaker_failures=2, breaker_cooldown_s=1.5)
    breaker = client.pipeline.health.breakers["a"]
    for _ in range(2):
        assert ask(client).hybrid.target == "b"
    assert breaker.state is BreakerState.OPEN
    skipped = ask(client)
    assert (skipped.hybrid.target, skipped.hybrid.reason) == ("b", "circuit_open:a")
    assert [(f.target, f.code) for f in skipped.hybrid.fallbacks] == [("a", "circuit_open")]
    assert len(proxy.requests) == 2  # the open breaker kept the request away from a
    proxy.behavior = "pass"  # the vendor recovers
    time.sleep(1.6)
    assert breaker.state is BreakerState.HALF_OPEN
    probe = ask(client)
    assert (probe.hybrid.target, probe.hybrid.reason) == ("a", "only_in_cloud")
    assert breaker.state is BreakerState.CLOSED
    assert len(proxy.requests) == 3


def test_only_in_cloud_with_every_breaker_open_fails_fast(make, proxy):
    proxy.behavior = "status:503"
    client = make({"a": vendor(proxy.base_url, **NO_RETRY)}, breaker_failures=1)
    with pytest.raises(CloudStatusError):
        ask(client, "only_in_cloud")
    with pytest.raises(NoRouteError, match="circuit breaker is open") as info:
        ask(client, "only_in_cloud")
    assert info.value.code == "circuit_open"
    assert len(proxy.requests) == 1


# -- offline -----------------------------------------------------------------------------------

def device_start_times(client: HybridAI, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """When each request reached the (real) engine: the time spent before it is what offline
    detection saves, whatever a loaded machine makes of the generation itself."""
    engine = client.pipeline.device.engine
    real_stream = engine.stream
    started: list[float] = []

    def stream(request: Any) -> Any:
        started.append(time.monotonic())
        return real_stream(request)

    monkeypatch.setattr(engine, "stream", stream)
    return started


CONNECT_S = 5.0  # the blackholed vendor's connect timeout, waited out once, then never


def test_offline_is_detected_and_later_requests_skip_the_cloud_at_once(make, refused_url,
                                                                       cloud_server,
                                                                       monkeypatch):
    with blackhole() as blackholed:
        client = make({"a": vendor(refused_url, connect_timeout_s=CONNECT_S, **NO_RETRY),
                       "b": vendor(blackholed, connect_timeout_s=CONNECT_S, **NO_RETRY)},
                      offline_probe_interval_s=0.2, probe_timeout_s=0.3)
        reached_device = device_start_times(client, monkeypatch)
        first = ask(client, "prefer_in_cloud")
        assert first.hybrid.route is Route.ON_DEVICE
        assert [f.target for f in first.hybrid.fallbacks] == ["a", "b"]
        assert "connecting" in first.hybrid.fallbacks[1].message  # the blackhole's timeout
        assert client.pipeline.health.connectivity.offline
        for stream in (False, True):
            # The device's own probe (fresh for a while) is not what this measures.
            client.pipeline.device.availability(refresh=True)
            started = time.monotonic()
            if stream:
                _, hybrid = stream_text(client, "prefer_in_cloud")
            else:
                hybrid = ask(client, "prefer_in_cloud").hybrid
            assert (hybrid.route, hybrid.reason) == (Route.ON_DEVICE, "offline")
            assert {f.code for f in hybrid.fallbacks} == {"offline"}
            # Coarse bound: no connect timeout was waited out before the device began.
            assert reached_device[-1] - started < CONNECT_S, (stream, hybrid)
        started = time.monotonic()
        with pytest.raises(NoRouteError) as info:
            ask(client, "only_in_cloud")
        assert info.value.code == "offline" and time.monotonic() - started < CONNECT_S

    # The network is back: a vendor listens on a's port again. A background probe notices
    # and requests go to the cloud again, well before offline_s (30 s) runs out.
    port = int(refused_url.split(":")[2].split("/")[0])
    back = FaultProxy(upstream=cloud_server, port=port)
    with ServerThread(back.app(), back.port):
        deadline = time.monotonic() + 10
        # What each request asks when it plans; a due probe starts in the background.
        while client.pipeline.health.connectivity.check():
            assert time.monotonic() < deadline, "still offline 10 s after the network came back"
            time.sleep(0.05)
        hybrid = ask(client, "prefer_in_cloud").hybrid
        assert (hybrid.route, hybrid.target, hybrid.reason) == (
            Route.IN_CLOUD, "a", "cloud_preferred")


# -- through the gateway process ---------------------------------------------------------------

def test_gateway_streams_through_a_stalled_vendor_and_reports_its_open_breaker(
        tmp_path, shared_cache, proxy, second_proxy):
    proxy.behavior = f"stall:{STALL_S}"
    config = tmp_path / "gateway.toml"
    config.write_text("\n".join([
        f"cache_dir = {toml_value(shared_cache)}",
        'mode = "only_in_cloud"',  # the device is not loaded: this is about the cloud chain
        'cloud_order = ["a", "b"]',
        "[gateway]", f"log_path = {toml_value(tmp_path / 'requests.sqlite')}",
        "[resilience]", "breaker_failures = 1", "breaker_cooldown_s = 3600",
        "[cloud.a]", f"base_url = {toml_value(proxy.base_url)}",
        'model = "stand-in"', "first_token_timeout_s = 1", "max_retries = 0",
        "[cloud.b]", f"base_url = {toml_value(second_proxy.base_url)}", 'model = "stand-in"',
        "first_token_timeout_s = 50",
    ]) + "\n")
    gateway = GatewayProcess(config, tmp_path / "requests.sqlite").start()
    try:
        client = openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0)
        started = time.monotonic()
        chunks = list(client.chat.completions.create(
            model="hybrid", messages=user("Name a colour."), stream=True, max_tokens=8))
        assert time.monotonic() - started < STALL_S / 2
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).strip()
        hybrid = chunks[-1].model_extra["hybrid"]
        assert (hybrid["target"], hybrid["reason"]) == ("b", "fallback:cloud_timeout")

        metrics = httpx.get(gateway.root + "/metrics").text
        assert 'hybridai_cloud_circuit_state{target="a"} 2.0' in metrics
        assert 'hybridai_cloud_circuit_state{target="b"} 0.0' in metrics
        assert "hybridai_offline 0.0" in metrics
        # /readyz also reports the device (benchmarked on first use): slow on a busy machine.
        ready = httpx.get(gateway.root + "/readyz", timeout=300).json()
        assert (ready["cloud"]["a"]["circuit"], ready["cloud"]["b"]["circuit"]) == (
            "open", "closed")

        answer = client.chat.completions.with_raw_response.create(
            model="hybrid", messages=user("Name a colour."), max_tokens=8)
        assert answer.headers["x-hybrid-reason"] == "circuit_open:a"
        chats = [r for r in proxy.requests if r.path.endswith("/chat/completions")]
        assert len(chats) == 1  # the open breaker kept the second request away (/readyz
        # sends its own GET /models)
    finally:
        gateway.stop()
