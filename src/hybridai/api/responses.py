"""The Responses API's conversation around the chat pipeline, for the gateway and the library.

``Conversation.begin`` reads a request body: validates it (``ResponsesRequest.parse``), puts a
previous response's items before its input (``previous_response_id``, from the store, only
the caller's own) and gives the chat payload that runs it. ``Conversation.end`` turns the
chat answer into the ``response`` object and, with ``store``, keeps it. ``client.responses``
(``Responses`` / ``AsyncResponses``) is the library's ``create``, ``retrieve`` and ``delete``.

    with HybridAI() as client:
        response = client.responses.create(input="Name three primes.", mode="prefer_on_device")
        print(response.output_text, response.hybrid.route)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..config import GatewaySettings
from ..core.pipeline import Pipeline
from ..errors import InvalidRequestError
from ..schema.response import ChatCompletion, ChatCompletionChunk, now
from ..schema.responses import (
    InputItem,
    ItemIds,
    ResponseObject,
    ResponsesRequest,
    item_wire,
    listed_item,
    new_id,
    output_items,
    parse_items,
    response_from_completion,
    response_shell,
    to_chat_payload,
)
from ..stores.responses import ResponseStore
from .responses_stream import ResponseEvents


class ResponseNotFoundError(InvalidRequestError):
    """No stored response of the caller's has this id."""

    def __init__(self, response_id: str, param: str | None) -> None:
        where = f"{param} " if param else ""
        super().__init__(f"{where}{response_id!r}: no stored response has this id (for this "
                         "API key)", code="response_not_found")
        self.response_id, self.param = response_id, param


def store_path(gateway: GatewaySettings) -> Path:
    """Where stored responses are kept: beside the request log."""
    return gateway.request_log_path().with_name("responses.sqlite")


@dataclass
class Turn:
    """One Responses request on its way through the chat pipeline."""

    request: ResponsesRequest
    items: list[InputItem]
    """The whole conversation the model is shown, the previous response's items first."""
    chat_payload: dict[str, Any]
    tenant: str | None
    response_id: str = field(default_factory=lambda: new_id("resp"))
    created_at: int = field(default_factory=now)
    ids: ItemIds = field(default_factory=ItemIds.new)

    def shell(self, model: str) -> ResponseObject:
        return response_shell(self.request, self.response_id, self.created_at, model,
                              "in_progress")

    def events(self, model: str) -> ResponseEvents:
        return ResponseEvents(self.shell(model), self.ids)


class Conversation:
    """Requests in, responses out, stored ones kept in ``store`` (opened on first use)."""

    def __init__(self, path: Path, extensions: frozenset[str] = frozenset(), *,
                 keep_days: float = 30.0) -> None:
        self.path = path
        self.extensions = extensions
        self.keep_days = keep_days
        self._store: ResponseStore | None = None

    @classmethod
    def of(cls, gateway: GatewaySettings) -> Conversation:
        """As ``gateway`` configures it: the store beside its request log, its retention and
        the vendor fields it lets through."""
        return cls(store_path(gateway), frozenset(gateway.extension_fields),
                   keep_days=gateway.responses_keep_days)

    @property
    def store(self) -> ResponseStore:
        if self._store is None:
            self._store = ResponseStore(self.path, keep_days=self.keep_days)
        return self._store

    def begin(self, payload: dict[str, Any], tenant: str | None) -> Turn:
        """Blocking (reads the store for ``previous_response_id``)."""
        request = ResponsesRequest.parse(payload, self.extensions)
        history: list[InputItem] = []
        if request.previous_response_id is not None:
            stored = self.store.get(request.previous_response_id, tenant)
            if stored is None:
                raise ResponseNotFoundError(request.previous_response_id,
                                            "previous_response_id")
            previous = ResponseObject.model_validate(stored.response)
            history = [*parse_items(stored.input_items), *output_items(previous)]
        return Turn(request, [*history, *request.input], to_chat_payload(request, history),
                    tenant)

    def end(self, turn: Turn, completion: ChatCompletion) -> ResponseObject:
        """Blocking (writes the store when the request says ``store``)."""
        response = response_from_completion(completion, turn.request,
                                            response_id=turn.response_id,
                                            created_at=turn.created_at, ids=turn.ids)
        if turn.request.store:
            self.store.save(response.wire(), [item_wire(i) for i in turn.items], turn.tenant)
        return response

    def retrieve(self, response_id: str, tenant: str | None) -> ResponseObject:
        stored = self.store.get(response_id, tenant)
        if stored is None:
            raise ResponseNotFoundError(response_id, None)
        return ResponseObject.model_validate(stored.response)

    def input_items(self, response_id: str, tenant: str | None) -> list[dict[str, Any]]:
        stored = self.store.get(response_id, tenant)
        if stored is None:
            raise ResponseNotFoundError(response_id, None)
        return [listed_item(item) for item in stored.input_items]

    def delete(self, response_id: str, tenant: str | None) -> None:
        if not self.store.delete(response_id, tenant):
            raise ResponseNotFoundError(response_id, None)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class ResponseStreamEvent(BaseModel):
    """One event of a streamed response, shaped like the ``openai`` SDK's
    ``ResponseStreamEvent``s: ``type``, ``sequence_number`` and the event's own fields
    (``delta``, ``item``, ``response``: the ``ResponseObject``, with ``.output_text`` and
    ``.hybrid`` on the last)."""

    model_config = ConfigDict(extra="allow")

    type: str
    sequence_number: int
    response: ResponseObject | None = None
    delta: str | None = None


def _given(payload: dict[str, Any]) -> dict[str, Any]:
    """The library's keyword arguments: those left None are not given."""
    return {k: v for k, v in payload.items() if v is not None}


def _typed(events: list[dict[str, Any]]) -> list[ResponseStreamEvent]:
    return [ResponseStreamEvent.model_validate(e) for e in events]


class Responses:
    """``client.responses`` on ``HybridAI``."""

    def __init__(self, pipeline: Pipeline, conversation: Conversation) -> None:
        self._pipeline = pipeline
        self._conversation = conversation

    def close(self) -> None:
        self._conversation.close()

    def create(self, **payload: Any) -> ResponseObject | Iterator[ResponseStreamEvent]:
        conversation = self._conversation
        turn = conversation.begin(_given(payload), None)
        request, route_plan = self._pipeline.prepare(turn.chat_payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks = self._pipeline.run(request, route_plan, run)
        if not request.stream:
            for _ in chunks:
                pass
            return conversation.end(turn, run.completion())

        def events() -> Iterator[ResponseStreamEvent]:
            first = next(chunks)
            translator = turn.events(first.model)
            yield from _typed(translator.start() + translator.feed(first))
            for chunk in chunks:
                yield from _typed(translator.feed(chunk))
            yield from _typed(translator.finish(conversation.end(turn, run.completion())))

        return events()

    def retrieve(self, response_id: str) -> ResponseObject:
        return self._conversation.retrieve(response_id, None)

    def delete(self, response_id: str) -> None:
        self._conversation.delete(response_id, None)


class AsyncResponses:
    """``client.responses`` on ``AsyncHybridAI``."""

    def __init__(self, pipeline: Pipeline, conversation: Conversation) -> None:
        self._pipeline = pipeline
        self._conversation = conversation

    def close(self) -> None:
        self._conversation.close()

    async def create(self, **payload: Any
                     ) -> ResponseObject | AsyncIterator[ResponseStreamEvent]:
        conversation = self._conversation
        turn = await asyncio.to_thread(conversation.begin, _given(payload), None)
        request, route_plan = await asyncio.to_thread(self._pipeline.prepare, turn.chat_payload)
        run = self._pipeline.recorder(request, route_plan)
        chunks: AsyncIterator[ChatCompletionChunk] = self._pipeline.arun(request, route_plan,
                                                                         run)
        if not request.stream:
            async for _ in chunks:
                pass
            return await asyncio.to_thread(conversation.end, turn, run.completion())

        async def events() -> AsyncIterator[ResponseStreamEvent]:
            first = await anext(aiter(chunks))
            translator = turn.events(first.model)
            for event in _typed(translator.start() + translator.feed(first)):
                yield event
            async for chunk in chunks:
                for event in _typed(translator.feed(chunk)):
                    yield event
            response = await asyncio.to_thread(conversation.end, turn, run.completion())
            for event in _typed(translator.finish(response)):
                yield event

        return events()

    async def retrieve(self, response_id: str) -> ResponseObject:
        return await asyncio.to_thread(self._conversation.retrieve, response_id, None)

    async def delete(self, response_id: str) -> None:
        await asyncio.to_thread(self._conversation.delete, response_id, None)
