"""The OpenAI-compatible HTTP gateway, built by a factory from an explicit state object.

    POST /v1/chat/completions   OpenAI's request/response/chunk/error shapes, plus ``hybrid``
    POST /v1/completions        legacy text completion, routed as a chat (``completions``)
    GET  /v1/models             ``hybrid`` and ``hybrid/<mode>`` names
    GET  /healthz               alive (liveness only)
    GET  /readyz                can requests be served in the configured mode (``readiness``)
    GET  /metrics               Prometheus
    GET  /openapi.json          the OpenAPI document (``openapi.py``)
    GET  /, /sdk/…, /v1/device/*, /v1/router, POST /v1/device/runs: the browser SDK's
                                (``browser.py``)

The mode comes from the model name (``hybrid/cloud``…) or the ``x-hybrid-mode`` header;
the cascade from the body's ``cascade`` or the ``x-hybrid-cascade`` header.
``x-hybrid-privacy`` (or the body's ``privacy``) may tighten the privacy policy, never loosen it.
``x-hybrid-continue: on|off`` (or the body's ``continue_stream``) decides, for this request,
whether a stream that breaks after its first token is continued on the next target.
Routing comes back in ``x-hybrid-*`` headers and the body's ``hybrid`` field. A streamed
response's headers are sent with its first token, when the route is settled.

The modules beside this one, one job each: ``state`` (what the gateway runs on), ``auth``,
``reading`` (body and headers), ``chat`` (the endpoint), ``streaming`` (SSE),
``headers`` (routing headers), ``recording`` (request log and metrics), ``errors``,
``models``, ``readiness``, ``openapi``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...schema.modes import Mode
from . import browser, openapi, responses
from .auth import check_key
from .chat import chat_completions
from .completions import COMPLETIONS, completions
from .embeddings import EMBEDDINGS, embeddings
from .errors import Rejected
from .models import model_list
from .state import GatewayState

__all__ = ["GatewayState", "create_app"]


def create_app(state: GatewayState) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state.client.settings.mode is not Mode.ONLY_IN_CLOUD:
            await state.client.warm_up()  # load and benchmark before the first request
        yield
        await state.client.close()
        await asyncio.to_thread(stored_responses.close)
        await asyncio.to_thread(state.log.close)

    app = FastAPI(title="hybridai gateway", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.hybridai = state

    app.add_route(openapi.CHAT_COMPLETIONS, chat_completions(state), methods=["POST"],
                  include_in_schema=False)
    app.add_route(COMPLETIONS, completions(state), methods=["POST"],  # legacy text completions
                  include_in_schema=False)
    app.add_route(EMBEDDINGS, embeddings(state), methods=["POST"], include_in_schema=False)
    stored_responses = responses.install(app, state)  # /v1/responses (issue 18)
    browser.install(app, state)  # /, /sdk, /v1/device/*, /v1/router, CORS (issue 19)
    model_names = list(state.client.pipeline.model_names)
    # /v1/models lists the chat names, then the embedding models /v1/embeddings takes by name.
    listed = list(dict.fromkeys([*model_names, *state.client.embeddings.service.model_names()]))
    openapi.install(app, model_names)

    @app.get("/v1/models")
    async def models(request: Request) -> Response:
        try:
            check_key(request, state.api_keys)
        except Rejected as rejected:
            return rejected.error.response()
        return JSONResponse(model_list(int(state.started_at), listed))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        report = await state.readiness.check()
        return JSONResponse(report, status_code=200 if report["ready"] else 503)

    @app.get("/metrics")
    async def metrics() -> Response:
        # In a thread: with a budget, rendering reads the SQLite ledger.
        return Response(await asyncio.to_thread(state.metrics.render),
                        media_type="text/plain; version=0.0.4; charset=utf-8")

    return app
