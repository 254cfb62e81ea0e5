"""What a browser needs from the gateway to be a device itself (issue 19).

    GET  /                    the playground page (``static/index.html``)
    GET  /sdk/{path}          the browser SDK's built files (``static/sdk/``: ``hybridai.js``,
                              wllama's worker and ``.wasm``), built by ``npm run build
                              --prefix sdk/js``; a 404 naming that command when missing
    GET  /v1/device/model     the device model's GGUF file (and HEAD): ETag, ranges (206),
                              If-None-Match (304), for the SDK's WASM engine to load
    GET  /v1/device/info      that file's facts, the router's URL, and the cloud price that
                              a device run's ``saved_usd`` is measured with
    GET  /v1/router           the router mode ``auto`` uses, as data (``router.export``)
    POST /v1/device/runs      the runs a browser's device did (``device_runs``), logged as
                              ``endpoint="device.runs"`` and counted in ``/metrics``

The page and the SDK are public and sent with the cross-origin isolation headers (COOP and
COEP, which wllama's threads need) and CORP; the /v1 routes take the gateway's API keys as
the others do. ``gateway.cors_origins`` lets pages on other origins call the gateway.
Bad input is a 400 in OpenAI's error shape naming the field, as on the chat route.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ...engines.gguf import GGUFError, GGUFInfo, read_gguf_info
from ...errors import InvalidRequestError
from ...router.export import RouterExport, configured_router, router_json
from .auth import check_key
from .device_runs import (
    DeviceRunsAccepted,
    DeviceRunsReport,
    RecentRuns,
    log_entry,
)
from .errors import ErrorResponse, HTTPError, Rejected, bad_request
from .reading import read_body
from .recording import record_reported
from .state import GatewayState

STATIC = Path(__file__).with_name("static")
SDK_DIR = STATIC / "sdk"
SDK_BUNDLE = "hybridai.js"
BUILD_COMMAND = "npm ci --prefix sdk/js && npm run build --prefix sdk/js"
MODEL_URL = "/v1/device/model"
ROUTER_URL = "/v1/router"

ISOLATED = {"cross-origin-opener-policy": "same-origin",
            "cross-origin-embedder-policy": "require-corp"}
"""A page (and what it loads) that may use SharedArrayBuffer: wllama's threads."""
SHAREABLE = {"cross-origin-resource-policy": "cross-origin"}
"""Loadable by isolated pages of any origin."""
REVALIDATE = {"cache-control": "no-cache"}
"""Cached, but checked against the ETag each time: a rebuilt SDK or new model shows at once."""

_MEDIA_TYPES = {".js": "application/javascript", ".mjs": "application/javascript",
                ".wasm": "application/wasm", ".json": "application/json",
                ".map": "application/json", ".css": "text/css",
                ".html": "text/html; charset=utf-8", ".ts": "text/plain; charset=utf-8"}
# What a browser may read of a cross-origin answer (CORS hides other headers).
_EXPOSED = ["x-hybrid-route", "x-hybrid-target", "x-hybrid-reason", "x-hybrid-mode",
            "x-hybrid-cost-usd", "x-hybrid-saved-usd", "retry-after", "etag", "content-range",
            "content-length", "accept-ranges"]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "missing or wrong API key"},
    "4XX": {"model": ErrorResponse, "description": "OpenAI's error shape"}}


class DevicePricing(BaseModel):
    """What the primary cloud model charges: a device run's ``cloud_cost_usd``, and so its
    ``saved_usd`` (the device costs nothing)."""

    target: str
    model: str
    input_per_1m: float = Field(description="USD per million prompt tokens")
    output_per_1m: float = Field(description="USD per million completion tokens")


class DeviceInfo(BaseModel):
    model: str = Field(description="the device model's name, as responses give it")
    file: str = Field(description="the GGUF file's name")
    bytes: int
    etag: str = Field(description="the model download's ETag")
    url: str = Field(description="where to download it (GET, ranges)")
    chat_template: str | None = Field(description="the GGUF's Jinja chat template")
    context_length: int | None = Field(description="the context window the gateway's device "
                                       "uses ([device] n_ctx, else the model's own)")
    trained_context_length: int | None = Field(description="the model's own, from the GGUF")
    router: str = Field(description="the router mode auto uses, as data")
    pricing: DevicePricing | None = Field(description="null without a priced cloud target: "
                                          "then nothing is saved")


def install(app: FastAPI, state: GatewayState) -> None:
    """Adds the routes (FastAPI documents them) and, when configured, CORS."""
    BrowserRoutes(state).add_to(app.router)
    origins = state.client.settings.gateway.cors_origins
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_headers=["*"],
                           allow_methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
                           expose_headers=_EXPOSED, max_age=600)


class BrowserRoutes:
    def __init__(self, state: GatewayState) -> None:
        self.state = state
        self.recent = RecentRuns()
        self._router_body: tuple[bytes, str] | HTTPError | None = None
        self._gguf: tuple[tuple[Path, str], GGUFInfo | None] | None = None

    def add_to(self, router: APIRouter) -> None:
        """On the app's own router (an included router would be a route of its own kind)."""
        routes = _Routes(router)
        routes.add_api_route("/", self.page, methods=["GET"], summary="The playground page",
                             operation_id="playground",
                             response_class=Response, responses={200: {
                                 "description": "HTML", "content": {"text/html": {}}}})
        routes.add_api_route("/sdk/{path:path}", self.sdk_file, methods=["GET"],
                             operation_id="sdk_file",
                             summary="The browser SDK's built files", response_class=Response,
                             responses={200: {"description": "the file", "content": {
                                 "application/javascript": {}, "application/wasm": {}}},
                                 # Not built (an error naming the build command), or no
                                 # such file; a path no route matches gets FastAPI's 404.
                                 404: {"description": "not built, or no such file"},
                                 "4XX": _ERRORS["4XX"]})
        model_doc: dict[int | str, dict[str, Any]] = {
            200: {"description": "the GGUF file", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}},
            206: {"description": "the byte range asked for (Range)"},
            304: {"description": "unchanged (If-None-Match)"},
            404: {"model": ErrorResponse, "description": "the model is not on this machine"},
            **_ERRORS}
        routes.add_api_route(MODEL_URL, self.model_file, methods=["GET"],
                             operation_id="device_model",
                             summary="The device model's GGUF file", response_class=Response,
                             responses=model_doc)
        routes.add_api_route(MODEL_URL, self.model_file, methods=["HEAD"],
                             include_in_schema=False)
        routes.add_api_route("/v1/device/info", self.device_info, methods=["GET"],
                             operation_id="device_info",
                             summary="The device model's facts and the saving's price",
                             response_model=DeviceInfo, responses={
                                 404: {"model": ErrorResponse}, **_ERRORS})
        routes.add_api_route(ROUTER_URL, self.router_data, methods=["GET"],
                             operation_id="router_export",
                             summary="The router mode auto uses, as data",
                             response_class=Response, responses={
                                 200: {"model": RouterExport, "description": "the router"},
                                 304: {"description": "unchanged (If-None-Match)"},
                                 404: {"model": ErrorResponse, "description": "the router "
                                       "reads prompts with a model: it cannot be exported"},
                                 **_ERRORS})
        routes.add_api_route("/v1/device/runs", self.device_runs, methods=["POST"],
                             operation_id="device_runs",
                             summary="Runs a browser's device did, for the log and metrics",
                             response_model=DeviceRunsAccepted, responses={
                                 400: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
                                 **_ERRORS})

    # -- the page and the SDK -------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        return _file(request, STATIC / "index.html", {**ISOLATED, **SHAREABLE})

    async def sdk_file(self, request: Request,
                       path: Annotated[str, PathParam(pattern=r"^[^\n]*$")]) -> Response:
        # The pattern is the router's: {path:path} matches no newline.
        if not (SDK_DIR / SDK_BUNDLE).is_file():
            return HTTPError(404, "invalid_request_error", "sdk_not_built",
                             f"the browser SDK is not built: run `{BUILD_COMMAND}` in the "
                             "repository (scripts/setup.sh does with the test extra)"
                             ).response()
        file = (SDK_DIR / path).resolve()
        if not file.is_relative_to(SDK_DIR.resolve()) or not file.is_file():
            return HTTPError(404, "invalid_request_error", "not_found",
                             f"the browser SDK has no file {path!r}", "path").response()
        return _file(request, file, {**ISOLATED, **SHAREABLE})

    # -- the device model -----------------------------------------------------------------

    def _model_path(self) -> Path:
        location = self.state.client.pipeline.device.location
        if not location.present:
            raise Rejected(HTTPError(404, "invalid_request_error", "model_missing",
                                     f"the device model {location.name!r} is not on this "
                                     "machine (hybridai device --download)"))
        assert location.path is not None
        return location.path

    async def model_file(self, request: Request) -> Response:
        check_key(request, self.state.api_keys)
        return _file(request, self._model_path(), SHAREABLE,
                     media_type="application/octet-stream")

    async def device_info(self, request: Request) -> DeviceInfo:
        check_key(request, self.state.api_keys)
        pipeline = self.state.client.pipeline
        path = self._model_path()
        stat = path.stat()
        etag = _etag(stat)
        gguf = await asyncio.to_thread(self._gguf_info, path, etag)
        n_ctx = self.state.client.settings.device.n_ctx
        trained = gguf.context_length if gguf else None
        return DeviceInfo(
            model=pipeline.device.location.name, file=path.name, bytes=stat.st_size,
            etag=etag, url=MODEL_URL, chat_template=gguf.chat_template if gguf else None,
            context_length=n_ctx or trained, trained_context_length=trained,
            router=ROUTER_URL, pricing=self._pricing())

    def _gguf_info(self, path: Path, etag: str) -> GGUFInfo | None:
        """The file's GGUF header, read once per version of the file."""
        if self._gguf is None or self._gguf[0] != (path, etag):
            try:
                info: GGUFInfo | None = read_gguf_info(path)
            except (GGUFError, OSError):
                info = None
            self._gguf = ((path, etag), info)
        return self._gguf[1]

    def _pricing(self) -> DevicePricing | None:
        pipeline = self.state.client.pipeline
        reference = pipeline.reference  # what every device run's saving is measured against
        per_input = reference.cost(pipeline.prices, 1_000_000, 0)
        per_output = reference.cost(pipeline.prices, 0, 1_000_000)
        if reference.backend is None or per_input is None or per_output is None:
            return None
        target = next(iter(pipeline.clouds))  # the reference is the first target
        return DevicePricing(target=target, model=reference.backend.model,
                             input_per_1m=per_input, output_per_1m=per_output)

    # -- the router -----------------------------------------------------------------------

    async def router_data(self, request: Request) -> Response:
        check_key(request, self.state.api_keys)
        if self._router_body is None:
            self._router_body = await asyncio.to_thread(self._export_router)
        if isinstance(self._router_body, HTTPError):
            return self._router_body.response()
        body, etag = self._router_body
        headers = {"etag": etag, **REVALIDATE}
        if _unchanged(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    def _export_router(self) -> tuple[bytes, str] | HTTPError:
        try:
            router, threshold = configured_router(self.state.client.settings)
            body = json.dumps(router_json(router, threshold=threshold)).encode()
        except InvalidRequestError as exc:
            return HTTPError(404, "invalid_request_error", exc.code, str(exc))
        return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'

    # -- what the browser did -------------------------------------------------------------

    async def device_runs(self, request: Request, report: DeviceRunsReport
                          ) -> DeviceRunsAccepted:
        tenant = check_key(request, self.state.api_keys)
        fresh = [run for run in report.runs if self.recent.first_time(tenant, run.id)]
        log_content = self.state.log.log_content
        pipeline = self.state.client.pipeline
        scrubbing = log_content and any(r.prompt or r.answer for r in fresh)

        def entries() -> list[Any]:
            return [log_entry(pipeline, run, log_content=log_content) for run in fresh]

        # Scrubbing scans the text (an entity recognizer, maybe): off the event loop.
        made = await asyncio.to_thread(entries) if scrubbing else entries()
        for run, entry in zip(fresh, made, strict=True):
            record_reported(self.state, entry, run.reason_code)
        return DeviceRunsAccepted(accepted=len(fresh), duplicates=len(report.runs) - len(fresh))


# -- files, conditional and ranged ------------------------------------------------------------

def _etag(stat: os.stat_result) -> str:
    """Strong: the file's size and modification time (a new file is a new tag)."""
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _unchanged(request: Request, etag: str) -> bool:
    """If-None-Match names ``etag`` (weakly compared, as RFC 9110 says for this header)."""
    given = request.headers.get("if-none-match")
    if not given:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return "*" in tags or etag in tags


def _file(request: Request, path: Path, headers: dict[str, str], *,
          media_type: str | None = None) -> Response:
    """``path`` with an ETag: 304 when the client has it, else Starlette's FileResponse,
    which answers Range (206, multipart for several ranges), If-Range and HEAD."""
    stat = path.stat()
    etag = _etag(stat)
    headers = {**headers, **REVALIDATE, "etag": etag}
    if _unchanged(request, etag):
        return Response(status_code=304, headers=headers)
    media_type = media_type or _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media_type, headers=headers, stat_result=stat)


# -- errors in OpenAI's shape ---------------------------------------------------------------

class _Routes:
    """Adds routes of the ``_OpenAIErrorsRoute`` kind to a router."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        self.router.add_api_route(path, endpoint, route_class_override=_OpenAIErrorsRoute,
                                  **options)


class _OpenAIErrorsRoute(APIRoute):
    """The gateway's conventions on FastAPI routes: a body over ``gateway.max_body_bytes`` is
    a 413, bad input a 400 naming the field, ``Rejected`` (auth, a missing model) its error;
    all in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                if request.method == "POST":
                    state: GatewayState = request.app.state.hybridai
                    body = await read_body(request, state.client.settings.gateway.max_body_bytes)
                    request = _JSONBody(request, body)
                return await handler(request)
            except Rejected as rejected:
                return rejected.error.response()
            except RequestValidationError as exc:
                return _invalid(exc).response()
            except StarletteHTTPException as exc:  # FastAPI's: a body it could not decode
                return HTTPError(exc.status_code, "invalid_request_error",
                                 "invalid_json" if exc.status_code == 400 else "invalid_request",
                                 f"{exc.detail} (a JSON object in UTF-8)").response()

        return handle


class _JSONBody(Request):
    """A request whose body was read already (FastAPI's own pattern for custom bodies), read
    as JSON whatever its content type says, as on the chat route (a beacon sends text/plain)."""

    def __init__(self, request: Request, body: bytes) -> None:
        headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
        super().__init__({**request.scope, "headers": [*headers, (b"content-type",
                                                                 b"application/json")]},
                         request.receive)
        self._body = body


def _invalid(exc: RequestValidationError) -> HTTPError:
    """One line per problem, each naming its field (``runs.0.prompt_tokens``); ``param``:
    the first problem's field."""
    problems, fields = [], []
    for error in exc.errors():
        loc = list(error.get("loc", ()))
        if loc[:1] == ["body"]:
            loc = loc[1:]
        kind = error.get("type", "")
        if kind == "json_invalid":
            return bad_request(f"the body is not valid JSON: {error.get('msg', '')}",
                               "invalid_json")
        where = ".".join(str(p) for p in loc)
        if not where:
            problems.append("the body must be a JSON object")
            continue
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "string_pattern_mismatch" and loc[-1:] == ["reason"]:
            message = ("not a reason: a reason code (device_available, fallback, router…), "
                       "then optionally ':' and what it is about in printable ASCII")
        problems.append(f"{where}: {message}")
        fields.append(where)
    return bad_request("invalid request: " + "; ".join(problems), "invalid_request",
                       fields[0] if fields else None)
