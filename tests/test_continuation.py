"""A stream that breaks after its first token, continued on the plan's next target
(``resilience.continue_streams``), through real servers on loopback.

Both cloud vendors are fault-injecting proxies in front of the echo server, which streams
the last message back three characters a chunk: the first vendor drops the connection
mid-answer, and the second is sent the continuation, so what it received is what it echoes
(the instruction), and its request body shows the text so far. The device is the real
llama.cpp engine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.config import (
    BudgetSettings,
    CloudTarget,
    DeviceSettings,
    ResilienceSettings,
    Settings,
)
from hybridai.core.execution import AttemptStep
from hybridai.errors import CloudConnectionError, StreamInterruptedError
from hybridai.policies.continuation import INSTRUCTION, continuation_request
from hybridai.schema.events import Started, TextDelta
from hybridai.schema.modes import Route
from hybridai.schema.request import ChatRequest
from tests.conftest import STAND_IN_PRICE, user
from tests.support.echo_openai import REPLY
from tests.support.echo_openai import app as echo_app
from tests.support.fault_proxy import FaultProxy, ServerThread, free_port
from tests.support.gateway_process import TEST_SPEED_FLOOR, GatewayProcess, toml_value

pytestmark = pytest.mark.integration

PROMPT = "The quick brown fox jumps over the lazy dog."
# cut:3 drops the connection in the third event, so the role chunk and one text chunk got
# through whole: the caller has seen "The".
SEEN = "The"


@pytest.fixture(scope="module")
def echo_upstream() -> Iterator[str]:
    port = free_port()
    with ServerThread(echo_app(echo=True), port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def vendors(echo_upstream: str) -> Iterator[tuple[FaultProxy, FaultProxy]]:
    breaking = FaultProxy(upstream=echo_upstream, behavior="cut:3")
    healthy = FaultProxy(upstream=echo_upstream)
    with ServerThread(breaking.app(), breaking.port), ServerThread(healthy.app(), healthy.port):
        yield breaking, healthy


def settings(shared_cache: Path, urls: dict[str, str], *, continue_streams: bool = True,
             budget: dict[str, Any] | None = None, **fields: Any) -> Settings:
    cloud = {name: CloudTarget(base_url=url, model=f"echo-{name}", max_retries=0,
                               timeout_s=60, **fields) for name, url in urls.items()}
    return Settings(cloud=cloud, cloud_order=list(urls),
                    prices={f"echo-{name}": STAND_IN_PRICE for name in urls},
                    device=DeviceSettings(**TEST_SPEED_FLOOR), cache_dir=shared_cache,
                    resilience=ResilienceSettings(continue_streams=continue_streams),
                    budget=BudgetSettings(**(budget or {})))


@pytest.fixture
def make(shared_cache: Path) -> Iterator[Callable[..., HybridAI]]:
    made: list[HybridAI] = []

    def factory(urls: dict[str, str], **options: Any) -> HybridAI:
        made.append(HybridAI(settings(shared_cache, urls, **options)))
        return made[-1]

    yield factory
    for client in made:
        client.close()


def body_of(proxy: FaultProxy, index: int = -1) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(proxy.requests[index].body)
    return payload


def test_continuation_request_appends_the_text_so_far_and_keeps_the_token_limit() -> None:
    request = ChatRequest.model_validate({"messages": user(PROMPT), "max_tokens": 40})
    continued = continuation_request(request, SEEN, 2)
    assert [(m.role, m.content) for m in continued.messages] == [
        ("user", PROMPT), ("assistant", SEEN), ("user", INSTRUCTION)]
    assert continued.max_tokens == 38
    assert continuation_request(request, SEEN, 400).max_tokens == 1  # never zero
    unlimited = ChatRequest.model_validate({"messages": user(PROMPT)})
    assert continuation_request(unlimited, SEEN, 2).max_tokens is None
    assert request.messages == ChatRequest.model_validate(
        {"messages": user(PROMPT)}).messages  # the original is left as it was


def test_a_broken_stream_continues_on_the_next_vendor(make, vendors) -> None:
    breaking, healthy = vendors
    client = make({"a": breaking.base_url, "b": healthy.base_url})
    chunks = list(client.chat.completions.create(
        messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40))
    texts = [chunk.text for chunk in chunks]
    assert "".join(texts) == SEEN + INSTRUCTION  # no error, nothing repeated
    assert [c.choices[0].delta.role for c in chunks if c.text] == (
        ["assistant"] + [None] * (len([t for t in texts if t]) - 1))  # one answer, one role

    hybrid = chunks[-1].hybrid
    assert (hybrid.route, hybrid.target, hybrid.model) == (Route.IN_CLOUD, "b", "echo-b")
    assert hybrid.reason.startswith("continued:")
    assert hybrid.continued is not None
    assert (hybrid.continued.target, hybrid.continued.model) == ("a", "echo-a")
    assert hybrid.continued.completion_tokens >= 1
    assert 0 < hybrid.continued.cost_usd < hybrid.cost_usd  # both vendors' tokens are paid
    assert [f.target for f in hybrid.fallbacks] == ["a"]

    sent = body_of(healthy)
    assert sent["messages"][-2:] == [{"role": "assistant", "content": SEEN},
                                     {"role": "user", "content": INSTRUCTION}]
    assert sent["max_tokens"] == 40 - hybrid.continued.completion_tokens
    assert sent["stream"] is True

    # A stitched answer is not cached: the same request goes to the vendors again.
    again = list(client.chat.completions.create(
        messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40))
    assert "".join(c.text for c in again) == SEEN + INSTRUCTION
    assert len(breaking.requests) == 2 and len(healthy.requests) == 2


def test_a_continuation_that_starts_over_is_not_shown_twice(make) -> None:
    # This echo server ignores what it is sent and answers "Hello from the echo server."
    # every time: the second vendor "starts over", and the "Hello" the caller already has
    # is dropped from its answer.
    port = free_port()
    with ServerThread(echo_app(echo=False), port):
        breaking = FaultProxy(upstream=f"http://127.0.0.1:{port}", behavior="cut:3")
        with ServerThread(breaking.app(), breaking.port):
            client = make({"a": breaking.base_url, "b": f"http://127.0.0.1:{port}/v1"})
            chunks = list(client.chat.completions.create(
                messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40))
    assert [c.text for c in chunks if c.text] == ["Hello", " from", " the", " echo",
                                                  " server", "."]
    assert "".join(c.text for c in chunks) == "".join(REPLY)
    assert chunks[-1].hybrid.continued is not None


def test_a_budget_books_both_vendors_and_holds_for_the_longer_continuation(
        make, vendors, tmp_path) -> None:
    breaking, healthy = vendors
    client = make({"a": breaking.base_url, "b": healthy.base_url},
                  budget={"daily_usd": 100.0, "ledger_path": tmp_path / "budget.sqlite"})
    chunks = list(client.chat.completions.create(
        messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40))
    hybrid = chunks[-1].hybrid
    assert hybrid.continued is not None
    # Each vendor's try was settled at what it cost: the two add up to the reported cost.
    spent = client.pipeline.budget.status().daily.spent_usd
    assert spent == pytest.approx(hybrid.cost_usd)
    assert spent > hybrid.continued.cost_usd > 0
    # The continuation's hold counts the text so far as prompt: more than the original's.
    long_answer = "word " * 400
    request, route_plan = client.pipeline.prepare(
        {"messages": user(PROMPT), "stream": True, "max_tokens": 40, "mode": "only_in_cloud"})
    run = client.pipeline.recorder(request, route_plan)
    execution = client.pipeline.execution(request, route_plan, run)
    first = execution.start()
    assert isinstance(first, AttemptStep) and first.hold is not None
    execution.feed(Started())
    execution.feed(TextDelta(long_answer))
    second = execution.failed(CloudConnectionError("cut"))
    assert isinstance(second, AttemptStep) and second.hold is not None
    assert second.attempt.target == "b" and second.hold.most_usd > first.hold.most_usd


def test_without_the_setting_a_broken_stream_is_an_interruption(make, vendors) -> None:
    breaking, healthy = vendors
    client = make({"a": breaking.base_url, "b": healthy.base_url}, continue_streams=False)
    received = []
    with pytest.raises(StreamInterruptedError, match="after the answer had started"):
        for chunk in client.chat.completions.create(
                messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40):
            received.append(chunk.text)
    assert "".join(received) == SEEN
    assert healthy.requests == []


def test_a_request_may_ask_for_continuation_when_the_setting_is_off(make, vendors) -> None:
    breaking, healthy = vendors
    client = make({"a": breaking.base_url, "b": healthy.base_url}, continue_streams=False)
    chunks = list(client.chat.completions.create(
        messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40,
        continue_stream=True))
    assert "".join(c.text for c in chunks) == SEEN + INSTRUCTION
    # ... and may decline it when the setting is on.
    client = make({"a": breaking.base_url, "b": healthy.base_url})
    with pytest.raises(StreamInterruptedError):
        list(client.chat.completions.create(messages=user(PROMPT), mode="only_in_cloud",
                                            stream=True, max_tokens=40, continue_stream=False))


def test_the_last_vendor_breaking_is_still_an_interruption(make, vendors) -> None:
    breaking, _ = vendors
    client = make({"a": breaking.base_url})
    with pytest.raises(StreamInterruptedError):
        list(client.chat.completions.create(messages=user(PROMPT), mode="only_in_cloud",
                                            stream=True, max_tokens=40))


@pytest.mark.parametrize("transport", ["aiohttp", "openai"])
def test_async_client_continues_a_broken_stream(shared_cache, vendors, transport) -> None:
    breaking, healthy = vendors

    async def main() -> tuple[str, Any]:
        client = AsyncHybridAI(settings(shared_cache, {"a": breaking.base_url,
                                                       "b": healthy.base_url},
                                        transport=transport))
        try:
            stream = await client.chat.completions.create(
                messages=user(PROMPT), mode="only_in_cloud", stream=True, max_tokens=40)
            chunks = [chunk async for chunk in stream]
            return "".join(c.text for c in chunks), chunks[-1].hybrid
        finally:
            await client.close()

    text, hybrid = asyncio.run(main())
    assert text == SEEN + INSTRUCTION
    assert hybrid.target == "b" and hybrid.continued.target == "a"
    assert body_of(healthy)["messages"][-2]["content"] == SEEN


def test_the_device_continues_a_cloud_stream_that_broke(make, vendors) -> None:
    breaking, _ = vendors
    client = make({"a": breaking.base_url})
    chunks = list(client.chat.completions.create(
        messages=user(PROMPT), mode="prefer_in_cloud", stream=True, max_tokens=24,
        temperature=0.0))
    text = "".join(c.text for c in chunks)
    hybrid = chunks[-1].hybrid
    assert hybrid.route is Route.ON_DEVICE and hybrid.reason.startswith("continued:")
    assert hybrid.continued is not None and hybrid.continued.target == "a"
    assert text.startswith(SEEN) and len(text) > len(SEEN)  # the device wrote the rest
    assert hybrid.completion_tokens > hybrid.continued.completion_tokens


def test_redacted_values_stay_placeholders_in_the_continuation(make, echo_upstream) -> None:
    # The first vendor echoes "[EMAIL_1]", which the caller sees restored; the text so far
    # that goes to the second vendor must carry the placeholder again, not the address.
    # cut:10: the role chunk and eight text chunks, "Write to [EMAIL_1] about", got through.
    prompt = "Write to jane.doe@example.org about the fox today please."
    breaking = FaultProxy(upstream=echo_upstream, behavior="cut:10")
    healthy = FaultProxy(upstream=echo_upstream)
    with ServerThread(breaking.app(), breaking.port), ServerThread(healthy.app(), healthy.port):
        client = make({"a": breaking.base_url, "b": healthy.base_url})
        chunks = list(client.chat.completions.create(
            messages=user(prompt), mode="only_in_cloud", stream=True, max_tokens=60))
    text = "".join(c.text for c in chunks)
    assert text.startswith("Write to jane.doe@example.org")  # restored for the caller
    assert text.endswith(INSTRUCTION)
    assert chunks[-1].hybrid.continued is not None
    sent = healthy.requests[-1].body
    assert b"jane.doe" not in sent and b"example.org" not in sent
    continued_text = json.loads(sent)["messages"][-2]["content"]
    assert continued_text.startswith("Write to [EMAIL_1]")


def test_gateway_continues_a_broken_stream_when_the_header_asks(tmp_path, shared_cache,
                                                                 vendors) -> None:
    breaking, healthy = vendors
    config = tmp_path / "gateway.toml"
    config.write_text("\n".join([
        f"cache_dir = {toml_value(shared_cache)}",
        'mode = "only_in_cloud"', 'cloud_order = ["a", "b"]',
        "[gateway]", f"log_path = {toml_value(tmp_path / 'requests.sqlite')}",
        "[resilience]", "continue_streams = false",
        "[cloud.a]", f"base_url = {toml_value(breaking.base_url)}", 'model = "echo-a"',
        "max_retries = 0",
        "[cloud.b]", f"base_url = {toml_value(healthy.base_url)}", 'model = "echo-b"',
    ]) + "\n")
    gateway = GatewayProcess(config, tmp_path / "requests.sqlite").start()
    try:
        client = openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0,
                               default_headers={"x-hybrid-continue": "on"})
        chunks = list(client.chat.completions.create(
            model="hybrid", messages=user(PROMPT), stream=True, max_tokens=40))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == SEEN + INSTRUCTION
        hybrid = chunks[-1].model_extra["hybrid"]
        assert hybrid["target"] == "b" and hybrid["continued"]["target"] == "a"
        assert hybrid["reason"].startswith("continued:")
        # A header that is not a switch is a clear 400, naming the header.
        bad = httpx.post(gateway.base_url + "/chat/completions", timeout=30,
                         headers={"x-hybrid-continue": "sometimes"},
                         json={"model": "hybrid", "messages": user(PROMPT), "stream": True})
        assert bad.status_code == 400 and "x-hybrid-continue" in bad.json()["error"]["message"]
    finally:
        gateway.stop()
