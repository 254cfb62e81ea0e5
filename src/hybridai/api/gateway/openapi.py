"""The gateway's OpenAPI document, generated from the models it reads and writes.

FastAPI documents the routes it serves itself. ``POST /v1/chat/completions`` is a plain
Starlette route (``chat.py`` reads its body by hand), so its operation is built here from
the same pydantic models the parser and the responses use:

    request body   ``ChatRequest``'s OpenAI fields and ``HybridOptions``' fields, flat, as the
                   wire has them, plus ``WireOnlyFields`` (``max_completion_tokens``, ``n``,
                   ``stream_options``); nothing else (``additionalProperties: false``)
    200            ``ChatCompletion``, or server-sent events of ``ChatCompletionChunk``
    4xx/5xx        ``ErrorResponse``, OpenAI's error shape

A field added to the models is documented with nothing to edit here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.constants import REF_TEMPLATE
from fastapi.openapi.models import OpenAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from ...schema.request import (
    INTERNAL_FIELDS,
    REQUEST_RULES,
    ChatRequest,
    HybridOptions,
    WireOnlyFields,
)
from ...schema.response import ChatCompletion, ChatCompletionChunk
from .errors import ErrorResponse

CHAT_COMPLETIONS = "/v1/chat/completions"

# The statuses a chat completion may end with, as they have always been documented.
_ERRORS = {
    "400": "invalid request (OpenAI error shape)",
    "401": "missing or wrong API key",
    "404": "unknown model",
    "413": "body too large",
    "429": "device queue full and the mode forbids the cloud, or the cloud budget is spent "
           "(type insufficient_quota)",
    "502": "the cloud target failed and the mode allows no fallback",
    "503": "no target the mode allows can serve (device unavailable)",
    "504": "the target timed out and the mode allows no fallback",
}

def _model_named(names: list[str]) -> JsonDict:
    """Without a mode, the model name is one the gateway accepts (``config/model_names.py``;
    else 404). With a mode, the mode decides and any name is taken."""
    return {"allOf": [{"if": {"properties": {"mode": {"type": "null"}}},
                       "then": {"properties": {"model": {"enum": [*names, None]}}}},
                      *REQUEST_RULES]}


def chat_request_body(model_names: list[str]) -> type[BaseModel]:
    """The chat request as the wire has it: one flat object of every field ``ChatRequest.parse``
    takes. A model for the document only; the parser stays ``ChatRequest.parse``."""
    fields: dict[str, Any] = {}
    for model, internal in ((ChatRequest, INTERNAL_FIELDS), (HybridOptions, frozenset()),
                            (WireOnlyFields, frozenset())):
        for name, info in model.model_fields.items():
            if name not in internal:
                fields[name] = (info.annotation, info)
    fields["model"] = (str | None, Field(
        default=None, description="without a mode: hybrid (the configured mode), "
        "hybrid/<mode>, a cloud target's name or its model's (that target first), the "
        "device's, or an alias; with a mode, any name"))
    body: type[BaseModel] = create_model(
        "ChatCompletionRequest", __config__=ConfigDict(
            extra="forbid", json_schema_extra=_model_named(model_names)),
        __doc__="OpenAI's chat completion request, with hybridai's fields beside them.",
        **fields)
    return body


def chat_completions_path(refs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The path item (its POST operation); ``refs``: each model's name to its ``$ref``."""
    errors = {"application/json": {"schema": refs["ErrorResponse"]}}
    return _post("Chat Completions", "chat_completions", refs["ChatCompletionRequest"],
                 "an OpenAI chat.completion, or an SSE stream of chunks",
                 {"application/json": {"schema": refs["ChatCompletion"]},
                  "text/event-stream": {"schema": _event(refs)}}, errors)


def _event(refs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One server-sent event (before OpenAPI 3.2's ``itemSchema``, a stream's ``schema``
    describes each of its events)."""
    return {
        "type": "object", "required": ["data"],
        "description": "one event a chat.completion.chunk, then [DONE]; a failure after the "
                       "first chunk ends the stream with an event holding the error object",
        "properties": {"data": {"anyOf": [
            {"const": "[DONE]"},
            {"type": "string", "contentMediaType": "application/json",
             "contentSchema": {"oneOf": [refs["ChatCompletionChunk"], refs["ErrorResponse"]]}},
        ]}}}


def openapi_document(app: FastAPI, model_names: list[str]) -> dict[str, Any]:
    """FastAPI's document of ``app``'s routes, with the chat completions operation added."""
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    wire: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (chat_request_body(model_names), "validation"), (ChatCompletion, "serialization"),
        (ChatCompletionChunk, "serialization"), (ErrorResponse, "serialization")]
    refs = _document_models(document, wire)
    document["paths"][CHAT_COMPLETIONS] = chat_completions_path(refs)
    add_completions(document, model_names)  # legacy text completions
    add_embeddings(document)  # POST /v1/embeddings
    add_responses(document)  # /v1/responses
    OpenAPI.model_validate(document)  # FastAPI's model of an OpenAPI document
    return document


def _document_models(document: dict[str, Any],
                     wire: list[tuple[type[BaseModel], JsonSchemaMode]]) -> dict[str, Any]:
    """Adds the models' schemas to ``document``'s components, each by its name; a name two
    endpoints both use (``Usage``, ``ErrorResponse``…) must be the same schema. Returns each
    model's name to its ``$ref``."""
    keys, schemas = models_json_schema(wire, ref_template=REF_TEMPLATE)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas["$defs"].items():
        assert components.setdefault(name, schema) == schema, f"{name} documented twice"
    return {model.__name__: keys[(model, mode)] for model, mode in wire}


def _post(summary: str, operation_id: str, request: dict[str, str], answer: str,
          content: dict[str, Any], errors: dict[str, Any],
          statuses: dict[str, str] = _ERRORS) -> dict[str, Any]:
    """A POST operation: a JSON body, a 200 (``answer`` describes ``content``: JSON, and an
    event stream where there is one) and the error statuses in OpenAI's error shape."""
    return {"post": {
        "summary": summary, "operationId": operation_id,
        "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
        "responses": {"200": {"description": answer, "content": content},
                      **{status: {"description": words, "content": errors}
                         for status, words in statuses.items()}}}}


# -- legacy text completions (POST /v1/completions, ``completions.py``) ---------------------

def completion_request_body(model_names: list[str]) -> type[BaseModel]:
    """The text completion request as the wire has it: ``CompletionCreateRequest``'s fields
    and ``HybridOptions``', flat; a model for the document only (the parser is
    ``parse_completion_request``)."""
    from ...schema.completions import CompletionCreateRequest

    fields: dict[str, Any] = {}
    for model in (CompletionCreateRequest, HybridOptions):
        for name, info in model.model_fields.items():
            fields[name] = (info.annotation, info)
    fields["model"] = (str | None, Field(default=None, description="as for a chat completion"))
    body: type[BaseModel] = create_model(
        "CompletionRequest", __config__=ConfigDict(extra="forbid", json_schema_extra={
            "if": {"properties": {"mode": {"type": "null"}}},
            "then": {"properties": {"model": {"enum": [*model_names, None]}}}}),
        __doc__="OpenAI's legacy text completion request, with hybridai's fields beside them.",
        **fields)
    return body


def add_completions(document: dict[str, Any], model_names: list[str]) -> None:
    """Adds ``POST /v1/completions`` and its models to ``document``; a component both
    documents share (``Usage``, ``RoutingInfo``…) must be the same schema."""
    from ...schema.completions import TextCompletion
    from .completions import COMPLETIONS

    wire: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (completion_request_body(model_names), "validation"),
        (TextCompletion, "serialization"), (ErrorResponse, "serialization")]
    refs = _document_models(document, wire)
    errors = {"application/json": {"schema": refs["ErrorResponse"]}}
    event = {"type": "object", "required": ["data"],
             "description": "one event a text_completion chunk, then [DONE]; a failure after "
                            "the first chunk ends the stream with an event holding the error",
             "properties": {"data": {"anyOf": [
                 {"const": "[DONE]"},
                 {"type": "string", "contentMediaType": "application/json",
                  "contentSchema": {"oneOf": [refs["TextCompletion"], refs["ErrorResponse"]]}},
             ]}}}
    document["paths"][COMPLETIONS] = _post(
        "Completions (legacy)", "completions", refs["CompletionRequest"],
        "an OpenAI text_completion, or an SSE stream of chunks",
        {"application/json": {"schema": refs["TextCompletion"]},
         "text/event-stream": {"schema": event}}, errors)
# -- end legacy text completions ------------------------------------------------------------


# -- embeddings (POST /v1/embeddings, ``embeddings.py``) --------------------------------------

def add_embeddings(document: dict[str, Any]) -> None:
    """Adds ``POST /v1/embeddings``, its request (``EmbeddingRequest``, the parser's own
    model) and its response to ``document``; shared components must be the same schema."""
    from ...schema.embeddings import EmbeddingRequest, EmbeddingsResponse
    from .embeddings import EMBEDDINGS

    wire: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (EmbeddingRequest, "validation"), (EmbeddingsResponse, "serialization"),
        (ErrorResponse, "serialization")]
    refs = _document_models(document, wire)
    errors = {"application/json": {"schema": refs["ErrorResponse"]}}
    statuses = {**_ERRORS, "404": "unknown model (the accepted ones are listed)"}
    document["paths"][EMBEDDINGS] = _post(
        "Embeddings", "embeddings", refs["EmbeddingRequest"],
        "OpenAI's embedding list, plus hybrid: where the vectors were made",
        {"application/json": {"schema": refs["EmbeddingsResponse"]}}, errors, statuses)
# -- end embeddings ---------------------------------------------------------------------------


# -- the Responses API (/v1/responses, ``responses.py``) -------------------------------------

def responses_request_body() -> type[BaseModel]:
    """The Responses request as the wire has it: ``ResponsesRequest``'s fields (``input`` a
    string or items) and ``HybridOptions``', flat; for the document only (the parser is
    ``ResponsesRequest.parse``)."""
    from ...schema.responses import InputItem, ResponsesRequest

    fields: dict[str, Any] = {}
    for model in (ResponsesRequest, HybridOptions):
        for name, info in model.model_fields.items():
            if name not in ("hybrid", "payload"):
                fields[name] = (info.annotation, info)
    fields["input"] = (str | list[InputItem], Field(description="a user message, or items: "
                                                    "messages, function calls and outputs"))
    body: type[BaseModel] = create_model(
        "ResponsesCreateRequest", __config__=ConfigDict(extra="forbid"),
        __doc__="OpenAI's Responses request, with hybridai's fields beside them "
                "(docs/responses.md says what each field does).", **fields)
    return body


def add_responses(document: dict[str, Any]) -> None:
    """Adds ``/v1/responses`` (create, retrieve, delete, input items) to ``document``."""
    from ...schema.responses import DeletedResponse, ResponseObject
    from .responses import RESPONSES

    wire: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (responses_request_body(), "validation"), (ResponseObject, "serialization"),
        (DeletedResponse, "serialization"), (ErrorResponse, "serialization")]
    refs = _document_models(document, wire)
    errors = {"application/json": {"schema": refs["ErrorResponse"]}}
    event = {"type": "object", "required": ["event", "data"],
             "description": "one Responses event (response.created, response.in_progress, "
                            "response.output_item.added, response.output_text.delta, "
                            "response.function_call_arguments.delta, ..., "
                            "response.completed | response.incomplete | response.failed)",
             "properties": {"event": {"type": "string"}, "data": {
                 "type": "string", "contentMediaType": "application/json",
                 "contentSchema": {"type": "object",
                                   "required": ["type", "sequence_number"]}}}}
    one = {"name": "response_id", "in": "path", "required": True, "schema": {"type": "string"}}
    missing = {"404": {"description": "no stored response of this API key's has this id",
                       "content": errors},
               "401": {"description": "missing or wrong API key", "content": errors}}
    items = {"type": "object", "required": ["object", "data"], "properties": {
        "object": {"const": "list"}, "data": {"type": "array", "items": {"type": "object"}},
        "first_id": {"type": ["string", "null"]}, "last_id": {"type": ["string", "null"]},
        "has_more": {"type": "boolean"}}}
    document["paths"][RESPONSES] = _post(
        "Responses", "responses_create", refs["ResponsesCreateRequest"],
        "an OpenAI response object, or an SSE stream of events",
        {"application/json": {"schema": refs["ResponseObject"]},
         "text/event-stream": {"schema": event}}, errors)
    document["paths"][RESPONSES + "/{response_id}"] = {
        "get": {"summary": "A stored response", "operationId": "responses_retrieve",
                "parameters": [one], "responses": {
                    "200": {"description": "the response as it was sent", "content": {
                        "application/json": {"schema": refs["ResponseObject"]}}},
                    **missing}},
        "delete": {"summary": "Delete a stored response", "operationId": "responses_delete",
                   "parameters": [one], "responses": {
                       "200": {"description": "deleted", "content": {
                           "application/json": {"schema": refs["DeletedResponse"]}}},
                       **missing}}}
    document["paths"][RESPONSES + "/{response_id}/input_items"] = {"get": {
        "summary": "The conversation a stored response answered",
        "operationId": "responses_input_items", "parameters": [one], "responses": {
            "200": {"description": "its input items, first to last", "content": {
                "application/json": {"schema": items}}},
            **missing}}}
# -- end the Responses API ------------------------------------------------------------------


def install(app: FastAPI, model_names: list[str]) -> None:
    """Serves ``openapi_document`` at /openapi.json, built once, on the first request."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, model_names)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
