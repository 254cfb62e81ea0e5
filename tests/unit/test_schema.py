"""schema.ChatRequest.parse and modes.mode_from_model: what a request may say, and the errors."""

from __future__ import annotations

from typing import Any

import pytest

from hybridai.errors import InvalidRequestError
from hybridai.schema.modes import Mode, mode_from_model
from hybridai.schema.request import ChatRequest
from tests.unit.builders import chat_request

USER = [{"role": "user", "content": "Hi"}]


def rejected(payload: dict[str, Any]) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as raised:
        ChatRequest.parse(payload)
    return raised.value


# -- ChatRequest.parse ---------------------------------------------------------------------------

def test_valid_request() -> None:
    request = ChatRequest.parse({
        "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": "Hi", "name": "ann"}],
        "model": "hybrid", "stream": True, "max_tokens": 16, "temperature": 0.0,
        "top_p": 0.9, "seed": 7, "user": "u1",
    })
    assert [(m.role, m.content) for m in request.messages] == [("system", "Be brief."),
                                                               ("user", "Hi")]
    assert (request.model, request.stream, request.max_tokens, request.seed) == (
        "hybrid", True, 16, 7)
    assert request.options.mode is None
    assert request.deterministic


def test_parse_does_not_change_the_callers_payload() -> None:
    payload = {"messages": USER, "n": 1, "max_completion_tokens": 5}
    ChatRequest.parse(payload)
    assert payload == {"messages": USER, "n": 1, "max_completion_tokens": 5}


def test_missing_messages() -> None:
    error = rejected({"model": "hybrid"})
    assert "'messages'" in str(error)
    assert error.code == "invalid_request"


def test_empty_messages() -> None:
    assert "messages: at least one message is required" in str(rejected({"messages": []}))


def test_unknown_role_names_the_index_and_the_role() -> None:
    error = rejected({"messages": [*USER, {"role": "robot", "content": "beep"}]})
    assert "messages.1.role: unknown role 'robot'" in str(error)


def test_unknown_field_is_rejected() -> None:
    assert "temprature: unknown field" in str(rejected({"messages": USER, "temprature": 0.5}))


@pytest.mark.parametrize("temperature", [-0.1, 2.1])
def test_temperature_out_of_range(temperature: float) -> None:
    assert "temperature:" in str(rejected({"messages": USER, "temperature": temperature}))


def test_max_tokens_must_be_positive() -> None:
    assert "max_tokens:" in str(rejected({"messages": USER, "max_tokens": 0}))


def test_max_completion_tokens_maps_to_max_tokens() -> None:
    assert chat_request(max_completion_tokens=12).max_tokens == 12


def test_max_tokens_wins_over_max_completion_tokens() -> None:
    assert chat_request(max_tokens=3, max_completion_tokens=12).max_tokens == 3


@pytest.mark.parametrize("n", [1, None])
def test_one_choice_is_accepted(n: int | None) -> None:
    assert chat_request(n=n).messages[0].content == "Name a colour."


def test_several_choices_are_asked_for_by_n() -> None:
    assert chat_request(n=2).choices == 2
    assert "n: Input should be greater than or equal to 1" in str(
        rejected({"messages": USER, "n": 0}))


def test_stream_options_are_kept() -> None:
    request = chat_request(stream=True, stream_options={"include_usage": True})
    assert request.stream_options is not None and request.stream_options.include_usage


def test_stop_string_becomes_a_list() -> None:
    assert chat_request(stop="\n").stop == ["\n"]
    assert chat_request(stop=["a", "b"]).stop == ["a", "b"]


def test_text_parts_are_kept_and_read_as_one_text() -> None:
    parts = [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]
    request = ChatRequest.parse({"messages": [{"role": "user", "content": parts}]})
    assert request.messages[0].text == "first\nsecond"
    assert request.wire()["messages"][0]["content"] == parts


def test_null_content_needs_a_tool_call() -> None:
    error = rejected({"messages": [*USER, {"role": "assistant", "content": None}]})
    assert "messages.1: an assistant message needs content, tool_calls" in str(error)


def test_an_image_part_is_kept_and_needs_vision() -> None:
    request = ChatRequest.parse({"messages": [{"role": "user", "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]})
    assert request.messages[0].text == "what is this?"
    assert request.needs() == {"vision"}


@pytest.mark.parametrize(("value", "mode"), [
    ("prefer_in_cloud", Mode.PREFER_IN_CLOUD),
    ("only-on-device", Mode.ONLY_ON_DEVICE),
    (" Only_In_Cloud ", Mode.ONLY_IN_CLOUD),
    (Mode.PREFER_ON_DEVICE, Mode.PREFER_ON_DEVICE),
])
def test_mode_is_parsed(value: str, mode: Mode) -> None:
    assert chat_request(mode=value).options.mode is mode


def test_bad_mode() -> None:
    error = rejected({"messages": USER, "mode": "sideways"})
    assert error.code == "invalid_mode"
    assert "'sideways'" in str(error)


def test_every_problem_is_reported() -> None:
    error = str(rejected({"messages": USER, "temperature": 9, "top_p": 0, "extra": 1}))
    assert all(field in error for field in ("temperature:", "top_p:", "extra: unknown field"))


@pytest.mark.parametrize("field", ["options", "payload", "score_tokens", "tenant"])
def test_the_request_types_own_fields_are_unknown_on_the_wire(field: str) -> None:
    assert f"{field}: unknown field" in str(rejected({"messages": USER, field: {}}))


@pytest.mark.parametrize(("field", "value"), [
    ("max_tokens", "5"), ("stream", 1), ("stream", "true"), ("temperature", "0.5"),
    ("cache", 0), ("continue_stream", "on"), ("cascade", "0.5"), ("seed", True)])
def test_strict_parsing_takes_each_field_in_its_json_type_only(field: str, value: Any) -> None:
    payload = {"messages": USER, field: value}
    ChatRequest.parse(payload)  # the library's parsing coerces, as it always has
    with pytest.raises(InvalidRequestError, match=field):
        ChatRequest.parse(payload, strict=True)


def test_an_integral_number_is_an_integer_also_strictly() -> None:
    request = ChatRequest.parse({"messages": USER, "max_tokens": 5.0, "seed": 7.0,
                                 "temperature": 1}, strict=True)
    assert (request.max_tokens, request.seed, request.temperature) == (5, 7, 1.0)
    assert chat_request(max_completion_tokens=6.0).max_tokens == 6


@pytest.mark.parametrize(("fields", "where"), [
    ({"n": True}, "n:"),
    ({"stream_options": 5}, "stream_options:"),
    ({"max_tokens": 3, "max_completion_tokens": 0}, "max_completion_tokens:"),
    ({"messages": [{"role": "user", "content": "Hi", "name": 5}]}, "messages.0.name:"),
    ({"messages": [{"role": "user", "content": [{"type": "text"}]}]},
     "messages.0.content.list[tagged-union[TextPart,"),
])
def test_wire_only_fields_are_checked_though_not_kept(fields: dict[str, Any],
                                                      where: str) -> None:
    assert where in str(rejected({"messages": USER, **fields}))


# -- mode_from_model -----------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "mode"), [
    (None, None),
    ("hybrid", None),
    ("hybrid/cloud", Mode.ONLY_IN_CLOUD),
    ("hybrid/on-device", Mode.ONLY_ON_DEVICE),
    ("hybrid/device", Mode.ONLY_ON_DEVICE),
    ("hybrid/prefer_in_cloud", Mode.PREFER_IN_CLOUD),
    ("hybrid/prefer-on-device", Mode.PREFER_ON_DEVICE),
])
def test_mode_from_model(model: str | None, mode: Mode | None) -> None:
    assert mode_from_model(model) is mode


@pytest.mark.parametrize("model", ["gpt-4", "hybrid/", "openai/gpt-4o"])
def test_other_models_are_not_found(model: str) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        mode_from_model(model)
    assert raised.value.code == "model_not_found"
    assert repr(model) in str(raised.value)


def test_hybrid_with_an_unknown_mode_is_an_invalid_mode() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        mode_from_model("hybrid/sideways")
    assert raised.value.code == "invalid_mode"
