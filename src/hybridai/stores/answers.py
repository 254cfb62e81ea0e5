"""What the response cache keeps and finds, as typed values: stored answers, entries, the
embedded questions an index is filled from, and an index's nearest match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class StoredAnswer:
    """A complete, successful answer as it was produced."""

    chunks: list[str]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    route: str
    """Where it ran originally: on_device or in_cloud."""
    target: str
    model: str
    cost_usd: float

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@dataclass(frozen=True)
class Entry:
    key: str
    question: str
    answer: StoredAnswer
    created: float


@dataclass(frozen=True)
class Embedded:
    """A stored question's embedding, for filling an index."""

    key: str
    scope: str
    vector: np.ndarray
    row: int = 0
    """Where it was stored: rows stored later have larger numbers."""


@dataclass(frozen=True)
class Match:
    """The stored question nearest to a query: its entry's key and the cosine similarity."""

    key: str
    similarity: float
