"""A ChatRequest as the device engine's worker takes it (engines/llamacpp/command.py)."""

from __future__ import annotations

from typing import Any

import pytest

from hybridai.engines.llamacpp.command import (
    answer_form,
    chat_messages,
    sampling,
    unused_extensions,
)
from hybridai.engines.llamacpp.messages import CallRef, ChatMessage, FunctionDef, Sampling
from hybridai.errors import InvalidRequestError
from hybridai.schema.request import ChatRequest

PARAMETERS = {"type": "object", "properties": {"city": {"type": "string"}}}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                           "parameters": PARAMETERS}},
         {"type": "function", "function": {"name": "get_time"}}]
USER = [{"role": "user", "content": "Hi"}]
EXTENSIONS = frozenset({"top_k", "min_p", "repetition_penalty", "typical_p", "mirostat",
                        "mirostat_tau", "mirostat_eta", "best_of"})


def request(**fields: Any) -> ChatRequest:
    return ChatRequest.parse({"messages": USER, **fields}, extensions=EXTENSIONS)


def test_every_message_shape_reaches_the_worker() -> None:
    messages = [
        {"role": "user", "name": "ann", "content": [{"type": "text", "text": "Weather"},
                                                    {"type": "text", "text": "in Paris?"}]},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18 C"},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_time", "arguments": "{}"}},
        {"role": "function", "name": "get_time", "content": "noon"},
        {"role": "assistant", "content": None, "refusal": "I cannot."},
    ]
    assert chat_messages(request(messages=messages)) == (
        ChatMessage("user", "Weather\nin Paris?", name="ann"),
        ChatMessage("assistant", "", tool_calls=(
            CallRef("call_1", "get_weather", '{"city": "Paris"}'),)),
        ChatMessage("tool", "18 C", tool_call_id="call_1"),
        ChatMessage("assistant", "", tool_calls=(CallRef(None, "get_time", "{}"),)),
        ChatMessage("function", "noon", name="get_time"),
        ChatMessage("assistant", "I cannot."),
    )


def test_the_answer_form_follows_tool_choice_and_response_format() -> None:
    form = answer_form(request(tools=TOOLS, tool_choice="required",
                               parallel_tool_calls=False))
    assert form.functions == (FunctionDef("get_weather", "Weather", PARAMETERS),
                              FunctionDef("get_time", None,
                                          {"type": "object", "properties": {}}))
    assert (form.tool_choice, form.parallel, form.format) == ("required", False, "text")
    named = answer_form(request(tools=TOOLS, tool_choice={
        "type": "function", "function": {"name": "get_time"}}))
    assert named.tool_choice == "get_time" and named.must_call
    assert answer_form(request(tools=TOOLS)).tool_choice == "auto"
    assert not answer_form(request()).may_call
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    structured = answer_form(request(response_format={
        "type": "json_schema", "json_schema": {"name": "count", "schema": schema}}))
    assert (structured.format, structured.schema) == ("json_schema", schema)
    assert answer_form(request(response_format={"type": "json_object"})).format == (
        "json_object")


def test_a_schema_that_is_no_json_schema_is_the_requests_fault() -> None:
    with pytest.raises(InvalidRequestError, match="parameters of f is not a valid JSON schema"):
        answer_form(request(tools=[{"type": "function", "function": {
            "name": "f", "parameters": {"type": "object", "properties": {"a": {"type": 5}}}}}]))
    with pytest.raises(InvalidRequestError, match="response_format.json_schema.schema"):
        answer_form(request(response_format={"type": "json_schema", "json_schema": {
            "name": "x", "schema": {"type": "nonsense"}}}))


def test_sampling_takes_openais_fields_and_the_extensions_llama_cpp_has() -> None:
    given = request(temperature=0.7, top_p=0.9, presence_penalty=0.5, frequency_penalty=-1,
                    seed=40, top_k=20, min_p=0.1, repetition_penalty=1.2, typical_p=0.9,
                    mirostat=2, mirostat_tau=4, mirostat_eta=0.2, best_of=3)
    assert sampling(given, 2) == Sampling(
        temperature=0.7, top_p=0.9, presence_penalty=0.5, frequency_penalty=-1.0, seed=42,
        top_k=20, min_p=0.1, repeat_penalty=1.2, typical_p=0.9, mirostat_mode=2,
        mirostat_tau=4.0, mirostat_eta=0.2)
    assert unused_extensions(given) == ["best_of"]
    assert sampling(request(), 3) == Sampling()  # no seed: each choice draws its own


@pytest.mark.parametrize(("field", "value", "message"), [
    ("top_k", 2.5, "expected an integer"), ("min_p", "high", "expected a number"),
    ("mirostat", True, "expected a number")])
def test_an_extension_of_the_wrong_type_is_the_requests_fault(field: str, value: Any,
                                                               message: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"{field}: {message}"):
        sampling(request(**{field: value}))
