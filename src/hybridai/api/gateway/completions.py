"""``POST /v1/completions`` (legacy text completion): read → parse → plan → run, as a chat.

The body is read into a ``ChatRequest`` marked as a raw-prompt request
(``schema/completions.py``), so the one pipeline routes it: the same modes, privacy screen,
budget, fallbacks, cache and routing metadata. The answer is the chat answer re-read as a
``text_completion`` (``text_completion``), a stream's chunks one by one
(``CompletionChunks``), sent as server-sent events ending in ``[DONE]``; as for a chat, a
failure before the first chunk is a plain JSON error and one after it a last ``data:`` line
holding the error. Each request is logged and counted with ``endpoint = "completions"``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ...core.recorder import RunRecorder
from ...errors import ContextOverflowError, HybridAIError
from ...schema.completions import (
    CompletionChunks,
    TextCompletion,
    parse_completion_request,
    text_completion,
)
from ...schema.request import ChatRequest
from ...schema.response import ChatCompletionChunk
from .auth import check_key
from .chat import _until_done_or_gone
from .errors import CLIENT_CLOSED, HTTPError, Rejected, bad_request, http_error
from .headers import routing_headers
from .reading import read_payload
from .recording import record
from .state import GatewayState, next_request_id
from .streaming import stream_response

COMPLETIONS = "/v1/completions"
ENDPOINT = "completions"
"""The request log's and the metrics' name for it."""


def completions(state: GatewayState) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint, bound to ``state``."""
    pipeline = state.client.pipeline
    gateway = state.client.settings.gateway
    extensions = frozenset(gateway.extension_fields)

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = next_request_id()
        parsed: ChatRequest | None = None
        run: RunRecorder | None = None
        state.metrics.in_flight.inc()
        try:
            tenant = check_key(request, state.api_keys)
            payload = await read_payload(request, gateway)
            parsed = parse_completion_request(payload, strict=True, tenant=tenant,
                                              extensions=extensions)
            if pipeline.plans_without_io(parsed):
                prepared, route_plan = pipeline.plan_request(parsed)
            else:
                prepared, route_plan = await asyncio.to_thread(pipeline.plan_request, parsed)
            run = pipeline.recorder(prepared, route_plan)
            chunks = pipeline.arun(prepared, route_plan, run)
            if prepared.stream:
                return await _stream(state, request_id, started, prepared, run, chunks)
            if not await _until_done_or_gone(request, chunks):
                record(state, request_id, CLIENT_CLOSED, started, run=run, request=parsed,
                       endpoint=ENDPOINT)
                return Response(status_code=CLIENT_CLOSED)
            answer = text_completion(run.completion(), prepared)
            record(state, request_id, 200, started, run=run, request=parsed,
                   endpoint=ENDPOINT)
            return Response(answer.model_dump_json(), media_type="application/json",
                            headers=routing_headers(run.result(), with_cost=True))
        except Rejected as rejected:
            record(state, request_id, rejected.error.status, started, request=parsed,
                   error=rejected.error, endpoint=ENDPOINT)
            return rejected.error.response()
        except HybridAIError as exc:
            error = _http_error(exc)
            record(state, request_id, error.status, started, run=run, request=parsed,
                   error=error, cause=exc, endpoint=ENDPOINT)
            return error.response()
        finally:
            state.metrics.in_flight.dec()

    return endpoint


def _http_error(exc: HybridAIError) -> HTTPError:
    """As for a chat, with the field named: the one a bad request is about, ``prompt`` for
    one too long for the context."""
    if isinstance(exc, ContextOverflowError):
        return bad_request(str(exc), exc.code, "prompt")
    return http_error(exc)


async def _stream(state: GatewayState, request_id: str, started: float, request: ChatRequest,
                  run: RunRecorder, chunks: AsyncIterator[ChatCompletionChunk]) -> Response:
    """The chat stream (``streaming.stream_response``) sent as ``text_completion`` chunks."""
    shaped = CompletionChunks(request)

    def encode(chunk: ChatCompletionChunk, usage_apart: bool) -> bytes:
        return b"".join(_sse(text_chunk, usage_apart) for text_chunk in shaped.chunks(chunk))

    return await stream_response(state, request_id, started, request, run, chunks,
                                 encode=encode, error_of=_http_error, endpoint=ENDPOINT)


def _sse(chunk: TextCompletion, usage_apart: bool) -> bytes:
    """One event; with ``usage_apart`` (``include_usage``), the last chunk's
    usage comes as OpenAI sends it: after the finish, in a chunk of no choices."""
    if usage_apart and chunk.usage is not None and chunk.choices:
        finish = chunk.model_copy(update={"usage": None, "hybrid": None})
        tail = chunk.model_copy(update={"choices": []})
        return _sse(finish, False) + _sse(tail, False)
    # Each choice keeps its null finish_reason and logprobs, as OpenAI streams them.
    unset = {name for name in ("usage", "hybrid") if getattr(chunk, name) is None}
    return b"data: " + chunk.model_dump_json(exclude=unset).encode() + b"\n\n"
