"""Every row of the compatibility table, checked against a real `hybridai serve`.

``CHAT_FIELDS`` (src/hybridai/schema/compat.py, written out as docs/compatibility.md) says
what the device and the cloud do with each Chat Completions request field. The tests here
are parametrized over that table, and ``test_every_row_has_an_example_and_a_check`` fails
for a row without an example value (``EXAMPLES``) or a check, so a new row cannot go
untested. The cloud is tests/support/scripted_cloud.py, which records every body it gets;
the device is the real llama.cpp engine running the bundled SmolLM2.

- cloud ``passed``: under ``hybrid/only_in_cloud`` the cloud gets the request's JSON as sent,
  but for ``model`` (the target's own) and, streaming, ``stream_options.include_usage``
  (forced true, so the cost is known);
- device ``honoured``: under ``hybrid/only_on_device`` the device answers and, where it can be
  seen, the field had its effect (``HONOURED``: one check per field);
- device ``no_effect``: the device answers and lists the field in ``hybrid.unused_fields``;
- device ``needs_cloud``: ``hybrid/prefer_on_device`` goes to the cloud with the reason
  ``device_lacks:<capability>``; ``hybrid/only_on_device`` is a 400 naming the capability;
- ``used``: ``model`` chooses the mode and the target, ``user`` scopes the response cache.

Then what the table does not list: unknown fields and ``gateway.extension_fields``, and the
privacy policy applied to tool messages, tool-call arguments and tool descriptions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from hybridai.device.capabilities import CAPABILITIES
from hybridai.schema.compat import CHAT_FIELDS, Treatment
from hybridai.schema.request import HYBRID_FIELDS
from tests.conftest import user
from tests.support.gateway_process import GatewayProcess, toml_value, write_config
from tests.support.scripted_cloud import ScriptedCloud

pytestmark = pytest.mark.integration

ON_DEVICE = "hybrid/only_on_device"
IN_CLOUD = "hybrid/only_in_cloud"
PREFER_DEVICE = "hybrid/prefer_on_device"
TARGET, TARGET_MODEL = "standin", "stand-in"  # tests/support/gateway_process.py's cloud target
OTHER_TARGET, OTHER_MODEL = "other", "other-model"  # a second target, on the same cloud

SHORT = 12  # completion tokens of a device answer whose length does not matter
TOOL_TOKENS = 80  # enough for a tool call's JSON
TIMEOUT_S = 120.0
# The fields are checked, not this machine's speed: no benchmark, and one thread, so other
# work on a shared machine slows the engine down instead of stalling its threads.
DEVICE = {"benchmark": False, "n_threads": 1}

WEATHER_FUNCTION: dict[str, Any] = {
    "name": "get_weather", "description": "The weather in a city now.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"]}}
CLOCK_FUNCTION: dict[str, Any] = {
    "name": "get_time", "description": "The local time in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}
WEATHER = {"type": "function", "function": WEATHER_FUNCTION}
CLOCK = {"type": "function", "function": CLOCK_FUNCTION}
SCHEMAS = {f["name"]: f["parameters"] for f in (WEATHER_FUNCTION, CLOCK_FUNCTION)}

ASK = user("What is the weather in Utrecht?")
BOTH = user("What is the weather in Utrecht, and what time is it there?")
STORY = user("Write a long story about a dragon who learns to fly.")
RATING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string", "maxLength": 40},
                   "genre": {"type": "string", "enum": ["horror", "comedy", "drama"]},
                   "stars": {"type": "integer", "minimum": 1, "maximum": 5}},
    "required": ["title", "genre", "stars"], "additionalProperties": False}
HISTORY: list[dict[str, Any]] = [
    {"role": "developer", "content": "Answer in one sentence."},
    {"role": "user", "name": "tester", "content": [
        {"type": "text", "text": "What is the weather in Utrecht?"}]},
    {"role": "assistant", "content": None, "tool_calls": [{
        "id": "call_1", "type": "function", "function": {
            "name": "get_weather", "arguments": '{"city":"Utrecht","unit":"celsius"}'}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "Sunny and 21 degrees"},
]
"""A conversation with a tool round in it: every message shape a text model reads."""

EXAMPLES: dict[str, Any] = {
    "messages": HISTORY,
    "model": OTHER_MODEL,
    "stream": True,
    "stream_options": {"include_usage": True},
    "max_tokens": 5,
    "max_completion_tokens": 5,
    "temperature": 0.0,
    "top_p": 0.5,
    "seed": 7,
    "stop": ["\n\n", "END"],
    "n": 2,
    "presence_penalty": 0.5,
    "frequency_penalty": -0.5,
    "logit_bias": {"50256": -100, "1234": 2.5},
    "logprobs": True,
    "top_logprobs": 2,
    "tools": [WEATHER, CLOCK],
    "tool_choice": {"type": "function", "function": {"name": "get_time"}},
    "parallel_tool_calls": False,
    "functions": [WEATHER_FUNCTION, CLOCK_FUNCTION],
    "function_call": {"name": "get_weather"},
    "response_format": {"type": "json_schema", "json_schema": {
        "name": "rating", "strict": True, "schema": RATING_SCHEMA}},
    "modalities": ["text", "audio"],
    "audio": {"voice": "alloy", "format": "wav"},
    "prediction": {"type": "content", "content": "The weather in Utrecht is"},
    "reasoning_effort": "low",
    "verbosity": "low",
    "web_search_options": {"search_context_size": "low"},
    "metadata": {"suite": "compat"},
    "store": True,
    "service_tier": "flex",
    "prompt_cache_key": "compat-suite",
    "prompt_cache_retention": "24h",
    "safety_identifier": "caller-7f3a",
    "user": "tester",
}
"""One value for each field of the table."""

COMPANIONS: dict[str, dict[str, Any]] = {
    "stream_options": {"stream": True},
    "top_logprobs": {"logprobs": True},
    "tool_choice": {"tools": [WEATHER, CLOCK]},
    "parallel_tool_calls": {"tools": [WEATHER, CLOCK]},
    "function_call": {"functions": [WEATHER_FUNCTION, CLOCK_FUNCTION]},
    "modalities": {"audio": EXAMPLES["audio"]},
    "audio": {"modalities": EXAMPLES["modalities"]},
}
"""Fields a request must carry beside a field's example to be valid (top_logprobs needs
logprobs, ...)."""


def example_request(name: str, model: str) -> dict[str, Any]:
    """A request carrying field ``name``'s example, and what it needs beside it."""
    return {"model": model, "messages": ASK, **COMPANIONS.get(name, {}), name: EXAMPLES[name]}


def no_effect_fields(body: dict[str, Any]) -> list[str]:
    """The fields of ``body`` the table says the device does not act on, sorted."""
    return sorted(name for name in body if name in CHAT_FIELDS
                  and CHAT_FIELDS[name].device is Treatment.NO_EFFECT)


def forwarded(sent: dict[str, Any], model: str = TARGET_MODEL) -> dict[str, Any]:
    """What the cloud must receive for ``sent``: the same JSON without hybridai's own fields,
    the target's ``model``, and when streaming a request for usage. An explicit
    ``stream: false`` (OpenAI's default) is the one other addition the gateway may make."""
    expected = {k: v for k, v in sent.items() if k not in HYBRID_FIELDS}
    expected["model"] = model
    if sent.get("stream"):
        expected["stream_options"] = {**(sent.get("stream_options") or {}),
                                      "include_usage": True}
    else:
        expected.setdefault("stream", False)
    return expected


# -- the gateways ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Streamed:
    """A streamed answer: its chunks, in order."""

    chunks: list[dict[str, Any]]

    def text(self) -> str:
        """Choice 0's text."""
        return "".join(c.get("delta", {}).get("content") or "" for chunk in self.chunks
                       for c in chunk["choices"] if c["index"] == 0)

    @property
    def finish_reasons(self) -> list[str]:
        return [c["finish_reason"] for chunk in self.chunks for c in chunk["choices"]
                if c.get("finish_reason")]

    @property
    def hybrid(self) -> dict[str, Any]:
        return self.chunks[-1]["hybrid"]

    def tool_calls(self) -> dict[int, dict[str, str]]:
        """Choice 0's tool calls rebuilt from their deltas, by index."""
        calls: dict[int, dict[str, str]] = {}
        for chunk in self.chunks:
            for choice in (c for c in chunk["choices"] if c["index"] == 0):
                for delta in choice.get("delta", {}).get("tool_calls") or ():
                    call = calls.setdefault(delta["index"], {"name": "", "arguments": ""})
                    function = delta.get("function") or {}
                    call["name"] += function.get("name") or ""
                    call["arguments"] += function.get("arguments") or ""
        return calls


def streamed(response: httpx.Response) -> Streamed:
    assert response.status_code == 200, response.text
    events = [line.removeprefix("data: ") for line in response.text.splitlines()
              if line.startswith("data: ")]
    assert events and events[-1] == "[DONE]", response.text
    return Streamed([json.loads(event) for event in events[:-1]])


@dataclass
class Gateway:
    """A running `hybridai serve` with the scripted cloud behind it, and the calls the
    checks make to it."""

    process: GatewayProcess
    cloud: ScriptedCloud
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=TIMEOUT_S))

    def close(self) -> None:
        self.http.close()
        self.process.stop()

    def post(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(self.process.base_url + "/chat/completions", json=body)

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """The unstreamed answer to ``body``, which must be a 200."""
        return _json_200(self.post(body))

    def stream(self, body: dict[str, Any]) -> Streamed:
        return streamed(self.post({**body, "stream": True}))

    @staticmethod
    def _on_device(fields: dict[str, Any]) -> dict[str, Any]:
        """A device request: ``fields``, at temperature 0 and SHORT tokens unless given."""
        body = {"model": ON_DEVICE, "messages": ASK, "temperature": 0.0, **fields}
        if "max_tokens" not in body and "max_completion_tokens" not in body:
            body["max_tokens"] = SHORT
        return body

    @staticmethod
    def _check_device_routing(hybrid: dict[str, Any], body: dict[str, Any]) -> None:
        """The device answered, and listed as unused exactly the no_effect fields sent."""
        assert hybrid["route"] == "on_device", hybrid
        assert (hybrid.get("unused_fields") or []) == no_effect_fields(body), hybrid

    def device(self, **fields: Any) -> dict[str, Any]:
        """The device's unstreamed answer to a request of ``fields``."""
        body = self._on_device(fields)
        answer = self.complete(body)
        self._check_device_routing(answer["hybrid"], body)
        return answer

    def device_stream(self, **fields: Any) -> Streamed:
        body = self._on_device({**fields, "stream": True})
        answer = self.stream(body)
        self._check_device_routing(answer.hybrid, body)
        return answer

    def in_cloud(self, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``body`` answered by the cloud, streamed if it asks: the answer's ``hybrid`` and
        the JSON of the one request the cloud got."""
        self.cloud.clear()
        response = self.post(body)
        hybrid = streamed(response).hybrid if body.get("stream") else _json_200(
            response)["hybrid"]
        assert hybrid["route"] == "in_cloud", hybrid
        (received,) = self.cloud.chats
        return hybrid, received.json


def _json_200(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


def refusal(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    """The error of a refused request."""
    assert response.status_code == status, response.text
    return response.json()["error"]


def start_gateway(folder: Path, cloud: ScriptedCloud, shared_cache: Path, *,
                  privacy: str = "redact", cache: dict[str, Any] | None = None,
                  gateway: dict[str, Any] | None = None) -> Gateway:
    """`hybridai serve` with two cloud targets on ``cloud`` (standin first, then other), the
    device as ``DEVICE`` says, the response cache off unless ``cache`` turns it on, and
    privacy policy ``privacy``."""
    log = folder / "requests.sqlite"
    cache = {"enabled": False, **(cache or {})}
    if cache["enabled"]:
        cache.setdefault("path", folder / "responses.sqlite")
    config = write_config(folder, cloud_url=cloud.base_url, cache_dir=shared_cache,
                          gateway={"log_path": log, **(gateway or {})},
                          device=DEVICE, cache=cache,
                          sections={"privacy": {"policy": privacy}})
    with config.open("a") as toml:
        toml.write(f"[cloud.{OTHER_TARGET}]\nbase_url = {toml_value(cloud.base_url)}\n"
                   f"model = {toml_value(OTHER_MODEL)}\ntimeout_s = 30\nconnect_timeout_s = 2\n")
    # The test session turns the cache off in the environment, which the process inherits.
    env = {"HYBRIDAI_CACHE__ENABLED": "true" if cache["enabled"] else "false"}
    return Gateway(GatewayProcess(config, log, env=env).start(), cloud)


@pytest.fixture(scope="module")
def cloud(scripted_cloud: ScriptedCloud) -> ScriptedCloud:
    return scripted_cloud


@pytest.fixture(scope="module")
def main(cloud: ScriptedCloud, tmp_path_factory: pytest.TempPathFactory,
         shared_cache: Path) -> Iterator[Gateway]:
    """The gateway most tests use: privacy policy redact (the default, stated), no cache."""
    gateway = start_gateway(tmp_path_factory.mktemp("compat-main"), cloud, shared_cache)
    yield gateway
    gateway.close()


@pytest.fixture(scope="module")
def extended(cloud: ScriptedCloud, tmp_path_factory: pytest.TempPathFactory,
             shared_cache: Path) -> Iterator[Gateway]:
    """A gateway that lets the vendor extension top_k through."""
    gateway = start_gateway(tmp_path_factory.mktemp("compat-extended"), cloud, shared_cache,
                            gateway={"extension_fields": ["top_k"]})
    yield gateway
    gateway.close()


Serve = Callable[..., Gateway]


@pytest.fixture
def serve(cloud: ScriptedCloud, tmp_path: Path, shared_cache: Path) -> Iterator[Serve]:
    """Starts a gateway with other settings (``start_gateway``'s) for one test."""
    started: list[Gateway] = []

    def start(**settings: Any) -> Gateway:
        folder = tmp_path / f"gateway-{len(started)}"
        folder.mkdir()
        started.append(start_gateway(folder, cloud, shared_cache, **settings))
        return started[-1]

    yield start
    for gateway in started:
        gateway.close()


# -- answers -----------------------------------------------------------------------------------

def only_choice(answer: dict[str, Any]) -> dict[str, Any]:
    (choice,) = answer["choices"]
    return choice


def text(answer: dict[str, Any]) -> str:
    content = only_choice(answer)["message"]["content"]
    assert isinstance(content, str), answer
    return content


def assert_valid_calls(choice: dict[str, Any], offered: set[str]) -> list[dict[str, Any]]:
    """Choice's tool calls, each of an offered function with arguments valid against its
    schema; the choice finished for them and has no text."""
    assert choice["finish_reason"] == "tool_calls", choice
    message = choice["message"]
    assert message["content"] is None and message["tool_calls"], message
    for call in message["tool_calls"]:
        assert call["type"] == "function" and call["id"]
        assert call["function"]["name"] in offered, call
        jsonschema.validate(json.loads(call["function"]["arguments"]),
                            SCHEMAS[call["function"]["name"]])
    assert len({call["id"] for call in message["tool_calls"]}) == len(message["tool_calls"])
    return message["tool_calls"]


def assert_text_answer(choice: dict[str, Any]) -> None:
    assert choice["message"]["content"], choice
    assert not choice["message"].get("tool_calls"), choice
    assert choice["finish_reason"] in ("stop", "length"), choice


# -- device: honoured, one check per field -----------------------------------------------------

HONOURED: dict[str, Callable[[Gateway], None]] = {}
"""field -> the check that the device honours it."""


def honours(*names: str) -> Callable[[Callable[[Gateway], None]], Callable[[Gateway], None]]:
    def register(check: Callable[[Gateway], None]) -> Callable[[Gateway], None]:
        for name in names:
            HONOURED[name] = check
        return check
    return register


@honours("messages")
def _messages(gateway: Gateway) -> None:
    answer = gateway.device(messages=HISTORY)
    assert_text_answer(only_choice(answer))
    # The tool round is in the prompt the answer was given to.
    before_the_call = gateway.device(messages=HISTORY[:2], max_tokens=1)
    assert answer["usage"]["prompt_tokens"] > before_the_call["usage"]["prompt_tokens"]


@honours("stream")
def _stream(gateway: Gateway) -> None:
    stream = gateway.device_stream(messages=STORY)
    assert len(stream.chunks) > 2  # the text comes as it is generated
    assert {c["object"] for c in stream.chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in stream.chunks}) == 1
    assert stream.chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert stream.finish_reasons == ["length"]
    # The stream is the answer the same request gets unstreamed.
    assert stream.text() == text(gateway.device(messages=STORY))


@honours("stream_options")
def _stream_options(gateway: Gateway) -> None:
    for include_usage in (True, False):  # the table: the last chunk always carries usage
        stream = gateway.device_stream(messages=STORY,
                                       stream_options={"include_usage": include_usage})
        last = stream.chunks[-1]
        usage = last["usage"]
        assert usage["completion_tokens"] == SHORT  # finished by length
        assert usage["total_tokens"] == usage["prompt_tokens"] + SHORT
        assert all(c.get("usage") is None for c in stream.chunks[:-1])
        assert "hybrid" in last
        finish = stream.chunks[-2] if include_usage else last
        assert [c["finish_reason"] for c in finish["choices"]] == ["length"]
        # As OpenAI sends it when asked: the usage alone, in a chunk of no choices.
        assert (last["choices"] == []) is include_usage


@honours("max_tokens", "max_completion_tokens")
def _max_tokens(gateway: Gateway) -> None:
    for limit in ({"max_tokens": 3}, {"max_completion_tokens": 3},
                  {"max_tokens": 3, "max_completion_tokens": 6}):  # max_tokens wins
        answer = gateway.device(messages=STORY, **limit)
        assert only_choice(answer)["finish_reason"] == "length", limit
        assert answer["usage"]["completion_tokens"] == 3, limit


@honours("temperature")
def _temperature(gateway: Gateway) -> None:
    # At 0 the most likely token is taken, so the seed does not matter; hot, it does.
    cold = [text(gateway.device(messages=STORY, temperature=0.0, seed=s)) for s in (1, 2)]
    assert cold[0] == cold[1]
    hot = [text(gateway.device(messages=STORY, temperature=1.8, seed=s)) for s in (1, 2)]
    assert hot[0] != hot[1]


@honours("top_p")
def _top_p(gateway: Gateway) -> None:
    # A nucleus of 1 % keeps only the most likely token: hot, whatever the seed, the answer
    # is the greedy one.
    greedy = text(gateway.device(messages=STORY))
    nucleus = [text(gateway.device(messages=STORY, temperature=1.8, top_p=0.01, seed=s))
               for s in (1, 2)]
    assert nucleus == [greedy, greedy]


@honours("seed")
def _seed(gateway: Gateway) -> None:
    draws = [text(gateway.device(messages=STORY, temperature=1.0, seed=7)) for _ in range(2)]
    assert draws[0] == draws[1]


@honours("stop")
def _stop(gateway: Gateway) -> None:
    full = text(gateway.device(messages=STORY, max_tokens=16))
    words = full.split()
    assert len(words) > 4, full
    stop = " " + words[3]
    cut = full.index(stop)
    assert cut > 0, full
    answer = gateway.device(messages=STORY, max_tokens=16, stop=[stop, "\u2603"])
    assert text(answer) == full[:cut]
    assert only_choice(answer)["finish_reason"] == "stop"


@honours("n")
def _n(gateway: Gateway) -> None:
    sampled = {"messages": STORY, "temperature": 1.0}
    answer = gateway.device(n=2, seed=3, **sampled)
    choices = answer["choices"]
    assert [c["index"] for c in choices] == [0, 1]
    for choice in choices:
        assert_text_answer(choice)
    # The table: choice i is drawn with seed + i.
    alone = [text(gateway.device(seed=seed, **sampled)) for seed in (3, 4)]
    assert [c["message"]["content"] for c in choices] == alone


@honours("presence_penalty", "frequency_penalty")
def _penalties(gateway: Gateway) -> None:
    # Accepted and answered on the device (llama.cpp's penalties are set); their effect on
    # a 135M model's text cannot be told apart reliably from the text alone, so it is not
    # asserted.
    for penalty in ("presence_penalty", "frequency_penalty"):
        for value in (-2.0, 2.0):
            assert_text_answer(only_choice(gateway.device(messages=STORY, **{penalty: value})))


@honours("logprobs")
def _logprobs(gateway: Gateway) -> None:
    answer = gateway.device(messages=STORY, logprobs=True)
    choice = only_choice(answer)
    entries = choice["logprobs"]["content"]
    assert len(entries) == answer["usage"]["completion_tokens"]
    assert "".join(e["token"] for e in entries) == choice["message"]["content"]
    for entry in entries:
        assert entry["logprob"] <= 0 and bytes(entry["bytes"]).decode() == entry["token"]
        assert entry["top_logprobs"] == []


@honours("top_logprobs")
def _top_logprobs(gateway: Gateway) -> None:
    choice = only_choice(gateway.device(messages=STORY, logprobs=True, top_logprobs=2))
    for entry in choice["logprobs"]["content"]:
        top = entry["top_logprobs"]
        assert len(top) == 2
        assert top[0]["logprob"] >= top[1]["logprob"]
        # At temperature 0 the token drawn is the most likely one.
        assert (top[0]["token"], top[0]["logprob"]) == (entry["token"], entry["logprob"])


@honours("tools")
def _tools(gateway: Gateway) -> None:
    answer = gateway.device(tools=[WEATHER, CLOCK], tool_choice="required",
                            max_tokens=TOOL_TOKENS)
    assert_valid_calls(only_choice(answer), {"get_weather", "get_time"})


@honours("tool_choice")
def _tool_choice(gateway: Gateway) -> None:
    named = gateway.device(tools=[WEATHER, CLOCK], tool_choice=EXAMPLES["tool_choice"],
                           max_tokens=TOOL_TOKENS)
    calls = assert_valid_calls(only_choice(named), {"get_weather", "get_time"})
    assert [c["function"]["name"] for c in calls] == ["get_time"]
    none = gateway.device(tools=[WEATHER, CLOCK], tool_choice="none")
    assert_text_answer(only_choice(none))


@honours("parallel_tool_calls")
def _parallel_tool_calls(gateway: Gateway) -> None:
    # A question for both tools, a call required, and at most one call allowed. (SmolLM2
    # makes one call here with parallel calls allowed too, so this shows the bound holds,
    # not that the field changed the answer.)
    answer = gateway.device(messages=BOTH, tools=[WEATHER, CLOCK], tool_choice="required",
                            parallel_tool_calls=False, max_tokens=2 * TOOL_TOKENS)
    calls = assert_valid_calls(only_choice(answer), {"get_weather", "get_time"})
    assert len(calls) == 1


@honours("functions", "function_call")
def _legacy_functions(gateway: Gateway) -> None:
    # The table: a legacy request gets the legacy shape from the device too.
    for name in ("get_weather", "get_time"):
        answer = gateway.device(functions=[WEATHER_FUNCTION, CLOCK_FUNCTION],
                                function_call={"name": name}, max_tokens=TOOL_TOKENS)
        choice = only_choice(answer)
        assert choice["finish_reason"] == "function_call"
        assert "tool_calls" not in choice["message"]
        call = choice["message"]["function_call"]
        assert call["name"] == name
        assert choice["message"]["content"] is None
        jsonschema.validate(json.loads(call["arguments"]), SCHEMAS[name])
    none = gateway.device(functions=[WEATHER_FUNCTION], function_call="none")
    assert_text_answer(only_choice(none))


@honours("response_format")
def _response_format(gateway: Gateway) -> None:
    rating = user("Rate the film Alien.")
    schema = gateway.device(messages=rating, response_format=EXAMPLES["response_format"],
                            max_tokens=TOOL_TOKENS)
    assert only_choice(schema)["finish_reason"] == "stop"
    jsonschema.validate(json.loads(text(schema)), RATING_SCHEMA)
    anything = gateway.device(messages=user("Describe a cat in JSON."),
                              response_format={"type": "json_object"}, max_tokens=TOOL_TOKENS)
    assert only_choice(anything)["finish_reason"] == "stop"
    assert isinstance(json.loads(text(anything)), dict)


# -- device: used ------------------------------------------------------------------------------

def _model_on_device(gateway: Gateway, serve: Serve) -> None:
    by_mode = gateway.device()
    assert by_mode["hybrid"]["mode"] == "only_on_device"
    # The device's own model name means only_on_device too.
    by_name = gateway.complete({"model": by_mode["model"], "messages": ASK,
                                "max_tokens": SHORT, "temperature": 0.0})
    assert (by_name["hybrid"]["route"], by_name["hybrid"]["mode"]) == ("on_device",
                                                                       "only_on_device")
    # As OpenAI answers a model it does not have: 404 model_not_found.
    error = refusal(gateway.post({"model": "no-such-model", "messages": ASK}), 404)
    assert error["code"] == "model_not_found" and "no-such-model" in error["message"]


def _user_scopes_the_cache(gateway: Gateway, serve: Serve) -> None:
    cached = serve(cache={"enabled": True})
    question = {"messages": user("Name a colour."), "max_tokens": SHORT, "temperature": 0.0}
    first = cached.device(user="alice", **question)
    assert first["hybrid"]["cache"] is None
    again = cached.complete({"model": ON_DEVICE, "user": "alice", **question})
    assert again["hybrid"]["route"] == "cache", again["hybrid"]  # the cache is on
    assert text(again) == text(first)
    other = cached.device(user="bob", **question)
    assert other["hybrid"]["cache"] is None  # bob is not given alice's answer


USED_ON_DEVICE: dict[str, Callable[[Gateway, Serve], None]] = {
    "model": _model_on_device,
    "user": _user_scopes_the_cache,
}


# -- device: no_effect and needs_cloud, the same check for every such row ----------------------

def assert_no_effect(gateway: Gateway, name: str) -> None:
    body = example_request(name, ON_DEVICE)
    answer = gateway.device(**body)
    assert name in answer["hybrid"]["unused_fields"]
    assert_text_answer(only_choice(answer))


def assert_needs_cloud(gateway: Gateway, name: str, capability: str) -> None:
    sent = example_request(name, PREFER_DEVICE)
    hybrid, received = gateway.in_cloud(sent)
    code, _, lacking = hybrid["reason"].partition(":")
    assert code == "device_lacks" and capability in lacking.split(","), hybrid
    assert received == forwarded(sent)
    error = refusal(gateway.post(example_request(name, ON_DEVICE)))
    assert error["code"] == "device_lacks" and capability in error["message"], error


# -- cloud: passed and used --------------------------------------------------------------------

def assert_passed(gateway: Gateway, name: str) -> None:
    sent = example_request(name, IN_CLOUD)
    _, received = gateway.in_cloud(sent)
    assert received[name] == EXAMPLES[name]
    assert received == forwarded(sent)


def _model_in_cloud(gateway: Gateway) -> None:
    # hybrid/<mode> takes the first target; a target's name or its model's name takes that
    # target (the mode given apart); each target is sent its own model.
    for sent, target, model in (
            ({"model": IN_CLOUD}, TARGET, TARGET_MODEL),
            ({"model": TARGET, "mode": "only_in_cloud"}, TARGET, TARGET_MODEL),
            ({"model": OTHER_MODEL, "mode": "only_in_cloud"}, OTHER_TARGET, OTHER_MODEL),
            ({"model": OTHER_TARGET, "mode": "only_in_cloud"}, OTHER_TARGET, OTHER_MODEL)):
        body = {**sent, "messages": ASK}
        hybrid, received = gateway.in_cloud(body)
        assert (hybrid["target"], hybrid["model"]) == (target, model), sent
        assert received == forwarded(body, model=model)


USED_IN_CLOUD: dict[str, Callable[[Gateway], None]] = {"model": _model_in_cloud}


# -- the table, row by row ---------------------------------------------------------------------

ROWS = pytest.mark.parametrize(("name", "rule"), CHAT_FIELDS.items(), ids=list(CHAT_FIELDS))


def test_every_row_has_an_example_and_a_check():
    assert sorted(EXAMPLES) == sorted(CHAT_FIELDS)
    assert set(COMPANIONS) <= set(CHAT_FIELDS)
    assert all(set(extra) <= set(CHAT_FIELDS) for extra in COMPANIONS.values())
    by_device = {t: {n for n, r in CHAT_FIELDS.items() if r.device is t} for t in Treatment}
    assert set(HONOURED) == by_device[Treatment.HONOURED]
    assert set(USED_ON_DEVICE) == by_device[Treatment.USED]
    assert set(USED_IN_CLOUD) == {n for n, r in CHAT_FIELDS.items() if r.cloud is Treatment.USED}
    assert not by_device[Treatment.PASSED]  # passing on is the cloud's
    for name in by_device[Treatment.NEEDS_CLOUD]:
        assert CHAT_FIELDS[name].capability in CAPABILITIES, name
    assert {r.cloud for r in CHAT_FIELDS.values()} <= {Treatment.PASSED, Treatment.USED}


@ROWS
def test_on_the_device(name, rule, main, serve):
    if rule.device is Treatment.HONOURED:
        HONOURED[name](main)
    elif rule.device is Treatment.NO_EFFECT:
        assert_no_effect(main, name)
    elif rule.device is Treatment.NEEDS_CLOUD:
        assert_needs_cloud(main, name, rule.capability)
    elif rule.device is Treatment.USED:
        USED_ON_DEVICE[name](main, serve)
    else:
        pytest.fail(f"no check for the device treatment {rule.device}")


@ROWS
def test_in_the_cloud(name, rule, main):
    if rule.cloud is Treatment.PASSED:
        assert_passed(main, name)
    elif rule.cloud is Treatment.USED:
        USED_IN_CLOUD[name](main)
    else:
        pytest.fail(f"no check for the cloud treatment {rule.cloud}")


# -- fields beyond the table -------------------------------------------------------------------

def test_an_unknown_field_is_a_400_naming_it(main):
    for model in (ON_DEVICE, IN_CLOUD):
        error = refusal(main.post({"model": model, "messages": ASK, "top_k": 5}))
        assert error["type"] == "invalid_request_error"
        assert "top_k: unknown field" in error["message"], error


def test_an_extension_field_passes_to_the_cloud_and_is_honoured_on_the_device(extended):
    sent = {"model": IN_CLOUD, "messages": ASK, "top_k": 5}
    _, received = extended.in_cloud(sent)
    assert received == forwarded(sent)
    # top_k 1 keeps only the most likely token: hot, whatever the seed, the greedy answer.
    greedy = text(extended.device(messages=STORY))
    assert [text(extended.device(messages=STORY, temperature=1.8, top_k=1, seed=seed))
            for seed in (1, 2)] == [greedy, greedy]


# -- privacy in tool messages, tool calls and tool descriptions --------------------------------

SECRET_RESULT = 'Sunny; forecast mailed to "jane.doe@example.org"'
SECRET_ARGUMENTS = json.dumps({"city": "Utrecht", "unit": "celsius",
                               "notify": "piet@example.net"})
SECRET_DESCRIPTION = "The weather in a city now; questions to ops@example.com."
EMAILS = ("jane.doe@example.org", "piet@example.net", "ops@example.com")
PLACEHOLDER = r"\[EMAIL_\d+\]"


def private_tool_round(stream: bool) -> dict[str, Any]:
    """A tool round with an email in the tool's result, in the earlier call's arguments and
    in the tool's description; required to call again, the scripted cloud fills the new
    call's strings with the tool's result as it got it."""
    return {"model": IN_CLOUD, "stream": stream, "tool_choice": "required",
            "tools": [{"type": "function", "function": {**WEATHER_FUNCTION,
                                                        "description": SECRET_DESCRIPTION}}],
            "messages": [*ASK,
                         {"role": "assistant", "content": None, "tool_calls": [{
                             "id": "call_1", "type": "function", "function": {
                                 "name": "get_weather", "arguments": SECRET_ARGUMENTS}}]},
                         {"role": "tool", "tool_call_id": "call_1", "content": SECRET_RESULT}]}


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
def test_redact_covers_tool_messages_calls_and_descriptions(main, stream):
    sent = private_tool_round(stream)
    main.cloud.clear()
    response = main.post(sent)
    if stream:
        answer = streamed(response)
        hybrid, (call,) = answer.hybrid, answer.tool_calls().values()
        name, arguments = call["name"], call["arguments"]
    else:
        whole = response.json()
        assert response.status_code == 200, whole
        hybrid = whole["hybrid"]
        (tool_call,) = only_choice(whole)["message"]["tool_calls"]
        name, arguments = tool_call["function"]["name"], tool_call["function"]["arguments"]

    (received,) = main.cloud.chats
    for email in EMAILS:
        assert email.encode() not in received.body
    body = received.json
    assert re.fullmatch(re.escape(SECRET_DESCRIPTION).replace(
        re.escape(EMAILS[2]), PLACEHOLDER), body["tools"][0]["function"]["description"])
    assert re.fullmatch(re.escape(SECRET_RESULT).replace(re.escape(EMAILS[0]), PLACEHOLDER),
                        body["messages"][-1]["content"])
    earlier = json.loads(body["messages"][-2]["tool_calls"][0]["function"]["arguments"])
    assert re.fullmatch(PLACEHOLDER, earlier["notify"]), earlier
    assert hybrid["privacy"]["detected"] == {"email": 3} and hybrid["privacy"]["redacted"]

    # The answer's arguments carried the placeholder; the caller gets the value back, in
    # JSON that still parses (the quotes around it stay escaped).
    assert name == "get_weather"
    assert json.loads(arguments) == {"city": SECRET_RESULT, "unit": "celsius"}


def test_keep_local_refuses_private_data_the_device_cannot_read(serve, cloud):
    gateway = serve(privacy="keep_local")
    cloud.clear()
    private_picture = [{"role": "user", "content": [
        {"type": "text", "text": "Mail this picture to jane.doe@example.org"},
        {"type": "image_url", "image_url": {"url": "https://example.org/cat.png"}}]}]
    error = refusal(gateway.post({"model": "hybrid", "messages": private_picture}))
    assert error["code"] == "private_data_device_lacks", error
    assert "vision" in error["message"]
    assert cloud.chats == []
