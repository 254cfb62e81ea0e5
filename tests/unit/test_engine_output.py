"""How the host reads the device's answer back (engines/llamacpp/output.py): text, tool
calls as OpenAI streams them, and the checks an answer that ended by itself must pass."""

from __future__ import annotations

import itertools
import json

import pytest

from hybridai.engines.llamacpp.messages import AnswerForm, FunctionDef, TokenLogprob
from hybridai.engines.llamacpp.output import ChoiceReader, InvalidOutput
from hybridai.errors import EngineError
from hybridai.schema.events import LogprobsDelta, TextDelta, ToolCallDelta

WEATHER = FunctionDef("get_weather", None, {
    "type": "object", "properties": {"city": {"type": "string"},
                                     "days": {"type": "integer", "maximum": 7}},
    "required": ["city"]})
TIME = FunctionDef("get_time", None, {"type": "object", "properties": {}})
PARIS = ('<tool_call>{"name":"get_weather","arguments":{"city":"Pa\\"}{ris","days":2}}'
         '</tool_call>')
NOW = '<tool_call>{"name":"get_time","arguments":{}}</tool_call>'
TOKEN = TokenLogprob("Hi", -0.5, (72, 105))


def reader(choice: str = "auto", **form: object) -> ChoiceReader:
    ids = (f"call_{i}" for i in itertools.count())
    return ChoiceReader(AnswerForm(functions=(WEATHER, TIME), tool_choice=choice,
                                   **form),  # type: ignore[arg-type]
                        choice=1, new_id=lambda: next(ids))


def read(choice_reader: ChoiceReader, pieces: list[str], finish: str = "stop"
         ) -> tuple[list[object], str]:
    events: list[object] = []
    for piece in pieces:
        events += choice_reader.feed(piece)
    rest, reason = choice_reader.end(finish)
    return events + rest, reason


def calls_of(events: list[object]) -> dict[int, tuple[str | None, str | None, str]]:
    """index -> (id, name, arguments), joined as OpenAI's client joins the deltas."""
    calls: dict[int, tuple[str | None, str | None, str]] = {}
    for event in events:
        assert isinstance(event, ToolCallDelta) and event.choice == 1
        call_id, name, arguments = calls.get(event.index, (None, None, ""))
        calls[event.index] = (call_id or event.id, name or event.name,
                              arguments + event.arguments)
    return calls


@pytest.mark.parametrize("size", [1, 3, 7, 1000])
def test_calls_are_read_however_the_text_is_cut(size: int) -> None:
    text = PARIS + NOW
    events, reason = read(reader(), [text[i:i + size] for i in range(0, len(text), size)])
    assert reason == "tool_calls"
    assert calls_of(events) == {
        0: ("call_0", "get_weather", '{"city":"Pa\\"}{ris","days":2}'),
        1: ("call_1", "get_time", "{}")}
    # The first delta of each call names it; the arguments come after, as generated.
    first = [e for e in events if isinstance(e, ToolCallDelta) and e.id]
    assert [(e.index, e.name, e.arguments) for e in first] == [
        (0, "get_weather", ""), (1, "get_time", "")]


def test_arguments_are_passed_on_as_they_arrive() -> None:
    choice_reader = reader("required")
    head = '<tool_call>{"name":"get_weather","arguments":'
    assert calls_of(choice_reader.feed(head)) == {0: ("call_0", "get_weather", "")}
    assert choice_reader.feed('{"city":"Ro') == [ToolCallDelta(0, arguments='{"city":"Ro',
                                                               choice=1)]
    assert choice_reader.feed('me"}}</tool_') == [ToolCallDelta(0, arguments='me"}',
                                                                choice=1)]
    assert choice_reader.feed("call>") == []
    assert choice_reader.end("stop") == ([], "tool_calls")


def test_text_that_could_open_a_call_is_held_until_it_cannot() -> None:
    choice_reader = reader()
    assert choice_reader.feed("<tool", (TOKEN,)) == []
    assert choice_reader.feed("s>", (TOKEN,)) == [
        TextDelta("<tools>", 1), LogprobsDelta((TOKEN.openai(), TOKEN.openai()), 1)]
    assert choice_reader.feed(" fine") == [TextDelta(" fine", 1)]
    assert choice_reader.end("stop") == ([], "stop")


def test_a_call_has_no_logprobs_and_text_keeps_them() -> None:
    calls = reader()
    events = calls.feed(PARIS[:15], (TOKEN,)) + calls.feed(PARIS[15:], (TOKEN,))
    assert not any(isinstance(e, LogprobsDelta) for e in events)
    text = reader("none")
    assert text.feed("Hi", (TOKEN,)) == [TextDelta("Hi", 1), LogprobsDelta((TOKEN.openai(),), 1)]


def test_an_answer_that_ends_while_undecided_is_text() -> None:
    assert read(reader(), ["<tool_c"], finish="length") == ([TextDelta("<tool_c", 1)], "length")
    assert read(reader(), []) == ([], "stop")


def test_arguments_that_do_not_fit_their_schema_are_invalid_output() -> None:
    too_long = PARIS.replace('"days":2', '"days":9')
    with pytest.raises(InvalidOutput) as info:
        read(reader(), [too_long])
    error = info.value
    assert isinstance(error, EngineError) and error.retryable
    assert error.code == "invalid_output"
    assert "the arguments of get_weather" in str(error) and "9 is greater than" in str(error)
    assert "(at /days)" in str(error)


def test_a_call_cut_off_is_passed_on_when_the_answer_ran_out_of_tokens() -> None:
    events, reason = read(reader(), [PARIS[:-20]], finish="length")
    assert reason == "length"
    assert calls_of(events)[0][1] == "get_weather"
    with pytest.raises(InvalidOutput, match="cut off"):
        read(reader(), [PARIS[:-20]], finish="stop")  # by a stop sequence


@pytest.mark.parametrize("text", [
    '<tool_call>{"name":"get_weather","arguments":[1]}</tool_call>',
    '<tool_call>{"name":"get_weather", "arguments":{}}</tool_call>',
    PARIS + " and more",
])
def test_what_is_not_the_call_form_is_invalid_output(text: str) -> None:
    with pytest.raises(InvalidOutput, match="malformed tool call"):
        read(reader("required"), [text])


def test_a_call_of_a_function_the_choice_excludes_is_invalid_output() -> None:
    with pytest.raises(InvalidOutput, match="called 'get_weather'"):
        read(reader("get_time"), [PARIS])


def test_a_json_answer_is_checked_against_its_schema() -> None:
    schema = {"type": "object", "properties": {"genre": {"enum": ["horror", "drama"]}},
              "required": ["genre"]}
    ok = reader("none", format="json_schema", schema=schema)
    assert read(ok, ['{"genre":', '"drama"}']) == (
        [TextDelta('{"genre":', 1), TextDelta('"drama"}', 1)], "stop")
    with pytest.raises(InvalidOutput, match=r"'comedy' is not one of .* \(at /genre\)"):
        read(reader("none", format="json_schema", schema=schema), ['{"genre":"comedy"}'])
    with pytest.raises(InvalidOutput, match="is not JSON"):
        read(reader("none", format="json_schema", schema=schema), ['{"genre":'])
    # Cut off by max_tokens, it is passed on as it is.
    cut = reader("none", format="json_schema", schema=schema)
    assert read(cut, ['{"genre":'], finish="length")[1] == "length"


def test_json_object_needs_an_object() -> None:
    assert read(reader("none", format="json_object"), ['{"a":1}'])[1] == "stop"
    with pytest.raises(InvalidOutput, match="not an object"):
        read(reader("none", format="json_object"), ["[1]"])


def test_auto_with_json_reads_either_a_call_or_the_json() -> None:
    events, reason = read(reader("auto", format="json_object"), [NOW])
    assert reason == "tool_calls" and calls_of(events)[0][1] == "get_time"
    events, reason = read(reader("auto", format="json_object"), ['{"a":', "1}"])
    assert reason == "stop" and json.loads("".join(e.text for e in events)) == {"a": 1}
