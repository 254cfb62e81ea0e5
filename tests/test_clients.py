"""The official OpenAI Python SDK, unchanged but for its base_url, against a real `hybridai
serve` with a scripted cloud model behind it (tests/support/scripted_cloud.py): plain chat,
streams, whole tool rounds, structured outputs, n, logprobs, and every message reaching the
cloud exactly as the SDK sent it (the gateway replaces only ``model``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import openai
import pytest
from pydantic import BaseModel

from tests.support.gateway_process import GatewayProcess
from tests.support.scripted_cloud import WORD, ScriptedCloud, answers, instance_of, usage

pytestmark = pytest.mark.integration

CLOUD = "hybrid/only_in_cloud"
DEVICE = "hybrid/only_on_device"
TARGET_MODEL = "stand-in"  # what tests/support/gateway_process.py names the cloud's model

WEATHER: dict[str, Any] = {"type": "function", "function": {
    "name": "get_weather", "description": "The weather in a city now.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"], "additionalProperties": False}}}
CLOCK: dict[str, Any] = {"type": "function", "function": {
    "name": "get_time", "description": "The local time in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}
ASK = [{"role": "system", "content": "You answer with the tools you have."},
       {"role": "user", "content": "What is the weather in Utrecht?", "name": "tester"}]
SAID = "You said: What is the weather in Utrecht?"  # the scripted model's plain answer
SUNNY = "Sunny and 21 degrees"


class Weather(BaseModel):
    city: str
    degrees: int
    sunny: bool


@pytest.fixture
def client(scripted_gateway: GatewayProcess) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=scripted_gateway.base_url, api_key="unused", max_retries=0) as sdk:
        yield sdk


@pytest.fixture
async def aclient(scripted_gateway: GatewayProcess) -> Any:
    sdk = openai.AsyncOpenAI(base_url=scripted_gateway.base_url, api_key="unused", max_retries=0)
    yield sdk
    await sdk.close()


def sent_body(raw: Any) -> dict[str, Any]:
    """The JSON the SDK put on the wire for a ``with_raw_response`` call."""
    return json.loads(raw.http_request.content)


def assert_forwarded(sent: dict[str, Any], cloud: ScriptedCloud) -> dict[str, Any]:
    """The cloud's last request is ``sent`` with the target's model: every field the SDK sent
    is there, equal as JSON; the gateway added nothing but ``stream`` and its usage request.
    Returns what the cloud received."""
    received = cloud.chats[-1].json
    assert received["model"] == TARGET_MODEL
    for key in ("messages", "tools", "tool_choice", "functions", "function_call",
                "response_format", "n", "logprobs", "top_logprobs"):
        assert received.get(key) == sent.get(key), key
    assert {k: v for k, v in received.items() if k not in ("model", "stream", "stream_options")
            } == {k: v for k, v in sent.items() if k not in ("model", "stream", "stream_options")}
    assert set(received) - set(sent) <= {"model", "stream", "stream_options"}
    if sent.get("stream"):
        assert received["stream"] is True and received["stream_options"]["include_usage"]
    return received


# -- plain chat --------------------------------------------------------------------------------

def test_plain_chat(client, scripted):
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=ASK)
    completion = raw.parse()
    assert raw.headers["x-hybrid-route"] == "in_cloud"
    choice = completion.choices[0]
    assert choice.message.content == SAID
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    received = assert_forwarded(sent_body(raw), scripted)
    assert completion.usage.model_dump(exclude_none=True) == usage(received,
                                                                   answers(received, 1))


def test_plain_stream_with_usage(client, scripted):
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=ASK, stream=True, stream_options={"include_usage": True})
    events = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in events if c.choices)
    assert text == SAID
    finished = [c.choices[0].finish_reason for c in events if c.choices and
                c.choices[0].finish_reason]
    assert finished == ["stop"]
    received = assert_forwarded(sent_body(raw), scripted)
    assert events[-1].usage is not None  # as the cloud counted it:
    assert events[-1].usage.model_dump(exclude_none=True) == usage(received,
                                                                   answers(received, 1))


# -- a whole tool round -------------------------------------------------------------------------

def tool_round_messages(call_id: str, arguments: str) -> list[dict[str, Any]]:
    """ASK, then the assistant's call (content null) and the tool's result, as a client
    sends them back."""
    return [*ASK,
            {"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function",
                "function": {"name": "get_weather", "arguments": arguments}}]},
            {"role": "tool", "tool_call_id": call_id, "content": SUNNY}]


def test_tool_round_unstreamed(client, scripted):
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=ASK,
                                                           tools=[WEATHER])
    first = raw.parse().choices[0]
    assert first.finish_reason == "tool_calls" and first.message.content is None
    (call,) = first.message.tool_calls
    assert call.type == "function" and call.function.name == "get_weather" and call.id
    assert json.loads(call.function.arguments) == instance_of(
        WEATHER["function"]["parameters"]) == {"city": WORD, "unit": "celsius"}
    assert_forwarded(sent_body(raw), scripted)

    messages = tool_round_messages(call.id, call.function.arguments)
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=messages,
                                                           tools=[WEATHER])
    final = raw.parse().choices[0]
    assert final.finish_reason == "stop"
    assert final.message.content == f"get_weather said: {SUNNY}."
    received = assert_forwarded(sent_body(raw), scripted)
    assistant, tool = received["messages"][-2:]
    assert "content" in assistant and assistant["content"] is None
    assert tool == {"role": "tool", "tool_call_id": call.id, "content": SUNNY}


def assemble(events: list[Any]) -> tuple[dict[int, dict[str, Any]], str | None]:
    """Tool calls rebuilt from stream deltas, by index, as OpenAI's docs do it; and the
    finish reason."""
    calls: dict[int, dict[str, Any]] = {}
    finish = None
    for event in events:
        for choice in event.choices:
            finish = choice.finish_reason or finish
            for delta in choice.delta.tool_calls or ():
                call = calls.setdefault(delta.index, {"id": None, "name": "", "arguments": ""})
                if delta.id:
                    assert call["id"] is None, "a call's id comes once, in its first delta"
                    call["id"] = delta.id
                if delta.function and delta.function.name:
                    call["name"] += delta.function.name
                if delta.function and delta.function.arguments:
                    call["arguments"] += delta.function.arguments
    return calls, finish


def test_tool_round_streamed(client, scripted):
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=ASK,
                                                           tools=[WEATHER], stream=True)
    events = list(raw.parse())
    firsts = [d for e in events for c in e.choices for d in c.delta.tool_calls or ()]
    assert firsts[0].index == 0 and firsts[0].id and firsts[0].type == "function"
    assert firsts[0].function.name == "get_weather"
    calls, finish = assemble(events)
    assert finish == "tool_calls" and list(calls) == [0]
    assert calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"city": WORD, "unit": "celsius"}
    assert not "".join(c.choices[0].delta.content or "" for c in events if c.choices)
    assert_forwarded(sent_body(raw), scripted)

    messages = tool_round_messages(calls[0]["id"], calls[0]["arguments"])
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=messages,
                                                           tools=[WEATHER], stream=True)
    events = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in events if c.choices)
    assert text == f"get_weather said: {SUNNY}."
    assert_forwarded(sent_body(raw), scripted)


def test_named_tool_choice_and_two_tools(client, scripted):
    choice = {"type": "function", "function": {"name": "get_time"}}
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=ASK, tools=[WEATHER, CLOCK], tool_choice=choice,
        parallel_tool_calls=False)
    (call,) = raw.parse().choices[0].message.tool_calls
    assert call.function.name == "get_time"
    assert_forwarded(sent_body(raw), scripted)


def test_legacy_functions(client, scripted):
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=ASK, functions=[WEATHER["function"]],
        function_call={"name": "get_weather"})
    choice = raw.parse().choices[0]
    assert choice.finish_reason == "function_call"
    assert choice.message.function_call.name == "get_weather"
    assert json.loads(choice.message.function_call.arguments)["unit"] == "celsius"
    assert_forwarded(sent_body(raw), scripted)


def test_legacy_functions_streamed_in_two_choices(client, scripted):
    stream = client.chat.completions.create(
        model=CLOUD, messages=ASK, functions=[WEATHER["function"]], n=2, stream=True)
    calls: dict[int, dict[str, str]] = {}
    finished = {}
    for event in stream:
        for choice in event.choices:
            call = calls.setdefault(choice.index, {"name": "", "arguments": ""})
            if choice.delta.function_call:
                call["name"] += choice.delta.function_call.name or ""
                call["arguments"] += choice.delta.function_call.arguments or ""
            if choice.finish_reason:
                finished[choice.index] = choice.finish_reason
    assert finished == {0: "function_call", 1: "function_call"}
    for index in (0, 1):
        assert calls[index]["name"] == "get_weather"
        assert json.loads(calls[index]["arguments"]) == {"city": WORD, "unit": "celsius"}


# -- structured outputs, n, logprobs --------------------------------------------------------------

def test_parse_gives_a_pydantic_model(client, scripted):
    raw = client.chat.completions.with_raw_response.parse(model=CLOUD, messages=ASK,
                                                          response_format=Weather)
    parsed = raw.parse().choices[0].message.parsed
    assert isinstance(parsed, Weather)
    sent_format = assert_forwarded(sent_body(raw), scripted)["response_format"]
    assert sent_format["type"] == "json_schema" and sent_format["json_schema"]["strict"]
    assert parsed == Weather(**instance_of(sent_format["json_schema"]["schema"]))
    assert parsed.city == WORD


def test_parse_after_a_tool_round(client, scripted):
    messages = tool_round_messages("call_w", json.dumps({"city": "Utrecht", "unit": "celsius"}))
    strict = {**WEATHER, "function": {**WEATHER["function"], "strict": True}}  # parse() asks it
    raw = client.chat.completions.with_raw_response.parse(
        model=CLOUD, messages=messages, tools=[strict], tool_choice="none",
        response_format=Weather)
    parsed = raw.parse().choices[0].message.parsed
    assert parsed.city == SUNNY  # the scripted model passes the tool's answer on
    assert_forwarded(sent_body(raw), scripted)


def test_stream_helper_parses_a_pydantic_model(client, scripted):
    with client.chat.completions.stream(model=CLOUD, messages=ASK,
                                        response_format=Weather) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_completion()
    assert "content.delta" in kinds and "content.done" in kinds
    parsed = final.choices[0].message.parsed
    schema = scripted.chats[-1].json["response_format"]["json_schema"]["schema"]
    assert parsed == Weather(**instance_of(schema))


def test_json_object(client, scripted):
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=ASK, response_format={"type": "json_object"})
    assert json.loads(raw.parse().choices[0].message.content) == {"answer": WORD}
    assert_forwarded(sent_body(raw), scripted)


def test_two_choices(client, scripted):
    raw = client.chat.completions.with_raw_response.create(model=CLOUD, messages=ASK, n=2)
    choices = raw.parse().choices
    assert [c.index for c in choices] == [0, 1]
    assert [c.message.content for c in choices] == [SAID, SAID + " [1]"]
    assert_forwarded(sent_body(raw), scripted)


def test_two_choices_streamed(client, scripted):
    stream = client.chat.completions.create(model=CLOUD, messages=ASK, n=2, stream=True)
    texts = {0: "", 1: ""}
    finished = {}
    for event in stream:
        for choice in event.choices:
            texts[choice.index] += choice.delta.content or ""
            if choice.finish_reason:
                finished[choice.index] = choice.finish_reason
    assert texts == {0: SAID, 1: SAID + " [1]"}
    assert finished == {0: "stop", 1: "stop"}


def test_logprobs(client, scripted):
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=ASK, logprobs=True, top_logprobs=2)
    choice = raw.parse().choices[0]
    tokens = choice.logprobs.content
    assert "".join(t.token for t in tokens) == choice.message.content
    for token in tokens:
        assert token.logprob < 0 and token.bytes == list(token.token.encode())
        assert len(token.top_logprobs) == 2 and token.top_logprobs[0].token == token.token
    assert_forwarded(sent_body(raw), scripted)


def test_logprobs_streamed(client, scripted):
    stream = client.chat.completions.create(model=CLOUD, messages=ASK, logprobs=True,
                                            top_logprobs=1, stream=True)
    text, tokens = "", []
    for event in stream:
        for choice in event.choices:
            text += choice.delta.content or ""
            tokens += choice.logprobs.content if choice.logprobs and choice.logprobs.content \
                else []
    assert text and "".join(t.token for t in tokens) == text
    assert all(len(t.top_logprobs) == 1 for t in tokens)


# -- every message shape reaches the cloud as sent ------------------------------------------------

def test_every_message_shape_is_forwarded_verbatim(client, scripted):
    messages = [
        {"role": "developer", "content": "Be brief."},
        {"role": "user", "name": "tester", "content": [
            {"type": "text", "text": "What is in this picture, and what is the weather?"},
            {"type": "image_url", "image_url": {"url": "https://example.org/cat.png",
                                                "detail": "low"}}]},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_a", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city":"Utrecht"}'}},
            {"id": "call_b", "type": "function",
             "function": {"name": "get_time", "arguments": '{"city":"Utrecht"}'}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": SUNNY},
        {"role": "tool", "tool_call_id": "call_b", "content": [{"type": "text",
                                                                "text": "ten past nine"}]},
        {"role": "assistant", "content": "A cat; sunny.", "refusal": None},
        {"role": "user", "content": [{"type": "text", "text": "And tomorrow?"}]},
    ]
    raw = client.chat.completions.with_raw_response.create(
        model=CLOUD, messages=messages, tools=[WEATHER, CLOCK], tool_choice="auto",
        parallel_tool_calls=True, temperature=0.2, seed=7, max_tokens=50,
        metadata={"suite": "clients"}, user="tester")
    assert raw.parse().choices[0].message.tool_calls[0].function.name == "get_weather"
    received = assert_forwarded(sent_body(raw), scripted)
    assert received["messages"] == messages


async def test_async_client_tool_round(aclient, scripted):
    first = await aclient.chat.completions.create(model=CLOUD, messages=ASK, tools=[WEATHER])
    (call,) = first.choices[0].message.tool_calls
    stream = await aclient.chat.completions.create(
        model=CLOUD, messages=tool_round_messages(call.id, call.function.arguments),
        tools=[WEATHER], stream=True)
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == f"get_weather said: {SUNNY}."
    assert scripted.chats[-1].json["messages"][-1]["tool_call_id"] == call.id


async def test_async_client_streamed_tool_call(aclient, scripted):
    stream = await aclient.chat.completions.create(model=CLOUD, messages=ASK,
                                                   tools=[WEATHER, CLOCK], stream=True)
    calls, finish = assemble([event async for event in stream])
    assert finish == "tool_calls" and calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"city": WORD, "unit": "celsius"}


# -- the device path -----------------------------------------------------------------------------

def test_device_answers_a_required_tool_call(client, scripted):
    raw = client.chat.completions.with_raw_response.create(
        model=DEVICE, messages=ASK, tools=[WEATHER, CLOCK], tool_choice="required",
        max_tokens=80, temperature=0)
    assert raw.headers["x-hybrid-route"] == "on_device"
    choice = raw.parse().choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls, choice.message
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in (WEATHER, CLOCK)}
    for call in choice.message.tool_calls:
        assert call.type == "function" and call.id
        assert call.function.name in schemas
        jsonschema_rs.validate(schemas[call.function.name], json.loads(call.function.arguments))
    assert scripted.chats == []
