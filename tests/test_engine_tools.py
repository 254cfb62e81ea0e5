"""The device engine honours Chat Completions' answer fields with the real llama.cpp and the
bundled SmolLM2: tool calls held to the offered functions by a grammar, structured output,
OpenAI's logprobs, several choices, and tool calls streamed as OpenAI streams them."""

from __future__ import annotations

import json
from typing import Literal

import jsonschema
import pytest
from pydantic import BaseModel

from hybridai.schema.request import ChatRequest
from tests.conftest import user

pytestmark = pytest.mark.integration

WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string"},
                   "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city", "unit"],
}
TIME_PARAMETERS = {
    "type": "object",
    "properties": {"timezone": {"type": "string"}},
    "required": ["timezone"],
}
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description":
                                      "The current weather in a city",
                                      "parameters": WEATHER_PARAMETERS}},
    {"type": "function", "function": {"name": "get_time", "description":
                                      "The current time in a timezone",
                                      "parameters": TIME_PARAMETERS}},
]
SCHEMAS = {"get_weather": WEATHER_PARAMETERS, "get_time": TIME_PARAMETERS}
QUESTION = user("What is the weather in Paris right now?")
QUICK = {"temperature": 0.0, "max_tokens": 40}


def create(client, **kwargs):
    return client.chat.completions.create(mode="only_on_device", **{**QUICK, **kwargs})


def assert_valid_calls(message) -> None:
    assert message.tool_calls, message
    for call in message.tool_calls:
        assert call.id.startswith("call_") and call.type == "function"
        arguments = json.loads(call.function.arguments)
        jsonschema.validate(arguments, SCHEMAS[call.function.name])
        # The arguments are compact JSON text, as json.dumps writes them.
        assert call.function.arguments == json.dumps(arguments, separators=(",", ":"),
                                                     ensure_ascii=False)


def test_tool_choice_required_gives_a_valid_call_of_an_offered_function(device):
    response = create(device, messages=QUESTION, tools=TOOLS, tool_choice="required")
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert_valid_calls(choice.message)
    assert response.usage.completion_tokens > 0


def test_a_named_function_is_the_one_called(device):
    response = create(device, messages=QUESTION, tools=TOOLS,
                      tool_choice={"type": "function", "function": {"name": "get_time"}})
    message = response.choices[0].message
    assert_valid_calls(message)
    assert [call.function.name for call in message.tool_calls] == ["get_time"]


def test_tool_choice_none_answers_in_text_and_counts_the_tools_in_the_prompt(device):
    response = create(device, messages=QUESTION, tools=TOOLS, tool_choice="none",
                      max_tokens=12)
    choice = response.choices[0]
    assert choice.message.tool_calls is None
    assert choice.message.content and choice.finish_reason in ("stop", "length")
    engine = device.pipeline.device.engine
    with_tools = ChatRequest.parse({"messages": QUESTION, "tools": TOOLS,
                                    "tool_choice": "none"})
    # The tools are described in the prompt, and counted as the chat ran it.
    assert engine.count_tokens(with_tools) == response.usage.prompt_tokens
    plain = engine.count_tokens(ChatRequest.parse({"messages": QUESTION}))
    assert response.usage.prompt_tokens > plain + 50


def test_a_history_with_a_tool_call_and_its_result_is_answered(device):
    messages = [
        *QUESTION,
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {
                "name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18 degrees and sunny"},
    ]
    response = create(device, messages=messages, tools=TOOLS, tool_choice="none",
                      max_tokens=16)
    assert response.text.strip()
    assert response.choices[0].message.tool_calls is None

    def counted(history):
        return device.pipeline.device.engine.count_tokens(ChatRequest.parse(
            {"messages": history, "tools": TOOLS, "tool_choice": "none"}))

    # The earlier call and its result are both in the prompt the answer was given to.
    assert response.usage.prompt_tokens == counted(messages)
    assert counted(messages) > counted(messages[:2]) > counted(messages[:1])


def test_a_json_schema_answer_validates_against_its_schema(device):
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string", "maxLength": 40},
                       "genre": {"type": "string", "enum": ["horror", "comedy", "drama"]},
                       "stars": {"type": "integer", "minimum": 1, "maximum": 5}},
        "required": ["title", "genre", "stars"],
    }
    response = create(device, messages=user("Rate the film Alien."), max_tokens=60,
                      response_format={"type": "json_schema", "json_schema": {
                          "name": "rating", "schema": schema}})
    assert response.choices[0].finish_reason == "stop"
    jsonschema.validate(json.loads(response.text), schema)


def test_a_json_object_answer_parses_as_an_object(device):
    response = create(device, messages=user("Describe a cat in JSON."), max_tokens=60,
                      response_format={"type": "json_object"})
    assert response.choices[0].finish_reason == "stop"
    assert isinstance(json.loads(response.text), dict)


def test_logprobs_list_each_token_with_its_top_alternatives(device):
    response = create(device, messages=user("Say hello."), max_tokens=6, logprobs=True,
                      top_logprobs=3)
    items = response.choices[0].logprobs.content
    assert len(items) == response.usage.completion_tokens
    assert "".join(item["token"] for item in items) == response.text
    for item in items:
        assert bytes(item["bytes"]).decode() == item["token"]
        top = item["top_logprobs"]
        assert len(top) == 3
        assert [t["logprob"] for t in top] == sorted((t["logprob"] for t in top), reverse=True)
        assert all(t["logprob"] <= 0 for t in top)
        # Greedy decoding drew the most likely token, with the logprob listed for it.
        assert (top[0]["token"], top[0]["logprob"]) == (item["token"], item["logprob"])


def test_n_choices_use_seed_plus_i(device):
    kwargs = {"messages": user("Invent a name for a dog."), "temperature": 1.0,
              "max_tokens": 8}
    both = create(device, n=2, seed=11, **kwargs)
    assert [c.index for c in both.choices] == [0, 1]
    alone = [create(device, seed=seed, **kwargs) for seed in (11, 12)]
    assert [c.message.content for c in both.choices] == [a.text for a in alone]
    assert both.usage.completion_tokens == sum(a.usage.completion_tokens for a in alone)
    assert [c.finish_reason for c in both.choices] == [a.choices[0].finish_reason
                                                      for a in alone]


def test_a_streamed_tool_call_comes_in_openai_shaped_deltas(device):
    chunks = list(create(device, messages=QUESTION, tools=TOOLS, stream=True,
                         tool_choice={"type": "function", "function": {"name": "get_weather"}}))
    deltas = [call for chunk in chunks for c in chunk.choices for call in c.delta.tool_calls or ()]
    assert len(deltas) > 2  # the arguments arrive as they are generated
    first, rest = deltas[0], deltas[1:]
    assert first.index == 0 and first.id.startswith("call_") and first.type == "function"
    assert first.function.name == "get_weather"
    assert all(d.index == 0 and d.id is None and d.function.name is None for d in rest)
    arguments = "".join(d.function.arguments or "" for d in deltas)
    jsonschema.validate(json.loads(arguments), WEATHER_PARAMETERS)
    finishes = [c.finish_reason for chunk in chunks for c in chunk.choices if c.finish_reason]
    assert finishes == ["tool_calls"]


class Film(BaseModel):
    title: str
    year: int
    genre: Literal["horror", "comedy", "drama", "science fiction"]


def test_the_library_parses_a_device_answer_into_the_pydantic_model_asked_for(device):
    completion = device.chat.completions.parse(
        response_format=Film, messages=user("Describe the film Alien as JSON."),
        mode="only_on_device", temperature=0.0, max_tokens=60)
    assert completion.hybrid.route == "on_device"
    film = completion.choices[0].message.parsed
    assert isinstance(film, Film) and film == Film.model_validate_json(completion.text)


async def test_the_async_library_parses_too(make_async_client):
    client = make_async_client(None)
    completion = await client.chat.completions.parse(
        response_format=Film, messages=user("Describe the film Alien as JSON."),
        mode="only_on_device", temperature=0.0, max_tokens=60)
    assert isinstance(completion.choices[0].message.parsed, Film)
