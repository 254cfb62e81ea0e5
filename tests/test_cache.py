"""The response cache through the library: the real engine, a real OpenAI-compatible server on
loopback behind a counting proxy, the cache's SQLite file on disk."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from hybridai.config import CacheSettings
from hybridai.errors import CloudStatusError, StreamInterruptedError
from hybridai.schema.modes import Route
from tests.conftest import calls, user
from tests.support import echo_openai
from tests.support.gateway_process import GatewayProcess, write_config
from tests.test_cli import run as run_cli
from tests.test_cli import write_config as cli_config
from tests.test_gateway import log_rows

pytestmark = pytest.mark.integration

ASK = {"mode": "only_in_cloud", "max_tokens": 8, "temperature": 0.0}


def cached(tmp_path: Path, **settings: Any) -> CacheSettings:
    return CacheSettings(path=tmp_path / "responses.sqlite", **settings)


def test_a_repeat_is_answered_from_the_cache_without_calling_the_cloud(
        make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    first = client.chat.completions.create(messages=user("Name a colour."), **ASK)
    second = client.chat.completions.create(messages=user("  Name a colour.\n"), **ASK)
    assert calls(counting_cloud) == 1
    assert first.hybrid.route is Route.IN_CLOUD and first.hybrid.cost_usd > 0
    assert second.hybrid.route is Route.CACHE
    assert second.hybrid.reason == "cache:exact"
    assert second.text == first.text
    assert second.usage == first.usage
    assert second.hybrid.cost_usd == 0
    assert second.hybrid.saved_usd == pytest.approx(first.hybrid.cost_usd)
    assert second.hybrid.cache is not None
    assert second.hybrid.cache.route is Route.IN_CLOUD
    assert second.hybrid.cache.cost_usd == first.hybrid.cost_usd
    assert second.hybrid.cache.similarity == 1.0


def test_a_device_answer_is_cached_with_where_it_ran(make_client, tmp_path):
    client = make_client(None, cache=cached(tmp_path))
    ask = {"messages": user("Say hello."), "mode": "only_on_device", "max_tokens": 6,
           "temperature": 0.0}
    first = client.chat.completions.create(**ask)
    second = client.chat.completions.create(**ask)
    assert first.hybrid.route is Route.ON_DEVICE
    assert second.hybrid.route is Route.CACHE and second.text == first.text
    assert second.hybrid.cache.route is Route.ON_DEVICE
    assert second.hybrid.cache.target == first.hybrid.target
    assert second.model == first.model


def test_a_streamed_hit_replays_the_same_chunks(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    ask = {"messages": user("Stream it."), "stream": True, **ASK}
    original = list(client.chat.completions.create(**ask))
    replayed = list(client.chat.completions.create(**ask))
    assert calls(counting_cloud) == 1
    texts = [c.text for c in replayed if c.text]
    assert texts == [c.text for c in original if c.text]
    assert "".join(texts) == "".join(echo_openai.REPLY)
    assert replayed[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in replayed}) == 1 and replayed[0].id != original[0].id
    last = replayed[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.hybrid.route is Route.CACHE and last.usage == original[-1].usage
    # An unstreamed request gets the same stored answer whole.
    whole = client.chat.completions.create(**{**ask, "stream": False})
    assert whole.hybrid.route is Route.CACHE and whole.text == "".join(texts)


@pytest.mark.parametrize("change", [
    {"messages": [{"role": "system", "content": "Answer in French."}, *user("Name a colour.")]},
    {"messages": [*user("Hi"), {"role": "assistant", "content": "Hello"},
                  *user("Name a colour.")]},
    {"max_tokens": 9},
    {"mode": "prefer_in_cloud"},
    {"stop": ["."]},
    {"seed": 7},
    {"messages": user("name a colour.")},  # case is meaning: kept
])
def test_a_different_scope_or_question_misses(make_client, counting_cloud, tmp_path, change):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    base = {"messages": user("Name a colour."), **ASK}
    client.chat.completions.create(**base)
    other = client.chat.completions.create(**{**base, **change})
    assert other.hybrid.route is not Route.CACHE
    assert calls(counting_cloud) == 2


def test_another_cloud_model_is_another_scope(make_client, counting_cloud, tmp_path):
    settings = cached(tmp_path)
    make_client(counting_cloud.base_url, cache=settings).chat.completions.create(
        messages=user("Name a colour."), **ASK)
    client = make_client(counting_cloud.base_url, cache=settings)
    client.settings.cloud["standin"].model = "another-model"
    other = type(client)(client.settings)
    try:
        response = other.chat.completions.create(messages=user("Name a colour."), **ASK)
    finally:
        other.close()
    assert response.hybrid.route is Route.IN_CLOUD
    assert calls(counting_cloud) == 2


def test_sampled_requests_are_not_cached_unless_configured(make_client, counting_cloud,
                                                           tmp_path):
    sampled = {**ASK, "temperature": 0.7}
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    for _ in range(2):
        response = client.chat.completions.create(messages=user("A poem."), **sampled)
        assert response.hybrid.route is Route.IN_CLOUD
    unset = {k: v for k, v in ASK.items() if k != "temperature"}  # the backend's default samples
    for _ in range(2):
        client.chat.completions.create(messages=user("A poem."), **unset)
    assert calls(counting_cloud) == 4

    client = make_client(counting_cloud.base_url,
                         cache=cached(tmp_path / "sampled", include_sampled=True))
    client.chat.completions.create(messages=user("A poem."), **sampled)
    again = client.chat.completions.create(messages=user("A poem."), **sampled)
    assert again.hybrid.route is Route.CACHE
    hotter = client.chat.completions.create(messages=user("A poem."), **{**sampled,
                                                                         "temperature": 0.9})
    assert hotter.hybrid.route is Route.IN_CLOUD  # another temperature, another scope
    assert calls(counting_cloud) == 6


def test_cache_false_neither_reads_nor_writes(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    ask = {"messages": user("Name a colour."), **ASK}
    client.chat.completions.create(**ask, cache=False)
    assert client.chat.completions.create(**ask).hybrid.route is Route.IN_CLOUD  # not stored
    assert client.chat.completions.create(**ask, cache=False).hybrid.route is Route.IN_CLOUD
    assert client.chat.completions.create(**ask).hybrid.route is Route.CACHE
    assert calls(counting_cloud) == 3


def test_disabled_cache_creates_no_file(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path, enabled=False))
    for _ in range(2):
        client.chat.completions.create(messages=user("Name a colour."), **ASK)
    assert calls(counting_cloud) == 2
    assert not (tmp_path / "responses.sqlite").exists()


def test_errors_and_cut_streams_are_never_stored(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path))
    ask = {"messages": user("Name a colour."), **ASK}
    counting_cloud.behavior = "status:500"
    with pytest.raises(CloudStatusError):
        client.chat.completions.create(**ask)
    counting_cloud.behavior = "cut:3"
    with pytest.raises(StreamInterruptedError):
        list(client.chat.completions.create(**ask, stream=True))
    counting_cloud.behavior = "pass"
    # A stream the caller abandons is not stored either.
    stream = client.chat.completions.create(**ask, stream=True)
    next(iter(stream))
    stream.close()
    assert client.chat.completions.create(**ask).hybrid.route is Route.IN_CLOUD
    assert client.chat.completions.create(**ask).hybrid.route is Route.CACHE
    assert calls(counting_cloud) == 5  # the 500 was retried once (max_retries defaults to 1)


def test_entries_expire_after_their_ttl(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path, ttl_s=0.5))
    ask = {"messages": user("Name a colour."), **ASK}
    client.chat.completions.create(**ask)
    assert client.chat.completions.create(**ask).hybrid.route is Route.CACHE
    time.sleep(0.6)
    assert client.chat.completions.create(**ask).hybrid.route is Route.IN_CLOUD
    assert calls(counting_cloud) == 2


def test_the_least_recently_used_entry_is_evicted(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=cached(tmp_path, max_entries=2))

    def route(question: str) -> Route:
        return client.chat.completions.create(messages=user(question), **ASK).hybrid.route

    assert [route("A"), route("B"), route("A"), route("C")] == [
        Route.IN_CLOUD, Route.IN_CLOUD, Route.CACHE, Route.IN_CLOUD]  # C evicts B, not A
    assert [route("A"), route("C"), route("B")] == [Route.CACHE, Route.CACHE, Route.IN_CLOUD]
    assert client.pipeline.cache.store.count == 2


def test_the_cache_outlives_the_client(make_client, counting_cloud, tmp_path):
    settings = cached(tmp_path)
    first = make_client(counting_cloud.base_url, cache=settings)
    answer = first.chat.completions.create(messages=user("Name a colour."), **ASK)
    first.close()
    later = make_client(counting_cloud.base_url, cache=settings)
    again = later.chat.completions.create(messages=user("Name a colour."), **ASK)
    assert again.hybrid.route is Route.CACHE and again.text == answer.text
    assert calls(counting_cloud) == 1


def test_a_hit_needs_no_backend_at_all(make_client, counting_cloud, tmp_path):
    settings = cached(tmp_path)
    make_client(counting_cloud.base_url, cache=settings).chat.completions.create(
        messages=user("Name a colour."), **ASK)
    counting_cloud.behavior = "status:503"  # the cloud is down now
    response = make_client(counting_cloud.base_url, cache=settings).chat.completions.create(
        messages=user("Name a colour."), **ASK)
    assert response.hybrid.route is Route.CACHE
    assert calls(counting_cloud) == 1


def test_async_client_hits_and_replays_streams(make_async_client, counting_cloud, tmp_path):
    client = make_async_client(counting_cloud.base_url, cache=cached(tmp_path))

    async def scenario() -> tuple[Any, list[Any]]:
        first = await client.chat.completions.create(messages=user("Name a colour."), **ASK)
        stream = await client.chat.completions.create(messages=user("Name a colour."),
                                                      stream=True, **ASK)
        return first, [chunk async for chunk in stream]

    first, chunks = asyncio.run(scenario())
    assert "".join(c.text for c in chunks) == first.text
    assert chunks[-1].hybrid.route is Route.CACHE
    assert calls(counting_cloud) == 1


# -- through the gateway, in another process ---------------------------------------------------

def test_the_gateway_answers_from_a_cache_another_process_filled(
        make_client, counting_cloud, tmp_path, shared_cache):
    settings = cached(tmp_path)
    stored = make_client(counting_cloud.base_url, cache=settings).chat.completions.create(
        messages=user("Name a colour."), **ASK)
    log = tmp_path / "requests.sqlite.log"
    config = write_config(tmp_path, cloud_url=counting_cloud.base_url, cache_dir=shared_cache,
                          gateway={"log_path": log}, mode="only_in_cloud",
                          cache={"path": settings.path})
    # The suite's environment turns the cache off; this process gets it back on.
    gateway = GatewayProcess(config, log, env={"HYBRIDAI_CACHE__ENABLED": "true"}).start()
    body = {"model": "hybrid", "messages": user("Name a colour."), "max_tokens": 8,
            "temperature": 0}
    try:
        hit = httpx.post(gateway.base_url + "/chat/completions", json=body, timeout=30)
        assert hit.status_code == 200, hit.text
        assert hit.headers["x-hybrid-route"] == "cache"
        assert hit.headers["x-hybrid-reason"] == "cache:exact"
        assert hit.headers["x-hybrid-cost-usd"] == "0.00000000"
        assert hit.json()["choices"][0]["message"]["content"] == stored.text
        assert hit.json()["hybrid"]["cache"]["route"] == "in_cloud"

        with httpx.stream("POST", gateway.base_url + "/chat/completions",
                          json={**body, "stream": True}, timeout=30) as streamed:
            assert streamed.headers["x-hybrid-route"] == "cache"
            events = [line[6:] for line in streamed.iter_lines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        chunks = [json.loads(e) for e in events[:-1]]
        assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks
                       if c["choices"]) == stored.text
        assert chunks[-1]["hybrid"]["route"] == "cache"
        assert calls(counting_cloud) == 1

        off = httpx.post(gateway.base_url + "/chat/completions", json=body, timeout=30,
                         headers={"x-hybrid-cache": "off"})
        assert off.headers["x-hybrid-route"] == "in_cloud"
        assert calls(counting_cloud) == 2
        bad = httpx.post(gateway.base_url + "/chat/completions", json=body, timeout=30,
                         headers={"x-hybrid-cache": "sometimes"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "x-hybrid-cache"

        metrics = httpx.get(gateway.root + "/metrics", timeout=10).text
        # Metrics count the reason's code: "cache", never its qualifier ("exact", a similarity).
        assert ('hybridai_requests_total{endpoint="chat.completions",reason="cache",'
                'route="cache",status="200"} 2.0') in metrics
    finally:
        gateway.stop()
    rows = log_rows(log, where="route = 'cache'")
    assert len(rows) == 2 and all(r["cost_usd"] == 0 for r in rows)


# -- semantic look-ups, with the real all-MiniLM-L6-v2 -----------------------------------------

def semantic(tmp_path: Path, **settings: Any) -> CacheSettings:
    return cached(tmp_path, mode="semantic", **{"threshold": 0.9, **settings})


def test_a_paraphrase_hits_and_a_negation_misses(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=semantic(tmp_path))

    def ask(question: str) -> Any:
        return client.chat.completions.create(messages=user(question), **ASK)

    original = ask("How do I enable dark mode?")
    paraphrase = ask("How can I turn on dark mode?")
    assert paraphrase.hybrid.route is Route.CACHE and paraphrase.text == original.text
    assert paraphrase.hybrid.reason.startswith("cache:semantic:")
    assert 0.9 <= paraphrase.hybrid.cache.similarity < 1
    assert paraphrase.hybrid.cache.match == "semantic"
    assert ask("How do I disable dark mode?").hybrid.route is Route.IN_CLOUD  # cosine 0.93
    assert ask("What is 15% of 80?").hybrid.route is Route.IN_CLOUD
    assert ask("What is 15% of 90?").hybrid.route is Route.IN_CLOUD  # numbers differ
    assert calls(counting_cloud) == 4


def test_semantic_hits_stay_within_the_scope(make_client, counting_cloud, tmp_path):
    client = make_client(counting_cloud.base_url, cache=semantic(tmp_path))
    client.chat.completions.create(messages=user("How do I enable dark mode?"), **ASK)
    framed = [{"role": "system", "content": "You are a pirate."},
              *user("How can I turn on dark mode?")]
    assert client.chat.completions.create(messages=framed, **ASK).hybrid.route is Route.IN_CLOUD
    longer = {**ASK, "max_tokens": 9}
    assert client.chat.completions.create(messages=user("How can I turn on dark mode?"),
                                          **longer).hybrid.route is Route.IN_CLOUD
    assert calls(counting_cloud) == 3


def test_the_semantic_index_is_rebuilt_from_disk(make_client, counting_cloud, tmp_path):
    settings = semantic(tmp_path)
    first = make_client(counting_cloud.base_url, cache=settings)
    first.chat.completions.create(messages=user("How do I reset my password?"), **ASK)
    first.close()
    later = make_client(counting_cloud.base_url, cache=settings)
    response = later.chat.completions.create(
        messages=user("What's the way to reset my password?"), **ASK)
    assert response.hybrid.route is Route.CACHE and response.hybrid.cache.match == "semantic"
    assert calls(counting_cloud) == 1


def test_semantic_threshold_of_one_allows_only_identical_meaning(make_client, counting_cloud,
                                                                 tmp_path):
    client = make_client(counting_cloud.base_url, cache=semantic(tmp_path, threshold=1.0))
    client.chat.completions.create(messages=user("How do I enable dark mode?"), **ASK)
    paraphrase = client.chat.completions.create(messages=user("How can I turn on dark mode?"),
                                                **ASK)
    assert paraphrase.hybrid.route is Route.IN_CLOUD
    assert calls(counting_cloud) == 2


def test_the_cli_answers_from_the_cache_unless_told_not_to(counting_cloud, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("HYBRIDAI_CACHE__ENABLED", "true")
    monkeypatch.setenv("HYBRIDAI_CACHE__PATH", str(tmp_path / "responses.sqlite"))
    config = cli_config(tmp_path, counting_cloud.base_url)

    def ask(*flags: str) -> dict[str, Any]:
        result = run_cli("ask", "Name a fruit.", "--mode", "only_in_cloud", "--max-tokens", "8",
                         "--temperature", "0", "--json", *flags, config=config)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["hybrid"]

    assert ask()["route"] == "in_cloud"
    assert ask()["route"] == "cache"
    assert ask("--no-cache")["route"] == "in_cloud"
    assert calls(counting_cloud) == 2

    def cache_command(*flags: str) -> dict[str, Any]:
        result = run_cli("cache", "--json", *flags, config=config)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    shown = cache_command()
    assert (shown["entries"], shown["live"], shown["hits"]) == (1, 1, 1)
    assert shown["bytes"] > 0 and shown["removed"] is None
    cleared = cache_command("--clear")
    assert cleared["removed"] == 1 and cleared["entries"] == 0
    assert ask()["route"] == "in_cloud"  # emptied: the cloud answers again
    assert calls(counting_cloud) == 3


def test_warm_up_loads_the_semantic_index_from_disk(make_client, counting_cloud, tmp_path):
    settings = semantic(tmp_path)
    make_client(counting_cloud.base_url, cache=settings).chat.completions.create(
        messages=user("How do I reset my password?"), **ASK)
    client = make_client(counting_cloud.base_url, cache=settings)
    assert client.pipeline.cache.indexed == 0
    client.pipeline.cache.warm_up()
    assert client.pipeline.cache.indexed == 1
