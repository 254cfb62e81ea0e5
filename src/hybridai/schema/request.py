"""The chat request: OpenAI's fields as given, and hybridai's own options kept apart.

``ChatRequest.parse`` takes a request body (or the library's keyword arguments): the
fields OpenAI defines are validated into the request itself, the ones hybridai adds
(``mode``, ``cascade``, ``privacy``, ``cache``, ``continue_stream``) into ``options``, and the
OpenAI part is also kept as given, in ``payload``, for whatever must pass it on unchanged.
Unknown fields are rejected, so a typo never passes silently. ``parse(..., strict=True)``
(the gateway's) takes each field only in its JSON type, as the OpenAPI document says: no
``"5"`` for 5.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator

from ..errors import InvalidRequestError
from .modes import Mode
from .privacy import Policy

Role = Literal["system", "developer", "user", "assistant", "tool"]
ROLES: tuple[str, ...] = ("system", "developer", "user", "assistant", "tool")


# What ``Message._flatten_parts`` accepts, for the JSON schema (whose own would say "string").
_CONTENT_SCHEMA = {"anyOf": [
    {"type": "string"},
    {"type": "array", "items": {"type": "object", "required": ["type", "text"], "properties": {
        "type": {"const": "text"}, "text": {"type": "string"}}}},
    {"type": "null"}]}


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    content: Annotated[str, WithJsonSchema(_CONTENT_SCHEMA)] = Field(
        description="text, or a list of text parts (joined by newlines); null is empty")
    name: str | None = Field(default=None, exclude=True, repr=False,
                             description="the author's name: accepted, not used")

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        return role

    @field_validator("content", mode="before")
    @classmethod
    def _flatten_parts(cls, content: Any) -> Any:
        # OpenAI allows a list of content parts; the text parts are all a text model can use.
        if content is None:
            return ""
        if isinstance(content, list):
            texts = []
            for part in content:
                if not isinstance(part, dict) or part.get("type") != "text":
                    kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                    raise ValueError(f"content part of type {kind!r} is not supported (text only)")
                if not isinstance(text := part.get("text"), str):
                    raise ValueError("a text content part needs its text as a string")
                texts.append(text)
            return "\n".join(texts)
        return content


class HybridOptions(BaseModel):
    """hybridai's own request fields: where and how the request may run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode | None = None
    cache: bool = Field(default=True, description="false: neither answer from the response "
                        "cache nor store this answer in it")
    cascade: Annotated[bool | float | None, WithJsonSchema({"anyOf": [
        {"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]})
    ] = Field(
        default=None, description="answer on the device and escalate to the cloud below a "
        "confidence threshold: true (the configured threshold), false, or the threshold")
    privacy: Policy | None = Field(default=None, description="tighten the privacy policy")
    continue_stream: bool | None = Field(
        default=None, description="a stream that breaks after its first token continues on "
        "the next target: true or false; unset = the resilience.continue_streams setting")

    @field_validator("cascade")
    @classmethod
    def _threshold(cls, cascade: bool | float | None) -> bool | float | None:
        if not isinstance(cascade, bool) and cascade is not None and not 0 <= cascade <= 1:
            raise ValueError(f"a cascade threshold is a probability in [0, 1], got {cascade}")
        return cascade

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, mode: Any) -> Any:
        return None if mode is None else Mode.parse(mode)

    @field_validator("privacy", mode="before")
    @classmethod
    def _privacy(cls, privacy: Any) -> Any:
        return None if privacy is None else Policy.parse(privacy)


HYBRID_FIELDS: frozenset[str] = frozenset(HybridOptions.model_fields)


def _integral_as_int(value: Any) -> Any:
    """JSON's 5.0 is the integer 5 (as JSON Schema counts), also when parsing strictly."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class WireOnlyFields(BaseModel):
    """OpenAI's fields that a request may send but ``ChatRequest`` does not keep as such."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_completion_tokens: int | None = Field(
        default=None, ge=1, description="OpenAI's newer name for max_tokens (max_tokens wins "
        "when both are given)")
    n: Literal[1] | None = Field(default=None, description="how many choices: one")
    stream_options: dict[str, Any] | None = Field(
        default=None, description="accepted and not used: a stream's final chunk always "
        "carries the usage")

    _integral = field_validator("max_completion_tokens", mode="before")(_integral_as_int)


WIRE_ONLY_FIELDS: frozenset[str] = frozenset(WireOnlyFields.model_fields)

# Fields the request type carries for hybridai's own use, which a caller may not send.
INTERNAL_FIELDS: frozenset[str] = frozenset({"logprobs", "options", "payload", "tenant"})


class ChatRequest(BaseModel):
    """A validated chat request: OpenAI's fields, and hybridai's ``options`` apart."""

    model_config = ConfigDict(extra="forbid")

    messages: list[Message] = Field(json_schema_extra={"minItems": 1})
    model: str | None = None
    stream: bool = False
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    stop: Annotated[list[str] | None, WithJsonSchema({"anyOf": [
        {"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}]})
    ] = None
    user: str | None = None
    tenant: str | None = Field(default=None, description="who is asking, as the gateway knows "
                               "it (a digest of the client's key); set by the gateway, never "
                               "by the caller")
    logprobs: bool = Field(default=False, description="record each sampled token's log "
                           "probability (set by the cascade on the device's attempt)")
    options: HybridOptions = Field(default_factory=HybridOptions)
    payload: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False,
                                    description="the OpenAI part of the request, as given")

    @field_validator("messages")
    @classmethod
    def _not_empty(cls, messages: list[Message]) -> list[Message]:
        if not messages:
            raise ValueError("at least one message is required")
        return messages

    _integral = field_validator("max_tokens", "seed", mode="before")(_integral_as_int)

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_list(cls, stop: Any) -> Any:
        return [stop] if isinstance(stop, str) else stop

    @property
    def deterministic(self) -> bool:
        return self.temperature == 0.0

    @classmethod
    def parse(cls, payload: dict[str, Any], *, strict: bool = False,
              tenant: str | None = None) -> ChatRequest:
        """``strict``: each field in its JSON type only (no coercion), as on the wire;
        ``tenant``: who is asking, as the gateway knows it."""
        given: dict[str, Any] = {}  # the OpenAI part, as given
        options: dict[str, Any] = {}  # hybridai's own
        fields: dict[str, Any] = {}  # what the request keeps as such
        wire_only: dict[str, Any] = {}
        for key, value in payload.items():
            if key in HYBRID_FIELDS:
                options[key] = value
                continue
            given[key] = value
            (wire_only if key in WIRE_ONLY_FIELDS else fields)[key] = value
        n = wire_only.get("n")
        if n is not None and (isinstance(n, bool) or n != 1):
            raise InvalidRequestError(f"n={n!r} is not supported; hybridai returns one choice")
        if "messages" not in fields:
            raise InvalidRequestError("'messages' is required: a list of {role, content} objects")
        if not INTERNAL_FIELDS.isdisjoint(fields) and (
                internal := sorted(INTERNAL_FIELDS & fields.keys())):
            raise InvalidRequestError("invalid request: " + "; ".join(
                f"{name}: unknown field" for name in internal))
        errors: list[ValidationError] = []
        parsed_options, folded = _NO_OPTIONS, _NO_WIRE_ONLY_FIELDS  # most requests set none
        try:
            if options:
                parsed_options = HybridOptions.model_validate(options, strict=strict)
        except ValidationError as exc:
            errors.append(exc)
        try:
            if wire_only:
                folded = WireOnlyFields.model_validate(wire_only, strict=strict)
        except ValidationError as exc:
            errors.append(exc)
        if "max_completion_tokens" in wire_only:  # OpenAI's newer name for the same limit
            fields.setdefault("max_tokens", folded.max_completion_tokens)
        try:
            request = cls.model_validate({**fields, "options": parsed_options, "payload": given,
                                          "tenant": tenant}, strict=strict)
        except ValidationError as exc:
            errors.insert(0, exc)
        if errors:
            raise InvalidRequestError(describe_validation_error(*errors)) from None
        return request


_NO_OPTIONS = HybridOptions()
_NO_WIRE_ONLY_FIELDS = WireOnlyFields()


def describe_validation_error(*excs: ValidationError) -> str:
    """One readable line per problem, each naming the field it is about."""
    problems = []
    for error in (e for exc in excs for e in exc.errors()):
        where = ".".join(str(p) for p in error["loc"]) or "request"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(f"{where}: {message}")
    return "invalid request: " + "; ".join(problems)
