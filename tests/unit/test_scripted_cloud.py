"""The scripted cloud's logic (tests/support/scripted_cloud.py): schema instances that
validate, and which function it calls when."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from pydantic import BaseModel, Field

from tests.support.scripted_cloud import WORD, answers, chunks, instance_of, tokens_of


class Place(BaseModel):
    city: str
    country: str = "NL"


class Forecast(BaseModel):
    place: Place
    days: list[int] = Field(min_length=2)
    temperature: float = Field(ge=-40, le=50)
    windy: bool
    unit: str = Field(json_schema_extra={"enum": ["celsius", "fahrenheit"]})
    note: str | None


SCHEMAS = [
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3, "maximum": 9},
                                      "x": {"type": "number", "exclusiveMaximum": 1}},
     "required": ["n", "x"]},
    {"type": "array", "items": {"type": "string", "minLength": 20}, "minItems": 3},
    {"type": ["null", "boolean"]},
    {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
        "when": {"type": "string", "format": "date-time"}}, "required": ["when"]}]},
    {"allOf": [{"properties": {"a": {"const": 7}}, "required": ["a"]},
               {"properties": {"b": {"enum": ["x", "y"]}}, "required": ["b"]}]},
    Forecast.model_json_schema(),
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_instances_validate(schema):
    value = instance_of(schema)
    jsonschema_rs.validate(schema, value)
    assert instance_of(schema) == value  # the same every time


def test_instance_fills_required_properties_by_type():
    value = instance_of(Forecast.model_json_schema(), word="sunny")
    assert value["place"] == {"city": "sunny"} and value["unit"] == "celsius"
    assert value["days"] == [1, 1] and value["windy"] is True and value["note"] == "sunny"
    assert value["temperature"] == 1.5


WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
CLOCK = {"type": "function", "function": {"name": "get_time", "parameters": {
    "type": "object", "properties": {}}}}
ASK = {"role": "user", "content": "Weather and time in Utrecht?"}


def called(payload):
    choice = answers(payload, 1)[0]
    return (choice.call.name, json.loads(choice.call.arguments)) if choice.call else choice


def after(name, result, call_id):
    return [{"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": call_id, "content": result}]


def test_calls_each_offered_function_then_quotes_their_results():
    tools = [WEATHER, CLOCK]
    assert called({"messages": [ASK], "tools": tools}) == ("get_weather", {"city": WORD})
    history = [ASK, *after("get_weather", "Sunny", "c1")]
    assert called({"messages": history, "tools": tools}) == ("get_time", {})
    history += after("get_time", "noon", "c2")
    final = answers({"messages": history, "tools": tools}, 3)[0]
    assert final.call is None and final.finish_reason == "stop"
    assert final.content == "get_weather said: Sunny; get_time said: noon."


def test_choice_decides_the_call():
    named = {"type": "function", "function": {"name": "get_time"}}
    assert called({"messages": [ASK], "tools": [WEATHER, CLOCK], "tool_choice": named})[0] == \
        "get_time"
    done = [ASK, *after("get_weather", "Sunny", "c1")]
    assert called({"messages": done, "tools": [WEATHER], "tool_choice": "required"})[0] == \
        "get_weather"
    plain = answers({"messages": [ASK], "tools": [WEATHER], "tool_choice": "none"}, 1)[0]
    assert plain.content == "You said: Weather and time in Utrecht?"
    legacy = answers({"messages": [ASK], "functions": [WEATHER["function"]]}, 1)[0]
    assert legacy.legacy and legacy.finish_reason == "function_call"


def test_structured_answer_carries_tool_results():
    schema = {"type": "object", "properties": {"summary": {"type": "string"}},
              "required": ["summary"]}
    history = [ASK, *after("get_weather", "Sunny", "c1")]
    answer = answers({"messages": history, "response_format": {
        "type": "json_schema", "json_schema": {"name": "s", "schema": schema}}}, 2)[0]
    assert json.loads(answer.content) == {"summary": "Sunny"}


def test_streamed_tool_call_deltas_rebuild_the_call():
    events = list(chunks({"messages": [ASK], "tools": [WEATHER], "n": 2,
                          "stream_options": {"include_usage": True}}, 5))
    first = events[0]["choices"][0]["delta"]["tool_calls"][0]
    assert first == {"index": 0, "id": "call_5_0", "type": "function",
                     "function": {"name": "get_weather", "arguments": ""}}
    arguments = {0: "", 1: ""}
    for event in events[:-1]:
        for choice in event["choices"]:
            for call in choice["delta"].get("tool_calls", []):
                arguments[choice["index"]] += call["function"]["arguments"]
    assert all(json.loads(a) == {"city": WORD} for a in arguments.values())
    assert [e["choices"][0]["index"] for e in events[:2]] == [0, 1]  # interleaved
    assert events[-1]["choices"] == [] and events[-1]["usage"]["completion_tokens"] > 0


def test_tokens_rebuild_the_text():
    text = "You said: hello  there"
    assert "".join(tokens_of(text)) == text
