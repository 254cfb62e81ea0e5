"""The OpenAI-compatible HTTP gateway, built by a factory from an explicit state object.

    POST /v1/chat/completions   OpenAI's request/response/chunk/error shapes, plus ``hybrid``
    GET  /v1/models             ``hybrid`` and ``hybrid/<mode>`` names
    GET  /healthz, /readyz      alive; device engine loaded and cloud targets reachable
    GET  /metrics               Prometheus

The mode comes from the model name (``hybrid/cloud``…) or the ``x-hybrid-mode`` header;
the cascade from the body's ``cascade`` or the ``x-hybrid-cascade`` header.
``x-hybrid-privacy`` (or the body's ``privacy``) may tighten the privacy policy, never loosen it.
``x-hybrid-continue: on|off`` (or the body's ``continue_stream``) decides, for this request,
whether a stream that breaks after its first token is continued on the next target.
Routing comes back in ``x-hybrid-*`` headers and the body's ``hybrid`` field. A streamed
response's headers are sent with its first token, when the route is settled.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse

from ...core.pipeline import Pipeline
from ...core.recorder import RunRecorder
from ...errors import HybridAIError, PrivateDataError
from ...observe.metrics import Metrics
from ...observe.requestlog import LogEntry, RequestLog
from ...schema.modes import Mode
from ...schema.privacy import Policy
from ...schema.request import ChatRequest
from ...schema.response import ChatCompletionChunk
from ...schema.result import RequestResult
from ..client import AsyncHybridAI
from .errors import HTTPError, bad_request, http_error
from .readiness import Readiness

CLIENT_CLOSED = 499  # nginx's code for "the client went away"; logged, never sent


_PROCESS_PREFIX = os.urandom(8).hex()  # unique per process; a counter numbers its requests
_REQUEST_COUNTER = itertools.count(1)


def next_request_id() -> str:
    """A request log id: unique across processes and restarts, without a uuid4 per request."""
    return f"{_PROCESS_PREFIX}{next(_REQUEST_COUNTER):016x}"


@dataclass
class GatewayState:
    client: AsyncHybridAI
    log: RequestLog
    metrics: Metrics
    readiness: Readiness
    api_keys: tuple[bytes, ...] = ()
    started_at: float = field(default_factory=time.time)

    @classmethod
    def from_client(cls, client: AsyncHybridAI) -> GatewayState:
        gateway = client.settings.gateway
        engine = client.pipeline.device.engine
        log = RequestLog(gateway.request_log_path(), log_content=gateway.log_content)
        return cls(
            client=client,
            log=log,
            metrics=Metrics(queue_depth=lambda: engine.waiting,
                            budget=client.pipeline.budget.status if client.pipeline.budget
                            else None,
                            health=client.pipeline.health,
                            log_dropped=lambda: log.dropped),
            readiness=Readiness(client.pipeline),
            api_keys=tuple(k.encode() for k in gateway.api_keys()),
        )


def _error_response(error: HTTPError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers())


class _Rejected(Exception):
    def __init__(self, error: HTTPError) -> None:
        self.error = error


def create_app(state: GatewayState) -> FastAPI:
    pipeline = state.client.pipeline
    gateway = state.client.settings.gateway

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state.client.settings.mode is not Mode.ONLY_IN_CLOUD:
            await state.client.warm_up()  # load and benchmark before the first request
        yield
        await state.client.close()
        await asyncio.to_thread(state.log.close)

    app = FastAPI(title="hybridai gateway", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.hybridai = state

    def check_key(request: Request) -> None:
        if not state.api_keys:
            return
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        given = token.strip().encode() if scheme.lower() == "bearer" else b""
        # Compare against every key, always, so timing says nothing about which matched.
        matched = False
        for key in state.api_keys:
            matched |= hmac.compare_digest(given, key)
        if not matched:
            raise _Rejected(HTTPError(401, "invalid_request_error", "invalid_api_key",
                                      "missing or incorrect API key (Authorization: Bearer …)"))

    async def read_payload(request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > gateway.max_body_bytes:
            raise _Rejected(_too_large(gateway.max_body_bytes))
        body = bytearray()
        async for part in request.stream():
            body += part
            if len(body) > gateway.max_body_bytes:
                raise _Rejected(_too_large(gateway.max_body_bytes))
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Rejected(bad_request(f"the body is not valid JSON: {exc}", "invalid_json")
                            ) from None
        if not isinstance(payload, dict):
            raise _Rejected(bad_request("the body must be a JSON object", "invalid_json"))
        if header_mode := request.headers.get("x-hybrid-mode"):
            payload.setdefault("mode", header_mode)
        if header_cache := request.headers.get("x-hybrid-cache"):
            payload.setdefault("cache", _switch("x-hybrid-cache", header_cache))
        if header_continue := request.headers.get("x-hybrid-continue"):
            payload.setdefault("continue_stream", _switch("x-hybrid-continue", header_continue))
        if (header_cascade := request.headers.get("x-hybrid-cascade")) is not None:
            payload.setdefault("cascade", _cascade_header(header_cascade))
        if header_privacy := request.headers.get("x-hybrid-privacy"):
            payload.setdefault("privacy", header_privacy)
        limit = gateway.max_tokens_limit
        for name in ("max_tokens", "max_completion_tokens"):
            value = payload.get(name)
            if limit and isinstance(value, int) and value > limit:
                raise _Rejected(bad_request(f"{name}={value} is over this gateway's limit of "
                                            f"{limit}", "max_tokens_too_large", name))
        if gateway.default_max_tokens and not any(
                payload.get(n) is not None for n in ("max_tokens", "max_completion_tokens")):
            payload["max_tokens"] = gateway.default_max_tokens
        return payload

    def record(request_id: str, status: int, started: float, *, run: RunRecorder | None = None,
               request: ChatRequest | None = None, error: HTTPError | None = None,
               cause: HybridAIError | None = None) -> None:
        entry = LogEntry(request_id=request_id, status=status,
                         stream=bool(request and request.stream),
                         latency_s=round(time.perf_counter() - started, 4))
        # Text is logged only with log_content on, each value the privacy step finds as a
        # placeholder (scrubbing scans the text, so it is skipped when nothing is kept).
        scrub = (_log_scrubber(pipeline, request, run)
                 if state.log.log_content and request is not None else None)
        if scrub is not None and request is not None:
            entry.prompt = scrub(request.messages[-1].content)
        result = run.result() if run is not None else None
        if result is not None and result.route is not None:
            entry.mode = result.mode.value
            if (info := result.routing) is not None:
                entry.route, entry.target, entry.model = info.route.value, info.target, info.model
                entry.reason, entry.ttft_s = info.reason, info.time_to_first_token_s
                entry.prompt_tokens, entry.completion_tokens = (info.prompt_tokens,
                                                                info.completion_tokens)
                entry.cost_usd, entry.saved_usd = info.cost_usd, info.saved_usd
                if scrub is not None:
                    entry.answer = scrub(result.text)
        if error is not None:
            entry.error_code, entry.error = error.code, error.message
        if (found := _privacy_found(run, cause)) is not None:
            state.metrics.observe_privacy(*found)
        state.log.append(entry)
        reason = result.reason if result is not None and result.routing is not None else None
        state.metrics.observe(entry, reason.code.value if reason is not None else None)

    async def chat_completions(request: Request) -> Response:
        started = time.perf_counter()
        request_id = next_request_id()
        chat_request: ChatRequest | None = None
        run: RunRecorder | None = None  # once planned: a failure is logged with its plan
        state.metrics.in_flight.inc()
        try:
            check_key(request)
            payload = await read_payload(request)
            chat_request = pipeline.parse(payload)
            if pipeline.plans_without_io(chat_request):
                prepared, route_plan = pipeline.plan_request(chat_request)  # no thread hop
            else:
                prepared, route_plan = await asyncio.to_thread(pipeline.plan_request,
                                                               chat_request)
            run = pipeline.recorder(prepared, route_plan)
            chunks = pipeline.arun(prepared, route_plan, run)
            if prepared.stream:
                return await _stream(request_id, started, prepared, run, chunks)
            if not await _until_done_or_gone(request, chunks):
                record(request_id, CLIENT_CLOSED, started, run=run, request=chat_request)
                return Response(status_code=CLIENT_CLOSED)
            completion = run.completion()
            record(request_id, 200, started, run=run, request=chat_request)
            return Response(completion.model_dump_json(), media_type="application/json",
                            headers=_routing_headers(run.result(), with_cost=True))
        except _Rejected as rejected:
            record(request_id, rejected.error.status, started, request=chat_request,
                   error=rejected.error)
            return _error_response(rejected.error)
        except HybridAIError as exc:
            error = http_error(exc)
            record(request_id, error.status, started, run=run, request=chat_request,
                   error=error, cause=exc)
            return _error_response(error)
        finally:
            state.metrics.in_flight.dec()

    async def _stream(request_id: str, started: float, chat_request: ChatRequest,
                      run: RunRecorder, chunks: AsyncIterator[ChatCompletionChunk]) -> Response:
        # The first chunk settles the route (fallback happens only before it), so errors
        # until then are plain JSON errors, and the headers can name the route.
        first = await anext(aiter(chunks))

        async def events() -> AsyncIterator[bytes]:
            status = 200
            error: HTTPError | None = None
            try:
                yield _sse(first)
                async for chunk in chunks:
                    yield _sse(chunk)
                yield b"data: [DONE]\n\n"
            except HybridAIError as exc:
                error = http_error(exc)
                status = error.status
                yield b"data: " + json.dumps(error.body()).encode() + b"\n\n"
            except (asyncio.CancelledError, GeneratorExit):
                status = CLIENT_CLOSED  # the client went away: the work was cancelled
                raise
            finally:
                record(request_id, status, started, run=run, request=chat_request, error=error)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers=_routing_headers(run.result(), with_cost=False))

    # A plain Starlette route: FastAPI's per-request dependency machinery is not needed
    # (the body is read by hand), and skipping it is a measurable share of the overhead.
    app.add_route("/v1/chat/completions", chat_completions, methods=["POST"],
                  include_in_schema=False)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    @app.get("/v1/models")
    async def models(request: Request) -> Response:
        try:
            check_key(request)
        except _Rejected as rejected:
            return _error_response(rejected.error)
        created = int(state.started_at)
        return JSONResponse({"object": "list", "data": [
            {"id": name, "object": "model", "created": created, "owned_by": "hybridai"}
            for name in MODEL_NAMES]})

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


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's spec of the other routes, plus the hand-documented chat completions."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        schema["paths"]["/v1/chat/completions"] = {"post": {
            "summary": "Chat Completions", "operationId": "chat_completions", **_CHAT_OPENAPI}}
        app.openapi_schema = schema
    return app.openapi_schema


def _log_scrubber(pipeline: Pipeline, request: ChatRequest, run: RunRecorder | None
                  ) -> Callable[[str], str] | None:
    """How the request's text is scrubbed for the log: by its plan's screening, or, when it
    has none (it failed before a plan was made, or the cache answered it), by a screening
    made here. None when the screening itself failed (a bad ``privacy`` field): then no text
    is logged."""
    if run is not None and run.plan.privacy is not None:
        return run.plan.privacy.scrub
    try:
        return pipeline.privacy.screen(request).scrub
    except HybridAIError:
        return None


def _privacy_found(run: RunRecorder | None, cause: HybridAIError | None
                   ) -> tuple[Mapping[str, int], str] | None:
    """What the privacy step found and what its policy did, for the metrics: by the plan's
    screening, or by the refusal of a keep_local request that got no run (the device could
    not take it); None when nothing was found."""
    if run is not None and run.plan.privacy is not None:
        screening = run.plan.privacy
        return (screening.counts, screening.action) if screening.found else None
    if isinstance(cause, PrivateDataError) and cause.counts:
        return cause.counts, "kept_local"  # Screening.action under policy keep_local
    return None


def _sse(chunk: ChatCompletionChunk) -> bytes:
    return b"data: " + chunk.model_dump_json(exclude_none=True).encode() + b"\n\n"


def _routing_headers(result: RequestResult, *, with_cost: bool) -> dict[str, str]:
    assert result.route is not None and result.target is not None
    headers = {"x-hybrid-route": result.route.value, "x-hybrid-target": result.target,
               "x-hybrid-reason": str(result.reason), "x-hybrid-mode": result.mode.value}
    if with_cost and result.routing is not None:
        headers["x-hybrid-cost-usd"] = f"{result.routing.cost_usd:.8f}"
        headers["x-hybrid-saved-usd"] = f"{result.routing.saved_usd:.8f}"
    return headers


_SWITCH = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}
_CASCADE_SWITCH = {**_SWITCH, "yes": True, "no": False}


def _switch(header: str, value: str) -> bool:
    try:
        return _SWITCH[value.strip().lower()]
    except KeyError:
        raise _Rejected(bad_request(f"{header} must be on or off, got {value!r}",
                                    "invalid_header", header)) from None
def _cascade_header(value: str) -> bool | float:
    """``x-hybrid-cascade``: on/off words, or a threshold between 0 and 1."""
    word = value.strip().lower()
    if word in _CASCADE_SWITCH:
        return _CASCADE_SWITCH[word]
    try:
        return float(word)  # the request's validation checks the range
    except ValueError:
        raise _Rejected(bad_request(
            f"x-hybrid-cascade must be true, false or a threshold in [0, 1], got {value!r}",
            "invalid_cascade", "x-hybrid-cascade")) from None


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, "invalid_request_error", "request_too_large",
                     f"the request body is larger than this gateway's limit of {limit} bytes")


# The body is read by hand (for OpenAI-style errors and the size cap); this documents it.
MODEL_NAMES = ["hybrid", *(f"hybrid/{m.value}" for m in Mode), "hybrid/on-device",
               "hybrid/device", "hybrid/cloud"]
_CHAT_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["messages"],
            "additionalProperties": False,
            "properties": {
                "model": {"type": "string", "enum": MODEL_NAMES},
                "messages": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["role", "content"],
                    "properties": {
                        "role": {"type": "string",
                                 "enum": ["system", "developer", "user", "assistant", "tool"]},
                        "content": {"type": "string"},
                        "name": {"type": "string"},
                    }}},
                "mode": {"type": "string", "enum": [m.value for m in Mode]},
                "cascade": {"oneOf": [{"type": "boolean"},
                                      {"type": "number", "minimum": 0, "maximum": 1}]},
                "privacy": {"type": "string", "enum": [p.value for p in Policy]},
                "stream": {"type": "boolean"},
                "max_tokens": {"type": "integer", "minimum": 1},
                "max_completion_tokens": {"type": "integer", "minimum": 1},
                "temperature": {"type": "number", "minimum": 0, "maximum": 2},
                "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "seed": {"type": "integer"},
                "stop": {"oneOf": [{"type": "string"},
                                   {"type": "array", "items": {"type": "string"}}]},
                "n": {"type": "integer", "enum": [1]},
                "user": {"type": "string"},
                "cache": {"type": "boolean"},
                "stream_options": {"type": "object"},
            },
        }}},
    },
    "responses": {
        "200": {"description": "an OpenAI chat.completion, or an SSE stream of chunks"},
        "400": {"description": "invalid request (OpenAI error shape)"},
        "401": {"description": "missing or wrong API key"},
        "404": {"description": "unknown model"},
        "413": {"description": "body too large"},
        "429": {"description": "device queue full and the mode forbids the cloud, or the "
                "cloud budget is spent (type insufficient_quota)"},
        "502": {"description": "the cloud target failed and the mode allows no fallback"},
        "503": {"description": "no target the mode allows can serve (device unavailable)"},
        "504": {"description": "the target timed out and the mode allows no fallback"},
    },
}
