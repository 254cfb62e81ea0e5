"""A cloud target's embeddings: one ``POST /embeddings`` per attempt, through the official
``openai`` client (sync and async), errors translated into hybridai's tree.

The target's connection settings (URL, key, timeouts, TLS) are its ``[cloud.<name>]``
section's; the clients are ``CloudBackend``'s, built the same way on first use. Vectors are
asked for in base64 (a quarter of the bytes of JSON floats) and come back as one float32
array; a server that answers floats anyway is read too.

    cloud = CloudEmbeddings("openai", target, model="text-embedding-3-small")
    batch = cloud.embed(["a", "b"], dimensions=256)      # batch.vectors: (2, 256) float32
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import CloudTarget
from ..errors import CloudAnswerError
from .backend import CloudBackend
from .deadlines import Deadlines
from .errors import translating_errors


@dataclass(frozen=True)
class EmbeddingBatch:
    """Vectors, one float32 row per input in order, and the prompt tokens they took
    (``counted``: the server's usage; else an estimate)."""

    vectors: np.ndarray
    prompt_tokens: int
    counted: bool = True


class CloudEmbeddings:
    """The embedding model ``model`` at the cloud target ``name``."""

    def __init__(self, name: str, target: CloudTarget, model: str) -> None:
        self.name = name
        self.target = target
        self.model = model
        self._backend = CloudBackend(name, target, price=None)  # its clients, not its chat

    def _params(self, inputs: Sequence[str] | Sequence[Sequence[int]], dimensions: int | None,
                user: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"input": list(inputs), "model": self.model,
                                  "encoding_format": "base64"}
        if dimensions is not None:
            params["dimensions"] = dimensions
        if user is not None:
            params["user"] = user
        return params

    def embed(self, inputs: Sequence[str] | Sequence[Sequence[int]], *,
              dimensions: int | None = None, user: str | None = None) -> EmbeddingBatch:
        with translating_errors(self.name, Deadlines(self.name, self.target)):
            answer = self._backend.client().embeddings.create(
                **self._params(inputs, dimensions, user))
        return self._read(answer, len(inputs))

    async def aembed(self, inputs: Sequence[str] | Sequence[Sequence[int]], *,
                     dimensions: int | None = None, user: str | None = None
                     ) -> EmbeddingBatch:
        deadlines = Deadlines(self.name, self.target)
        with translating_errors(self.name, deadlines):
            async with asyncio.timeout(self.target.timeout_s):
                answer = await self._backend.aclient().embeddings.create(
                    **self._params(inputs, dimensions, user))
        return self._read(answer, len(inputs))

    def _read(self, answer: Any, expected: int) -> EmbeddingBatch:
        """The answer's vectors in input order; an answer that is not one fails the try."""
        data = sorted(getattr(answer, "data", None) or [], key=lambda e: e.index)
        if len(data) != expected:
            raise CloudAnswerError(f"{self.name} answered {len(data)} embeddings for "
                                   f"{expected} inputs")
        rows = [np.frombuffer(base64.b64decode(e.embedding), dtype="<f4")
                if isinstance(e.embedding, str) else np.asarray(e.embedding, dtype=np.float32)
                for e in data]
        if len({row.shape for row in rows}) != 1:
            raise CloudAnswerError(f"{self.name} answered vectors of different lengths")
        usage = getattr(answer, "usage", None)
        tokens = getattr(usage, "prompt_tokens", None)
        return EmbeddingBatch(np.vstack(rows).astype(np.float32), int(tokens or 0),
                              counted=tokens is not None)

    def close(self) -> None:
        self._backend.close()

    async def aclose(self) -> None:
        await self._backend.aclose()
