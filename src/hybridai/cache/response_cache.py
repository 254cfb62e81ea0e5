"""The response cache the pipeline asks: look up before planning, save after a good run.

Only deterministic requests (temperature 0) are cached unless ``include_sampled`` is on: a
sampled request asks for a new draw, and a repeat that got the old one would be wrong. Only
complete, successful, non-empty answers are stored, never errors or cut streams; answers from
the device and from the cloud alike, with where they ran.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CacheSettings
from ..schema.modes import Mode, Route
from ..schema.request import ChatRequest
from ..schema.result import RequestResult
from ..stores.answers import StoredAnswer
from ..stores.protocols import AnswerStore, QuestionIndex
from .key import CacheKey, cache_key
from .replay import CacheHit
from .store import CacheStore
from .verify import verify

if TYPE_CHECKING:
    import numpy as np

    from .semantic import Embedder


MAX_QUESTION_CHARS = 1000
"""Longer questions get exact look-ups only: the embedder reads just the first 256 tokens,
and two long texts that differ after them must not match."""


@dataclass(frozen=True)
class CacheLookup:
    """One request's look-up: its key, its question's embedding (semantic mode) and any hit."""

    key: CacheKey
    hit: CacheHit | None = None
    embedding: np.ndarray | None = None


class ResponseCache:
    def __init__(self, settings: CacheSettings, cache_dir: Path,
                 embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.path = settings.store_path(cache_dir)
        self._embedder = embedder
        self._store: AnswerStore | None = None
        self._index: QuestionIndex | None = None
        self._opening = threading.Lock()
        self._syncing = threading.Lock()
        self._generation = 0  # the store's generation the index was built for
        self._last_row = 0  # the last stored row the index has seen
        if settings.enabled and self.semantic and embedder is None:
            from .semantic import default_embedder

            # Now, at start-up: a missing embedding model is a setup error, not a failure
            # of every request later. (The model itself still loads on first use.)
            self._embedder = default_embedder()

    @property
    def semantic(self) -> bool:
        return self.settings.mode == "semantic"

    def applies_to(self, request: ChatRequest) -> bool:
        """Requests whose answer is one text: not those offering tools (the answer may be a
        call), asking for several choices, log probabilities or a spoken answer."""
        return (self.settings.enabled and request.options.cache
                and (request.deterministic or self.settings.include_sampled)
                and not request.function_specs() and not request.tools
                and request.choices == 1 and not request.logprobs
                and "audio_output" not in request.needs())

    @property
    def store(self) -> AnswerStore:
        """Opened on first use, so a process that never caches never touches the disk."""
        with self._opening:
            if self._store is None:
                self._store = CacheStore(self.path, max_entries=self.settings.max_entries,
                                         ttl_s=self.settings.ttl_s)
                if self.semantic:
                    self._index = self._load_index(self._store)
        return self._store

    def look_up(self, request: ChatRequest, mode: Mode, models: list[str]) -> CacheLookup | None:
        """None when the request is not cacheable; else its key and the hit, if any."""
        if not self.applies_to(request):
            return None
        started = time.perf_counter()
        key = cache_key(request, mode, models, self.settings.share)
        store = self.store
        self._sync(store)
        entry = store.get(key.exact)
        if entry is not None:
            return CacheLookup(key, CacheHit(entry, "exact", 1.0, time.time(),
                                             time.perf_counter() - started))
        index = self._index
        if index is None or len(key.question) > MAX_QUESTION_CHARS or not index.holds(
                key.scope):
            return CacheLookup(key)  # nothing to compare with: embedded when stored, if at all
        vector = self.embedder.embed([key.question])[0]
        match = index.nearest(key.scope, vector)
        while match is not None and store.get(match.key, touch=False) is None:
            index.remove([match.key])  # cleared, expired or evicted by another process
            match = index.nearest(key.scope, vector)
        if match is not None and match.similarity >= self.settings.threshold:
            entry = store.get(match.key, touch=False)
            # The cosine only makes a candidate: every word must be accounted for, and no
            # number, negation, opposite, name or unit may differ (cache.verify).
            if entry is not None and verify(key.question, entry.question,
                                            match.similarity).hit:
                store.touch(entry.key)
                return CacheLookup(key, CacheHit(entry, "semantic", match.similarity,
                                                time.time(), time.perf_counter() - started),
                                   vector)
        return CacheLookup(key, embedding=vector)

    def save(self, probe: CacheLookup | None, result: RequestResult) -> bool:
        """Stores the run's answer if it is complete and came from a backend; True if stored."""
        if probe is None or probe.hit is not None:
            return False
        answer = answer_of(result)
        if answer is None:
            return False
        key = probe.key
        vector = probe.embedding
        if vector is None and self._index is not None and len(key.question) <= (
                MAX_QUESTION_CHARS):
            vector = self.embedder.embed([key.question])[0]  # the look-up had nothing to ask
        embedder = self.embedder.name if vector is not None else None
        evicted = self.store.put(key.exact, key.scope, key.question, answer,
                                 embedder=embedder, embedding=vector)
        if self._index is not None:
            self._index.remove(evicted)
            if vector is not None:
                self._index.add(key.exact, key.scope, vector)
        return True

    @property
    def indexed(self) -> int:
        """Entries in the semantic index (0 until the store is opened, or in exact mode)."""
        return 0 if self._index is None else len(self._index)

    def warm_up(self) -> None:
        """Opens the store and, in semantic mode, loads the index and the embedding model."""
        if self.settings.enabled:
            self.store  # noqa: B018 - opening is the point
            if self.semantic:
                self.embedder.embed(["warm up"])
                verify("warm up", "warm up", 1.0)  # its word tables load on first use

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from .semantic import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def _load_index(self, store: AnswerStore) -> QuestionIndex:
        from .semantic import SemanticIndex

        index = SemanticIndex(sure_from=min(0.60, self.settings.threshold))
        self._generation, self._last_row = store.generation, 0
        for row in store.embedded(self.embedder.name):
            index.add(row.key, row.scope, row.vector)
            self._last_row = max(self._last_row, row.row)
        return index

    def _sync(self, store: AnswerStore) -> None:
        """Takes in what other processes did to the shared store: after a clear (``hybridai
        cache --clear`` beside a running gateway) the index is rebuilt; entries another
        worker stored are added. Entries deleted elsewhere leave the index when met."""
        if not store.changed_elsewhere() or self._index is None:
            return
        with self._syncing:
            if store.generation != self._generation:
                self._index = self._load_index(store)
                return
            for row in store.embedded(self.embedder.name, after_row=self._last_row):
                self._index.add(row.key, row.scope, row.vector)
                self._last_row = max(self._last_row, row.row)

    def close(self) -> None:
        with self._opening:
            if self._store is not None:
                self._store.close()
                self._store = None


def answer_of(result: RequestResult) -> StoredAnswer | None:
    """The answer in storable form; None unless it finished with text from a backend."""
    info = result.routing
    if not result.complete or info is None or not result.text:
        return None
    if result.route is Route.CACHE or result.stitched:
        return None  # a replay already, or stitched from two targets' answers
    assert result.finish_reason is not None
    return StoredAnswer(
        chunks=list(result.chunks), finish_reason=result.finish_reason,
        prompt_tokens=info.prompt_tokens, completion_tokens=info.completion_tokens,
        route=info.route.value, target=info.target, model=info.model, cost_usd=info.cost_usd)
