"""The state stores (``hybridai.stores.protocols``): each protocol's behaviour, run against
every implementation of it; and a pipeline built with stores handed in, answering from a fake
cloud without a network or an engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hybridai.api.client import AsyncHybridAI, HybridAI
from hybridai.cache.semantic import SemanticIndex
from hybridai.cache.store import CacheStore
from hybridai.config import (
    BudgetSettings,
    CacheSettings,
    CloudTarget,
    ResilienceSettings,
    Settings,
)
from hybridai.core.build import build_pipeline
from hybridai.errors import BudgetExhaustedError, CloudStatusError
from hybridai.schema.modes import Mode
from hybridai.schema.response import ChatCompletion
from hybridai.stores.answers import StoredAnswer
from hybridai.stores.memory import MemoryBudgetLedger, MemoryHealthState
from hybridai.stores.protocols import AnswerStore, HealthState, QuestionIndex
from tests.unit.builders import CLOUD_PRICE, FakeCloud

# -- HealthState --------------------------------------------------------------------------------

HEALTH_STATES: list[Callable[[], HealthState]] = [MemoryHealthState]


@pytest.fixture(params=HEALTH_STATES, ids=lambda make: make.__name__)
def health(request: pytest.FixtureRequest) -> HealthState:
    made: HealthState = request.param()
    return made


def test_calls_are_counted_in_their_window_and_in_a_row(health: HealthState) -> None:
    for now in (0.0, 1.0):
        health.record_call("a", failed=True, now=now, window_s=10)
    window = health.record_call("a", failed=True, now=2.0, window_s=10)
    assert (window.consecutive_failures, window.calls, window.failures) == (3, 3, 3)
    window = health.record_call("a", failed=False, now=11.5, window_s=10)
    # The calls at 0 and 1 left the window; the success ends the run of failures.
    assert (window.consecutive_failures, window.calls, window.failures) == (0, 2, 1)
    assert health.record_call("b", failed=False, now=12.0, window_s=10).calls == 1


def test_a_transition_happens_only_from_the_state_its_caller_saw(health: HealthState) -> None:
    assert health.breaker("a").opened_at is None
    assert health.open_breaker("a", 5.0, expected=None)
    assert not health.open_breaker("a", 6.0, expected=None)  # another caller opened it first
    assert health.breaker("a").opened_at == 5.0
    assert health.open_breaker("a", 7.0, expected=5.0)  # a failed trial reopens it
    assert not health.close_breaker("a", expected=5.0)
    assert health.record_call("a", failed=True, now=8.0, window_s=60).breaker.opened_at == 7.0
    assert health.close_breaker("a", expected=7.0)
    window = health.record_call("a", failed=False, now=9.0, window_s=60)
    assert window.breaker.opened_at is None and window.calls == 1  # closing forgot the calls


def test_one_trial_at_a_time_once_the_breaker_cooled(health: HealthState) -> None:
    assert not health.claim_trial("a", 1.0, cooled_before=0.0)  # closed: no trial to run
    health.open_breaker("a", 10.0, expected=None)
    assert not health.claim_trial("a", 15.0, cooled_before=5.0)  # still cooling down
    assert health.claim_trial("a", 20.0, cooled_before=10.0)
    assert health.breaker("a").trial_started == 20.0
    assert not health.claim_trial("a", 21.0, cooled_before=11.0)  # one runs
    health.release_trial("a")
    assert health.claim_trial("a", 22.0, cooled_before=12.0)
    assert health.claim_trial("a", 40.0, cooled_before=30.0)  # the last one never reported
    health.open_breaker("a", 41.0, expected=10.0)
    assert health.breaker("a").trial_started is None


def test_offline_is_set_once_and_forgotten_with_the_connect_failures(health: HealthState
                                                                     ) -> None:
    assert health.record_connect("a", failed=True) == {"a"}
    assert health.record_connect("b", failed=True) == {"a", "b"}
    assert health.record_connect("b", failed=False) == {"a"}
    assert health.offline_until() is None
    health.go_offline(30.0)
    health.go_offline(60.0)  # already offline: the first deadline stands
    assert health.offline_until() == 30.0
    health.go_online()
    assert health.offline_until() is None
    assert health.record_connect("b", failed=True) == {"b"}


# -- AnswerStore and QuestionIndex ----------------------------------------------------------------

ANSWER_STORES: list[Callable[[Path, int], AnswerStore]] = [
    lambda folder, bound: CacheStore(folder / "c.sqlite", max_entries=bound, ttl_s=60.0)]


@pytest.fixture(params=ANSWER_STORES, ids=["sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[int], AnswerStore]:
    return lambda bound: request.param(tmp_path, bound)


def answer(text: str) -> StoredAnswer:
    return StoredAnswer(chunks=[text[:2], text[2:]], finish_reason="stop", prompt_tokens=5,
                        completion_tokens=2, route="in_cloud", target="openai", model="m",
                        cost_usd=0.001)


def test_a_stored_answer_comes_back_whole(make_store: Callable[[int], AnswerStore]) -> None:
    store = make_store(10)
    assert store.put("k1", "scope", "What is blue?", answer("A colour.")) == []
    entry = store.get("k1")
    assert entry is not None and entry.question == "What is blue?"
    assert entry.answer == answer("A colour.") and entry.answer.text == "A colour."
    assert store.get("missing") is None
    store.put("k1", "scope", "What is blue?", answer("Still a colour."))  # replaces
    replaced = store.get("k1", touch=False)
    assert replaced is not None and replaced.answer.text == "Still a colour."
    store.close()


def test_the_store_evicts_beyond_its_bound_and_feeds_an_index(
        make_store: Callable[[int], AnswerStore]) -> None:
    store = make_store(2)
    vector = np.ones(384, np.float32) / np.sqrt(384)
    store.put("k1", "s", "one", answer("1"), embedder="e", embedding=vector)
    store.put("k2", "s", "two", answer("2"))
    store.touch("k1")
    assert store.put("k3", "s", "three", answer("3")) == ["k2"]  # the least recently used
    assert store.get("k2") is None
    [row] = store.embedded("e")
    assert (row.key, row.scope) == ("k1", "s") and np.allclose(row.vector, vector)
    assert list(store.embedded("another model")) == []
    store.close()


QUESTION_INDEXES: list[Callable[[], QuestionIndex]] = [SemanticIndex]


@pytest.mark.parametrize("make_index", QUESTION_INDEXES, ids=lambda make: make.__name__)
def test_the_index_finds_the_nearest_question_within_its_scope(
        make_index: Callable[[], QuestionIndex]) -> None:
    index = make_index()
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((3, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index.add("k0", "s", vectors[0])
    index.add("k1", "s", vectors[1])
    index.add("k2", "other", vectors[2])
    assert len(index) == 3
    match = index.nearest("s", vectors[1])
    assert match is not None and match.key == "k1" and match.similarity == pytest.approx(1, 1e-3)
    assert index.nearest("nowhere", vectors[0]) is None
    index.remove(["k1", "k2"])
    assert len(index) == 1 and index.nearest("other", vectors[2]) is None
    nearest = index.nearest("s", vectors[1])
    assert nearest is not None and nearest.key == "k0"


# -- a pipeline built with stores handed in --------------------------------------------------------

PRICE = CLOUD_PRICE


def cloud_settings(tmp_path: Path, **resilience: object) -> Settings:
    # only_in_cloud: the device is never asked, so no engine starts.
    return Settings(mode=Mode.ONLY_IN_CLOUD, cache_dir=tmp_path,
                    cache=CacheSettings(enabled=False),
                    cloud={"fake": CloudTarget(base_url="http://127.0.0.1:9/v1",
                                               model="fake-model", max_retries=0)},
                    resilience=ResilienceSettings(**resilience))  # type: ignore[arg-type]


QUESTION = [{"role": "user", "content": "What colour is the sky?"}]


def test_a_cloud_answer_is_booked_in_the_ledger_handed_in(tmp_path: Path) -> None:
    settings = cloud_settings(tmp_path)
    cloud = FakeCloud("fake", settings.cloud["fake"])
    ledger = MemoryBudgetLedger(BudgetSettings(daily_usd=1.0))
    with HybridAI(pipeline=build_pipeline(settings, budget=ledger,
                                          clouds={"fake": cloud})) as client:
        response = client.chat.completions.create(messages=QUESTION, max_tokens=50)
    assert isinstance(response, ChatCompletion) and cloud.calls == 1
    cost = response.hybrid.cost_usd
    assert cost == pytest.approx((12 * 1000.0 + 3 * 2000.0) / 1e6)
    status = ledger.status()
    assert status.daily.spent_usd == pytest.approx(cost) and status.reserved_usd == 0.0
    assert not (tmp_path / "budget.sqlite").exists()  # the settings' file was never opened


async def test_the_async_client_books_the_same_in_the_ledger(tmp_path: Path) -> None:
    settings = cloud_settings(tmp_path)
    ledger = MemoryBudgetLedger(BudgetSettings(daily_usd=1.0))
    pipeline = build_pipeline(settings, budget=ledger,
                              clouds={"fake": FakeCloud("fake", settings.cloud["fake"])})
    async with AsyncHybridAI(pipeline=pipeline) as client:
        response = await client.chat.completions.create(messages=QUESTION, max_tokens=50)
    assert isinstance(response, ChatCompletion)
    assert ledger.status().daily.spent_usd == pytest.approx(response.hybrid.cost_usd)


def test_a_ledger_too_low_for_the_call_keeps_it_from_the_cloud(tmp_path: Path) -> None:
    settings = cloud_settings(tmp_path)
    cloud = FakeCloud("fake", settings.cloud["fake"])
    ledger = MemoryBudgetLedger(BudgetSettings(daily_usd=0.01))  # the call may cost over $0.10
    pipeline = build_pipeline(settings, budget=ledger, clouds={"fake": cloud})
    with HybridAI(pipeline=pipeline) as client, pytest.raises(BudgetExhaustedError,
                                                              match="daily"):
        client.chat.completions.create(messages=QUESTION, max_tokens=50)
    assert cloud.calls == 0 and ledger.status().daily.spent_usd == 0.0


def test_the_breakers_keep_their_state_in_the_health_state_handed_in(tmp_path: Path) -> None:
    settings = cloud_settings(tmp_path, breaker_failures=1)
    state = MemoryHealthState()
    cloud = FakeCloud("fake", settings.cloud["fake"], CloudStatusError("down", status=503))
    with HybridAI(pipeline=build_pipeline(settings, health=state,
                                          clouds={"fake": cloud})) as client:
        assert client.pipeline.health.store is state
        with pytest.raises(CloudStatusError):
            client.chat.completions.create(messages=QUESTION)
    assert state.breaker("fake").opened_at is not None
