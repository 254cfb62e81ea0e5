"""The Python API: ``HybridAI`` and ``AsyncHybridAI``, shaped like the ``openai`` clients.

    from hybridai import HybridAI
    with HybridAI() as client:
        response = client.chat.completions.create(
            messages=[{"role": "user", "content": "Hi"}], mode="prefer_on_device")
        print(response.text, response.hybrid.route, response.hybrid.reason)

``stream=True`` returns an iterator of chunks (async: an async iterator); closing it early
cancels the work. Both clients share one ``Pipeline``; they differ only in the I/O loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..config import Settings, load_settings
from ..core.build import build_pipeline
from ..core.pipeline import Pipeline
from ..core.plan import RoutePlan
from ..device.availability import AvailabilityReport
from ..device.manager import DeviceReport
from ..schema.completions import (
    CompletionChunks,
    TextCompletion,
    parse_completion_request,
    text_completion,
)
from ..schema.request import ChatRequest
from ..schema.response import ChatCompletion, ChatCompletionChunk
from .embeddings import AsyncEmbeddings, Embeddings
from .responses import AsyncResponses, Conversation, Responses
from .structured import response_format_for, with_parsed


class _ClientBase:
    def __init__(self, settings: Settings | None = None, *,
                 config_path: str | Path | None = None, pipeline: Pipeline | None = None,
                 **overrides: Any) -> None:
        """``pipeline``: one built with parts of your own (``core.build.build_pipeline``)."""
        self.settings = (pipeline.settings if pipeline is not None
                         else settings or load_settings(config_path, **overrides))
        self.pipeline = pipeline or build_pipeline(self.settings)

    def models(self) -> list[dict[str, Any]]:
        """The device model, each cloud target, and the ``hybrid/*`` names that pick a mode."""
        device = self.pipeline.device
        rows: list[dict[str, Any]] = [{
            "id": device.location.name, "target": device.engine.name, "route": "on_device",
            "path": str(device.location.path) if device.location.path else None,
            "capabilities": device.capabilities().to_dict(),
        }]
        for name, cloud in self.pipeline.clouds.items():
            rows.append({"id": cloud.model, "target": name, "route": "in_cloud",
                         "base_url": cloud.target.base_url})
        return rows


class HybridAI(_ClientBase):
    """Synchronous client."""

    def __init__(self, settings: Settings | None = None, *,
                 config_path: str | Path | None = None, pipeline: Pipeline | None = None,
                 **overrides: Any) -> None:
        super().__init__(settings, config_path=config_path, pipeline=pipeline, **overrides)
        self.chat = _Chat(_Completions(self))
        self.completions = _TextCompletions(self)  # legacy text completions
        self.responses = Responses(self.pipeline, Conversation.of(self.settings.gateway))
        self.embeddings = Embeddings(self.pipeline)

    def availability(self, *, refresh: bool = False) -> AvailabilityReport:
        return self.pipeline.device.availability(refresh=refresh)

    def device_report(self, *, refresh: bool = False) -> DeviceReport:
        return self.pipeline.device.report(refresh=refresh)

    def route(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Where mode ``auto`` would run these messages, and why, without running them."""
        _, route_plan = self.pipeline.prepare({"messages": messages, "mode": "auto"})
        first, decision = route_plan.attempts[0], route_plan.router
        assert decision is not None
        return {"route": first.route.value, "target": first.target,
                "reason": str(first.reason),
                "cloud_score": round(decision.score, 6), "threshold": decision.threshold}

    def warm_up(self) -> AvailabilityReport:
        """Start the device engine now, so the first request does not pay for loading it."""
        return self.pipeline.warm_up()

    def close(self) -> None:
        self.pipeline.close()
        self.responses.close()
        self.embeddings.close()

    def __enter__(self) -> HybridAI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncHybridAI(_ClientBase):
    """Asynchronous client; the device's blocking work runs in worker threads."""

    def __init__(self, settings: Settings | None = None, *,
                 config_path: str | Path | None = None, pipeline: Pipeline | None = None,
                 **overrides: Any) -> None:
        super().__init__(settings, config_path=config_path, pipeline=pipeline, **overrides)
        self.chat = _Chat(_AsyncCompletions(self))
        self.completions = _AsyncTextCompletions(self)  # legacy text completions
        self.responses = AsyncResponses(self.pipeline, Conversation.of(self.settings.gateway))
        self.embeddings = AsyncEmbeddings(self.pipeline)

    async def availability(self, *, refresh: bool = False) -> AvailabilityReport:
        return await asyncio.to_thread(self.pipeline.device.availability, refresh=refresh)

    async def device_report(self, *, refresh: bool = False) -> DeviceReport:
        return await asyncio.to_thread(self.pipeline.device.report, refresh=refresh)

    async def warm_up(self) -> AvailabilityReport:
        return await asyncio.to_thread(self.pipeline.warm_up)

    async def close(self) -> None:
        await self.pipeline.aclose()
        self.responses.close()
        await self.embeddings.close()

    async def __aenter__(self) -> AsyncHybridAI:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _Chat:
    def __init__(self, completions: Any) -> None:
        self.completions = completions


class _Completions:
    def __init__(self, client: HybridAI) -> None:
        self._pipeline = client.pipeline

    def create(self, **payload: Any) -> ChatCompletion | Iterator[ChatCompletionChunk]:
        # Validation and planning happen now, so errors surface here and not at iteration.
        request, route_plan = self._pipeline.prepare(payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks = self._pipeline.run(request, route_plan, run)
        if request.stream:
            return chunks
        for _ in chunks:
            pass
        return run.completion()

    def parse(self, *, response_format: type[BaseModel], **payload: Any) -> ChatCompletion:
        """As OpenAI's ``parse()``: the answer as JSON valid against ``response_format`` (a
        pydantic model), read back into it in ``choices[i].message.parsed``."""
        completion = self.create(response_format=response_format_for(response_format),
                                 **{**payload, "stream": False})
        assert isinstance(completion, ChatCompletion)
        return with_parsed(completion, response_format)


class _AsyncCompletions:
    def __init__(self, client: AsyncHybridAI) -> None:
        self._pipeline = client.pipeline

    async def create(self, **payload: Any) -> ChatCompletion | AsyncIterator[ChatCompletionChunk]:
        request, route_plan = await asyncio.to_thread(self._pipeline.prepare, payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks = self._pipeline.arun(request, route_plan, run)
        if request.stream:
            return chunks
        async for _ in chunks:
            pass
        return run.completion()

    async def parse(self, *, response_format: type[BaseModel], **payload: Any
                    ) -> ChatCompletion:
        """As OpenAI's ``parse()``; see ``_Completions.parse``."""
        completion = await self.create(response_format=response_format_for(response_format),
                                       **{**payload, "stream": False})
        assert isinstance(completion, ChatCompletion)
        return with_parsed(completion, response_format)


# -- legacy text completions (``client.completions.create``) -------------------------------

def _prepare_completion(pipeline: Pipeline, payload: dict[str, Any]
                        ) -> tuple[ChatRequest, RoutePlan]:
    """A text completion request read and planned; keyword arguments left None are not given."""
    request = parse_completion_request(
        {k: v for k, v in payload.items() if v is not None},
        extensions=frozenset(pipeline.settings.gateway.extension_fields))
    return pipeline.plan_request(request)


class _TextCompletions:
    """``client.completions``: OpenAI's legacy text completion, routed as a chat is."""

    def __init__(self, client: HybridAI) -> None:
        self._pipeline = client.pipeline

    def create(self, **payload: Any) -> TextCompletion | Iterator[TextCompletion]:
        """A ``text_completion`` with ``.hybrid``; ``stream=True``: an iterator of chunks."""
        request, route_plan = _prepare_completion(self._pipeline, payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks = self._pipeline.run(request, route_plan, run)
        if request.stream:
            return _text_chunks(CompletionChunks(request), chunks)
        for _ in chunks:
            pass
        return text_completion(run.completion(), request)


def _text_chunks(shaped: CompletionChunks, chunks: Iterator[ChatCompletionChunk]
                 ) -> Iterator[TextCompletion]:
    """The stream's chunks as text completions; closing it early cancels the work."""
    try:
        for chunk in chunks:
            yield from shaped.chunks(chunk)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


class _AsyncTextCompletions:
    def __init__(self, client: AsyncHybridAI) -> None:
        self._pipeline = client.pipeline

    async def create(self, **payload: Any
                     ) -> TextCompletion | AsyncIterator[TextCompletion]:
        request, route_plan = await asyncio.to_thread(_prepare_completion, self._pipeline,
                                                      payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks = self._pipeline.arun(request, route_plan, run)
        if request.stream:
            shaped = CompletionChunks(request)

            async def stream() -> AsyncIterator[TextCompletion]:
                try:
                    async for chunk in chunks:
                        for text_chunk in shaped.chunks(chunk):
                            yield text_chunk
                finally:  # closing it early cancels the work
                    if (aclose := getattr(chunks, "aclose", None)) is not None:
                        await aclose()

            return stream()
        async for _ in chunks:
            pass
        return text_completion(run.completion(), request)
