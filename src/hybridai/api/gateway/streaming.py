"""A streamed chat response: server-sent events, one ``data:`` line a chunk, then ``[DONE]``.

The first chunk settles the route (fallback happens only before it), so errors until then
are plain JSON errors, and the headers can name the route; a failure after it is one last
``data:`` line holding the error object.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from starlette.responses import Response, StreamingResponse

from ...core.recorder import RunRecorder
from ...errors import HybridAIError
from ...schema.request import ChatRequest
from ...schema.response import ChatCompletionChunk
from .errors import CLIENT_CLOSED, HTTPError, http_error
from .headers import routing_headers
from .recording import record
from .state import GatewayState


async def stream_response(state: GatewayState, request_id: str, started: float,
                          chat_request: ChatRequest, run: RunRecorder,
                          chunks: AsyncIterator[ChatCompletionChunk], *,
                          encode: Callable[[ChatCompletionChunk, bool], bytes] | None = None,
                          error_of: Callable[[HybridAIError], HTTPError] = http_error,
                          endpoint: str = "chat.completions") -> Response:
    """Waits for the first chunk (errors before it raise), then streams the rest; the request
    is recorded when the stream ends, however it ends. ``encode``: a chunk's events (with
    ``include_usage``, the usage apart), by default the chunk itself; an endpoint that sends
    another shape (``completions``) gives its own, and may send nothing for a chunk yet."""
    first = await anext(aiter(chunks))
    options = chat_request.stream_options
    usage_apart = options is not None and options.include_usage is True
    encoded = encode or _sse

    async def events() -> AsyncIterator[bytes]:
        status = 200
        error: HTTPError | None = None
        try:
            if data := encoded(first, usage_apart):
                yield data
            async for chunk in chunks:
                if data := encoded(chunk, usage_apart):
                    yield data
            yield b"data: [DONE]\n\n"
        except HybridAIError as exc:
            error = error_of(exc)
            status = error.status
            yield b"data: " + json.dumps(error.body()).encode() + b"\n\n"
        except (asyncio.CancelledError, GeneratorExit):
            status = CLIENT_CLOSED  # the client went away: the work was cancelled
            raise
        finally:
            record(state, request_id, status, started, run=run, request=chat_request,
                   error=error, endpoint=endpoint)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers=routing_headers(run.result(), with_cost=False))


def _sse(chunk: ChatCompletionChunk, usage_apart: bool = False) -> bytes:
    """One event; with ``usage_apart`` (the client asked ``include_usage``), a last chunk that
    finishes choices and carries the usage is sent as OpenAI does: the finish, then a chunk
    of no choices with the usage (and ``hybrid``)."""
    if usage_apart and chunk.usage is not None and chunk.choices:
        finish = chunk.model_copy(update={"usage": None, "hybrid": None})
        tail = chunk.model_copy(update={"choices": []})
        return _sse(finish) + _sse(tail)
    return b"data: " + chunk.model_dump_json(exclude_none=True).encode() + b"\n\n"
