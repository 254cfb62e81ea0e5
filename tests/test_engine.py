"""The on-device engine with the real llama.cpp and the bundled SmolLM2 model."""

from __future__ import annotations

import time

import pytest

from hybridai.device.benchmark import BenchmarkResult, fingerprint
from hybridai.schema.modes import Route
from hybridai.schema.request import ChatRequest
from tests.conftest import user

pytestmark = pytest.mark.integration


def create(client, **kwargs):
    return client.chat.completions.create(mode="only_on_device", **kwargs)


def test_answer_carries_usage_and_routing(device):
    response = create(device, messages=user("What is the capital of France?"), max_tokens=16,
                      temperature=0.0)
    assert response.object == "chat.completion"
    assert response.text.strip()
    assert response.usage.prompt_tokens > 5
    assert 0 < response.usage.completion_tokens <= 16
    assert response.usage.total_tokens == (response.usage.prompt_tokens
                                           + response.usage.completion_tokens)
    info = response.hybrid
    assert info.route is Route.ON_DEVICE and info.target == "device"
    assert info.model == "smollm2-135m-instruct"
    assert 0 < info.time_to_first_token_s <= info.latency_s
    assert info.cost_usd == 0.0


def test_max_tokens_limits_the_answer(device):
    response = create(device, messages=user("Tell me a long story about a dragon."),
                      max_tokens=5, temperature=0.0)
    assert response.usage.completion_tokens <= 5
    assert response.choices[0].finish_reason == "length"


def test_same_seed_same_answer_and_temperature_zero_is_deterministic(device):
    kwargs = {"messages": user("Invent a name for a cat."), "max_tokens": 12}
    first = create(device, temperature=1.0, seed=42, **kwargs).text
    second = create(device, temperature=1.0, seed=42, **kwargs).text
    assert first == second
    greedy = [create(device, temperature=0.0, **kwargs).text for _ in range(2)]
    assert greedy[0] == greedy[1]


def test_stop_sequence_ends_the_answer(device):
    kwargs = {"messages": user("List the numbers from 1 to 10 separated by commas."),
              "max_tokens": 40, "temperature": 0.0}
    full = create(device, **kwargs).text
    assert "," in full, full
    stopped = create(device, stop=[","], **kwargs)
    assert "," not in stopped.text
    assert stopped.text == full.split(",")[0]
    assert stopped.choices[0].finish_reason == "stop"


def test_streaming_yields_openai_chunks(device):
    chunks = list(create(device, messages=user("Say hello."), max_tokens=10, temperature=0.0,
                         stream=True))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1
    final = chunks[-1]
    assert final.choices[0].finish_reason in ("stop", "length")
    assert final.usage is not None and final.hybrid is not None
    assert all(c.hybrid is None for c in chunks[:-1])
    streamed = "".join(c.text for c in chunks)
    unstreamed = create(device, messages=user("Say hello."), max_tokens=10, temperature=0.0)
    assert streamed == unstreamed.text


def test_closing_a_stream_early_cancels_and_frees_the_engine(device):
    stream = create(device, messages=user("Write a very long essay about the sea."),
                    max_tokens=400, temperature=0.0, stream=True)
    received = [next(stream) for _ in range(3)]
    stream.close()  # the caller walked away
    assert len(received) == 3
    engine = device.pipeline.device.engine
    pid = engine.pid
    # The same worker takes the next request at once: it was cancelled, not killed.
    response = create(device, messages=user("Hi"), max_tokens=4, temperature=0.0)
    assert response.text
    assert engine.pid == pid and engine.restarts == 0


def test_system_prompt_and_multi_turn_messages(device):
    messages = [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": "What colour is the sky?"},
        {"role": "assistant", "content": "Blue."},
        {"role": "user", "content": [{"type": "text", "text": "And grass?"}]},
    ]
    response = create(device, messages=messages, max_tokens=8, temperature=0.0)
    assert response.text.strip()
    assert response.usage.prompt_tokens > 20
    # The engine counts a prompt the way it runs it: under the model's chat template.
    counted = device.pipeline.device.engine.count_tokens(ChatRequest.parse({"messages": messages}))
    assert counted == response.usage.prompt_tokens


def test_device_report_probes_and_benchmarks(device):
    report = device.device_report()
    assert report.availability.status == "available"
    assert report.probe.ram_total_mb > 0 and report.probe.cores_logical >= 1
    assert report.probe.model.context_length == 8192
    assert report.benchmark is not None
    assert report.benchmark.decode_tokens_per_s > 0
    assert report.benchmark.prefill_tokens_per_s > 0
    assert report.engine is not None and report.engine["pid"] == device.pipeline.device.engine.pid


def test_benchmark_is_cached_on_disk_and_redone_when_settings_change(make_client, shared_cache):
    first = make_client(None).device_report().benchmark
    again = make_client(None).device_report().benchmark
    assert first is not None and again is not None
    assert again.measured_at == first.measured_at  # read from the cache, not re-measured
    other = make_client(None, device={"n_ctx": 1024}).device_report().benchmark
    assert other is not None and other.measured_at != first.measured_at


def test_missing_configured_model_is_unavailable(make_client, tmp_path):
    client = make_client(None, device={"model_path": tmp_path / "nope.gguf"})
    report = client.availability()
    assert (report.status, report.reason) == ("unavailable", "model_missing")


def test_a_file_that_is_not_gguf_is_model_invalid(make_client, tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model at all")
    report = make_client(None, device={"model_path": bogus}).availability()
    assert (report.status, report.reason) == ("unavailable", "model_invalid")


def test_too_slow_device_is_unavailable(make_client):
    client = make_client(None, device={"min_decode_tokens_per_s": 10**6})
    report = client.availability()
    assert (report.status, report.reason) == ("unavailable", "too_slow")


def _plant_benchmark(client, decode_tokens_per_s: float, age_s: float) -> None:
    device = client.pipeline.device
    key = fingerprint(device.probe(), device._benchmark_options())
    device._benchmarks.save(key, BenchmarkResult(
        prefill_tokens_per_s=decode_tokens_per_s * 3, decode_tokens_per_s=decode_tokens_per_s,
        measured_at=time.time() - age_s))


def test_recent_slow_benchmark_counts_and_an_old_one_is_measured_again(make_client):
    client = make_client(None, device={"n_ctx": 2048})
    _plant_benchmark(client, decode_tokens_per_s=0.1, age_s=10)
    report = client.availability()
    assert (report.status, report.reason) == ("unavailable", "too_slow")

    client = make_client(None, device={"n_ctx": 2048})
    _plant_benchmark(client, decode_tokens_per_s=0.1, age_s=3600)  # past slow_recheck_s
    report = client.availability()
    assert report.status == "available", report  # measured again: this machine is fast
    assert client.device_report().benchmark.decode_tokens_per_s > 5
