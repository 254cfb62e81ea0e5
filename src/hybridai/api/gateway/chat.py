"""``POST /v1/chat/completions``: read → parse → plan → run, then answer, stream or refuse.

A plain Starlette endpoint: FastAPI's per-request dependency machinery is not needed (the
body is read by hand, for OpenAI-style errors and the size cap), and skipping it is a
measurable share of the overhead. ``openapi.py`` documents it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ...core.recorder import RunRecorder
from ...errors import HybridAIError
from ...schema.request import ChatRequest
from ...schema.response import ChatCompletionChunk
from .auth import check_key
from .errors import CLIENT_CLOSED, Rejected, http_error
from .headers import routing_headers
from .reading import read_payload
from .recording import record
from .state import GatewayState, next_request_id
from .streaming import stream_response


def chat_completions(state: GatewayState) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint, bound to ``state``."""
    pipeline = state.client.pipeline
    gateway = state.client.settings.gateway

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = next_request_id()
        chat_request: ChatRequest | None = None
        run: RunRecorder | None = None  # once planned: a failure is logged with its plan
        state.metrics.in_flight.inc()
        try:
            tenant = check_key(request, state.api_keys)
            payload = await read_payload(request, gateway)
            chat_request = pipeline.parse(payload, strict=True, tenant=tenant)
            if pipeline.plans_without_io(chat_request):
                prepared, route_plan = pipeline.plan_request(chat_request)  # no thread hop
            else:
                prepared, route_plan = await asyncio.to_thread(pipeline.plan_request,
                                                               chat_request)
            run = pipeline.recorder(prepared, route_plan)
            chunks = pipeline.arun(prepared, route_plan, run)
            if prepared.stream:
                return await stream_response(state, request_id, started, prepared, run,
                                             chunks)
            if not await _until_done_or_gone(request, chunks):
                record(state, request_id, CLIENT_CLOSED, started, run=run,
                       request=chat_request)
                return Response(status_code=CLIENT_CLOSED)
            completion = run.completion()
            record(state, request_id, 200, started, run=run, request=chat_request)
            return Response(completion.model_dump_json(), media_type="application/json",
                            headers=routing_headers(run.result(), with_cost=True))
        except Rejected as rejected:
            record(state, request_id, rejected.error.status, started, request=chat_request,
                   error=rejected.error)
            return rejected.error.response()
        except HybridAIError as exc:
            error = http_error(exc)
            record(state, request_id, error.status, started, run=run, request=chat_request,
                   error=error, cause=exc)
            return error.response()
        finally:
            state.metrics.in_flight.dec()

    return endpoint


async def _until_done_or_gone(request: Request, chunks: AsyncIterator[ChatCompletionChunk]
                              ) -> bool:
    """Runs an unstreamed request to its end; False (and cancelled) if the client left.

    The work runs in the handler's own task; a watcher task cancels it when the client
    disconnects (one task a request, not two).
    """
    handler = asyncio.current_task()
    assert handler is not None
    client_left = False

    async def watch() -> None:
        nonlocal client_left
        # With the body read, receive() waits for the disconnect; it may also hand back an
        # empty request message first, which is not the client leaving.
        while (await request.receive())["type"] != "http.disconnect":
            pass
        client_left = True
        handler.cancel()

    watcher = asyncio.create_task(watch())
    try:
        async for _ in chunks:
            pass
    except asyncio.CancelledError:
        if not client_left:
            raise  # cancelled from elsewhere (shutdown): not ours to swallow
        handler.uncancel()
        return False
    finally:
        watcher.cancel()
    return True
