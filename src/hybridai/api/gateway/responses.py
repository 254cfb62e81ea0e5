"""``/v1/responses``: OpenAI's Responses API, run as a chat request through the pipeline.

    POST   /v1/responses                  create (plain or the Responses event stream)
    GET    /v1/responses/{id}             a stored response (the caller's own)
    DELETE /v1/responses/{id}             forget it
    GET    /v1/responses/{id}/input_items the conversation it answered

A request is read as chat's is (body cap, ``x-hybrid-*`` headers), translated to a chat
request (``api/responses.py``, ``schema/responses.py``), planned and run exactly as
``chat.py`` runs one (modes, privacy, budget, cache, fallbacks), and its answer translated
back; it is logged with ``endpoint = "responses"``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ...cloud.backend import CloudBackend
from ...cloud.responses_api import ResponsesAPIBackend
from ...core.drivers import adrive
from ...core.plan import Attempt, RoutePlan
from ...core.recorder import RunRecorder
from ...errors import HybridAIError
from ...schema.events import Backend
from ...schema.modes import Route
from ...schema.request import ChatRequest
from ...schema.response import ChatCompletionChunk
from ...schema.responses import DeletedResponse
from ..responses import Conversation, ResponseNotFoundError, Turn
from .auth import check_key
from .chat import _until_done_or_gone
from .errors import CLIENT_CLOSED, HTTPError, Rejected, bad_request, http_error
from .headers import routing_headers
from .reading import read_payload
from .recording import record
from .state import GatewayState, next_request_id

RESPONSES = "/v1/responses"
ENDPOINT = "responses"  # the request log's and the metrics' name for it


def _not_found(exc: ResponseNotFoundError) -> HTTPError:
    if exc.param is not None:  # a request naming a response it cannot see
        return bad_request(str(exc), "previous_response_not_found", exc.param)
    return HTTPError(404, "invalid_request_error", exc.code, str(exc))


class ResponsesRoutes:
    """The four endpoints, bound to ``state`` and one conversation store."""

    def __init__(self, state: GatewayState) -> None:
        self.state = state
        self.pipeline = state.client.pipeline
        gateway = state.client.settings.gateway
        self.limit = gateway.max_tokens_limit
        self.default_max_tokens = gateway.default_max_tokens
        # The body is read as chat's; the token limits apply to max_output_tokens here.
        self.reading = gateway.model_copy(update={"max_tokens_limit": None,
                                                  "default_max_tokens": None})
        self.responses_targets = frozenset(
            name for name, target in state.client.settings.cloud.items() if target.responses_api)
        self.conversation = Conversation.of(gateway)

    def _limited(self, payload: dict[str, Any]) -> dict[str, Any]:
        value = payload.get("max_output_tokens")
        if self.limit and isinstance(value, int | float) and value > self.limit:
            raise Rejected(bad_request(f"max_output_tokens={value} is over this gateway's "
                                       f"limit of {self.limit}", "max_tokens_too_large",
                                       "max_output_tokens"))
        if self.default_max_tokens and value is None:
            payload["max_output_tokens"] = self.default_max_tokens
        return payload

    def _record(self, request_id: str, status: int, started: float, **kwargs: Any) -> None:
        record(self.state, request_id, status, started, endpoint=ENDPOINT, **kwargs)

    async def create(self, request: Request) -> Response:
        state, pipeline = self.state, self.pipeline
        started = time.perf_counter()
        request_id = next_request_id()
        chat_request: ChatRequest | None = None
        run: RunRecorder | None = None
        state.metrics.in_flight.inc()
        try:
            tenant = check_key(request, state.api_keys)
            payload = self._limited(await read_payload(request, self.reading))
            turn = await asyncio.to_thread(self.conversation.begin, payload, tenant)
            chat_request = pipeline.parse(turn.chat_payload, strict=True, tenant=tenant)
            if pipeline.plans_without_io(chat_request):
                prepared, route_plan = pipeline.plan_request(chat_request)
            else:
                prepared, route_plan = await asyncio.to_thread(pipeline.plan_request,
                                                               chat_request)
            run = pipeline.recorder(prepared, route_plan)
            chunks = self._run(turn, prepared, route_plan, run)
            if prepared.stream:
                return await self._stream(request_id, started, turn, prepared, run, chunks)
            if not await _until_done_or_gone(request, chunks):
                self._record(request_id, CLIENT_CLOSED, started, run=run, request=chat_request)
                return Response(status_code=CLIENT_CLOSED)
            response = await asyncio.to_thread(self.conversation.end, turn, run.completion())
            self._record(request_id, 200, started, run=run, request=chat_request)
            return Response(json.dumps(response.wire()), media_type="application/json",
                            headers=routing_headers(run.result(), with_cost=True))
        except Rejected as rejected:
            self._record(request_id, rejected.error.status, started, request=chat_request,
                         error=rejected.error)
            return rejected.error.response()
        except ResponseNotFoundError as exc:
            error = _not_found(exc)
            self._record(request_id, error.status, started, error=error)
            return error.response()
        except HybridAIError as exc:
            error = http_error(exc)
            self._record(request_id, error.status, started, run=run, request=chat_request,
                         error=error, cause=exc)
            return error.response()
        finally:
            state.metrics.in_flight.dec()

    def _run(self, turn: Turn, request: ChatRequest, route_plan: RoutePlan, run: RunRecorder
             ) -> AsyncIterator[ChatCompletionChunk]:
        """``Pipeline.arun``, but a cloud target that speaks the Responses API is sent the
        Responses request (``cloud/responses_api.py``)."""
        pipeline = self.pipeline
        if not self.responses_targets:
            return pipeline.arun(request, route_plan, run)
        execution = pipeline.execution(request, route_plan, run)
        backend_for = execution.backend_for

        def backend(attempt: Attempt) -> Backend:
            cloud = pipeline.clouds.get(attempt.target)
            if (attempt.route is Route.IN_CLOUD and attempt.target in self.responses_targets
                    and isinstance(cloud, CloudBackend)):
                return ResponsesAPIBackend(cloud, turn.request)
            return backend_for(attempt)

        execution.backend_for = backend
        return adrive(execution, pipeline, pipeline)

    async def _stream(self, request_id: str, started: float, turn: Turn,
                      chat_request: ChatRequest, run: RunRecorder,
                      chunks: AsyncIterator[ChatCompletionChunk]) -> Response:
        """Waits for the first chunk (errors before it are plain JSON errors), then sends the
        Responses events; recorded when the stream ends, however it ends."""
        first = await anext(aiter(chunks))
        translator = turn.events(first.model)

        async def events() -> AsyncIterator[bytes]:
            status = 200
            error: HTTPError | None = None
            try:
                yield _sse(translator.start() + translator.feed(first))
                async for chunk in chunks:
                    if sent := translator.feed(chunk):
                        yield _sse(sent)
                response = await asyncio.to_thread(self.conversation.end, turn,
                                                   run.completion())
                yield _sse(translator.finish(response))
            except HybridAIError as exc:
                error = http_error(exc)
                status = error.status
                yield _sse(translator.fail(error.code, error.message, error.status))
            except (asyncio.CancelledError, GeneratorExit):
                status = CLIENT_CLOSED
                raise
            finally:
                self._record(request_id, status, started, run=run, request=chat_request,
                             error=error)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers=routing_headers(run.result(), with_cost=False))

    async def _stored(self, request: Request,
                      action: Callable[[str, str | None], Any]) -> Response:
        try:
            tenant = check_key(request, self.state.api_keys)
            result = await asyncio.to_thread(action, request.path_params["response_id"],
                                             tenant)
        except Rejected as rejected:
            return rejected.error.response()
        except ResponseNotFoundError as exc:
            return _not_found(exc).response()
        return JSONResponse(result)

    async def retrieve(self, request: Request) -> Response:
        return await self._stored(
            request, lambda rid, tenant: self.conversation.retrieve(rid, tenant).wire())

    async def delete(self, request: Request) -> Response:
        def delete(response_id: str, tenant: str | None) -> dict[str, Any]:
            self.conversation.delete(response_id, tenant)
            return DeletedResponse(id=response_id).model_dump()

        return await self._stored(request, delete)

    async def input_items(self, request: Request) -> Response:
        def listing(response_id: str, tenant: str | None) -> dict[str, Any]:
            items = self.conversation.input_items(response_id, tenant)
            return {"object": "list", "data": items,
                    "first_id": items[0]["id"] if items else None,
                    "last_id": items[-1]["id"] if items else None, "has_more": False}

        return await self._stored(request, listing)

    def close(self) -> None:
        self.conversation.close()


def _sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: ".encode() + json.dumps(e).encode() + b"\n\n"
                    for e in events)


def install(app: Any, state: GatewayState) -> ResponsesRoutes:
    """Adds the routes to ``app`` (a FastAPI app); ``openapi.py`` documents them."""
    routes = ResponsesRoutes(state)
    app.add_route(RESPONSES, routes.create, methods=["POST"], include_in_schema=False)
    app.add_route(RESPONSES + "/{response_id}", routes.retrieve, methods=["GET"],
                  include_in_schema=False)
    app.add_route(RESPONSES + "/{response_id}", routes.delete, methods=["DELETE"],
                  include_in_schema=False)
    app.add_route(RESPONSES + "/{response_id}/input_items", routes.input_items,
                  methods=["GET"], include_in_schema=False)
    return routes
