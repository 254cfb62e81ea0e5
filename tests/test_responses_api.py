"""``POST /v1/responses`` through a real ``hybridai serve``: the official OpenAI SDK's
``client.responses`` unchanged but for its base_url, on the device (the real llama.cpp engine
with SmolLM2) and in the cloud (the scripted loopback cloud, tests/support/scripted_cloud.py);
stored responses, ``previous_response_id`` and their scoping to API keys; refused fields; the
request log; the library's ``client.responses``; and the OpenAI Agents SDK over its default
``OpenAIResponsesModel``."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import openai
import pytest
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseTextDeltaEvent,
)

from hybridai.config import GatewaySettings
from tests.support.gateway_process import GatewayProcess, write_config
from tests.support.scripted_cloud import WORD, ScriptedCloud, instance_of

pytestmark = pytest.mark.integration

CLOUD = "hybrid/only_in_cloud"
DEVICE = "hybrid/only_on_device"
KEY, OTHER_KEY = "key-of-tenant-a", "key-of-tenant-b"
KEYS_ENV = "RESPONSES_TEST_CLIENT_KEYS"
RESPONDER = "cloud.responder"  # a second target on the scripted cloud, speaking /v1/responses
IN_RESPONDER = {"mode": "only_in_cloud"}  # with model="responder": that target first

WEATHER: dict[str, Any] = {
    "type": "function", "name": "get_weather", "description": "The weather in a city now.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"], "additionalProperties": False},
    "strict": True}
REPORT: dict[str, Any] = {"type": "object", "properties": {
    "city": {"type": "string"}, "sunny": {"type": "boolean"}},
    "required": ["city", "sunny"], "additionalProperties": False}
REPORT_FORMAT = {"format": {"type": "json_schema", "name": "report", "schema": REPORT,
                            "strict": True}}
SUNNY = "Sunny and 21 degrees"


@pytest.fixture(scope="module")
def gateway(scripted_cloud: ScriptedCloud, tmp_path_factory: pytest.TempPathFactory,
            shared_cache: Path) -> Iterator[GatewayProcess]:
    """``hybridai serve`` with two client keys, in front of the scripted cloud."""
    folder = tmp_path_factory.mktemp("gateway-responses")
    log = folder / "requests.sqlite"
    config = write_config(folder, cloud_url=scripted_cloud.base_url, cache_dir=shared_cache,
                          gateway={"log_path": log, "api_keys_env": KEYS_ENV},
                          cache={"enabled": False}, sections={RESPONDER: {
                              "base_url": scripted_cloud.base_url, "model": "stand-in",
                              "responses_api": True, "connect_timeout_s": 2}})
    # Top-level keys go before the tables: the chat target stays the primary.
    config.write_text('cloud_order = ["standin", "responder"]\n' + config.read_text())
    process = GatewayProcess(config, log, env={KEYS_ENV: f"{KEY},{OTHER_KEY}"}).start()
    yield process
    process.stop()


@pytest.fixture
def client(gateway: GatewayProcess) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0) as sdk:
        yield sdk


def hybrid(response: Response) -> dict[str, Any]:
    """The routing metadata the gateway adds (an extra field to the SDK)."""
    extra = response.model_extra or {}
    assert "hybrid" in extra, response
    return dict(extra["hybrid"])


def messages_sent(cloud: ScriptedCloud) -> list[dict[str, Any]]:
    return list(cloud.chats[-1].json["messages"])


# -- plain ------------------------------------------------------------------------------------

def test_plain_in_the_cloud(client, scripted):
    response = client.responses.create(model=CLOUD, input="Hello there",
                                       instructions="Answer briefly.")
    assert isinstance(response, Response)
    assert response.status == "completed" and response.object == "response"
    assert response.id.startswith("resp_")
    assert response.output_text == "You said: Hello there"
    [message] = response.output
    assert isinstance(message, ResponseOutputMessage) and message.id.startswith("msg_")
    assert message.content[0].type == "output_text"
    assert response.instructions == "Answer briefly."
    assert messages_sent(scripted) == [{"role": "system", "content": "Answer briefly."},
                                       {"role": "user", "content": "Hello there"}]
    assert response.usage is not None and response.usage.output_tokens > 0
    assert response.usage.total_tokens == (response.usage.input_tokens
                                           + response.usage.output_tokens)
    routing = hybrid(response)
    assert routing["route"] == "in_cloud" and routing["target"] == "standin"
    assert routing["completion_tokens"] == response.usage.output_tokens


def test_plain_on_the_device(client, scripted):
    raw = client.responses.with_raw_response.create(
        model=DEVICE, input=[{"role": "user", "content": [
            {"type": "input_text", "text": "Name one colour."}]}],
        max_output_tokens=24, temperature=0)
    assert raw.headers["x-hybrid-route"] == "on_device"
    response = raw.parse()
    assert response.status in ("completed", "incomplete")
    if response.status == "incomplete":
        assert response.incomplete_details.reason == "max_output_tokens"
    assert response.output_text.strip()
    assert response.max_output_tokens == 24
    assert hybrid(response)["route"] == "on_device"
    assert scripted.chats == []


# -- streaming ----------------------------------------------------------------------------------

def check_stream(events: list[Any]) -> Response:
    """The event sequence is OpenAI's; returns the final response."""
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed", kinds
    assert [e.sequence_number for e in events] == list(range(len(events)))
    final = events[-1]
    assert isinstance(final, ResponseCompletedEvent)
    response = final.response
    deltas = [e.delta for e in events if isinstance(e, ResponseTextDeltaEvent)]
    if deltas:
        for kind in ("response.output_item.added", "response.content_part.added",
                     "response.output_text.done", "response.content_part.done",
                     "response.output_item.done"):
            assert kind in kinds
        assert "".join(deltas) == response.output_text
        done = next(e for e in events if e.type == "response.output_text.done")
        assert done.text == response.output_text
        assert kinds.index("response.output_item.added") < kinds.index(
            "response.output_text.delta") < kinds.index("response.output_text.done")
    return response


def test_stream_in_the_cloud(client, scripted):
    with client.responses.create(model=CLOUD, input="Stream this please", stream=True) as stream:
        events = list(stream)
    response = check_stream(events)
    assert response.output_text == "You said: Stream this please"
    assert len([e for e in events if e.type == "response.output_text.delta"]) > 1
    assert hybrid(response)["route"] == "in_cloud"
    assert scripted.chats[-1].json["stream"] is True


def test_stream_on_the_device(client, scripted):
    with client.responses.create(model=DEVICE, input="Say hello.", stream=True,
                                 max_output_tokens=16, temperature=0) as stream:
        events = list(stream)
    kinds = [e.type for e in events]
    if kinds[-1] == "response.incomplete":  # cut by max_output_tokens
        assert events[-1].response.incomplete_details.reason == "max_output_tokens"
        kinds[-1] = "response.completed"
    else:
        check_stream(events)
    assert "response.output_text.delta" in kinds
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text.strip() and events[-1].response.output_text == text
    assert hybrid(events[-1].response)["route"] == "on_device"
    assert scripted.chats == []


# -- a whole tool round -------------------------------------------------------------------------

def test_tool_round_in_the_cloud_by_previous_response_id(client, scripted):
    first = client.responses.create(model=CLOUD, input="What is the weather in Utrecht?",
                                    tools=[WEATHER])
    [call] = first.output
    assert isinstance(call, ResponseFunctionToolCall) and call.name == "get_weather"
    assert json.loads(call.arguments) == instance_of(WEATHER["parameters"])
    assert call.id and call.id.startswith("fc_") and call.call_id
    assert first.output_text == ""
    second = client.responses.create(
        model=CLOUD, previous_response_id=first.id, tools=[WEATHER],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": SUNNY}])
    assert second.output_text == f"get_weather said: {SUNNY}."
    assert second.previous_response_id == first.id
    sent = messages_sent(scripted)
    assert [m["role"] for m in sent] == ["user", "assistant", "tool"]
    assert sent[1]["tool_calls"][0]["id"] == call.call_id
    assert sent[2] == {"role": "tool", "tool_call_id": call.call_id, "content": SUNNY}


def test_tool_round_in_the_cloud_by_full_input(client, scripted):
    question = [{"role": "user", "content": "What is the weather in Utrecht?"}]
    first = client.responses.create(model=CLOUD, input=question, tools=[WEATHER],
                                    store=False)
    call = first.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    given = [*question, call.model_dump(exclude_none=True),
             {"type": "function_call_output", "call_id": call.call_id, "output": SUNNY}]
    second = client.responses.create(model=CLOUD, input=given, tools=[WEATHER], store=False)
    assert second.output_text == f"get_weather said: {SUNNY}."
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(first.id)  # store=False: nothing kept


def test_streamed_tool_call_in_the_cloud(client, scripted):
    with client.responses.create(model=CLOUD, input="Weather in Utrecht?", tools=[WEATHER],
                                 stream=True) as stream:
        events = list(stream)
    kinds = [e.type for e in events]
    response = check_stream(events)
    [call] = response.output
    assert isinstance(call, ResponseFunctionToolCall)
    deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    assert len(deltas) > 1 and "".join(deltas) == call.arguments
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert done.arguments == call.arguments and done.item_id == call.id
    added = next(e for e in events if e.type == "response.output_item.added")
    assert added.item.type == "function_call" and added.item.call_id == call.call_id
    assert kinds.index("response.output_item.added") < kinds.index(
        "response.function_call_arguments.delta") < kinds.index("response.output_item.done")


def test_tool_round_on_the_device(client, scripted):
    first = client.responses.create(model=DEVICE, input="What is the weather in Utrecht?",
                                    tools=[WEATHER], tool_choice="required",
                                    max_output_tokens=60, temperature=0)
    calls = [i for i in first.output if isinstance(i, ResponseFunctionToolCall)]
    assert calls, first.output
    for call in calls:
        assert call.name == "get_weather"
        jsonschema_rs.validate(WEATHER["parameters"], json.loads(call.arguments))
    outputs = [{"type": "function_call_output", "call_id": c.call_id, "output": SUNNY}
               for c in calls]
    second = client.responses.create(model=DEVICE, previous_response_id=first.id,
                                     input=outputs, tools=[WEATHER], tool_choice="none",
                                     max_output_tokens=40, temperature=0)
    assert second.output_text.strip()
    assert not [i for i in second.output if isinstance(i, ResponseFunctionToolCall)]
    assert hybrid(second)["route"] == "on_device"
    assert scripted.chats == []


# -- structured output ----------------------------------------------------------------------------

@pytest.mark.parametrize("model", [CLOUD, DEVICE], ids=["cloud", "device"])
def test_text_format_json_schema(client, scripted, model):
    response = client.responses.create(model=model, input="Describe Utrecht's weather.",
                                       text=REPORT_FORMAT, max_output_tokens=80,
                                       temperature=0)
    assert response.status == "completed", response
    jsonschema_rs.validate(REPORT, json.loads(response.output_text))
    assert response.text is not None and response.text.format.type == "json_schema"
    if model == CLOUD:
        sent = scripted.chats[-1].json["response_format"]
        assert sent == {"type": "json_schema", "json_schema": {
            "name": "report", "schema": REPORT, "strict": True}}
        assert json.loads(response.output_text) == instance_of(REPORT)
    else:
        assert hybrid(response)["route"] == "on_device"


# -- stored responses ---------------------------------------------------------------------------

def test_store_get_input_items_delete(client, scripted):
    created = client.responses.create(model=CLOUD, input="Remember me",
                                      metadata={"topic": "memory"})
    fetched = client.responses.retrieve(created.id)
    assert fetched.id == created.id and fetched.output_text == created.output_text
    assert fetched.metadata == {"topic": "memory"} and hybrid(fetched)["route"] == "in_cloud"
    items = client.responses.input_items.list(created.id)
    assert [i.type for i in items.data] == ["message"]
    assert items.data[0].content[0].text == "Remember me"
    assert client.responses.delete(created.id) is None
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)


def test_previous_response_id_continues_the_conversation(client, scripted):
    first = client.responses.create(model=CLOUD, input="The answer is forty-two.")
    second = client.responses.create(model=CLOUD, input="What was the answer?",
                                     previous_response_id=first.id)
    assert second.output_text == "You said: What was the answer?"
    assert messages_sent(scripted)[-3:] == [
        {"role": "user", "content": "The answer is forty-two."},
        {"role": "assistant", "content": "You said: The answer is forty-two."},
        {"role": "user", "content": "What was the answer?"}]
    items = client.responses.input_items.list(second.id)
    assert [i.type for i in items.data] == ["message", "message", "message"]


def test_unknown_previous_response_id_is_an_error_naming_it(client, scripted):
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=CLOUD, input="Hi", previous_response_id="resp_nope")
    assert caught.value.body["param"] == "previous_response_id"
    assert "resp_nope" in caught.value.body["message"]
    assert scripted.chats == []


def test_another_key_cannot_see_a_stored_response(gateway, client, scripted):
    created = client.responses.create(model=CLOUD, input="Private to tenant A")
    with openai.OpenAI(base_url=gateway.base_url, api_key=OTHER_KEY, max_retries=0) as other:
        with pytest.raises(openai.NotFoundError):
            other.responses.retrieve(created.id)
        with pytest.raises(openai.NotFoundError):
            other.responses.delete(created.id)
        with pytest.raises(openai.BadRequestError):
            other.responses.create(model=CLOUD, input="Hi", previous_response_id=created.id)
    assert client.responses.retrieve(created.id).id == created.id  # still there for A


# -- refused fields -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "named"), [
    ({"reasoning": {"effort": "high"}}, "reasoning"),
    ({"tools": [{"type": "web_search"}]}, "tools.0.type"),
    ({"truncation": "auto"}, "truncation"),
    ({"include": ["message.output_text.logprobs"]}, "include"),
    ({"background": True}, "background"),
    ({"max_tokens": 5}, "max_tokens"),
], ids=["reasoning", "web_search", "truncation", "include", "background", "unknown"])
def test_a_field_that_cannot_be_honoured_is_a_400_naming_it(client, scripted, fields, named):
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=CLOUD, input="Hi", extra_body=fields)
    assert caught.value.body["message"].startswith(named) or (
        f" {named}:" in caught.value.body["message"]), caught.value.body
    assert scripted.chats == []


# -- what the gateway records ---------------------------------------------------------------------

def test_request_log_and_metrics_say_responses(gateway, client, scripted):
    created = client.responses.create(model=CLOUD, input="Log me")
    deadline = time.monotonic() + 30
    rows: list[Any] = []
    while not rows and time.monotonic() < deadline:  # the log is written by a thread
        with sqlite3.connect(gateway.log_path) as db:
            rows = db.execute("SELECT endpoint, route, status, prompt FROM requests "
                              "WHERE endpoint = 'responses' AND route = 'in_cloud'").fetchall()
        time.sleep(0.2)
    assert rows and rows[-1][1:] == ("in_cloud", 200, None)  # no text without log_content
    metrics = httpx.get(gateway.root + "/metrics").text
    assert 'hybridai_requests_total{endpoint="responses"' in metrics
    assert created.id


# -- the library ----------------------------------------------------------------------------------

def test_library_client_responses(make_client, scripted, tmp_path):
    client = make_client(scripted.base_url,
                         gateway=GatewaySettings(log_path=tmp_path / "requests.sqlite"))
    response = client.responses.create(input="Hello library", mode="only_in_cloud")
    assert response.output_text == "You said: Hello library"
    assert response.hybrid is not None and response.hybrid.route == "in_cloud"
    again = client.responses.create(input="And again", previous_response_id=response.id,
                                    mode="only_in_cloud")
    assert [m["role"] for m in messages_sent(scripted)] == ["user", "assistant", "user"]
    events = list(client.responses.create(input="Stream it", mode="only_in_cloud",
                                          stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert events[-1].response is not None
    assert events[-1].response.output_text == "You said: Stream it"
    assert client.responses.retrieve(again.id).output_text == again.output_text
    assert (tmp_path / "responses.sqlite").exists()


async def test_async_library_client_responses(make_async_client, scripted, tmp_path):
    client = make_async_client(scripted.base_url,
                               gateway=GatewaySettings(log_path=tmp_path / "requests.sqlite"))
    response = await client.responses.create(input="Hello async", mode="only_in_cloud",
                                             tools=[WEATHER], store=False)
    [call] = response.output
    assert call.type == "function_call" and call.name == "get_weather"
    stream = await client.responses.create(input="Stream async", mode="only_in_cloud",
                                           stream=True, store=False)
    events = [event async for event in stream]
    assert events[-1].response is not None
    assert events[-1].response.output_text == "You said: Stream async"


# -- an agent framework over the Responses API ----------------------------------------------------

async def test_openai_agents_over_the_responses_api(gateway, scripted):
    from agents import Agent, OpenAIResponsesModel, RunConfig, Runner, function_tool

    @function_tool
    def get_weather(city: str) -> str:
        """The weather in a city now."""
        return f"{SUNNY} in {city}"

    sdk = openai.AsyncOpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0)
    agent = Agent(name="forecaster", instructions="Answer with the tools you have.",
                  tools=[get_weather],
                  model=OpenAIResponsesModel(model=CLOUD, openai_client=sdk))
    result = await Runner.run(agent, "What is the weather in Utrecht?",
                              run_config=RunConfig(tracing_disabled=True))
    assert result.final_output == f"get_weather said: {SUNNY} in {WORD}."
    assert len(scripted.chats) == 2
    sent = messages_sent(scripted)
    assert sent[0] == {"role": "system", "content": "Answer with the tools you have."}
    assert sent[-1]["role"] == "tool" and sent[-1]["content"] == f"{SUNNY} in {WORD}"
    await sdk.close()


# -- a cloud that speaks the Responses API: passed through, not translated ------------------------

def test_passthrough_to_a_responses_cloud(client, scripted):
    response = client.responses.create(model="responder", input="Hello upstream",
                                       instructions="Answer briefly.", max_output_tokens=50,
                                       extra_body=IN_RESPONDER)
    assert response.output_text == "You said: Hello upstream"
    assert hybrid(response)["target"] == "responder"
    assert scripted.chats == []
    [sent] = [r.json for r in scripted.responses]
    assert sent == {"model": "stand-in", "instructions": "Answer briefly.",
                    "max_output_tokens": 50, "stream": True, "store": False,
                    "input": [{"type": "message", "role": "user", "content": "Hello upstream"}]}


def test_passthrough_tool_round_by_previous_response_id(client, scripted):
    first = client.responses.create(model="responder", input="Weather in Utrecht?",
                                    tools=[WEATHER], extra_body=IN_RESPONDER)
    [call] = first.output
    assert isinstance(call, ResponseFunctionToolCall) and call.name == "get_weather"
    assert json.loads(call.arguments) == instance_of(WEATHER["parameters"])
    with client.responses.create(
            model="responder", previous_response_id=first.id, tools=[WEATHER], stream=True,
            input=[{"type": "function_call_output", "call_id": call.call_id, "output": SUNNY}],
            extra_body=IN_RESPONDER) as stream:
        events = list(stream)
    assert check_stream(events).output_text == f"get_weather said: {SUNNY}."
    sent = scripted.responses[-1].json
    assert "previous_response_id" not in sent and sent["tools"] == [WEATHER]
    assert sent["input"] == [
        {"type": "message", "role": "user", "content": "Weather in Utrecht?"},
        {"type": "function_call", "call_id": call.call_id, "name": "get_weather",
         "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": SUNNY}]
    assert scripted.chats == []
