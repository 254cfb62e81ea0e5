"""The Responses API's translation to and from chat, without I/O: request items to chat
messages, the field table (every field the ``openai`` SDK can send is in it, refused ones are
a 400 naming them), chat answers and chunk streams to the ``response`` object and its events,
each read back by the ``openai`` SDK's own types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from openai.types.responses import Response, ResponseStreamEvent
from openai.types.responses.response_create_params import ResponseCreateParamsBase
from pydantic import TypeAdapter

from hybridai.api.responses_stream import ResponseEvents
from hybridai.errors import InvalidRequestError
from hybridai.schema.modes import Mode, Route
from hybridai.schema.request import ChatRequest
from hybridai.schema.response import (
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChunkChoice,
    Delta,
    FunctionCallDelta,
    FunctionCallOut,
    ResponseMessage,
    RoutingInfo,
    ToolCallChunk,
    ToolCallOut,
    Usage,
)
from hybridai.schema.responses import (
    RESPONSES_FIELDS,
    ItemIds,
    ResponsesRequest,
    markdown,
    response_from_completion,
    response_shell,
    responses_input,
    to_chat_payload,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "responses.md"
TOOL = {"type": "function", "name": "get_weather", "description": "The weather.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "strict": True}
ROUTING = RoutingInfo(route=Route.IN_CLOUD, target="standin", model="stand-in",
                      mode=Mode.ONLY_IN_CLOUD, reason="cloud_only", detail="mode")
EVENTS = TypeAdapter(ResponseStreamEvent)


def chat(payload: dict[str, Any]) -> dict[str, Any]:
    return to_chat_payload(ResponsesRequest.parse(payload))


def test_the_doc_is_generated_from_the_table():
    assert DOCS.read_text() == markdown()


def test_every_field_the_sdk_sends_has_a_rule():
    sdk_fields = set(get_type_hints(ResponseCreateParamsBase)) | {"stream"}
    assert sdk_fields <= set(RESPONSES_FIELDS), sdk_fields - set(RESPONSES_FIELDS)


def test_a_string_input_and_instructions():
    assert chat({"input": "Hi", "instructions": "Be brief.", "model": "hybrid"}) == {
        "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": "Hi"}], "model": "hybrid"}


def test_items_become_chat_messages():
    payload = chat({"input": [
        {"role": "developer", "content": "Use tools."},
        {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Look:"},
            {"type": "input_image", "image_url": "data:image/png;base64,AA", "detail": "low"}]},
        {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
         "content": [{"type": "output_text", "text": "Calling.", "annotations": []}]},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
         "arguments": "{\"city\": \"Utrecht\"}", "status": "completed"},
        {"type": "function_call_output", "call_id": "call_1", "output": "Sunny"}]})
    assert payload["messages"] == [
        {"role": "developer", "content": "Use tools."},
        {"role": "user", "content": [
            {"type": "text", "text": "Look:"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA",
                                                "detail": "low"}}]},
        {"role": "assistant", "content": "Calling.", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {
                "name": "get_weather", "arguments": "{\"city\": \"Utrecht\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"}]
    ChatRequest.parse(payload, strict=True)  # a valid chat request
    assert ChatRequest.parse(payload).needs() == {"vision"}


def test_tools_choice_format_and_limits():
    payload = chat({"input": "Hi", "tools": [TOOL], "tool_choice": {
        "type": "function", "name": "get_weather"}, "parallel_tool_calls": False,
        "max_output_tokens": 40, "temperature": 0.2, "text": {"format": {
            "type": "json_schema", "name": "w", "schema": {"type": "object"},
            "strict": True}, "verbosity": "low"}, "store": False, "metadata": {"a": "b"},
        "include": [], "truncation": "disabled", "mode": "only_in_cloud"})
    assert payload["tools"] == [{"type": "function", "function": {
        k: TOOL[k] for k in ("name", "description", "parameters", "strict")}}]
    assert payload["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert payload["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "w", "schema": {"type": "object"}, "strict": True}}
    assert (payload["max_tokens"], payload["temperature"], payload["verbosity"],
            payload["parallel_tool_calls"], payload["mode"]) == (40, 0.2, "low", False,
                                                                 "only_in_cloud")
    assert not {"store", "metadata", "include", "truncation"} & set(payload)
    ChatRequest.parse(payload, strict=True)


@pytest.mark.parametrize(("fields", "named"), [
    ({"reasoning": {"effort": "low"}}, "reasoning"),
    ({"include": ["reasoning.encrypted_content"]}, "include"),
    ({"truncation": "auto"}, "truncation"),
    ({"conversation": "conv_1"}, "conversation"),
    ({"tools": [{"type": "file_search", "vector_store_ids": []}]}, "tools.0.type"),
    ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input.0.type"),
    ({"input": [{"role": "user"}]}, "input.0: content"),
    ({"tool_choice": {"type": "web_search_preview"}}, "tool_choice"),
    ({"max_tokens": 5}, "max_tokens: unknown field"),
    ({"hybrid": {}}, "hybrid: unknown field"),
])
def test_what_cannot_be_honoured_is_refused_by_name(fields, named):
    with pytest.raises(InvalidRequestError) as caught:
        ResponsesRequest.parse({"input": "Hi", **fields})
    assert named in str(caught.value)


def completion(message: ResponseMessage, finish: str = "stop") -> ChatCompletion:
    return ChatCompletion(id="chatcmpl-1", created=1, model="stand-in",
                          choices=[Choice(message=message, finish_reason=finish)],
                          usage=Usage(prompt_tokens=5, completion_tokens=3, total_tokens=8),
                          hybrid=ROUTING)


@pytest.mark.parametrize(("fields", "named"), [
    ({"background": 0}, "background"),  # 0 == False in Python, but no JSON boolean
    ({"store": 0}, "store"),
    ({"stream_options": {"include_obfuscation": 0}}, "include_obfuscation"),
    ({"tools": [{"type": "function", "name": "f", "strict": 0}]}, "strict"),
    ({"text": {"format": {"type": "json_schema", "name": "r", "schema": {}, "strict": 1}}},
     "strict"),
    ({"input": [{"type": {}, "call_id": "c", "output": ""}]}, "input.0.type"),
    ({"max_output_tokens": "16"}, "max_output_tokens"),
])
def test_values_of_the_wrong_json_type_are_refused_by_name(fields, named):
    with pytest.raises(InvalidRequestError, match=named):
        ResponsesRequest.parse({"input": "hi", **fields})


def test_a_chat_answer_as_a_response_the_sdk_reads():
    request = ResponsesRequest.parse({"input": "Hi", "tools": [TOOL], "metadata": {"k": "v"}})
    answer = completion(ResponseMessage(content="Let me look.", tool_calls=[ToolCallOut(
        id="call_9", function=FunctionCallOut(name="get_weather", arguments="{}"))]),
        "tool_calls")
    response = response_from_completion(answer, request, response_id="resp_1", created_at=1)
    sdk = Response.model_validate(response.wire())
    assert sdk.output_text == response.output_text == "Let me look."
    assert [i.type for i in sdk.output] == ["message", "function_call"]
    assert sdk.output[1].call_id == "call_9" and sdk.status == "completed"
    assert sdk.usage is not None and sdk.usage.total_tokens == 8
    assert sdk.tools[0].name == "get_weather" and sdk.metadata == {"k": "v"}
    assert sdk.model_extra["hybrid"]["target"] == "standin"


def test_an_answer_cut_short_is_incomplete():
    request = ResponsesRequest.parse({"input": "Hi", "max_output_tokens": 3})
    response = response_from_completion(completion(ResponseMessage(content="One two"),
                                                   "length"), request,
                                        response_id="resp_1", created_at=1)
    sdk = Response.model_validate(response.wire())
    assert sdk.status == "incomplete" and sdk.incomplete_details is not None
    assert sdk.incomplete_details.reason == "max_output_tokens"
    assert sdk.output[0].status == "incomplete"


def chunk(delta: Delta, finish: str | None = None) -> ChatCompletionChunk:
    return ChatCompletionChunk(id="c", created=1, model="stand-in",
                               choices=[ChunkChoice(delta=delta, finish_reason=finish)])


def test_a_chunk_stream_as_the_event_sequence_the_sdk_reads():
    request = ResponsesRequest.parse({"input": "Hi", "tools": [TOOL]})
    ids = ItemIds.new()
    events = ResponseEvents(response_shell(request, "resp_1", 1, "stand-in", "in_progress"),
                            ids)
    sent = events.start()
    for piece in (chunk(Delta(role="assistant", content="")), chunk(Delta(content="Let ")),
                  chunk(Delta(content="me look.")),
                  chunk(Delta(tool_calls=[ToolCallChunk(index=0, id="call_9", type="function",
                                                        function=FunctionCallDelta(
                                                            name="get_weather",
                                                            arguments=""))])),
                  chunk(Delta(tool_calls=[ToolCallChunk(index=0, function=FunctionCallDelta(
                      arguments="{\"city\":"))])),
                  chunk(Delta(tool_calls=[ToolCallChunk(index=0, function=FunctionCallDelta(
                      arguments=" \"Utrecht\"}"))])),
                  chunk(Delta(), "tool_calls")):
        sent += events.feed(piece)
    final = response_from_completion(completion(ResponseMessage(
        content="Let me look.", tool_calls=[ToolCallOut(id="call_9", function=FunctionCallOut(
            name="get_weather", arguments="{\"city\": \"Utrecht\"}"))]), "tool_calls"),
        request, response_id="resp_1", created_at=1, ids=ids)
    sent += events.finish(final)
    parsed = [EVENTS.validate_python(json.loads(json.dumps(e))) for e in sent]
    assert [e.type for e in parsed] == [
        "response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.output_item.done", "response.completed"]
    assert [e.sequence_number for e in parsed] == list(range(len(parsed)))
    done_items = [e.item for e in parsed if e.type == "response.output_item.done"]
    assert [i.id for i in done_items] == [i.id for i in parsed[-1].response.output]
    assert done_items[1].arguments == "{\"city\": \"Utrecht\"}"


def test_a_stream_that_breaks_is_failed():
    request = ResponsesRequest.parse({"input": "Hi"})
    events = ResponseEvents(response_shell(request, "resp_1", 1, "m", "in_progress"),
                            ItemIds.new())
    [failed] = events.fail("cloud_connection", "the stream broke")
    sdk = EVENTS.validate_python(failed)
    assert sdk.type == "response.failed" and sdk.response.status == "failed"
    assert sdk.response.error is not None and sdk.response.error.message == "the stream broke"


def test_chat_messages_back_to_responses_input():
    original = [
        {"role": "user", "content": "Weather?"},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather",
         "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "Sunny"}]
    messages = chat({"input": original})["messages"]
    assert responses_input(messages) == [
        {"type": "message", "role": "user", "content": "Weather?"}, *original[1:]]
