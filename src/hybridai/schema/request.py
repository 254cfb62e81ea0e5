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

from collections.abc import Container
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..errors import InvalidRequestError
from .messages import Message
from .modes import Mode
from .privacy import Policy
from .tools import (
    AudioOutput,
    CustomTool,
    FunctionSpec,
    FunctionTool,
    LegacyFunctionChoice,
    NamedToolChoice,
    Prediction,
    ResponseFormat,
    StreamOptions,
    Tool,
    ToolChoice,
    ToolRules,
)


def parse_mode(mode: Any) -> Mode | None:
    """A request's ``mode`` field (any of ``Mode.parse``'s spellings), or None."""
    return None if mode is None else Mode.parse(mode)


def parse_policy(policy: Any) -> Policy | None:
    """A request's ``privacy`` field, or None."""
    return None if policy is None else Policy.parse(policy)


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

    _mode = field_validator("mode", mode="before")(parse_mode)
    _privacy = field_validator("privacy", mode="before")(parse_policy)


HYBRID_FIELDS: frozenset[str] = frozenset(HybridOptions.model_fields)


@dataclass(frozen=True)
class BodyParts:
    """A request body in the three parts every endpoint reads it in."""

    given: dict[str, Any]
    """Every field but hybridai's own, as given (what the cloud is sent)."""
    options: dict[str, Any]
    """hybridai's own fields (``HYBRID_FIELDS``: mode, cache, cascade, privacy…)."""
    extensions: dict[str, Any]
    """Vendor fields let through (``gateway.extension_fields``) that the API lacks."""


def split_body(payload: dict[str, Any], known: Container[str],
               extensions: frozenset[str]) -> BodyParts:
    """``payload`` in its parts; ``known``: the fields the endpoint's API defines (a vendor
    field of the same name is that field, not an extension)."""
    parts = BodyParts({}, {}, {})
    for key, value in payload.items():
        if key in HYBRID_FIELDS:
            parts.options[key] = value
            continue
        parts.given[key] = value
        if key in extensions and key not in known:
            parts.extensions[key] = value
    return parts


def _integral_as_int(value: Any) -> Any:
    """JSON's 5.0 is the integer 5 (as JSON Schema counts), also when parsing strictly."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class WireOnlyFields(BaseModel):
    """OpenAI's fields that a request may send but ``ChatRequest`` keeps under another name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_completion_tokens: int | None = Field(
        default=None, ge=1, description="OpenAI's newer name for max_tokens (max_tokens wins "
        "when both are given)")

    _integral = field_validator("max_completion_tokens", mode="before")(_integral_as_int)


WIRE_ONLY_FIELDS: frozenset[str] = frozenset(WireOnlyFields.model_fields)

# Fields the request type carries for hybridai's own use, which a caller may not send.
INTERNAL_FIELDS: frozenset[str] = frozenset({"score_tokens", "options", "payload", "tenant",
                                             "extensions", "completion"})

_Penalty = Annotated[float | None, Field(ge=-2.0, le=2.0)]


def _given(field: str) -> dict[str, Any]:
    """JSON schema: ``field`` is there and not null."""
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


REQUEST_RULES: list[dict[str, Any]] = [
    {"if": _given("top_logprobs"),
     "then": {"required": ["logprobs"], "properties": {"logprobs": {"const": True}}}},
    {"not": {"allOf": [_given("tools"), _given("functions")]}},
    {"if": {**_given("tool_choice"),
            "properties": {"tool_choice": {"not": {"enum": [None, "none"]}}}},
     "then": _given("tools")},
    {"if": {"required": ["modalities"], "properties": {"modalities": {
        "type": "array", "contains": {"const": "audio"}}}}, "then": _given("audio")},
]
"""``ChatRequest._consistent``'s rules, for the JSON schema (the OpenAPI document), but one:
that ``tool_choice`` names a function ``tools`` defines, which a JSON schema cannot say."""



# -- legacy text completions (POST /v1/completions; schema/completions.py) -----------------
class CompletionPrompt(BaseModel):
    """What makes a request a legacy text completion rather than a chat: the raw prompts
    (each a text or token ids of the device model's tokenizer), run without a chat
    template; ``schema/completions.py`` reads the wire body into a ``ChatRequest`` with this
    set (its ``messages``: one user message a prompt's text, for what reads text), as a
    ``CompletionRequest``, whose ``revised`` reads its own body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompts: tuple[str | tuple[int, ...], ...] = Field(min_length=1)
    echo: bool = False
    suffix: str | None = None
    logprobs: int | None = Field(default=None, ge=0, le=5)
    best_of: int | None = Field(default=None, ge=1, le=20)

    @property
    def token_ids(self) -> bool:
        """Whether a prompt is token ids: text the privacy screen cannot read."""
        return any(not isinstance(prompt, str) for prompt in self.prompts)

    def needs(self, n: int) -> set[str]:
        """What this asks of the device model beyond a raw prompt (``device/capabilities``)."""
        needs = set[str]()
        if self.suffix is not None:
            needs.add("infill")
        if self.best_of is not None and self.best_of > n:
            needs.add("best_of")
        if self.echo and self.logprobs is not None:
            needs.add("prompt_logprobs")
        return needs
# -- end legacy text completions -----------------------------------------------------------


class ChatRequest(BaseModel):
    """A validated chat request: OpenAI's fields, and hybridai's ``options`` apart.

    Every field OpenAI documents for Chat Completions is here, typed; what each means on the
    device and in the cloud is ``schema/compat.py``'s table."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    messages: list[Message] = Field(json_schema_extra={"minItems": 1})
    model: str | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    stop: Annotated[list[str] | None, WithJsonSchema({"anyOf": [
        {"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        {"type": "null"}]}), Field(max_length=4)
    ] = None
    n: int | None = Field(default=None, ge=1, le=128, description="how many choices")
    presence_penalty: _Penalty = None
    frequency_penalty: _Penalty = None
    logit_bias: dict[str, Annotated[float, Field(ge=-100, le=100)]] | None = Field(
        default=None, description="token id (the cloud model's tokenizer) -> bias")
    logprobs: bool | None = Field(default=None, description="return each output token's log "
                                  "probability")
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    tools: list[Tool] | None = Field(default=None, min_length=1)
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    functions: list[FunctionSpec] | None = Field(default=None, min_length=1,
                                                 description="legacy: tools")
    function_call: Literal["none", "auto"] | LegacyFunctionChoice | None = Field(
        default=None, description="legacy: tool_choice")
    response_format: ResponseFormat | None = None
    modalities: list[Literal["text", "audio"]] | None = None
    audio: AudioOutput | None = Field(default=None, description="spoken answer's voice and "
                                      "format (with modalities [\"text\", \"audio\"])")
    prediction: Prediction | None = None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    web_search_options: dict[str, Any] | None = None
    metadata: dict[str, str] | None = Field(default=None, max_length=16)
    store: bool | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: str | None = None
    safety_identifier: str | None = None
    user: str | None = None
    tenant: str | None = Field(default=None, description="who is asking, as the gateway knows "
                               "it (a digest of the client's key); set by the gateway, never "
                               "by the caller")
    score_tokens: bool = Field(default=False, description="record each sampled token's log "
                               "probability (set by the cascade on the device's attempt)")
    extensions: dict[str, Any] = Field(default_factory=dict, description="vendor extension "
                                       "fields the gateway allows through (gateway."
                                       "extension_fields): top_k, min_p, ...")
    options: HybridOptions = Field(default_factory=HybridOptions)
    completion: CompletionPrompt | None = Field(default=None, description="set for a legacy "
                                                "text completion: the raw prompts (no chat "
                                                "template)")
    payload: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False,
                                    description="the OpenAI part of the request, as given")

    @model_validator(mode="after")
    def _consistent(self) -> ChatRequest:
        if self.top_logprobs is not None and not self.logprobs:
            raise ValueError("top_logprobs needs logprobs: true")
        if self.tools is not None and self.functions is not None:
            raise ValueError("tools and the legacy functions cannot both be given")
        names = {f.name for f in self.function_specs()}
        chosen = (self.tool_choice.function.name if isinstance(self.tool_choice,
                                                               NamedToolChoice) else
                  self.function_call.name if isinstance(self.function_call,
                                                        LegacyFunctionChoice) else None)
        if chosen is not None and chosen not in names:
            raise ValueError(f"tool_choice names the function {chosen!r}, which tools does "
                             "not define")
        if self.tool_choice not in (None, "none") and not self.tools:
            raise ValueError("tool_choice needs tools")
        if self.modalities and "audio" in self.modalities and self.audio is None:
            raise ValueError("modalities with audio needs the audio field (voice, format)")
        return self

    @field_validator("messages")
    @classmethod
    def _not_empty(cls, messages: list[Message]) -> list[Message]:
        if not messages:
            raise ValueError("at least one message is required")
        return messages

    _integral = field_validator("max_tokens", "seed", mode="before")(_integral_as_int)

    @field_validator("n", "top_logprobs", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a count, not a boolean")
        return _integral_as_int(value)

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_list(cls, stop: Any) -> Any:
        return [stop] if isinstance(stop, str) else stop

    @property
    def deterministic(self) -> bool:
        return self.temperature == 0.0

    def function_specs(self) -> tuple[FunctionSpec, ...]:
        """The functions offered, by ``tools`` or the legacy ``functions``."""
        if self.functions is not None:
            return tuple(self.functions)
        return tuple(t.function for t in self.tools or () if isinstance(t, FunctionTool))

    def tool_rules(self) -> ToolRules | None:
        """The functions and how the answer may call them; None when none are offered."""
        functions = self.function_specs()
        if not functions:
            return None
        choice: str = "auto"
        legacy = self.function_call
        if isinstance(self.tool_choice, NamedToolChoice):
            choice = self.tool_choice.function.name
        elif isinstance(self.tool_choice, str):
            choice = self.tool_choice
        elif isinstance(legacy, LegacyFunctionChoice):
            choice = legacy.name
        elif isinstance(legacy, str):
            choice = legacy
        elif self.tool_choice is not None:  # allowed_tools
            mode = self.tool_choice.allowed_tools.get("mode", "auto")
            allowed = {t.get("function", {}).get("name") for t in
                       self.tool_choice.allowed_tools.get("tools", []) if isinstance(t, dict)}
            functions = tuple(f for f in functions if f.name in allowed)
            choice = mode if mode in ("auto", "required") else "auto"
        return ToolRules(functions=functions, choice=choice,
                         parallel=self.parallel_tool_calls is not False and legacy is None
                         and self.functions is None)

    def needs(self) -> frozenset[str]:
        """What the request asks of the model that answers, beyond text: capability names
        as devices state them (``vision``, ``tools``, ``json_schema``, ...)."""
        needs = set[str]()
        for message in self.messages:
            needs |= message.needs
        rules = self.tool_rules()
        if rules is not None and rules.choice != "none":
            needs.add("tools")
        if any(isinstance(t, CustomTool) for t in self.tools or ()):
            needs.add("custom_tools")
        if self.response_format is not None and self.response_format.type != "text":
            needs.add(self.response_format.type)  # json_object, json_schema
        if self.modalities and "audio" in self.modalities:
            needs.add("audio_output")
        if self.logit_bias:
            needs.add("logit_bias")
        if self.web_search_options is not None:
            needs.add("web_search")
        if self.completion is not None:  # legacy text completions
            needs |= self.completion.needs(self.n or 1)
        return frozenset(needs)

    @property
    def choices(self) -> int:
        """How many choices the answer has: ``n`` (for each prompt of a text completion)."""
        prompts = 1 if self.completion is None else len(self.completion.prompts)
        return (self.n or 1) * prompts

    def wire(self) -> dict[str, Any]:
        """The OpenAI part of the request as JSON: as given when parsed from a body (the
        cloud is sent it unchanged), else as its fields say."""
        if self.payload:
            return self.payload
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True,
                               by_alias=True, exclude=set(INTERNAL_FIELDS))

    def revised(self, payload: dict[str, Any] | None = None, **fields: Any) -> ChatRequest:
        """This request with its JSON replaced by ``payload`` and/or ``fields`` changed (None
        removes one), validated again; hybridai's options and who is asking stay."""
        wire = {**(self.wire() if payload is None else payload), **fields}
        wire = {k: v for k, v in wire.items() if v is not None}
        revised = ChatRequest.parse({**wire, **{k: self.extensions[k] for k in
                                                self.extensions if k not in wire}},
                                    extensions=frozenset(self.extensions))
        return revised.model_copy(update={"options": self.options, "tenant": self.tenant,
                                          "score_tokens": self.score_tokens})

    @classmethod
    def parse(cls, payload: dict[str, Any], *, strict: bool = False,
              tenant: str | None = None, extensions: frozenset[str] = frozenset()
              ) -> ChatRequest:
        """``strict``: each field in its JSON type only (no coercion), as on the wire;
        ``tenant``: who is asking, as the gateway knows it; ``extensions``: the vendor
        extension fields allowed through to the cloud (``gateway.extension_fields``)."""
        parts = split_body(payload, cls.model_fields, extensions)
        given, options, extra = parts.given, parts.options, parts.extensions
        fields: dict[str, Any] = {}  # what the request keeps as such
        wire_only: dict[str, Any] = {}
        for key, value in given.items():
            if key not in extra:
                (wire_only if key in WIRE_ONLY_FIELDS else fields)[key] = value
        if extra:
            fields["extensions"] = extra
        if "messages" not in fields:
            raise InvalidRequestError("'messages' is required: a list of {role, content} objects")
        if not INTERNAL_FIELDS.isdisjoint(given) and (
                internal := sorted(INTERNAL_FIELDS & given.keys())):
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
            message = "unknown field" + (
                " (a vendor extension? gateway.extension_fields lets it through to the cloud)"
                if len(error["loc"]) == 1 else "")
        problems.append(f"{where}: {message}")
    return "invalid request: " + "; ".join(problems)
