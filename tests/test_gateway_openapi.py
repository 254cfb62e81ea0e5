"""The gateway's OpenAPI document against the gateway: the routes it serves, the bodies its
parser takes and refuses, and the shapes it answers with.

No engine runs: the app is built (not started) on a real client, and the bodies go to the
parser the chat endpoint calls. Through a real gateway process, ``test_gateway_fuzz.py``
sends the same document's cases over HTTP.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from starlette.routing import Route

from hybridai.api.client import AsyncHybridAI
from hybridai.api.gateway.app import GatewayState, create_app
from hybridai.api.gateway.errors import ErrorResponse, HTTPError, bad_request, http_error
from hybridai.config import GatewaySettings, Settings
from hybridai.core.pipeline import Pipeline
from hybridai.errors import BudgetExhaustedError, CloudTimeoutError, InvalidRequestError
from hybridai.schema.compat import CHAT_FIELDS
from hybridai.schema.request import HYBRID_FIELDS

CHAT = "/v1/chat/completions"
BROWSER_PATHS = {"/", "/sdk/{path}", "/v1/device/model", "/v1/device/info", "/v1/router",
                 "/v1/device/runs"}  # api/gateway/browser.py
USER = [{"role": "user", "content": "Hi"}]
EXAMPLES = settings(max_examples=250, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def gateway_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("openapi")
    client = AsyncHybridAI(Settings(cache_dir=folder, cloud={},
                                    gateway=GatewaySettings(log_path=folder / "log.sqlite")))
    state = GatewayState.from_client(client)
    yield create_app(state)
    asyncio.run(client.close())
    state.log.close()


@pytest.fixture(scope="module")
def document(gateway_app: FastAPI) -> dict[str, Any]:
    # As a client gets it: through JSON.
    return json.loads(json.dumps(gateway_app.openapi()))


@pytest.fixture(scope="module")
def pipeline(gateway_app: FastAPI) -> Pipeline:
    state: GatewayState = gateway_app.state.hybridai
    return state.client.pipeline


def body_schema(document: dict[str, Any]) -> jsonschema_rs.Validator:
    """The request body's schema, with the document's components to resolve its $refs."""
    return jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/ChatCompletionRequest",
         "components": document["components"]})


def accepts(pipeline: Pipeline, body: dict[str, Any]) -> bool:
    """Whether the gateway takes ``body`` as a request: its parser, then the model name (the
    planner's first step, where an unknown model is a 404)."""
    try:
        pipeline.mode_of(pipeline.parse(copy.deepcopy(body), strict=True))
    except InvalidRequestError:
        return False
    return True


# -- the routes --------------------------------------------------------------------------------

def test_every_route_served_is_documented_and_nothing_else(gateway_app, document):
    served = set()
    for route in gateway_app.routes:
        assert isinstance(route, Route | APIRoute)
        if route.path == gateway_app.openapi_url:  # the document itself
            continue
        path = route.path.replace(":path}", "}")  # /sdk/{path:path}: documented as {path}
        served |= {(path, method.lower()) for method in route.methods or ()
                   if method != "HEAD"}
    documented = {(path, method) for path, operations in document["paths"].items()
                  for method in operations}
    assert documented == served
    assert (CHAT, "post") in documented


def test_the_document_is_valid_openapi(document):
    # schemathesis loads it and finds every operation (it refuses broken $refs).
    schema = schemathesis.openapi.from_dict(document)
    assert schema[CHAT]["POST"].method.upper() == "POST"
    assert document["openapi"].startswith("3.1")


# -- the request body -----------------------------------------------------------------------------

def test_the_body_holds_every_wire_field_and_no_internal_one(document):
    body = document["components"]["schemas"]["ChatCompletionRequest"]
    fields = set(body["properties"])
    assert fields >= HYBRID_FIELDS  # mode, cache, cascade, privacy, continue_stream
    assert "continue_stream" in fields
    assert {"max_completion_tokens", "n", "stream_options"} <= fields
    assert not fields & {"score_tokens", "options", "payload", "tenant", "extensions"}
    assert body["additionalProperties"] is False
    assert body["required"] == ["messages"]


def test_the_document_grows_only_by_what_it_was_missing(document):
    # Every field, status and other route of the hand-kept document is still there.
    body = document["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    assert set(body) == set(CHAT_FIELDS) | HYBRID_FIELDS  # docs/compatibility.md's table
    message = document["components"]["schemas"]["Message"]["properties"]
    assert set(message) == {"role", "content", "name", "tool_calls", "tool_call_id", "refusal",
                            "function_call", "audio"}
    operation = document["paths"][CHAT]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "404", "413", "429", "502",
                                           "503", "504"}
    assert operation["operationId"] == "chat_completions"
    assert set(document["paths"]) == {CHAT, "/v1/models", "/healthz", "/readyz", "/metrics",
                                      "/v1/completions",  # legacy text completions
                                      "/v1/embeddings",  # issue 18: embeddings
                                      "/v1/responses", "/v1/responses/{response_id}",
                                      "/v1/responses/{response_id}/input_items",
                                      *BROWSER_PATHS}  # issue 19


@pytest.mark.parametrize("body", [
    {"messages": USER},
    {"messages": USER, "model": "hybrid/cloud", "stream": True, "continue_stream": False,
     "max_completion_tokens": 8, "n": 1, "stream_options": {"include_usage": True}},
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}], "name": "a"}],
     "cascade": 0.5, "privacy": "redact", "cache": False, "stop": "\n", "seed": 7},
    {"messages": USER, "model": "gpt-4o", "mode": "only_in_cloud"},  # the mode decides
])
def test_examples_the_document_says_are_valid_are_accepted(document, pipeline, body):
    assert body_schema(document).is_valid(body)
    assert accepts(pipeline, body)


@pytest.mark.parametrize("body", [
    {"messages": []},
    {"messages": USER, "top_logprobs": 2},
    {"messages": USER, "tools": []},
    {"messages": [{"role": "tool", "content": "42"}]},
    {"messages": [{"role": "user", "content": "Hi", "tool_calls": []}]},
    {"messages": [{"role": "assistant", "content": None}]},
    {"messages": [{"role": "system", "content": [
        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]}]},
    {"messages": USER, "options": {"mode": "auto"}},
    {"messages": USER, "payload": {}},
    {"messages": USER, "model": "gpt-4o"},
    {"messages": USER, "max_tokens": "5"},
    {"messages": USER, "stream": 1},
    {"messages": USER, "n": True},
    {"messages": USER, "n": 0},
    {"messages": USER, "stream_options": 5},
    {"messages": USER, "max_tokens": 4, "max_completion_tokens": 0},
    {"messages": USER, "continue_stream": "yes"},
    {"messages": USER, "cascade": 1.5},
    {"messages": [{"role": "user", "content": "Hi", "name": 5}]},
    {"messages": [{"role": "user", "content": [{"type": "text"}]}]},
])
def test_examples_the_document_says_are_invalid_are_refused(document, pipeline, body):
    assert not body_schema(document).is_valid(body)
    assert not accepts(pipeline, body)


def names_an_undefined_function(body: dict[str, Any]) -> bool:
    """``tool_choice`` (or ``function_call``) names a function ``tools`` does not define."""
    choice, legacy = body.get("tool_choice"), body.get("function_call")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        named = choice["function"].get("name")
    elif isinstance(legacy, dict):
        named = legacy.get("name")
    else:
        return False
    tools = body.get("tools") or []
    defined = {t.get("function", {}).get("name") for t in tools if isinstance(t, dict)}
    defined |= {f.get("name") for f in body.get("functions") or [] if isinstance(f, dict)}
    return named not in defined


def generated_bodies(document: dict[str, Any], mode: GenerationMode) -> Any:
    operation = schemathesis.openapi.from_dict(document)[CHAT]["POST"]
    return operation.as_strategy(generation_mode=mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_parser_takes_exactly_what_the_document_allows(document, pipeline, mode):
    """Bodies generated from the document, valid ones and invalid ones: the gateway accepts
    each one if and only if the document's schema does."""
    schema = body_schema(document)
    seen = {True: 0, False: 0}

    @EXAMPLES
    @given(case=generated_bodies(document, mode))
    def check(case: Any) -> None:
        body = case.body
        if not isinstance(body, dict):
            return  # not a JSON object: the reader refuses it (invalid_json) before parsing
        valid = schema.is_valid(body)
        if valid and names_an_undefined_function(body):
            return  # the one rule a JSON schema cannot say (schema.request.REQUEST_RULES)
        seen[valid] += 1
        assert accepts(pipeline, body) == valid, (valid, body)

    check()
    # Not vacuous: the positive run made valid bodies, the negative one invalid objects.
    assert seen[mode is GenerationMode.POSITIVE] >= 50, seen


# -- the responses ---------------------------------------------------------------------------------

def test_the_answers_are_documented_by_their_models(document):
    responses = document["paths"][CHAT]["post"]["responses"]
    ok = responses["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatCompletion"}
    event = ok["text/event-stream"]["schema"]["properties"]["data"]["anyOf"]
    assert {"$ref": "#/components/schemas/ChatCompletionChunk"} in (
        event[1]["contentSchema"]["oneOf"])
    for status, response in responses.items():
        if status != "200":
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorResponse"}


@pytest.mark.parametrize("error", [
    bad_request("bad", "invalid_request", "messages"),
    http_error(CloudTimeoutError("slow")),
    http_error(BudgetExhaustedError("spent", cap="daily", retry_after=3)),
    HTTPError(401, "invalid_request_error", "invalid_api_key", "no key"),
])
def test_every_error_body_has_the_documented_shape(document, error):
    schema = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/ErrorResponse", "components": document["components"]})
    assert schema.is_valid(error.body())
    assert ErrorResponse.model_validate(error.body()).error.code == error.code
