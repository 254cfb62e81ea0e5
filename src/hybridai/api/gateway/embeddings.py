"""``POST /v1/embeddings``: read → parse → plan → embed, then answer or refuse.

A plain Starlette endpoint, as the chat one is. The body is read under the size cap as a
chat body is; of the ``x-hybrid-*`` headers, ``x-hybrid-mode`` and ``x-hybrid-privacy``
apply (the body wins), the others are about answers and are left out. Routing comes back in
the ``x-hybrid-*`` response headers and the body's ``hybrid`` field; each request is a
request-log row with ``endpoint = "embeddings"`` (``recording_embeddings``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.embeddings import EmbeddingExecution, PreparedEmbeddings
from ...errors import HybridAIError
from .auth import check_key
from .errors import Rejected, bad_request, http_error
from .headers import routing_headers
from .reading import read_json
from .recording_embeddings import record_embeddings
from .state import GatewayState, next_request_id

EMBEDDINGS = "/v1/embeddings"

_HEADER_FIELDS = {"x-hybrid-mode": "mode", "x-hybrid-privacy": "privacy"}


def embeddings(state: GatewayState) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint, bound to ``state``."""
    gateway = state.client.settings.gateway
    service = state.client.embeddings.service  # built now: a wrong [embeddings] fails the start

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = next_request_id()
        prepared: PreparedEmbeddings | None = None
        execution: EmbeddingExecution | None = None
        state.metrics.in_flight.inc()
        try:
            check_key(request, state.api_keys)
            payload = await read_json(request, gateway.max_body_bytes)
            _fold_headers(request, payload)
            # Screening and the budget's ledger may block: off the event loop.
            prepared = await asyncio.to_thread(service.prepare, payload, strict=True)
            execution = service.execution(prepared)
            response = await service.arun(execution)
            record_embeddings(state, request_id, 200, started, prepared=prepared,
                              execution=execution)
            return Response(response.model_dump_json(), media_type="application/json",
                            headers=routing_headers(execution.result(), with_cost=True))
        except Rejected as rejected:
            record_embeddings(state, request_id, rejected.error.status, started,
                              error=rejected.error)
            return rejected.error.response()
        except HybridAIError as exc:
            error = http_error(exc)
            if error.status == 400 and error.param == "messages":
                error = bad_request(error.message, error.code, "input")  # a context overflow
            record_embeddings(state, request_id, error.status, started, prepared=prepared,
                              execution=execution, error=error, cause=exc)
            return error.response()
        finally:
            state.metrics.in_flight.dec()

    return endpoint


def _fold_headers(request: Request, payload: dict[str, Any]) -> None:
    for header, name in _HEADER_FIELDS.items():
        if value := request.headers.get(header):
            payload.setdefault(name, value)
