"""A cloud target that speaks the Responses API (``[cloud.<name>] responses_api = true``):
a ``/v1/responses`` request is sent to its ``/responses`` as a Responses request, not
translated to chat.

``ResponsesAPIBackend`` wraps the target's ``CloudBackend`` for one request: the planned chat
request (a previous response's items folded in, redacted where the privacy policy says) is
sent back in the Responses shape (``schema.responses.responses_body``), always streamed, and
the cloud's events are read as chat chunks, so retries, fallbacks, deadlines, the budget and
the recorder treat it as any other attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from ..config import CloudTarget
from ..errors import CloudAnswerError, ConfigError
from ..schema.events import Started, StreamEvent
from ..schema.modes import Route
from ..schema.price import Price
from ..schema.request import ChatRequest
from ..schema.responses import ResponsesRequest, responses_body
from .answers import StreamTracker
from .backend import CloudBackend
from .deadlines import Deadlines
from .errors import translating_errors
from .tokens import estimate_prompt_tokens

_FINISH = {"max_output_tokens": "length", "content_filter": "content_filter"}


class ResponsesChunks:
    """A Responses event stream read as chat chunks (JSON), one event at a time."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.calls = -1

    def chunk(self, event: dict[str, Any]) -> dict[str, Any] | None:
        kind = event.get("type")
        if kind == "response.output_text.delta":
            return _delta({"content": event.get("delta", "")})
        if kind == "response.refusal.delta":
            return _delta({"refusal": event.get("delta", "")})
        if kind == "response.output_item.added" and (
                item := event.get("item") or {}).get("type") == "function_call":
            self.calls += 1
            return _delta({"tool_calls": [{
                "index": self.calls, "id": item.get("call_id"), "type": "function",
                "function": {"name": item.get("name"), "arguments": ""}}]})
        if kind == "response.function_call_arguments.delta":
            return _delta({"tool_calls": [{"index": max(self.calls, 0), "function": {
                "arguments": event.get("delta", "")}}]})
        if kind in ("response.completed", "response.incomplete"):
            response = event.get("response") or {}
            reason = (response.get("incomplete_details") or {}).get("reason")
            finish = ("tool_calls" if self.calls >= 0 else _FINISH.get(str(reason), "stop")
                      if kind == "response.incomplete" else "stop")
            usage = response.get("usage") or {}
            return {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
                    "usage": {"prompt_tokens": usage.get("input_tokens"),
                              "completion_tokens": usage.get("output_tokens")}}
        if kind in ("response.failed", "error"):
            error = (event.get("response") or {}).get("error") or event
            raise CloudAnswerError(f"{self.target} failed mid-answer: "
                                   f"{error.get('message', 'no message')}")
        return None


def _delta(delta: dict[str, Any]) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}


class ResponsesAPIBackend:
    """The ``Backend`` of one Responses request on a target that speaks the Responses API."""

    route = Route.IN_CLOUD

    def __init__(self, cloud: CloudBackend, request: ResponsesRequest) -> None:
        self.cloud = cloud
        self.request = request
        self.name: str = cloud.name
        self.model: str = cloud.model
        self.price: Price | None = cloud.price
        self.target: CloudTarget = cloud.target

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        raise ConfigError("a responses_api target is used by the gateway's async path only",
                          code="responses_api_sync")

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        from .aiohttp_transport import SSEChunks

        body = responses_body(self.request, request.wire()["messages"], self.target.model)
        deadlines = Deadlines(self.name, self.target)
        with translating_errors(self.name, deadlines):
            async with asyncio.timeout(deadlines.remaining()):
                events = await self.cloud.aiohttp_chat().post(body, "/responses")
        assert isinstance(events, SSEChunks)  # the body asks for a stream
        chunks = ResponsesChunks(self.name)
        tracker = StreamTracker(self.name, estimate_prompt_tokens(request))
        yield Started()
        with translating_errors(self.name, deadlines, received=tracker.received):
            async with events:
                iterator = aiter(events)
                while True:
                    async with asyncio.timeout(deadlines.remaining()):
                        event = await anext(iterator, None)
                    if event is None:
                        break
                    if (chunk := chunks.chunk(event)) is None:
                        continue
                    for piece in tracker.feed(chunk):
                        deadlines.reached_first_token()
                        yield piece
        yield tracker.finish()
