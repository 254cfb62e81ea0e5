"""Legacy text completions without I/O: the body read into the pipeline's request, what it
needs of the device, its privacy screen, the answer's shapes, the cloud's answers read back,
and the engine messages that carry a raw prompt."""

from __future__ import annotations

import pytest

from hybridai.cache.key import cache_key
from hybridai.cloud.answers import StreamTracker, whole_answer
from hybridai.cloud.completions import as_chat_answer, chat_logprobs
from hybridai.config import PrivacySettings
from hybridai.engines.llamacpp.command import raw_prompts
from hybridai.engines.llamacpp.messages import ChatOp, RawPrompt, decode_command, encode
from hybridai.errors import InvalidRequestError
from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.screening import PrivacyGuard
from hybridai.schema.completions import (
    CompletionChunks,
    CompletionRequest,
    parse_completion_request,
    text_completion,
)
from hybridai.schema.events import Finished, LogprobsDelta, Started, TextDelta
from hybridai.schema.modes import Mode
from hybridai.schema.privacy import Policy
from hybridai.schema.request import ChatRequest
from hybridai.schema.response import (
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChoiceLogprobs,
    ChunkChoice,
    Delta,
    ResponseMessage,
    Usage,
)


def parse(**body: object) -> ChatRequest:
    return parse_completion_request(body, strict=True)


# -- the request --------------------------------------------------------------------------------

def test_the_body_becomes_a_marked_chat_request():
    request = parse(model="hybrid", prompt=["one", "two"], n=2, logprobs=3, echo=True,
                    stop="\n", temperature=0, seed=4, user="u", stream=True,
                    stream_options={"include_usage": True}, mode="prefer_in_cloud")
    assert isinstance(request, CompletionRequest) and request.completion is not None
    assert request.completion.prompts == ("one", "two") and request.completion.echo
    assert request.completion.logprobs == 3
    assert (request.logprobs, request.top_logprobs) == (True, 3)  # the chat's names
    assert request.max_tokens == 16  # OpenAI's default for a text completion
    assert request.choices == 4  # two prompts, n = 2 each
    assert [m.text for m in request.messages] == ["one", "two"]
    assert request.stop == ["\n"] and request.seed == 4 and request.user == "u"
    assert request.options.mode is Mode.PREFER_IN_CLOUD
    assert request.options.continue_stream is False  # never continued as a chat
    assert request.wire() == {"model": "hybrid", "prompt": ["one", "two"], "n": 2,
                              "logprobs": 3, "echo": True, "stop": "\n", "temperature": 0,
                              "seed": 4, "user": "u", "stream": True,
                              "stream_options": {"include_usage": True}}


@pytest.mark.parametrize(("prompt", "prompts"), [
    ("text", ("text",)), ([1, 2, 3], ((1, 2, 3),)), ([[1, 2], [3]], ((1, 2), (3,))),
    (["a", "b"], ("a", "b")), ("", ("",)),
])
def test_every_prompt_shape(prompt, prompts):
    request = parse(prompt=prompt)
    assert request.completion is not None and request.completion.prompts == prompts


@pytest.mark.parametrize(("body", "needs"), [
    ({}, set()),
    ({"suffix": "}"}, {"infill"}),
    ({"best_of": 3}, {"best_of"}),
    ({"best_of": 2, "n": 2}, set()),
    ({"echo": True}, set()),
    ({"echo": True, "logprobs": 0}, {"prompt_logprobs"}),
    ({"logit_bias": {"50256": -100}}, {"logit_bias"}),
])
def test_what_the_device_model_cannot_do_is_a_need(body, needs):
    assert parse(prompt="x", **body).needs() == needs


@pytest.mark.parametrize(("body", "field"), [
    ({"prompt": 5}, "prompt"), ({"prompt": [1, "a"]}, "prompt"), ({"prompt": [-1]}, "prompt"),
    ({"prompt": ["x"] * 65, "n": 2}, "prompt"), ({"prompt": "x", "logprobs": 6}, "logprobs"),
    ({"prompt": "x", "n": 0}, "n"), ({"prompt": "x", "best_of": 1, "n": 2}, "best_of"),
    ({"prompt": "x", "tools": []}, "tools"), ({"prompt": "x", "top_p": 0}, "top_p"),
    ({"prompt": "x", "stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ({"prompt": "x", "continue_stream": True}, "continue_stream"),
])
def test_bad_bodies_are_refused_naming_the_field(body, field):
    with pytest.raises(InvalidRequestError) as raised:
        parse_completion_request(body, strict=True)
    assert getattr(raised.value, "param", None) == field and field in str(raised.value)


def test_extensions_pass_when_the_gateway_allows_them():
    request = parse_completion_request({"prompt": "x", "top_k": 5}, extensions=frozenset(
        {"top_k"}))
    assert request.extensions == {"top_k": 5} and request.wire()["top_k"] == 5


def test_the_cache_tells_a_completion_from_a_chat_with_the_same_text():
    completion = parse(prompt="What is 2+2?", temperature=0)
    chat = ChatRequest.parse({"messages": [{"role": "user", "content": "What is 2+2?"}],
                              "temperature": 0, "max_tokens": 16})
    models = ["device:m"]
    assert (cache_key(completion, Mode.PREFER_ON_DEVICE, models).exact
            != cache_key(chat, Mode.PREFER_ON_DEVICE, models).exact)


# -- privacy --------------------------------------------------------------------------------------

def test_the_privacy_screen_reads_and_masks_the_prompts_and_the_suffix():
    guard = PrivacyGuard(Scanner.from_settings(PrivacySettings()), Policy.REDACT)
    request = parse(prompt=["Mail jane.doe@example.com", "no data"],
                    suffix="or call bob@example.org")
    screening = guard.screen(request)
    assert screening.counts == {"email": 2}
    sent = screening.cloud_request()
    assert isinstance(sent, CompletionRequest) and sent.completion is not None
    assert sent.wire()["prompt"] == ["Mail [EMAIL_1]", "no data"]
    assert sent.wire()["suffix"] == "or call [EMAIL_2]"
    assert sent.completion.prompts == ("Mail [EMAIL_1]", "no data")
    assert sent.completion.suffix == "or call [EMAIL_2]"
    restorer = screening.restorer()
    assert restorer.feed("You wrote [EMAIL_1]") + restorer.flush() == (
        "You wrote jane.doe@example.com")
    # Token ids carry no text to read: they pass as they are.
    tokens = guard.screen(parse(prompt=[[7, 8]], suffix="bob@example.org")).cloud_request()
    assert tokens.wire()["prompt"] == [[7, 8]] and tokens.wire()["suffix"] == "[EMAIL_1]"


# -- the answer -----------------------------------------------------------------------------------

def _items(*tokens: str) -> list[dict[str, object]]:
    return [{"token": t, "logprob": -0.5, "bytes": list(t.encode()),
             "top_logprobs": [{"token": t, "logprob": -0.5, "bytes": []}]} for t in tokens]


def _chat(text: str, logprobs: list[dict[str, object]] | None, index: int = 0
          ) -> ChatCompletion:
    from hybridai.schema.modes import Route
    from hybridai.schema.response import RoutingInfo

    routing = RoutingInfo(route=Route.ON_DEVICE, target="device", model="m",
                          mode=Mode.PREFER_ON_DEVICE, reason="device_available", detail="")
    return ChatCompletion(id="chatcmpl-abc", created=1, model="m", choices=[Choice(
        index=index, message=ResponseMessage(content=text), finish_reason="length",
        logprobs=ChoiceLogprobs(content=logprobs) if logprobs is not None else None)],
        usage=Usage(), hybrid=routing)


@pytest.mark.parametrize(("echo", "start"), [(False, 5), (True, 0)])
def test_the_answer_is_a_text_completion_with_legacy_logprobs(echo, start):
    request = parse(prompt="Hello", logprobs=1, echo=echo)
    answer = text_completion(_chat(" a b", _items(" a", " b")), request)
    assert answer.id == "cmpl-abc" and answer.object == "text_completion"
    [choice] = answer.choices
    assert choice.text == " a b" and choice.finish_reason == "length"
    assert choice.logprobs is not None
    assert choice.logprobs.model_dump() == {
        "tokens": [" a", " b"], "token_logprobs": [-0.5, -0.5],
        "top_logprobs": [{" a": -0.5}, {" b": -0.5}], "text_offset": [start, start + 2]}


def test_no_logprobs_unless_asked():
    answer = text_completion(_chat("x", None), parse(prompt="p"))
    assert answer.choices[0].logprobs is None


def test_a_streamed_token_and_its_logprobs_come_as_one_chunk():
    request = parse(prompt="Hi", logprobs=1, stream=True)
    shaped = CompletionChunks(request)

    def chunk(delta: Delta, logprobs: ChoiceLogprobs | None = None,
              finish: str | None = None) -> ChatCompletionChunk:
        return ChatCompletionChunk(id="chatcmpl-1", created=1, model="m", choices=[
            ChunkChoice(delta=delta, logprobs=logprobs, finish_reason=finish)])

    assert shaped.chunks(chunk(Delta(role="assistant", content=" a"))) == []  # held
    [first] = shaped.chunks(chunk(Delta(), ChoiceLogprobs(content=_items(" a"))))
    assert first.choices[0].text == " a" and first.choices[0].logprobs is not None
    assert first.choices[0].logprobs.text_offset == [2]
    assert shaped.chunks(chunk(Delta(content=" b"))) == []
    [second] = shaped.chunks(chunk(Delta(), ChoiceLogprobs(content=_items(" b"))))
    assert second.choices[0].logprobs is not None
    assert second.choices[0].logprobs.text_offset == [4]
    [end] = shaped.chunks(chunk(Delta(), finish="stop"))
    assert end.choices[0].finish_reason == "stop" and end.choices[0].text == ""


def test_without_logprobs_nothing_waits():
    shaped = CompletionChunks(parse(prompt="Hi", stream=True))
    out = shaped.chunks(ChatCompletionChunk(id="chatcmpl-1", created=1, model="m", choices=[
        ChunkChoice(delta=Delta(role="assistant", content="x"))]))
    assert [c.choices[0].text for c in out] == ["x"]


# -- the cloud's answers ----------------------------------------------------------------------

LEGACY = {"tokens": ["Hi", " there"], "token_logprobs": [None, -1.5],
          "top_logprobs": [None, {" there": -1.5, " you": -2.0}], "text_offset": [0, 2]}


def test_legacy_logprobs_become_chat_items():
    assert chat_logprobs(LEGACY) == [
        {"token": "Hi", "logprob": None, "bytes": None, "top_logprobs": None},
        {"token": " there", "logprob": -1.5, "bytes": None, "top_logprobs": [
            {"token": " there", "logprob": -1.5, "bytes": None},
            {"token": " you", "logprob": -2.0, "bytes": None}]}]
    assert chat_logprobs(None) == [] and chat_logprobs({"tokens": None}) == []


def test_a_whole_cloud_text_completion_reads_as_events():
    answer = {"id": "cmpl-1", "object": "text_completion", "choices": [
        {"text": "Hi there", "index": 0, "logprobs": LEGACY, "finish_reason": "stop"},
        {"text": "Yo", "index": 1, "logprobs": None, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}
    events = list(whole_answer("cloud", as_chat_answer(answer), 1))
    assert events[0] == Started(prompt_tokens=3)
    assert TextDelta("Hi there", 0) in events and TextDelta("Yo", 1) in events
    [logprobs] = [e for e in events if isinstance(e, LogprobsDelta)]
    assert [item["token"] for item in logprobs.content] == ["Hi", " there"]
    assert events[-1] == Finished("stop", 3, 4)


def test_a_streamed_cloud_text_completion_reads_as_events():
    tracker = StreamTracker("cloud", 1)
    events = [e for chunk in (
        {"choices": [{"text": "Hi", "index": 0, "logprobs": None, "finish_reason": None}]},
        {"choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}]},
    ) for e in tracker.feed(as_chat_answer(chunk))]
    assert events == [TextDelta("Hi", 0)]
    assert tracker.finish().finish_reason == "stop"


def test_an_error_answer_passes_unchanged():
    error = {"error": {"message": "bad"}}
    assert as_chat_answer(error) is error


# -- the engine's raw prompt ----------------------------------------------------------------------

def test_raw_prompts_travel_to_the_worker():
    request = parse(prompt=[[5, 6], [7]], echo=True)
    raws = raw_prompts(request)
    assert raws == (RawPrompt(tokens=(5, 6), echo=True), RawPrompt(tokens=(7,), echo=True))
    op = ChatOp(id="1", messages=(), raw=raws[0], max_tokens=4)
    assert decode_command(encode(op)) == op
    text = ChatOp(id="2", messages=(), raw=RawPrompt(text="Hi", suffix="!"))
    assert decode_command(encode(text)) == text
    assert raw_prompts(ChatRequest.parse({"messages": [{"role": "user", "content": "x"}]})
                       ) == ()
