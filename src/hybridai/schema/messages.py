"""Chat messages as OpenAI defines them, every shape kept whole.

A message's content is a string, a list of content parts (text, ``image_url`` as a URL or a
``data:`` URL, ``input_audio``, ``file``, ``refusal``) or null (an assistant message that
only calls tools). Assistant messages carry ``tool_calls`` (and the legacy
``function_call``), tool messages the ``tool_call_id`` they answer. Nothing is flattened or
dropped: the cloud is sent the messages as given (``ChatRequest.payload``); these models
validate them and give the device engine and the policies what they read: ``text`` (the
words a text model sees) and ``needs`` (what else the message asks of a model).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Role = Literal["system", "developer", "user", "assistant", "tool", "function"]
ROLES: tuple[str, ...] = ("system", "developer", "user", "assistant", "tool", "function")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class TextPart(BaseModel):
    model_config = _STRICT
    type: Literal["text"]
    text: str


class ImageURL(BaseModel):
    model_config = _STRICT
    url: str = Field(description="an https URL or a data: URL (base64)")
    detail: Literal["auto", "low", "high"] | None = None


class ImagePart(BaseModel):
    model_config = _STRICT
    type: Literal["image_url"]
    image_url: ImageURL


class InputAudio(BaseModel):
    model_config = _STRICT
    data: str = Field(description="base64")
    format: str = Field(description="wav, mp3, ...")


class AudioPart(BaseModel):
    model_config = _STRICT
    type: Literal["input_audio"]
    input_audio: InputAudio


class FileRef(BaseModel):
    model_config = _STRICT
    file_data: str | None = None
    file_id: str | None = None
    filename: str | None = None


class FilePart(BaseModel):
    model_config = _STRICT
    type: Literal["file"]
    file: FileRef


class RefusalPart(BaseModel):
    model_config = _STRICT
    type: Literal["refusal"]
    refusal: str


ContentPart = Annotated[TextPart | ImagePart | AudioPart | FilePart | RefusalPart,
                        Field(discriminator="type")]

# What each non-text part needs of a model (a capability name, as devices state them).
PART_NEEDS: dict[type[BaseModel], str] = {ImagePart: "vision", AudioPart: "audio_input",
                                          FilePart: "files"}


class FunctionCall(BaseModel):
    model_config = _STRICT
    name: str
    arguments: str = Field(description="the arguments as a JSON text")


class ToolCall(BaseModel):
    model_config = _STRICT
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class AudioRef(BaseModel):
    model_config = _STRICT
    id: str


def _present(field: str) -> dict[str, Any]:
    """JSON schema: ``field`` is there and not null."""
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


# ``Message._shape_for_role``'s rules, for the JSON schema (the OpenAPI document).
_ROLE_RULES: dict[str, Any] = {"allOf": [
    {"if": {"properties": {"role": {"const": "tool"}}},
     "then": {"required": ["tool_call_id"],
              "properties": {"tool_call_id": {"type": "string", "minLength": 1}}}},
    {"if": {"properties": {"role": {"const": "function"}}},
     "then": {"required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}},
    {"if": {"properties": {"role": {"not": {"const": "assistant"}}}},
     "then": {**_present("content"), "properties": {
         "content": {"not": {"type": "null"}}, "tool_calls": {"type": "null"},
         "function_call": {"type": "null"}, "audio": {"type": "null"},
         "refusal": {"type": "null"}}}},
    {"if": {"properties": {"role": {"const": "assistant"}}, "not": _present("content")},
     "then": {"anyOf": [
         {"required": ["tool_calls"], "properties": {"tool_calls": {"type": "array",
                                                                    "minItems": 1}}},
         _present("function_call"), _present("audio"),
         {"required": ["refusal"], "properties": {"refusal": {"type": "string",
                                                              "minLength": 1}}}]}},
    {"if": {"properties": {"role": {"enum": ["system", "developer", "tool"]},
                           "content": {"type": "array"}}, "required": ["content"]},
     "then": {"properties": {"content": {"items": {"properties": {"type": {
         "const": "text"}}}}}}},
]}


class Message(BaseModel):
    """One message of the conversation, as sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_ROLE_RULES)

    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    content: str | list[ContentPart] | None = None
    name: str | None = Field(default=None, description="the author's name (passed on; the "
                             "device's template shows it where it can)")
    tool_calls: list[ToolCall] | None = Field(default=None, description="assistant: the "
                                              "tools it called")
    tool_call_id: str | None = Field(default=None, description="tool: the call it answers")
    refusal: str | None = Field(default=None, description="assistant: a refusal")
    function_call: FunctionCall | None = Field(default=None, description="assistant, legacy "
                                               "functions: the function it called")
    audio: AudioRef | None = Field(default=None, description="assistant: a previous audio "
                                   "answer, by id")

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        return role

    @model_validator(mode="after")
    def _shape_for_role(self) -> Message:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs the tool_call_id of the call it answers")
        if self.role != "assistant" and any(v is not None for v in (
                self.tool_calls, self.function_call, self.audio, self.refusal)):
            raise ValueError(f"a {self.role} message cannot carry tool_calls, function_call, "
                             "audio or refusal (only an assistant message can)")
        if self.role == "function" and not self.name:
            raise ValueError("a function message needs the name of the function it answers")
        if self.content is None and self.role not in ("assistant",):
            raise ValueError(f"a {self.role} message needs content")
        if self.role == "assistant" and self.content is None and not (
                self.tool_calls or self.function_call or self.audio or self.refusal):
            raise ValueError("an assistant message needs content, tool_calls, function_call, "
                             "audio or refusal")
        if self.role in ("system", "developer", "tool") and isinstance(self.content, list) and (
                bad := [p.type for p in self.content if not isinstance(p, TextPart)]):
            raise ValueError(f"a {self.role} message takes text parts only, not {bad[0]!r}")
        return self

    @property
    def text(self) -> str:
        """The words a text model reads: the content's text (text parts joined by newlines);
        for an assistant message that called tools, the calls as JSON."""
        if isinstance(self.content, str):
            text = self.content
        elif self.content is None:
            text = ""
        else:
            text = "\n".join(p.text if isinstance(p, TextPart) else p.refusal
                             for p in self.content if isinstance(p, TextPart | RefusalPart))
        return text

    @property
    def needs(self) -> frozenset[str]:
        """What the content asks of a model beyond text: ``vision``, ``audio_input``,
        ``files``."""
        if not isinstance(self.content, list):
            return frozenset()
        return frozenset(need for p in self.content if (need := PART_NEEDS.get(type(p))))

    def wire(self) -> dict[str, Any]:
        """The message as OpenAI's JSON (what was given, without unset fields)."""
        return self.model_dump(mode="json", exclude_none=True, exclude_unset=True)
