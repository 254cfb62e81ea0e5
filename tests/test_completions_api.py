"""``POST /v1/completions`` (legacy text completion) through a real gateway process, with the
OpenAI SDK unchanged but for its base URL: on the device (the real llama.cpp engine with
SmolLM2) and in the cloud (the scripted loopback cloud, which records what it was sent; and
once llama-cpp-python's own OpenAI-compatible server, through the library).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from tests.support.gateway_process import GatewayProcess
from tests.test_gateway import log_rows

CLOUD = {"mode": "only_in_cloud"}
DEVICE = {"mode": "only_on_device"}


@pytest.fixture(scope="module")
def gateway(scripted_gateway: GatewayProcess) -> GatewayProcess:
    """``hybridai serve`` with the device and the scripted cloud (cache off): conftest's."""
    return scripted_gateway


@pytest.fixture
def client(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="unused", max_retries=0,
                         timeout=120)


def hybrid(completion: Any) -> dict[str, Any]:
    """The routing metadata an SDK object carries as an extra field."""
    extra = completion.model_extra or {}
    assert "hybrid" in extra, completion
    info: dict[str, Any] = extra["hybrid"]
    return info


def check_legacy_logprobs(choice: Any, top: int, start: int) -> None:
    """OpenAI's legacy logprobs: one entry a token in each list, offsets in prompt +
    completion counting up by each token's length from ``start``."""
    logprobs = choice.logprobs
    assert logprobs is not None
    tokens = logprobs.tokens
    assert tokens and len(tokens) == len(logprobs.token_logprobs) == len(
        logprobs.top_logprobs) == len(logprobs.text_offset)
    assert "".join(tokens) == choice.text
    assert all(lp is not None and lp <= 0 for lp in logprobs.token_logprobs)
    assert all(isinstance(alts, dict) and len(alts) == top for alts in logprobs.top_logprobs)
    offsets = [start]
    for token in tokens[:-1]:
        offsets.append(offsets[-1] + len(token))
    assert logprobs.text_offset == offsets


# -- on the device ------------------------------------------------------------------------------

def test_device_plain_answer_is_a_text_completion(client):
    completion = client.completions.create(model="hybrid", prompt="The capital of France is",
                                           max_tokens=8, temperature=0, extra_body=DEVICE)
    assert completion.object == "text_completion" and completion.id.startswith("cmpl-")
    [choice] = completion.choices
    assert choice.text and choice.index == 0 and choice.finish_reason in ("stop", "length")
    assert completion.usage is not None and completion.usage.completion_tokens >= 1
    info = hybrid(completion)
    assert info["route"] == "on_device" and info["mode"] == "only_on_device"
    assert info["completion_tokens"] == completion.usage.completion_tokens


def test_device_default_max_tokens_is_openais_16(client):
    completion = client.completions.create(model="hybrid", prompt="Once upon a time",
                                           temperature=0, extra_body=DEVICE)
    assert completion.usage is not None and completion.usage.completion_tokens <= 16
    assert completion.choices[0].finish_reason == "length"  # 16 tokens of a story


def test_device_two_prompts_n_two_are_numbered_prompt_major(client):
    prompts = ["Roses are red,", "1, 2, 3,"]
    completion = client.completions.create(model="hybrid", prompt=prompts, n=2, max_tokens=4,
                                           echo=True, temperature=0.8, seed=3,
                                           extra_body=DEVICE)
    assert sorted(c.index for c in completion.choices) == [0, 1, 2, 3]
    for choice in completion.choices:  # prompt i, choice j -> index i * n + j
        assert choice.text.startswith(prompts[choice.index // 2]), choice


def test_device_echo_starts_with_the_prompt(client):
    prompt = "My favourite colour is"
    plain = client.completions.create(model="hybrid", prompt=prompt, max_tokens=6,
                                      temperature=0, extra_body=DEVICE)
    echoed = client.completions.create(model="hybrid", prompt=prompt, max_tokens=6,
                                       temperature=0, echo=True, extra_body=DEVICE)
    assert echoed.choices[0].text == prompt + plain.choices[0].text


def test_device_logprobs_have_the_legacy_shape(client):
    prompt = "The sky is"
    completion = client.completions.create(model="hybrid", prompt=prompt, max_tokens=6,
                                           temperature=0, logprobs=2, extra_body=DEVICE)
    choice = completion.choices[0]
    check_legacy_logprobs(choice, top=2, start=len(prompt))
    # Greedy decoding: each token is the most likely one at its position.
    for token, logprob, alternatives in zip(choice.logprobs.tokens,
                                            choice.logprobs.token_logprobs,
                                            choice.logprobs.top_logprobs, strict=True):
        assert max(alternatives.values()) == pytest.approx(logprob, abs=1e-4)
        assert token in alternatives


def test_device_token_id_prompt(client):
    words = client.completions.create(model="hybrid", prompt="Hello", max_tokens=4,
                                      temperature=0, logprobs=0, extra_body=DEVICE)
    # The same prompt as the device model's token ids: the same answer.
    ids = client.completions.create(model="hybrid", prompt=[19556], max_tokens=4,
                                    temperature=0, extra_body=DEVICE)
    assert words.choices[0].text == ids.choices[0].text


def test_token_ids_the_screen_cannot_read_are_not_sent_to_the_cloud(client, scripted):
    with pytest.raises(openai.BadRequestError) as refused:
        client.completions.create(model="hybrid", prompt=[19556, 11], max_tokens=4,
                                  extra_body={"mode": "prefer_in_cloud"})
    error = refused.value.body
    assert error["code"] == "token_input_unscreened" and error["param"] == "prompt"
    assert scripted.text_completions == [] and scripted.chats == []  # nothing reached it


def test_device_stream_pieces_make_the_answer(client):
    prompt = "Water boils at"
    whole = client.completions.create(model="hybrid", prompt=prompt, max_tokens=10,
                                      temperature=0, extra_body=DEVICE)
    stream = client.completions.create(model="hybrid", prompt=prompt, max_tokens=10,
                                       temperature=0, stream=True,
                                       stream_options={"include_usage": True},
                                       extra_body=DEVICE)
    chunks = list(stream)
    assert all(c.object == "text_completion" for c in chunks)
    pieces = [c.choices[0].text for c in chunks if c.choices]
    assert len([p for p in pieces if p]) > 1  # streamed, not one piece
    assert "".join(pieces) == whole.choices[0].text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] in ("stop", "length")
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None  # include_usage: OpenAI's shape
    assert hybrid(last)["route"] == "on_device"


def test_suffix_on_the_device_is_refused_naming_what_it_lacks(client):
    with pytest.raises(openai.BadRequestError) as raised:
        client.completions.create(model="hybrid", prompt="def add(a, b):", suffix="\n",
                                  max_tokens=8, extra_body=DEVICE)
    error = raised.value.body
    assert isinstance(error, dict) and error["code"] == "device_lacks"
    assert "infill" in error["message"] and "suffix" in error["message"]


def test_suffix_goes_to_the_cloud_when_the_mode_allows(client, scripted):
    response = client.completions.with_raw_response.create(
        model="hybrid", prompt="def add(a, b):", suffix="    return c\n", max_tokens=8,
        extra_body={"mode": "prefer_on_device"})
    completion = response.parse()
    assert response.headers["x-hybrid-reason"] == "device_lacks:infill"
    assert hybrid(completion)["route"] == "in_cloud"
    [sent] = scripted.text_completions
    assert sent.json["suffix"] == "    return c\n" and sent.json["prompt"] == "def add(a, b):"
    assert completion.choices[0].text.endswith("(before the suffix)")


def test_echo_with_logprobs_goes_to_the_cloud(client, scripted):
    completion = client.completions.create(model="hybrid", prompt="Hi there", echo=True,
                                           logprobs=1, max_tokens=4)
    info = hybrid(completion)
    assert info["route"] == "in_cloud" and info["reason"] == "device_lacks:prompt_logprobs"


# -- in the cloud -------------------------------------------------------------------------------

def test_cloud_plain_is_sent_the_body_as_given(client, scripted):
    completion = client.completions.create(model="hybrid/cloud", prompt="Say hi",
                                           max_tokens=5, temperature=0.2, user="u1")
    assert completion.choices[0].text == " You wrote: Say hi"
    assert completion.choices[0].finish_reason == "stop"
    assert hybrid(completion)["route"] == "in_cloud"
    [sent] = scripted.text_completions
    assert sent.json == {"prompt": "Say hi", "max_tokens": 5, "temperature": 0.2,
                         "user": "u1", "model": "stand-in", "stream": False}
    assert not scripted.chats


def test_cloud_two_prompts_and_echo(client, scripted):
    completion = client.completions.create(model="hybrid/cloud", prompt=["A", "B"], n=2,
                                           echo=True, max_tokens=5)
    texts = {c.index: c.text for c in completion.choices}
    assert texts == {0: "A You wrote: A", 1: "A You wrote: A [1]", 2: "B You wrote: B",
                     3: "B You wrote: B [1]"}


def test_cloud_logprobs_have_the_legacy_shape(client, scripted):
    prompt = "Count to three"
    completion = client.completions.create(model="hybrid/cloud", prompt=prompt, logprobs=2,
                                           max_tokens=5)
    check_legacy_logprobs(completion.choices[0], top=2, start=len(prompt))


def test_cloud_stream_pieces_make_the_answer(client, scripted):
    stream = client.completions.create(model="hybrid/cloud", prompt=["one", "two"],
                                       max_tokens=5, stream=True, logprobs=1)
    texts: dict[int, str] = {}
    for chunk in stream:
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + choice.text
            if choice.logprobs is not None:
                assert choice.logprobs.tokens == [choice.text]
    assert texts == {0: " You wrote: one", 1: " You wrote: two"}
    assert scripted.text_completions[-1].json["stream_options"] == {"include_usage": True}


def test_privacy_redacts_the_prompt_and_restores_the_answer(client, scripted):
    prompt = "Write to jane.doe@example.com about the invoice"
    completion = client.completions.create(model="hybrid/cloud", prompt=prompt,
                                           max_tokens=8, extra_body={"privacy": "redact"})
    [sent] = scripted.text_completions
    assert "jane.doe@example.com" not in sent.body.decode()
    assert sent.json["prompt"] == "Write to [EMAIL_1] about the invoice"
    assert completion.choices[0].text == f" You wrote: {prompt}"  # restored
    assert hybrid(completion)["privacy"] == {"policy": "redact", "detected": {"email": 1},
                                             "redacted": True}


def test_privacy_restores_a_streamed_echo(client, scripted):
    prompt = "Mail jane.doe@example.com now"
    stream = client.completions.create(model="hybrid/cloud", prompt=prompt, echo=True,
                                       max_tokens=8, stream=True)
    text = "".join(c.choices[0].text for c in stream if c.choices)
    assert text == prompt + f" You wrote: {prompt}"
    assert "jane.doe" not in scripted.text_completions[-1].body.decode()


def test_keep_local_keeps_a_private_prompt_on_the_device(client, scripted):
    completion = client.completions.create(model="hybrid", prompt="My email is a@b.example,",
                                           max_tokens=4, extra_body={"privacy": "keep_local"})
    assert hybrid(completion)["route"] == "on_device"
    assert not scripted.text_completions


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "param"), [
    ({"prompt": 5}, "prompt"),
    ({"prompt": []}, "prompt"),
    ({"prompt": [[1, 2], []]}, "prompt"),
    ({}, "prompt"),
    ({"prompt": "x", "logprobs": 6}, "logprobs"),
    ({"prompt": "x", "logprobs": True}, "logprobs"),
    ({"prompt": "x", "echo": "yes"}, "echo"),
    ({"prompt": "x", "best_of": 1, "n": 2}, "best_of"),
    ({"prompt": "x", "best_of": 3, "stream": True}, "best_of"),
    ({"prompt": "x", "messages": []}, "messages"),
    ({"prompt": "x", "continue_stream": True}, "continue_stream"),
    ({"prompt": "x", "max_tokens": 0}, "max_tokens"),
])
def test_bad_input_is_a_400_naming_the_field(gateway, body, param):
    response = httpx.post(gateway.base_url + "/completions", json={"model": "hybrid", **body},
                          timeout=60)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert param in error["message"]


# -- the request log and the metrics --------------------------------------------------------------

def test_each_request_is_logged_and_counted_as_completions(client, gateway):
    client.completions.create(model="hybrid", prompt="Log me", max_tokens=2,
                              extra_body=DEVICE)
    rows = log_rows(gateway.log_path, where="endpoint = 'completions' AND status = 200")
    assert rows and {r["route"] for r in rows} >= {"on_device"}
    metrics = httpx.get(gateway.root + "/metrics").text
    assert any(line.startswith("hybridai_requests_total{") and 'endpoint="completions"' in line
               and 'route="on_device"' in line for line in metrics.splitlines())
    failed = log_rows(gateway.log_path, where="endpoint = 'completions' AND status = 400")
    assert failed or httpx.post(gateway.base_url + "/completions", json={}).status_code == 400


def test_the_raw_stream_is_sse_of_text_completion_chunks(gateway):
    with httpx.stream("POST", gateway.base_url + "/completions", timeout=120, json={
            "model": "hybrid/on-device", "prompt": "Hi", "max_tokens": 3,
            "stream": True}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-hybrid-route"] == "on_device"
        data = [line.removeprefix("data: ") for line in response.iter_lines()
                if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all(c["object"] == "text_completion" and c["id"].startswith("cmpl-")
               for c in chunks)
    assert all(set(choice) == {"text", "index", "logprobs", "finish_reason"}
               for c in chunks for choice in c["choices"])
    assert chunks[-1]["hybrid"]["route"] == "on_device" and chunks[-1]["usage"]


# -- the real stand-in cloud, through the library -------------------------------------------------

def test_llama_cpp_servers_completions_through_the_library(make_client, cloud_server):
    client = make_client(cloud_server + "/v1")
    completion = client.completions.create(prompt="The capital of France is", max_tokens=6,
                                           temperature=0, logprobs=1, mode="only_in_cloud")
    assert completion.hybrid is not None and completion.hybrid.route == "in_cloud"
    choice = completion.choices[0]
    assert choice.text and choice.logprobs is not None
    assert len(choice.logprobs.tokens) == len(choice.logprobs.token_logprobs)
    assert "".join(choice.logprobs.tokens) == choice.text
    pieces = [c.text for c in client.completions.create(
        prompt="The capital of France is", max_tokens=6, temperature=0, stream=True,
        mode="only_in_cloud")]
    assert "".join(pieces) == choice.text


def test_the_library_on_the_device_returns_typed_objects(device):
    completion = device.completions.create(prompt="Hello", max_tokens=3, echo=True,
                                           temperature=0)
    assert completion.text.startswith("Hello") and completion.hybrid is not None
    assert completion.hybrid.route == "on_device" and completion.object == "text_completion"


async def test_the_async_library_streams(make_async_client):
    client = make_async_client(None)
    stream = await client.completions.create(prompt="Hello", max_tokens=3, temperature=0,
                                             stream=True)
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].hybrid is not None and chunks[-1].hybrid.route == "on_device"
    assert "".join(c.text for c in chunks)


# -- the OpenAPI document -------------------------------------------------------------------------

def test_the_openapi_document_describes_the_endpoint(gateway):
    import jsonschema_rs

    from hybridai.schema.completions import COMPLETION_FIELDS
    from hybridai.schema.request import HYBRID_FIELDS

    document = httpx.get(gateway.root + "/openapi.json").json()
    operation = document["paths"]["/v1/completions"]["post"]
    assert operation["operationId"] == "completions"
    assert {"200", "400", "429", "502", "503"} <= set(operation["responses"])
    body = document["components"]["schemas"]["CompletionRequest"]
    assert set(body["properties"]) == COMPLETION_FIELDS | HYBRID_FIELDS
    assert body["required"] == ["prompt"] and body["additionalProperties"] is False
    validator = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/CompletionRequest",
         "components": document["components"]})
    # Token ids are a valid body; under the default redact policy the gateway does not send
    # them to a cloud (test_token_ids_the_screen_cannot_read_are_not_sent_to_the_cloud).
    assert validator.is_valid({"prompt": [[1, 2], [3]], "logprobs": 5})
    for good in ({"prompt": "x"}, {"prompt": ["a", "b"], "n": 2, "echo": True},
                 {"prompt": ["a"], "logprobs": 5, "mode": "only_in_cloud"}):
        assert validator.is_valid(good), good
        response = httpx.post(gateway.base_url + "/completions", timeout=120,
                              json={**good, "max_tokens": 1, "model": "hybrid/cloud"})
        assert response.status_code == 200, response.text
    for bad in ({"prompt": 5}, {"prompt": "x", "logprobs": 6}, {"prompt": "x", "bogus": 1}):
        assert not validator.is_valid(bad), bad
    answer = document["components"]["schemas"]["TextCompletion"]
    assert {"id", "object", "created", "model", "choices", "usage", "hybrid"} <= set(
        answer["properties"])
