"""pricing.PriceTable and recorder.RunRecorder: chunks, timing, cost and savings, fallbacks."""

from __future__ import annotations

import pytest

from hybridai.config import Price
from hybridai.core.plan import Attempt, RoutePlan
from hybridai.core.recorder import Reference, RunRecorder
from hybridai.errors import EngineCrashedError
from hybridai.policies.pricing import BUILTIN_PRICES, PriceTable
from hybridai.schema.events import Finished, Started, StreamEvent, TextDelta
from hybridai.schema.modes import Mode, Route
from hybridai.schema.reasons import Reason, ReasonCode
from hybridai.schema.response import ChatCompletionChunk
from tests.unit.builders import (
    CLOUD,
    DEVICE,
    FakeBackend,
    FakeClock,
    chat_request,
    cloud_backend,
    device_backend,
)

GPT_4O_MINI = Price(input_per_1m=0.15, output_per_1m=0.60)
DEVICE_ATTEMPT = Attempt(DEVICE, Route.ON_DEVICE,
                         Reason(ReasonCode.DEVICE_AVAILABLE, "", "device preferred"))
CLOUD_ATTEMPT = Attempt(CLOUD, Route.IN_CLOUD,
                        Reason(ReasonCode.FALLBACK, "", "the device could not run it"))
PLAN = RoutePlan(Mode.PREFER_ON_DEVICE, (DEVICE_ATTEMPT, CLOUD_ATTEMPT))
ANSWER: list[StreamEvent] = [Started(prompt_tokens=1000), TextDelta("Blue"), TextDelta(" sky."),
                             Finished("stop", prompt_tokens=1000, completion_tokens=500)]
# 1000 prompt + 500 completion tokens of gpt-4o-mini: (1000 * 0.15 + 500 * 0.60) / 1e6
GPT_4O_MINI_COST = 0.00045


# -- PriceTable ----------------------------------------------------------------------------------

def test_builtin_price() -> None:
    assert PriceTable.with_overrides({}).price_of("gpt-4o-mini") == GPT_4O_MINI


def test_override_wins_and_leaves_the_builtin_table_alone() -> None:
    mine = Price(input_per_1m=9.0, output_per_1m=9.0)
    table = PriceTable.with_overrides({"gpt-4o-mini": mine, "my-model": mine})
    assert table.price_of("gpt-4o-mini") == mine
    assert table.price_of("my-model") == mine
    assert BUILTIN_PRICES["gpt-4o-mini"] == GPT_4O_MINI


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini", "models/gpt-4o-mini"])
def test_prefixed_name_resolves_by_its_last_part(model: str) -> None:
    assert PriceTable.with_overrides({}).price_of(model) == GPT_4O_MINI


def test_exact_prefixed_name_beats_its_last_part() -> None:
    mine = Price(input_per_1m=1.0, output_per_1m=1.0)
    table = PriceTable.with_overrides({"openrouter/gpt-4o-mini": mine})
    assert table.price_of("openrouter/gpt-4o-mini") == mine


def test_unknown_model_has_no_price_and_no_cost() -> None:
    table = PriceTable.with_overrides({})
    assert table.price_of("llama-3-8b") is None
    assert table.cost("llama-3-8b", 1000, 500) is None


def test_cost_arithmetic() -> None:
    table = PriceTable.with_overrides({})
    assert table.cost("gpt-4o-mini", 1000, 500) == pytest.approx(GPT_4O_MINI_COST)
    assert table.cost("gpt-4o-mini", 0, 0) == 0.0
    assert table.cost("gpt-4o", 1_000_000, 1_000_000) == pytest.approx(2.50 + 10.00)


def test_explicit_price_beats_the_table() -> None:
    table = PriceTable.with_overrides({})
    price = Price(input_per_1m=1.0, output_per_1m=2.0)
    assert table.cost("gpt-4o", 1_000_000, 500_000, price=price) == pytest.approx(2.0)
    assert table.cost("unknown-model", 1_000_000, 0, price=price) == pytest.approx(1.0)


# -- RunRecorder ---------------------------------------------------------------------------------

def recorder(clock: FakeClock | None = None, reference: FakeBackend | None = None,
             stream: bool = True) -> RunRecorder:
    reference = reference or cloud_backend(price=GPT_4O_MINI)
    return RunRecorder(chat_request(stream=stream), PLAN, PriceTable.with_overrides({}),
                       Reference(reference), clock=clock or FakeClock())


def feed_all(run: RunRecorder, events: list[StreamEvent]) -> list[ChatCompletionChunk]:
    return [chunk for event in events if (chunk := run.feed(event)) is not None]


def test_unstreamed_request_builds_no_chunks_but_the_whole_answer() -> None:
    run = recorder(stream=False)
    run.begin(DEVICE_ATTEMPT, device_backend())
    assert feed_all(run, ANSWER) == []
    completion = run.completion()
    assert completion.text == "Blue sky."
    assert completion.usage.total_tokens == 1500


def test_chunk_shapes() -> None:
    run = recorder()
    run.begin(DEVICE_ATTEMPT, device_backend())
    chunks = feed_all(run, ANSWER)
    assert [c.text for c in chunks] == ["Blue", " sky.", ""]  # Started yields no chunk
    first, second, final = chunks
    assert first.choices[0].delta.role == "assistant"
    assert second.choices[0].delta.role is None
    assert first.choices[0].finish_reason is None and first.usage is None and first.hybrid is None
    assert final.choices[0].finish_reason == "stop"
    assert final.usage is not None
    assert (final.usage.prompt_tokens, final.usage.completion_tokens,
            final.usage.total_tokens) == (1000, 500, 1500)
    assert final.hybrid is not None
    assert final.hybrid.route is Route.ON_DEVICE
    assert (final.hybrid.target, final.hybrid.reason) == (DEVICE, "device_available")
    assert final.hybrid.mode is Mode.PREFER_ON_DEVICE
    assert {c.id for c in chunks} == {run.id}
    assert {c.model for c in chunks} == {"smollm2-135m-instruct"}
    assert all(c.object == "chat.completion.chunk" for c in chunks)


def test_time_to_first_token_and_latency_use_the_clock() -> None:
    clock = FakeClock(start=50.0)
    run = recorder(clock)
    run.begin(DEVICE_ATTEMPT, device_backend())
    run.feed(Started())
    clock.advance(0.25)
    run.feed(TextDelta("Blue"))
    clock.advance(1.0)
    run.feed(TextDelta(" sky."))
    clock.advance(0.5)
    final = run.feed(Finished("stop"))
    assert final is not None and final.hybrid is not None
    assert final.hybrid.time_to_first_token_s == pytest.approx(0.25)
    assert final.hybrid.latency_s == pytest.approx(1.75)


def test_no_text_means_no_time_to_first_token() -> None:
    run = recorder()
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, [Started(), Finished("length", prompt_tokens=3, completion_tokens=0)])
    assert run.routing_info().time_to_first_token_s is None


def test_cloud_route_costs_the_backends_price() -> None:
    price = Price(input_per_1m=2.0, output_per_1m=4.0)
    run = recorder()
    run.begin(CLOUD_ATTEMPT, cloud_backend(model="some-model", price=price))
    feed_all(run, ANSWER)
    info = run.routing_info()
    assert info.route is Route.IN_CLOUD
    assert info.cost_usd == pytest.approx((1000 * 2.0 + 500 * 4.0) / 1e6)
    assert info.saved_usd == 0.0


def test_cloud_route_without_a_known_price_costs_nothing_known() -> None:
    run = recorder()
    run.begin(CLOUD_ATTEMPT, cloud_backend(model="unpriced-model", price=None))
    feed_all(run, ANSWER)
    assert run.routing_info().cost_usd == 0.0


def test_device_route_is_free_and_saves_the_reference_cloud_cost() -> None:
    run = recorder(reference=cloud_backend(price=GPT_4O_MINI))
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, ANSWER)
    info = run.routing_info()
    assert info.cost_usd == 0.0
    assert info.cloud_cost_usd == pytest.approx(GPT_4O_MINI_COST)
    assert info.saved_usd == pytest.approx(GPT_4O_MINI_COST)


def test_priced_device_saves_the_difference() -> None:
    device_price = Price(input_per_1m=0.05, output_per_1m=0.10)
    run = recorder(reference=cloud_backend(price=GPT_4O_MINI))
    run.begin(DEVICE_ATTEMPT, device_backend(price=device_price))
    feed_all(run, ANSWER)
    info = run.routing_info()
    device_cost = (1000 * 0.05 + 500 * 0.10) / 1e6
    assert info.cost_usd == pytest.approx(device_cost)
    assert info.saved_usd == pytest.approx(GPT_4O_MINI_COST - device_cost)


def test_without_a_reference_cloud_nothing_is_saved() -> None:
    run = RunRecorder(chat_request(), PLAN, PriceTable.with_overrides({}), Reference(None),
                      clock=FakeClock())
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, ANSWER)
    info = run.routing_info()
    assert info.cloud_cost_usd is None
    assert info.saved_usd == 0.0


def test_token_counts_fall_back_to_started_then_to_estimates() -> None:
    run = recorder()
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, [Started(prompt_tokens=42), TextDelta("abcdefgh"), Finished("stop")])
    info = run.routing_info()
    assert (info.prompt_tokens, info.completion_tokens) == (42, 2)  # 8 characters ~ 2 tokens

    run = recorder()
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, [Started(), TextDelta("abcd"), Finished("stop")])
    # "Name a colour." is 14 characters: about 4 tokens, and 4 for the template's role markers.
    assert (run.routing_info().prompt_tokens, run.routing_info().completion_tokens) == (8, 1)


def test_failed_attempt_is_recorded_as_a_fallback() -> None:
    clock = FakeClock(start=0.0)
    run = recorder(clock)
    run.begin(DEVICE_ATTEMPT, device_backend())
    run.feed(Started(prompt_tokens=1000))
    clock.advance(1.0)
    run.feed(TextDelta("partial answer that is thrown away"))
    run.failed(EngineCrashedError("worker exited with signal 9"))
    assert not run.streamed_text

    run.begin(CLOUD_ATTEMPT, cloud_backend(price=GPT_4O_MINI))
    clock.advance(2.0)
    feed_all(run, ANSWER[1:])
    completion = run.completion()
    info = completion.hybrid
    assert completion.text == "Blue sky."
    assert [(f.target, f.code, f.message) for f in info.fallbacks] == [
        (DEVICE, "engine_crashed", "worker exited with signal 9")]
    assert info.reason == "fallback:engine_crashed"
    assert info.detail.startswith(f"{DEVICE} failed")
    assert (info.route, info.target) == (Route.IN_CLOUD, CLOUD)
    # The clock started when the request arrived, so the failed attempt's time counts.
    assert info.time_to_first_token_s == pytest.approx(3.0)
    assert info.cost_usd == pytest.approx(GPT_4O_MINI_COST)


def test_completion_joins_the_deltas() -> None:
    run = recorder()
    run.begin(DEVICE_ATTEMPT, device_backend())
    feed_all(run, ANSWER)
    completion = run.completion()
    assert completion.text == "Blue sky."
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.id == run.id
    assert completion.model == "smollm2-135m-instruct"
    assert completion.usage.total_tokens == 1500
    assert completion.hybrid == run.routing_info()
