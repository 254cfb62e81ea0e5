"""The whole Chat Completions request: its fields' table, every message shape, every text a
request carries, and what a model name chooses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridai.config import Settings
from hybridai.config.model_names import ModelChoice, ModelNames
from hybridai.errors import InvalidRequestError
from hybridai.schema.compat import CHAT_FIELDS, Treatment, markdown, unused_on_device
from hybridai.schema.modes import Mode
from hybridai.schema.request import HYBRID_FIELDS, INTERNAL_FIELDS, ChatRequest, WireOnlyFields
from hybridai.schema.texts import map_texts, texts

DOCS = Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"
USER = {"role": "user", "content": "hi"}


def test_the_table_covers_every_openai_field_and_nothing_else() -> None:
    openai_fields = (set(ChatRequest.model_fields) - INTERNAL_FIELDS) | set(
        WireOnlyFields.model_fields)
    assert set(CHAT_FIELDS) == openai_fields
    assert not HYBRID_FIELDS & set(CHAT_FIELDS)


def test_the_docs_table_is_the_generated_one() -> None:
    assert DOCS.read_text() == markdown(), (
        "docs/compatibility.md is stale: python -m hybridai.schema.compat > "
        "docs/compatibility.md")


def test_each_needs_cloud_field_names_the_capability_the_request_needs() -> None:
    examples = {
        "logit_bias": {"logit_bias": {"50256": -100}},
        "modalities": {"modalities": ["text", "audio"],
                       "audio": {"voice": "alloy", "format": "wav"}},
        "audio": {"modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": "wav"}},
        "web_search_options": {"web_search_options": {}},
    }
    for name, rule in CHAT_FIELDS.items():
        if rule.device is not Treatment.NEEDS_CLOUD:
            continue
        request = ChatRequest.parse({"messages": [USER], **examples[name]})
        assert rule.capability in request.needs(), name


def test_unused_fields_are_the_no_effect_ones() -> None:
    assert unused_on_device({"messages": [], "store": True, "metadata": {}, "seed": 1}) == [
        "metadata", "store"]


@pytest.mark.parametrize("message", [
    {"role": "user", "content": [{"type": "text", "text": "see"}, {
        "type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]},
    {"role": "user", "content": [{"type": "input_audio",
                                  "input_audio": {"data": "AA", "format": "wav"}}]},
    {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "42"},
    {"role": "assistant", "content": "no", "refusal": "I can't"},
    {"role": "user", "name": "ada", "content": "hi"},
    {"role": "developer", "content": [{"type": "text", "text": "be brief"}]},
])
def test_every_message_shape_is_kept_as_given(message: dict[str, object]) -> None:
    request = ChatRequest.parse({"messages": [USER, message]}, strict=True)
    assert request.wire()["messages"][1] == message
    assert request.messages[1].model_dump(mode="json", exclude_unset=True) == message


@pytest.mark.parametrize(("message", "words"), [
    ({"role": "tool", "content": "42"}, "tool_call_id"),
    ({"role": "user", "content": "x", "tool_calls": []}, "only an assistant"),
    ({"role": "assistant", "content": None}, "needs content, tool_calls"),
    ({"role": "system", "content": [{"type": "image_url", "image_url": {"url": "x"}}]},
     "text parts only"),
    ({"role": "user", "content": [{"type": "video", "video": {}}]}, "video"),
    ({"role": "user", "content": "x", "colour": "red"}, "messages.1.colour: unknown field"),
])
def test_malformed_messages_are_refused_naming_the_problem(message: dict[str, object],
                                                           words: str) -> None:
    with pytest.raises(InvalidRequestError, match=words):
        ChatRequest.parse({"messages": [USER, message]}, strict=True)


def test_tool_choice_must_name_an_offered_function() -> None:
    tools = [{"type": "function", "function": {"name": "get_weather"}}]
    with pytest.raises(InvalidRequestError, match="'get_time', which tools does not define"):
        ChatRequest.parse({"messages": [USER], "tools": tools, "tool_choice": {
            "type": "function", "function": {"name": "get_time"}}})
    rules = ChatRequest.parse({"messages": [USER], "tools": tools, "tool_choice": {
        "type": "function", "function": {"name": "get_weather"}}}).tool_rules()
    assert rules is not None and rules.choice == "get_weather"


def test_legacy_functions_are_tool_rules_too() -> None:
    request = ChatRequest.parse({"messages": [USER], "functions": [{"name": "f"}],
                                 "function_call": {"name": "f"}})
    rules = request.tool_rules()
    assert rules is not None and rules.choice == "f" and not rules.parallel
    assert "tools" in request.needs()


def test_tool_choice_none_needs_no_tools_capability() -> None:
    request = ChatRequest.parse({"messages": [USER], "tool_choice": "none", "tools": [
        {"type": "function", "function": {"name": "f"}}]})
    assert "tools" not in request.needs()


def test_unknown_fields_are_refused_unless_allowed_as_extensions() -> None:
    with pytest.raises(InvalidRequestError, match="top_k: unknown field.*extension_fields"):
        ChatRequest.parse({"messages": [USER], "top_k": 5})
    request = ChatRequest.parse({"messages": [USER], "top_k": 5},
                                extensions=frozenset({"top_k"}))
    assert request.extensions == {"top_k": 5} and request.wire()["top_k"] == 5


def test_internal_fields_cannot_be_sent() -> None:
    for name in ("score_tokens", "tenant", "extensions", "payload"):
        with pytest.raises(InvalidRequestError, match=f"{name}: unknown field"):
            ChatRequest.parse({"messages": [USER], name: True})


def test_every_text_a_request_carries_is_found_and_rewritten_in_place() -> None:
    payload = {
        "messages": [
            {"role": "system", "content": "sys a@b.co"},
            {"role": "user", "name": "ada", "content": [
                {"type": "text", "text": "part"},
                {"type": "image_url", "image_url": {"url": "https://x.test/?mail=a@b.co"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function",
             "function": {"name": "lookup", "arguments": '{"email": "a@b.co"}'}}]},
            {"role": "tool", "tool_call_id": "c", "content": "result"}],
        "tools": [{"type": "function", "function": {"name": "lookup", "description": "desc",
                   "parameters": {"type": "object", "properties": {"email": {
                       "type": "string", "description": "whose", "enum": ["x", "y"]}}}}}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "out", "schema": {
            "type": "object", "properties": {"name": {"type": "string", "title": "t"}}}}},
        "stop": ["END"], "metadata": {"k": "v"},
    }
    found = texts(payload)
    assert found == ["sys a@b.co", "part", "https://x.test/?mail=a@b.co", "ada",
                     '{"email": "a@b.co"}', "result", "desc", "whose", "x", "y", "END", "t",
                     "v"]
    rewritten = map_texts(payload, str.upper)
    assert rewritten["messages"][1]["content"][2] == payload["messages"][1]["content"][2]
    assert rewritten["tools"][0]["function"]["parameters"]["properties"]["email"]["type"] == (
        "string")  # structure kept: property names and types are not text
    assert json.loads(rewritten["messages"][2]["tool_calls"][0]["function"]["arguments"]) == {
        "EMAIL": "A@B.CO"}
    assert payload["messages"][0]["content"] == "sys a@b.co"  # the input is not changed


def test_model_names_choose_mode_and_target() -> None:
    settings = Settings(cloud={
        "primary": {"base_url": "http://127.0.0.1:1/v1", "model": "gpt-4o-mini"},
        "backup": {"base_url": "http://127.0.0.1:2/v1", "model": "claude-haiku"}},
        aliases={"fast": {"mode": "prefer_in_cloud", "target": "backup"}})
    names = ModelNames(settings, "device", "SmolLM2-135M-Instruct")
    assert names.choose(None) == ModelChoice()
    assert names.choose("hybrid/only_in_cloud") == ModelChoice(Mode.ONLY_IN_CLOUD)
    assert names.choose("hybrid/prefer-in-cloud") == ModelChoice(Mode.PREFER_IN_CLOUD)
    assert names.choose("gpt-4o-mini") == ModelChoice(target="primary")
    assert names.choose("backup") == ModelChoice(target="backup")
    assert names.choose("claude-haiku") == ModelChoice(target="backup")
    assert names.choose("SmolLM2-135M-Instruct") == ModelChoice(Mode.ONLY_ON_DEVICE)
    assert names.choose("fast") == ModelChoice(Mode.PREFER_IN_CLOUD, "backup")
    with pytest.raises(InvalidRequestError, match="unknown model 'gpt-5'.*gpt-4o-mini") as e:
        names.choose("gpt-5")
    assert e.value.code == "model_not_found"


def test_the_prompt_estimate_counts_tools_schemas_images_and_calls() -> None:
    from hybridai.cloud.tokens import IMAGE_TOKENS, estimate_prompt_tokens

    plain = ChatRequest.parse({"messages": [USER]})
    tools = [{"type": "function", "function": {"name": "lookup", "description": "x" * 400,
                                                "parameters": {"type": "object"}}}]
    with_tools = ChatRequest.parse({"messages": [USER], "tools": tools})
    assert estimate_prompt_tokens(with_tools) >= estimate_prompt_tokens(plain) + 100
    image = {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "u"}}]}
    with_image = ChatRequest.parse({"messages": [USER, image]})
    assert estimate_prompt_tokens(with_image) >= estimate_prompt_tokens(plain) + IMAGE_TOKENS
    call = {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function",
            "function": {"name": "lookup", "arguments": '{"q": "' + "y" * 400 + '"}'}}]}
    with_call = ChatRequest.parse({"messages": [USER, call]})
    assert estimate_prompt_tokens(with_call) >= estimate_prompt_tokens(plain) + 100


def test_the_cache_key_changes_with_every_field_that_changes_the_answer() -> None:
    from hybridai.cache.key import cache_key

    base = {"messages": [USER], "temperature": 0}
    key = cache_key(ChatRequest.parse(base), Mode.AUTO, ["device:m"])
    for change in ({"response_format": {"type": "json_object"}}, {"logit_bias": {"1": 5}},
                   {"presence_penalty": 1.0}, {"seed": 3}, {"max_tokens": 5},
                   {"messages": [{"role": "user", "content": [
                       {"type": "text", "text": "hi"},
                       {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]}]}):
        other = cache_key(ChatRequest.parse({**base, **change}), Mode.AUTO, ["device:m"])
        assert other.exact != key.exact, change
    for same in ({"stream": True}, {"metadata": {"a": "b"}}, {"store": True}):
        other = cache_key(ChatRequest.parse({**base, **same}), Mode.AUTO, ["device:m"])
        assert other.exact == key.exact, same
