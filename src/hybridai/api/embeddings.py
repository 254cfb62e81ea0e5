"""``client.embeddings``: OpenAI's ``embeddings.create`` on ``HybridAI`` and ``AsyncHybridAI``.

    with HybridAI() as client:
        response = client.embeddings.create(input=["a", "b"], mode="prefer_on_device")
        response.data[0].embedding, response.model, response.hybrid.route
        response.vectors()          # float32, shape (2, 384)

The service (``core.embeddings``) is built on first use, so a client that never embeds
loads nothing for it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..core.build import build_embeddings
from ..core.embeddings import EmbeddingService
from ..core.pipeline import Pipeline
from ..schema.embeddings import EmbeddingsResponse


class _EmbeddingsBase:
    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._service: EmbeddingService | None = None

    @property
    def service(self) -> EmbeddingService:
        if self._service is None:
            self._service = build_embeddings(self._pipeline)
        return self._service

    @staticmethod
    def _payload(input: Any, model: str | None, mode: str | None, encoding_format: str | None,
                 dimensions: int | None, user: str | None, privacy: str | None
                 ) -> dict[str, Any]:
        return {"input": input, "model": model, "mode": mode, "encoding_format": encoding_format,
                "dimensions": dimensions, "user": user, "privacy": privacy}


class Embeddings(_EmbeddingsBase):
    def create(self, *, input: Any, model: str | None = None, mode: str | None = None,
               encoding_format: str | None = None, dimensions: int | None = None,
               user: str | None = None, privacy: str | None = None) -> EmbeddingsResponse:
        """OpenAI's arguments, plus hybridai's ``mode`` and ``privacy`` (as in chat)."""
        service = self.service
        prepared = service.prepare(self._payload(input, model, mode, encoding_format,
                                                 dimensions, user, privacy))
        return service.run(service.execution(prepared))

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


class AsyncEmbeddings(_EmbeddingsBase):
    async def create(self, *, input: Any, model: str | None = None, mode: str | None = None,
                     encoding_format: str | None = None, dimensions: int | None = None,
                     user: str | None = None, privacy: str | None = None
                     ) -> EmbeddingsResponse:
        """OpenAI's arguments, plus hybridai's ``mode`` and ``privacy`` (as in chat)."""
        service = self.service
        # Screening, the budget's ledger: blocking work, off the event loop.
        prepared = await asyncio.to_thread(service.prepare, self._payload(
            input, model, mode, encoding_format, dimensions, user, privacy))
        return await service.arun(service.execution(prepared))

    async def close(self) -> None:
        if self._service is not None:
            await self._service.aclose()
