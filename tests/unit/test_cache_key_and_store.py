"""The cache's key normalization and its SQLite store (TTL, LRU, persistence) on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridai.cache.key import cache_key, normalize
from hybridai.cache.store import CacheStore, StoredAnswer
from hybridai.schema.modes import Mode
from hybridai.schema.request import ChatRequest

ANSWER = StoredAnswer(chunks=["Blue", "."], finish_reason="stop", prompt_tokens=5,
                      completion_tokens=2, route="in_cloud", target="openai",
                      model="gpt-4o-mini", cost_usd=0.0001)
MODELS = ["device:smollm2", "openai:gpt-4o-mini"]


def key_of(question: str = "Name a colour.", mode: Mode = Mode.PREFER_ON_DEVICE,
           models: list[str] = MODELS, **fields):
    messages = fields.pop("messages", [{"role": "user", "content": question}])
    return cache_key(ChatRequest.parse({"messages": messages, "temperature": 0, **fields}),
                     mode, models)


def test_normalize_keeps_case_and_folds_whitespace_and_unicode_forms():
    assert normalize("  Name\ta\n\ncolour. ") == "Name a colour."
    assert normalize("cafe\u0301") == normalize("caf\u00e9")  # NFD and NFC are one text
    assert normalize("US") != normalize("us")


def test_the_scope_holds_everything_but_the_question():
    base = key_of()
    assert key_of("  Name a colour.\n") == base
    assert key_of("Name a color.").scope == base.scope
    assert key_of("Name a color.").exact != base.exact
    system = [{"role": "system", "content": "Be brief."},
              {"role": "user", "content": "Name a colour."}]
    for other in (key_of(messages=system), key_of(mode=Mode.ONLY_IN_CLOUD),
                  key_of(models=MODELS[:1]), key_of(max_tokens=5), key_of(top_p=0.5),
                  key_of(stop=["\n"]), key_of(seed=1), key_of(temperature=0.5)):
        assert other.scope != base.scope and other.question == base.question


def open_store(path: Path, **bounds) -> CacheStore:
    return CacheStore(path / "c.sqlite", **{"max_entries": 100, "ttl_s": 60.0, **bounds})


def test_put_get_and_persistence(tmp_path):
    store = open_store(tmp_path)
    assert store.put("k", "s", "q", ANSWER, now=1000.0) == []
    entry = store.get("k", now=1001.0)
    assert entry is not None and entry.answer == ANSWER and entry.created == 1000.0
    assert entry.answer.text == "Blue."
    store.close()
    reopened = open_store(tmp_path)
    assert reopened.count == 1 and reopened.get("k", now=1002.0).answer == ANSWER


def test_expired_entries_are_gone(tmp_path):
    store = open_store(tmp_path, ttl_s=10.0)
    store.put("old", "s", "q", ANSWER, now=1000.0)
    assert store.get("old", now=1009.9) is not None
    assert store.get("old", now=1010.0) is None
    assert store.count == 0
    store.put("a", "s", "q", ANSWER, now=2000.0)
    assert store.put("b", "s", "q", ANSWER, now=2011.0) == ["a"]  # swept on write


def test_least_recently_used_is_evicted_first(tmp_path):
    store = open_store(tmp_path, max_entries=3)
    for t, key in enumerate("abc"):
        store.put(key, "s", "q", ANSWER, now=1000.0 + t)
    store.get("a", now=1010.0)  # a is now the most recently used
    assert store.put("d", "s", "q", ANSWER, now=1011.0) == ["b"]
    assert store.put("a", "s", "q", ANSWER, now=1012.0) == []  # a replacement adds nothing
    assert store.count == 3
    assert [store.get(k, now=1013.0) is not None for k in "abcd"] == [True, False, True, True]


def test_embeddings_round_trip_per_embedder(tmp_path):
    np = pytest.importorskip("numpy")
    store = open_store(tmp_path)
    vector = np.arange(4, dtype=np.float32)
    store.put("k", "scope", "q", ANSWER, embedder="e1", embedding=vector, now=1000.0)
    store.put("plain", "scope", "q", ANSWER, now=1000.0)
    rows = list(store.embedded("e1", now=1001.0))
    assert [(r.key, r.scope) for r in rows] == [("k", "scope")]
    assert rows[0].vector.tolist() == vector.tolist()
    assert list(store.embedded("e2", now=1001.0)) == []


def test_a_read_without_touch_leaves_the_lru_order(tmp_path):
    store = open_store(tmp_path, max_entries=2)
    store.put("a", "s", "q", ANSWER, now=1000.0)
    store.put("b", "s", "q", ANSWER, now=1001.0)
    assert store.get("a", now=1002.0, touch=False) is not None
    assert store.put("c", "s", "q", ANSWER, now=1003.0) == ["a"]
    store.touch("b", now=1004.0)
    assert store.put("d", "s", "q", ANSWER, now=1005.0) == ["c"]
