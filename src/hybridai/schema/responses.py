"""OpenAI's Responses API as hybridai reads and writes it: the request, its input items, the
``response`` object and its output items, and what each request field becomes.

A Responses request runs as a chat request (``to_chat_payload``): its ``input`` items become
chat messages (``instructions`` a system message first), its flat function tools chat tools,
``text.format`` the chat ``response_format``, ``max_output_tokens`` ``max_tokens``; the chat
answer comes back as a ``response`` object (``response_from_completion``). ``RESPONSES_FIELDS``
says what happens to every field OpenAI documents; a field hybridai cannot honour is a 400
naming it, never dropped (``python -m hybridai.schema.responses > docs/responses.md`` writes
the table out; a test keeps the two equal).

The shapes follow the ``openai`` SDK's ``openai.types.responses`` (``Response``,
``ResponseOutputMessage``, ``ResponseFunctionToolCall``, ``ResponseUsage``), so the SDK parses
what the gateway sends.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InvalidRequestError
from .request import describe_validation_error, split_body
from .response import ChatCompletion, RoutingInfo

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)  # the wire's JSON types
_OPEN = ConfigDict(extra="allow", strict=True)  # what a client echoes back may carry more


# -- the field table ----------------------------------------------------------------------------

class Treatment(StrEnum):
    HONOURED = "honoured"
    """Translated to its chat field and honoured there (docs/compatibility.md says how on
    the device and in the cloud)."""
    PASSED = "passed"
    """Sent to the cloud as the chat field of the same name; nothing on the device acts on it."""
    USED = "used"
    """hybridai reads it itself."""
    KEPT = "kept"
    """Kept on the response object (and the stored response); not sent anywhere."""
    REFUSED = "refused"
    """A 400 naming it, unless its value asks for nothing (``accepts``)."""


@dataclass(frozen=True)
class ResponsesField:
    treatment: Treatment
    chat: str
    """What it becomes in the chat request ("" for nothing)."""
    note: str
    accepts: tuple[Any, ...] = (None,)
    """For refused fields: the values that ask for nothing and are taken."""


_H, _P, _U, _K, _R = (Treatment.HONOURED, Treatment.PASSED, Treatment.USED, Treatment.KEPT,
                      Treatment.REFUSED)

RESPONSES_FIELDS: dict[str, ResponsesField] = {
    "input": ResponsesField(_H, "messages", "a string (one user message) or items: messages "
                            "(user, system, developer, assistant; content a string or parts "
                            "input_text, input_image, input_file, input_audio, output_text, "
                            "refusal), function_call and function_call_output items; other "
                            "item types (item_reference, reasoning, built-in tool calls) are a "
                            "400 naming them"),
    "instructions": ResponsesField(_H, "messages[0]", "a system message before the input; "
                                   "not carried over by previous_response_id, as OpenAI does"),
    "model": ResponsesField(_U, "model", "as in chat: hybrid, hybrid/<mode>, a target or its "
                            "model, an alias"),
    "tools": ResponsesField(_H, "tools", "function tools (the flat Responses shape) become chat "
                            "function tools; built-in tools (web_search, file_search, "
                            "computer_use, code_interpreter, mcp, image_generation, custom, ...) "
                            "are a 400 naming them"),
    "tool_choice": ResponsesField(_H, "tool_choice", "none, auto, required, {type: function, "
                                  "name}, {type: allowed_tools, mode, tools}"),
    "parallel_tool_calls": ResponsesField(_H, "parallel_tool_calls", "false: at most one call"),
    "text": ResponsesField(_H, "response_format, verbosity", "format text, json_object, "
                           "json_schema {name, schema, strict}; verbosity is passed on"),
    "max_output_tokens": ResponsesField(_H, "max_tokens", "an answer cut short is status "
                                        "incomplete, incomplete_details.reason "
                                        "max_output_tokens"),
    "temperature": ResponsesField(_H, "temperature", ""),
    "top_p": ResponsesField(_H, "top_p", ""),
    "stream": ResponsesField(_H, "stream", "the Responses event sequence (response.created ... "
                             "response.completed), each with its sequence_number"),
    "stream_options": ResponsesField(_H, "", "include_obfuscation: no delta is ever padded, "
                                     "so there is nothing to turn off"),
    "store": ResponsesField(_U, "", "default true: the response and its conversation are kept "
                            "in the gateway's local SQLite store (responses.sqlite beside the "
                            "request log), for GET/DELETE /v1/responses/{id} and "
                            "previous_response_id, visible only to the API key that made "
                            "them; false: not kept. Never sent to a chat cloud"),
    "previous_response_id": ResponsesField(_U, "messages", "the stored response's input and "
                                           "output items go before this input; an id not "
                                           "stored for this API key is a 404 naming it"),
    "metadata": ResponsesField(_K, "", "up to 16 string pairs, echoed on the response"),
    "user": ResponsesField(_H, "user", "as in chat: scopes the response cache and the log"),
    "safety_identifier": ResponsesField(_P, "safety_identifier", "the vendor's abuse detection"),
    "prompt_cache_key": ResponsesField(_P, "prompt_cache_key", "the vendor's prompt cache"),
    "prompt_cache_retention": ResponsesField(_P, "prompt_cache_retention",
                                             "the vendor's prompt cache"),
    "service_tier": ResponsesField(_P, "service_tier", "the vendor's processing tier"),
    "truncation": ResponsesField(_R, "", "only disabled (the default): a conversation longer "
                                 "than the context window is an error, as OpenAI's disabled "
                                 "does; auto (dropping items) is not done", (None, "disabled")),
    "include": ResponsesField(_R, "", "extra output data (logprobs, encrypted reasoning, tool "
                              "sources): none can be supplied; an empty list is taken",
                              (None, [])),
    "reasoning": ResponsesField(_R, "", "reasoning effort and summaries: the device model does "
                                "not reason and chat clouds give no summaries"),
    "background": ResponsesField(_R, "", "background responses (poll for the result)",
                                 (None, False)),
    "conversation": ResponsesField(_R, "", "the Conversations API; use previous_response_id"),
    "prompt": ResponsesField(_R, "", "stored prompt templates"),
    "max_tool_calls": ResponsesField(_R, "", "a cap on built-in tool calls"),
    "top_logprobs": ResponsesField(_R, "", "output log probabilities (chat's logprobs give them)"),
    "context_management": ResponsesField(_R, "", "server-side compaction"),
    "prompt_cache_options": ResponsesField(_R, "", "explicit prompt cache breakpoints"),
    "moderation": ResponsesField(_R, "", "moderated responses"),
    "image": ResponsesField(_R, "", "image context compression"),
    "access_programs": ResponsesField(_R, "", "OpenAI's access programs"),
    "background_options": ResponsesField(_R, "", "background responses"),
}
"""OpenAI's Responses request fields (``openai.types.responses.response_create_params``)."""


def refused_fields(payload: dict[str, Any]) -> list[str]:
    """The fields of ``payload`` whose values ask for what hybridai cannot do. A value is
    accepted only with the accepted value's JSON type too (``0 == False`` in Python)."""
    return [name for name, value in payload.items()
            if (rule := RESPONSES_FIELDS.get(name)) is not None and rule.treatment is _R
            and not any(type(value) is type(ok) and value == ok for ok in rule.accepts)]


def markdown() -> str:
    """docs/responses.md."""
    lines = [
        "# Responses API compatibility",
        "",
        "Generated from `src/hybridai/schema/responses.py` by "
        "`python -m hybridai.schema.responses > docs/responses.md`; a test keeps them equal.",
        "",
        "`POST /v1/responses` (and `HybridAI().responses.create`) runs as a chat request: "
        "routed like `/v1/chat/completions` (modes, privacy, budget, cache, fallbacks, the "
        "`hybrid` routing metadata), each field translated to its chat field, whose treatment "
        "on the device and in the cloud is [compatibility.md](compatibility.md). A cloud "
        "target with `responses_api = true` is sent the Responses request itself instead.",
        "",
        "- **honoured**: translated to the chat field named and honoured there",
        "- **passed**: sent to the cloud as that chat field; nothing on the device acts on it",
        "- **used**: hybridai reads it itself",
        "- **kept**: echoed on the response object and kept with a stored response",
        "- **refused**: a 400 naming it, unless its value asks for nothing (as listed)",
        "",
        "| field | treatment | chat field | notes |",
        "|---|---|---|---|",
    ]
    for name, rule in RESPONSES_FIELDS.items():
        note = rule.note
        if rule.treatment is _R:
            taken = ", ".join(json.dumps(v) for v in rule.accepts)
            note += f" (taken: {taken})"
        lines.append(f"| `{name}` | {rule.treatment} | {rule.chat} | {note} |")
    lines += [
        "",
        "hybridai's own fields (`mode`, `cache`, `cascade`, `privacy`, `continue_stream`) "
        "are read as in chat. Any other field is a 400 naming it.",
        "",
        "Stored responses hold the user's own conversation (every input and output item) in "
        "plain text in `responses.sqlite` beside the request log; they are never written to "
        "the request log (which keeps text only with `gateway.log_content = true`), and are "
        "deleted by `DELETE /v1/responses/{id}`. Send `store: false` to keep nothing.",
        "",
    ]
    return "\n".join(lines)


# -- the request --------------------------------------------------------------------------------

class InputText(BaseModel):
    model_config = _OPEN
    type: Literal["input_text"]
    text: str


class OutputText(BaseModel):
    """Text the model wrote: in an output message, or an assistant message sent back."""

    model_config = _OPEN
    type: Literal["output_text"] = "output_text"
    text: str
    annotations: list[Any] = Field(default_factory=list)


class Refusal(BaseModel):
    model_config = _OPEN
    type: Literal["refusal"] = "refusal"
    refusal: str


class InputImage(BaseModel):
    model_config = _OPEN
    type: Literal["input_image"]
    image_url: str | None = None
    file_id: str | None = None
    detail: Literal["auto", "low", "high"] | None = None


class InputFile(BaseModel):
    model_config = _OPEN
    type: Literal["input_file"]
    file_data: str | None = None
    file_id: str | None = None
    filename: str | None = None


class AudioData(BaseModel):
    model_config = _STRICT
    data: str
    format: str


class InputAudioPart(BaseModel):
    model_config = _OPEN
    type: Literal["input_audio"]
    input_audio: AudioData


ContentPart = Annotated[InputText | OutputText | Refusal | InputImage | InputFile | InputAudioPart,
                        Field(discriminator="type")]


class MessageItem(BaseModel):
    """A message of the conversation; ``type`` may be left out, as OpenAI allows."""

    model_config = _OPEN
    type: Literal["message"] = "message"
    role: Literal["user", "system", "developer", "assistant"]
    content: str | list[ContentPart]
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class FunctionCallItem(BaseModel):
    """A call of a function tool: one the model made (an output item), or sent back."""

    model_config = _OPEN
    type: Literal["function_call"] = "function_call"
    call_id: str
    name: str
    arguments: str
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class FunctionCallOutputItem(BaseModel):
    """What the client's function returned, for the call ``call_id``."""

    model_config = _OPEN
    type: Literal["function_call_output"] = "function_call_output"
    call_id: str
    output: str | list[ContentPart]
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


InputItem = MessageItem | FunctionCallItem | FunctionCallOutputItem
_ITEM_TYPES: dict[str, type[BaseModel]] = {"message": MessageItem,
                                           "function_call": FunctionCallItem,
                                           "function_call_output": FunctionCallOutputItem}


class FunctionToolSpec(BaseModel):
    """A function tool in the Responses shape: flat, no ``function`` wrapper."""

    model_config = _OPEN
    type: Literal["function"]
    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionChoice(BaseModel):
    model_config = _STRICT
    type: Literal["function"]
    name: str


class AllowedToolsChoice(BaseModel):
    model_config = _STRICT
    type: Literal["allowed_tools"]
    mode: Literal["auto", "required"]
    tools: list[dict[str, Any]]


class TextFormatText(BaseModel):
    model_config = _STRICT
    type: Literal["text"]


class TextFormatJSONObject(BaseModel):
    model_config = _STRICT
    type: Literal["json_object"]


class TextFormatJSONSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)
    type: Literal["json_schema"]
    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    schema_: dict[str, Any] = Field(alias="schema")
    description: str | None = None
    strict: bool | None = None


TextFormat = Annotated[TextFormatText | TextFormatJSONObject | TextFormatJSONSchema,
                       Field(discriminator="type")]


class TextConfig(BaseModel):
    model_config = _STRICT
    format: TextFormat | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class ResponsesStreamOptions(BaseModel):
    model_config = _STRICT
    include_obfuscation: bool | None = None


class ResponsesRequest(BaseModel):
    """A validated Responses request: the fields hybridai honours or uses (``RESPONSES_FIELDS``),
    ``input`` as items, and hybridai's own fields apart in ``hybrid``. Strict, as the wire's
    JSON types are: ``0`` is no ``false``, ``"1"`` no number."""

    model_config = ConfigDict(extra="forbid", strict=True)

    input: list[InputItem]
    model: str | None = None
    instructions: str | None = None
    tools: list[FunctionToolSpec] | None = None
    tool_choice: (Literal["none", "auto", "required"] | FunctionChoice | AllowedToolsChoice
                  | None) = None
    parallel_tool_calls: bool | None = None
    text: TextConfig | None = None
    max_output_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stream: bool = False
    stream_options: ResponsesStreamOptions | None = None
    store: bool = True
    previous_response_id: str | None = None
    metadata: dict[str, str] | None = Field(default=None, max_length=16)
    user: str | None = None
    safety_identifier: str | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: str | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    truncation: Literal["disabled"] | None = None
    include: list[str] | None = None
    background: Literal[False] | None = None
    hybrid: dict[str, Any] = Field(default_factory=dict, description="hybridai's own fields "
                                   "(mode, cache, cascade, privacy, continue_stream) and the "
                                   "allowed vendor extensions, as given: chat takes them so")
    payload: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False,
                                    description="the request as given (for a cloud that "
                                    "speaks the Responses API)")

    @classmethod
    def parse(cls, payload: dict[str, Any], extensions: frozenset[str] = frozenset()
              ) -> ResponsesRequest:
        """The request body, validated; a 400 (``InvalidRequestError``) names each field that
        is wrong, unknown, or asks for what hybridai cannot do. ``extensions``: vendor fields
        passed on to the chat request as they are (``gateway.extension_fields``)."""
        if "input" not in payload:
            raise InvalidRequestError("'input' is required: a string or a list of items",
                                      code="invalid_request")
        if refused := refused_fields(payload):
            name = refused[0]
            raise InvalidRequestError(
                f"{name}: not supported by this gateway ({RESPONSES_FIELDS[name].note}); "
                f"docs/responses.md lists what is", code="unsupported_field", param=name)
        parts = split_body(payload, RESPONSES_FIELDS, extensions)
        hybrid = {**parts.options, **parts.extensions}  # chat reads both as given
        fields = {k: v for k, v in parts.given.items() if k not in parts.extensions}
        for internal in ("hybrid", "payload"):
            if internal in fields:
                raise InvalidRequestError(f"invalid request: {internal}: unknown field")
        fields["input"] = parse_items(payload["input"])
        tools = fields.get("tools")
        if isinstance(tools, list):
            for index, tool in enumerate(tools):
                kind = tool.get("type") if isinstance(tool, dict) else None
                if kind != "function":
                    raise InvalidRequestError(
                        f"tools.{index}.type: {kind!r} tools are not supported by this "
                        "gateway (function tools only)", code="unsupported_tool")
        try:
            return cls.model_validate({**fields, "hybrid": hybrid, "payload": payload})
        except ValidationError as exc:
            raise InvalidRequestError(describe_validation_error(exc)) from None

    @property
    def text_format(self) -> TextFormatText | TextFormatJSONObject | TextFormatJSONSchema:
        return (self.text.format if self.text is not None and self.text.format is not None
                else TextFormatText(type="text"))


def parse_items(raw: Any, where: str = "input") -> list[InputItem]:
    """``input`` as items: a string is one user message."""
    if isinstance(raw, str):
        return [MessageItem(role="user", content=raw)]
    if not isinstance(raw, list):
        raise InvalidRequestError(f"invalid request: {where}: a string or a list of items")
    items: list[InputItem] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InvalidRequestError(f"invalid request: {where}.{index}: an object")
        kind = item.get("type", "message")
        model = _ITEM_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            raise InvalidRequestError(
                f"{where}.{index}.type: {kind!r} items are not supported by this gateway "
                "(message, function_call, function_call_output)", code="unsupported_item",
                param=f"{where}.{index}.type")
        try:
            items.append(model.model_validate(item))  # type: ignore[arg-type]
        except ValidationError as exc:
            problems = describe_validation_error(exc).removeprefix("invalid request: ")
            raise InvalidRequestError(
                f"invalid request: {where}.{index}: {problems}") from None
    return items


# -- to chat ------------------------------------------------------------------------------------

def chat_messages(items: list[InputItem], instructions: str | None = None
                  ) -> list[dict[str, Any]]:
    """The conversation as chat messages: function calls join the assistant message before
    them (or make one), each function's output is a tool message."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    for item in items:
        if isinstance(item, MessageItem):
            messages.append(_chat_message(item))
        elif isinstance(item, FunctionCallItem):
            call = {"id": item.call_id, "type": "function",
                    "function": {"name": item.name, "arguments": item.arguments}}
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant":
                last.setdefault("tool_calls", []).append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        else:
            messages.append({"role": "tool", "tool_call_id": item.call_id,
                             "content": item.output if isinstance(item.output, str)
                             else _text_of(item.output)})
    return messages


def _chat_message(item: MessageItem) -> dict[str, Any]:
    if isinstance(item.content, str):
        return {"role": item.role, "content": item.content}
    if item.role == "assistant":
        text = _text_of(item.content)
        refusal = "".join(p.refusal for p in item.content if isinstance(p, Refusal))
        message: dict[str, Any] = {"role": "assistant", "content": text or None}
        if refusal:
            message["refusal"] = refusal
        elif not text:
            message["content"] = ""
        return message
    return {"role": item.role, "content": [_chat_part(p) for p in item.content]}


def _chat_part(part: BaseModel) -> dict[str, Any]:
    if isinstance(part, InputText | OutputText):
        return {"type": "text", "text": part.text}
    if isinstance(part, InputImage):
        if part.image_url is None:
            raise InvalidRequestError("input_image: only image_url (an https or data: URL) is "
                                      "supported by this gateway, not file_id",
                                      code="unsupported_content")
        image: dict[str, Any] = {"url": part.image_url}
        if part.detail is not None:
            image["detail"] = part.detail
        return {"type": "image_url", "image_url": image}
    if isinstance(part, InputFile):
        return {"type": "file", "file": part.model_dump(
            include={"file_data", "file_id", "filename"}, exclude_none=True)}
    if isinstance(part, InputAudioPart):
        return {"type": "input_audio", "input_audio": part.input_audio.model_dump()}
    assert isinstance(part, Refusal)
    raise InvalidRequestError("a refusal part belongs in an assistant message only",
                              code="invalid_request")


def _text_of(parts: list[Any]) -> str:
    return "".join(p.text for p in parts if isinstance(p, InputText | OutputText))


def to_chat_payload(request: ResponsesRequest, history: list[InputItem] | None = None
                    ) -> dict[str, Any]:
    """The chat request that runs ``request``: ``history`` (a previous response's input and
    output items) before its input."""
    payload: dict[str, Any] = {
        "messages": chat_messages([*(history or ()), *request.input], request.instructions),
        **request.hybrid}
    for name in ("model", "temperature", "top_p", "parallel_tool_calls", "user",
                 "safety_identifier", "prompt_cache_key", "prompt_cache_retention",
                 "service_tier"):
        if (value := getattr(request, name)) is not None:
            payload[name] = value
    if request.stream:
        payload["stream"] = True
    if request.max_output_tokens is not None:
        payload["max_tokens"] = request.max_output_tokens
    if request.tools:
        payload["tools"] = [{"type": "function", "function": tool.model_dump(
            include={"name", "description", "parameters", "strict"}, exclude_none=True)}
            for tool in request.tools]
    if (choice := request.tool_choice) is not None:
        payload["tool_choice"] = (
            choice if isinstance(choice, str) else
            {"type": "function", "function": {"name": choice.name}}
            if isinstance(choice, FunctionChoice) else
            {"type": "allowed_tools", "allowed_tools": {"mode": choice.mode, "tools": [
                {"type": "function", "function": {"name": t.get("name")}}
                for t in choice.tools]}})
    if request.text is not None:
        if request.text.format is not None:
            payload["response_format"] = _chat_format(request.text.format)
        if request.text.verbosity is not None:
            payload["verbosity"] = request.text.verbosity
    return payload


def _chat_format(fmt: TextFormatText | TextFormatJSONObject | TextFormatJSONSchema
                 ) -> dict[str, Any]:
    if isinstance(fmt, TextFormatJSONSchema):
        schema: dict[str, Any] = {"name": fmt.name, "schema": fmt.schema_}
        if fmt.description is not None:
            schema["description"] = fmt.description
        if fmt.strict is not None:
            schema["strict"] = fmt.strict
        return {"type": "json_schema", "json_schema": schema}
    return {"type": fmt.type}


# -- back to the Responses API, for a cloud that speaks it ---------------------------------------

_NOT_PASSED = frozenset({"input", "instructions", "previous_response_id", "store", "stream",
                         "stream_options", "model"})


def responses_body(request: ResponsesRequest, messages: list[dict[str, Any]], model: str
                   ) -> dict[str, Any]:
    """What a cloud speaking the Responses API is sent: the request's own fields as given,
    its conversation from the chat ``messages`` that were planned (a previous response's
    items folded in, redacted where the privacy policy says), streamed, not stored there."""
    body = {k: v for k, v in request.payload.items()
            if k not in _NOT_PASSED and k not in request.hybrid}
    if request.instructions and messages and messages[0].get("role") == "system":
        body["instructions"] = _flat_text(messages[0].get("content"))
        messages = messages[1:]
    return {**body, "model": model, "input": responses_input(messages), "stream": True,
            "store": False}


def responses_input(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat messages as Responses input items (``chat_messages`` the other way)."""
    items: list[dict[str, Any]] = []
    for message in messages:
        role, content = message.get("role"), message.get("content")
        if role == "tool":
            items.append({"type": "function_call_output", "call_id": message["tool_call_id"],
                          "output": _flat_text(content)})
            continue
        if role == "assistant":
            text = _flat_text(content)
            if text or message.get("refusal"):
                parts: list[dict[str, Any]] = []
                if text:
                    parts.append({"type": "output_text", "text": text, "annotations": []})
                if message.get("refusal"):
                    parts.append({"type": "refusal", "refusal": message["refusal"]})
                items.append({"type": "message", "role": "assistant", "content": parts})
            for call in message.get("tool_calls") or ():
                items.append({"type": "function_call", "call_id": call["id"],
                              "name": call["function"]["name"],
                              "arguments": call["function"]["arguments"]})
            continue
        items.append({"type": "message", "role": role, "content": content if isinstance(
            content, str) else [_responses_part(p) for p in content or ()]})
    return items


def _flat_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or () if p.get("type") == "text")


def _responses_part(part: dict[str, Any]) -> dict[str, Any]:
    kind = part.get("type")
    if kind == "image_url":
        image = part["image_url"]
        return {"type": "input_image", "image_url": image["url"],
                "detail": image.get("detail") or "auto"}
    if kind == "file":
        return {"type": "input_file", **part["file"]}
    if kind == "input_audio":
        return part
    return {"type": "input_text", "text": part.get("text", "")}


# -- the response -------------------------------------------------------------------------------

class ResponseOutputMessage(BaseModel):
    type: Literal["message"] = "message"
    id: str
    status: Literal["in_progress", "completed", "incomplete"] = "completed"
    role: Literal["assistant"] = "assistant"
    content: list[OutputText | Refusal] = Field(default_factory=list)


class ResponseFunctionCall(BaseModel):
    """A function call the model made (OpenAI's ``ResponseFunctionToolCall``)."""

    type: Literal["function_call"] = "function_call"
    id: str
    call_id: str
    name: str
    arguments: str
    status: Literal["in_progress", "completed", "incomplete"] = "completed"


OutputItem = Annotated[ResponseOutputMessage | ResponseFunctionCall, Field(discriminator="type")]


class InputTokensDetails(BaseModel):
    cached_tokens: int = 0
    cache_write_tokens: int = 0


class OutputTokensDetails(BaseModel):
    reasoning_tokens: int = 0


class ResponseUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: InputTokensDetails = Field(default_factory=InputTokensDetails)
    output_tokens_details: OutputTokensDetails = Field(default_factory=OutputTokensDetails)


class ResponseIncompleteDetails(BaseModel):
    reason: Literal["max_output_tokens", "content_filter"]


class ResponseError(BaseModel):
    """Why a response failed: ``code`` one of OpenAI's (``server_error``,
    ``rate_limit_exceeded``), hybridai's own code in ``type``."""

    code: Literal["server_error", "rate_limit_exceeded"]
    message: str
    type: str | None = None


class ResponseObject(BaseModel):
    """OpenAI's ``response`` object, plus ``hybrid``: where it ran and why."""

    model_config = ConfigDict(extra="allow")  # a Responses cloud's own fields pass as sent

    id: str
    object: Literal["response"] = "response"
    created_at: int
    status: Literal["completed", "incomplete", "in_progress", "failed"]
    model: str
    output: list[OutputItem] = Field(default_factory=list)
    error: ResponseError | None = None
    incomplete_details: ResponseIncompleteDetails | None = None
    instructions: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    parallel_tool_calls: bool = True
    temperature: float | None = None
    top_p: float | None = None
    tool_choice: Any = "auto"
    tools: list[dict[str, Any]] = Field(default_factory=list)
    text: dict[str, Any] = Field(default_factory=lambda: {"format": {"type": "text"}})
    max_output_tokens: int | None = None
    previous_response_id: str | None = None
    store: bool = True
    truncation: Literal["disabled"] = "disabled"
    background: bool = False
    user: str | None = None
    usage: ResponseUsage | None = None
    hybrid: RoutingInfo | None = Field(default=None, description="where the request ran, why, "
                                       "and what it cost (as in chat completions)")

    @property
    def output_text(self) -> str:
        """The text of every output message, joined (as the ``openai`` SDK's property)."""
        return "".join(part.text for item in self.output if isinstance(item, ResponseOutputMessage)
                       for part in item.content if isinstance(part, OutputText))

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class DeletedResponse(BaseModel):
    id: str
    object: Literal["response.deleted"] = "response.deleted"
    deleted: bool = True


def new_id(prefix: str) -> str:
    """``resp_…``, ``msg_…``, ``fc_…``: as random as a uuid4, as OpenAI's ids look."""
    return f"{prefix}_{os.urandom(16).hex()}"


@dataclass
class ItemIds:
    """The ids of a response's output items, kept so a stream's events and its final
    response name the same items."""

    message: str
    calls: dict[int, str]

    @classmethod
    def new(cls) -> ItemIds:
        return cls(new_id("msg"), {})

    def call(self, index: int) -> str:
        return self.calls.setdefault(index, new_id("fc"))


def response_shell(request: ResponsesRequest, response_id: str, created_at: int, model: str,
                   status: Literal["completed", "incomplete", "in_progress", "failed"]
                   ) -> ResponseObject:
    """The response's fields that echo the request, with nothing output yet."""
    fmt = request.text_format
    text: dict[str, Any] = {"format": fmt.model_dump(mode="json", by_alias=True,
                                                     exclude_none=True)}
    if request.text is not None and request.text.verbosity is not None:
        text["verbosity"] = request.text.verbosity
    choice = request.tool_choice
    return ResponseObject(
        id=response_id, created_at=created_at, status=status, model=model,
        instructions=request.instructions, metadata=request.metadata or {},
        parallel_tool_calls=request.parallel_tool_calls is not False,
        temperature=request.temperature, top_p=request.top_p,
        tool_choice=choice.model_dump() if isinstance(choice, BaseModel) else choice or "auto",
        tools=[t.model_dump(exclude_none=True) for t in request.tools or ()],
        text=text, max_output_tokens=request.max_output_tokens,
        previous_response_id=request.previous_response_id, store=request.store,
        user=request.user)


_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def response_from_completion(completion: ChatCompletion, request: ResponsesRequest, *,
                             response_id: str, created_at: int, ids: ItemIds | None = None
                             ) -> ResponseObject:
    """The chat answer as a ``response``: its text (or refusal) one message item, each tool
    call a ``function_call`` item; ``length`` makes it incomplete."""
    ids = ids or ItemIds.new()
    choice = completion.choices[0]
    message = choice.message
    incomplete = _INCOMPLETE.get(choice.finish_reason or "")
    item_status: Literal["completed", "incomplete"] = (
        "incomplete" if incomplete else "completed")
    output: list[ResponseOutputMessage | ResponseFunctionCall] = []
    content: list[OutputText | Refusal] = []
    if message.content:
        content.append(OutputText(text=message.content))
    if message.refusal:
        content.append(Refusal(refusal=message.refusal))
    calls = message.tool_calls or []
    if content or not calls:
        output.append(ResponseOutputMessage(id=ids.message, status=item_status,
                                    content=content or [OutputText(text="")]))
    for index, call in enumerate(calls):
        output.append(ResponseFunctionCall(id=ids.call(index), call_id=call.id,
                                         name=call.function.name,
                                         arguments=call.function.arguments,
                                         status=item_status))
    response = response_shell(request, response_id, created_at, completion.model,
                              "incomplete" if incomplete else "completed")
    usage = completion.usage
    return response.model_copy(update={
        "output": output,
        "incomplete_details": ResponseIncompleteDetails(reason=incomplete) if incomplete else None,  # type: ignore[arg-type]
        "usage": ResponseUsage(input_tokens=usage.prompt_tokens,
                               output_tokens=usage.completion_tokens,
                               total_tokens=usage.total_tokens),
        "hybrid": completion.hybrid})


def output_items(response: ResponseObject) -> list[InputItem]:
    """A response's output as items of a next request's conversation."""
    items: list[InputItem] = []
    for item in response.output:
        if isinstance(item, ResponseOutputMessage):
            items.append(MessageItem(role="assistant", content=list(item.content), id=item.id,
                                     status=item.status))
        else:
            items.append(FunctionCallItem(call_id=item.call_id, name=item.name,
                                          arguments=item.arguments, id=item.id,
                                          status=item.status))
    return items


def item_wire(item: InputItem) -> dict[str, Any]:
    """An item as JSON, with an id (OpenAI's input items listing gives every item one)."""
    wire = item.model_dump(mode="json", exclude_none=True)
    if "id" not in wire:
        wire["id"] = new_id({"message": "msg", "function_call": "fc"}.get(item.type, "fco"))
    return wire


def listed_item(wire: dict[str, Any]) -> dict[str, Any]:
    """A stored item as OpenAI's input items listing shows it: a message's content as parts."""
    content = wire.get("content")
    if wire.get("type") != "message" or not isinstance(content, str):
        return wire
    if wire.get("role") == "assistant":
        return {**wire, "content": [{"type": "output_text", "text": content,
                                     "annotations": []}]}
    return {**wire, "content": [{"type": "input_text", "text": content}]}


if __name__ == "__main__":
    sys.stdout.write(markdown())
