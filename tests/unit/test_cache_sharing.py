"""Whose answer a caller may be given (``cache.share``), and a store shared by processes: a
clear elsewhere drops the index, entries stored elsewhere are found, dead ones leave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hybridai.cache.key import cache_key
from hybridai.cache.response_cache import ResponseCache
from hybridai.cache.store import CacheStore, StoredAnswer
from hybridai.config import CacheSettings
from hybridai.schema.modes import Mode
from hybridai.schema.request import ChatRequest

MODELS = ["device:smollm2"]
ANSWER = StoredAnswer(chunks=["Blue."], finish_reason="stop", prompt_tokens=5,
                      completion_tokens=2, route="on_device", target="device",
                      model="smollm2", cost_usd=0.0)


def request(question: str = "Name a colour.", tenant: str | None = None,
            **fields: object) -> ChatRequest:
    return ChatRequest.parse({"messages": [{"role": "user", "content": question}],
                              "temperature": 0, **fields}, tenant=tenant)


def scope(share: str, **caller: object) -> str:
    return cache_key(request(**caller), Mode.ONLY_ON_DEVICE, MODELS, share).scope  # type: ignore[arg-type]


def test_by_default_an_answer_belongs_to_its_key_and_user():
    alice = scope("user", tenant="key:a")
    assert scope("user", tenant="key:b") != alice
    assert scope("user", tenant="key:a", user="u1") != alice
    assert scope("user", tenant="key:a", user="u1") != scope("user", tenant="key:a", user="u2")
    assert scope("user", tenant="key:a") == alice


def test_share_key_ignores_the_user_and_share_everyone_the_key_too():
    assert scope("key", tenant="key:a", user="u1") == scope("key", tenant="key:a", user="u2")
    assert scope("key", tenant="key:a") != scope("key", tenant="key:b")
    assert scope("everyone", tenant="key:a", user="u1") == scope("everyone", tenant="key:b")


def test_the_tenant_cannot_be_sent_by_the_caller():
    from hybridai.errors import InvalidRequestError

    with pytest.raises(InvalidRequestError, match="tenant: unknown field"):
        ChatRequest.parse({"messages": [{"role": "user", "content": "hi"}], "tenant": "key:x"})


class WordEmbedder:
    """Texts with the same first word get the same unit vector: a paraphrase stand-in."""

    name = "first-word"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        rows = []
        for text in texts:
            rng = np.random.default_rng(sum(map(ord, text.split()[0].lower())))
            vector = rng.standard_normal(384).astype(np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.stack(rows)


@pytest.fixture
def settings(tmp_path: Path) -> CacheSettings:
    return CacheSettings(mode="semantic", threshold=0.99, path=tmp_path / "c.sqlite")


def store_answer(cache: ResponseCache, question: str) -> None:
    lookup = cache.look_up(request(question), Mode.ONLY_ON_DEVICE, MODELS)
    assert lookup is not None and lookup.hit is None
    cache.store.put(lookup.key.exact, lookup.key.scope, lookup.key.question, ANSWER,
                    embedder="first-word",
                    embedding=WordEmbedder().embed([lookup.key.question])[0])


def hit(cache: ResponseCache, question: str) -> str | None:
    lookup = cache.look_up(request(question), Mode.ONLY_ON_DEVICE, MODELS)
    assert lookup is not None
    return None if lookup.hit is None else lookup.hit.match


def test_a_miss_with_nothing_to_compare_embeds_nothing(settings, tmp_path):
    embedder = WordEmbedder()
    cache = ResponseCache(settings, tmp_path, embedder=embedder)
    assert hit(cache, "Colours of the rainbow?") is None
    assert embedder.calls == 0  # the scope holds no entry: no question to compare with


def test_a_clear_in_another_process_empties_this_ones_index(settings, tmp_path):
    cache = ResponseCache(settings, tmp_path, embedder=WordEmbedder())
    other = ResponseCache(settings, tmp_path, embedder=WordEmbedder())
    cache.store  # noqa: B018 - opened (and its index built) before the other writes
    store_answer(other, "Colours of the rainbow?")
    assert hit(cache, "Colours of the rainbow, please?") == "semantic"  # the other one stored it
    cli = CacheStore(settings.store_path(tmp_path), max_entries=10, ttl_s=60)
    assert cli.clear() == 1
    cli.close()
    assert hit(cache, "Colours of the rainbow, please?") is None
    assert cache.indexed == 0
    assert cache.store.count == 0


def test_an_entry_deleted_elsewhere_leaves_the_index_when_met(settings, tmp_path):
    cache = ResponseCache(settings, tmp_path, embedder=WordEmbedder())
    other = ResponseCache(settings, tmp_path, embedder=WordEmbedder())
    cache.store  # noqa: B018
    store_answer(other, "Colours of the rainbow?")
    assert hit(cache, "Colours of the rainbow, please?") == "semantic"
    assert cache.indexed == 1
    cli = CacheStore(settings.store_path(tmp_path), max_entries=10, ttl_s=60)
    key = next(iter(cli.embedded("first-word"))).key
    cli._db.execute("DELETE FROM entries WHERE key = ?", (key,))  # an eviction elsewhere
    cli.close()
    assert hit(cache, "Colours of the rainbow, please?") is None
    assert cache.indexed == 0


def test_semantic_mode_without_the_embedder_fails_at_start_up(settings, tmp_path, monkeypatch):
    from hybridai.engines import embeddings
    from hybridai.errors import ConfigError

    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(ConfigError, match="cache.mode = exact") as raised:
        ResponseCache(settings, tmp_path)
    assert raised.value.code == "missing_embedder"
    # Exact mode needs no embedder at all.
    ResponseCache(settings.model_copy(update={"mode": "exact"}), tmp_path).close()
