"""The messages between the llama.cpp engine's host and its worker process, on the wire."""

from __future__ import annotations

import json

import pytest

from hybridai.engines.llamacpp.messages import (
    AnswerForm,
    BadMessage,
    BenchEvent,
    BenchOp,
    CallRef,
    CancelOp,
    ChatMessage,
    ChatOp,
    Command,
    CountEvent,
    CountTokensOp,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    Event,
    FatalEvent,
    FunctionDef,
    ReadEvent,
    Reading,
    ReadItem,
    ReadOp,
    ReadyEvent,
    Sampling,
    StartEvent,
    TokenAlternative,
    TokenLogprob,
    WorkerOptions,
    decode_command,
    decode_event,
    encode,
)

MESSAGES = (ChatMessage("system", "Be brief."), ChatMessage("user", "Hi ☃", name="ann"))
HISTORY = (*MESSAGES,
           ChatMessage("assistant", "", tool_calls=(
               CallRef("call_1", "get_weather", '{"city": "Paris"}'),
               CallRef(None, "legacy", "{}"))),
           ChatMessage("tool", "18 C", tool_call_id="call_1"))
FORM = AnswerForm(functions=(FunctionDef("get_weather", "Weather", {
    "type": "object", "properties": {"city": {"type": "string"}}}), FunctionDef("noop")),
    tool_choice="required", parallel=False, format="json_schema",
    schema={"type": "object", "properties": {"a": {"enum": [1, "x", None]}}})

COMMANDS: list[Command] = [
    ChatOp(id="c1", messages=HISTORY, form=FORM, sampling=Sampling(
        temperature=0.0, top_p=0.9, top_k=20, min_p=0.1, typical_p=0.95, repeat_penalty=1.1,
        presence_penalty=0.5, frequency_penalty=-0.5, mirostat_mode=2, mirostat_tau=4.0,
        mirostat_eta=0.2, seed=7),
        max_tokens=16, stop=("\n", "END"), top_logprobs=3, score_tokens=True),
    ChatOp(id="c2", messages=MESSAGES[1:]),
    CancelOp(id="c1"),
    BenchOp(id="b1", decode_tokens=8, runs=1),
    CountTokensOp(id="n1", messages=MESSAGES),
    CountTokensOp(id="n2", messages=HISTORY, form=FORM),
    ReadOp(id="r1", items=(
        ReadItem("Which is a mammal?\nA) shark\nB) whale", then="\nAnswer:",
                 letters=("A", "B"), max_tokens=64),
        ReadItem("so Sarah always won.", head="so Sarah"))),
]

EVENTS: list[Event] = [
    ReadyEvent(n_ctx=4096, n_ctx_train=8192, n_threads=4, load_s=0.25, pid=1234),
    FatalEvent(message="ValueError: no such file"),
    StartEvent(id="c1", prompt_tokens=12),
    DeltaEvent(id="c1", text=" Hello ☃"),
    DeltaEvent(id="c1", text="", logprobs=(TokenLogprob(
        "\ufffd", -0.25, (226, 152), (TokenAlternative("\ufffd", -0.25, (226, 152)),
                                       TokenAlternative(" Hi", -1.5, (32, 72, 105)))),)),
    DoneEvent(id="c1", finish_reason="length", prompt_tokens=12, completion_tokens=16,
              token_logprobs=(-0.1, -2.5)),
    DoneEvent(id="c2", finish_reason="stop", prompt_tokens=3, completion_tokens=0),
    ErrorEvent(id="c1", code="context_length_exceeded", message="too long",
               prompt_tokens=5000, n_ctx=4096),
    ErrorEvent(id=None, code="bad_json", message="not JSON: 'x'"),
    BenchEvent(id="b1", runs=1, prompt_tokens=120, decode_tokens=8,
               prefill_tokens_per_s=900.5, decode_tokens_per_s=80.25),
    CountEvent(id="n1", prompt_tokens=12),
    ReadEvent(id="r1", results=(Reading((-1.5, -0.25), letters=(-0.7, None)),
                                Reading((-3.0,)))),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_every_command_comes_back_as_it_was_sent(command: Command) -> None:
    line = encode(command)
    assert "\n" not in line
    assert json.loads(line)["op"] == type(command).TAG
    assert decode_command(line) == command


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_comes_back_as_it_was_sent(event: Event) -> None:
    line = encode(event)
    assert "\n" not in line
    assert json.loads(line)["event"] == type(event).TAG
    assert decode_event(line) == event


def test_a_token_logprob_is_openais_logprobs_item() -> None:
    item = TokenLogprob("Hi", -0.5, (72, 105), (TokenAlternative("Hi", -0.5, (72, 105)),))
    assert item.openai() == {"token": "Hi", "logprob": -0.5, "bytes": [72, 105],
                             "top_logprobs": [{"token": "Hi", "logprob": -0.5,
                                               "bytes": [72, 105]}]}


def test_an_answer_form_names_the_functions_a_call_may_name() -> None:
    weather, noop = FORM.functions
    assert FORM.must_call and FORM.callable == (weather, noop)
    named = AnswerForm(functions=FORM.functions, tool_choice="noop")
    assert named.must_call and named.callable == (noop,)
    auto = AnswerForm(functions=FORM.functions)
    assert auto.may_call and not auto.must_call
    none = AnswerForm(functions=FORM.functions, tool_choice="none")
    assert not none.may_call and none.callable == ()
    assert not AnswerForm().may_call
    assert FORM.function("noop") is noop and FORM.function("other") is None


def test_the_routers_op_is_read_and_its_fields_are_plain_json() -> None:
    wire = json.loads(encode(COMMANDS[-1]))
    assert wire["op"] == "read"
    assert wire["items"][0] == {"text": "Which is a mammal?\nA) shark\nB) whale", "head": None,
                                "then": "\nAnswer:", "letters": ["A", "B"], "max_tokens": 64}


def test_a_lone_surrogate_in_a_prompt_still_encodes_to_one_ascii_line() -> None:
    command = ChatOp(id="s", messages=(ChatMessage("user", "broken \ud800 text"),))
    line = encode(command)
    assert line.isascii()
    assert decode_command(line) == command


def test_a_command_and_an_event_of_the_same_name_are_told_apart() -> None:
    bench = encode(BenchOp(id="b"))
    assert isinstance(decode_command(bench), BenchOp)
    with pytest.raises(BadMessage) as info:
        decode_event(bench)  # an "op" line is no event
    assert info.value.code == "bad_event"


@pytest.mark.parametrize(("line", "code", "message_id"), [
    ("not json at all", "bad_json", None),
    ("[1, 2]", "bad_json", None),
    ('{"op": "probe", "id": "p1", "items": []}', "bad_op", "p1"),
    ('{"id": "x"}', "bad_op", "x"),
    ('{"op": "chat", "id": "c9"}', "bad_message", "c9"),
    ('{"op": "cancel", "id": "c9", "extra": 1}', "bad_message", "c9"),
])
def test_what_is_not_a_command_is_a_bad_message_with_its_id(line: str, code: str,
                                                            message_id: str | None) -> None:
    with pytest.raises(BadMessage) as info:
        decode_command(line)
    assert (info.value.code, info.value.id) == (code, message_id)


def test_stray_output_is_not_an_event() -> None:
    for line in ("llama_model_load: loading model\n", '{"event": "progress", "id": "c1"}'):
        with pytest.raises(BadMessage):
            decode_event(line)


def test_worker_options_travel_as_json() -> None:
    options = WorkerOptions(model_path="/models/m.gguf", n_ctx=1024, n_threads=2, n_batch=256,
                            logits_all=True)
    assert WorkerOptions.from_json(options.to_json()) == options
