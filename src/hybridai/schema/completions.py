"""Legacy text completions (``POST /v1/completions``): the wire request, its reading into a
``ChatRequest`` marked as a raw-prompt request, and the ``text_completion`` answer.

A text completion is routed like a chat (one pipeline: parse → plan → run → record), so
``parse_completion_request`` reads the body into a ``ChatRequest`` with ``completion`` set
(``CompletionPrompt``: the prompts, ``echo``, ``suffix``, the ``logprobs`` count, ``best_of``)
and ``messages`` holding one user message a prompt's text (what the router, the token
estimates, the cache key and the request log read). The body as given stays in ``payload``:
the cloud is sent it (redacted where the privacy policy says) at its ``/v1/completions``.
Sampling fields keep their chat names (``max_tokens``, defaulting to OpenAI's 16, ``n``,
``stop``, penalties, ``logit_bias``, ``seed``); ``logprobs: k`` becomes ``logprobs: true,
top_logprobs: k``. What the device model cannot do (``suffix``, ``best_of`` > ``n``, ``echo``
with ``logprobs``) is a need (``CompletionPrompt.needs``): the plan sends it to the cloud as
``device_lacks:<capability>``, or ``only_on_device`` refuses it with a 400. Every other field
is honoured or refused: a 400 names it.

The answer is the chat answer re-read: ``text_completion`` turns a ``ChatCompletion`` into
OpenAI's ``text_completion`` object, ``CompletionChunks`` each stream chunk into one; the
token log-probabilities (chat-shaped inside) come out in the legacy shape, ``tokens``,
``token_logprobs``, ``top_logprobs`` (token → logprob) and ``text_offset`` (into the prompt
followed by the completion, as OpenAI counts it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator

from ..errors import InvalidRequestError
from .request import (
    ChatRequest,
    CompletionPrompt,
    HybridOptions,
    describe_validation_error,
    split_body,
)
from .response import ChatCompletion, ChatCompletionChunk, RoutingInfo, Usage
from .tools import StreamOptions

DEFAULT_MAX_TOKENS = 16
"""OpenAI's default for a text completion."""

MAX_CHOICES = 128
"""At most this many choices in all (prompts × n)."""


_Penalty = Annotated[float | None, Field(ge=-2.0, le=2.0)]
_Prompt = Annotated[
    str | list[str] | list[int] | list[list[int]],
    WithJsonSchema({"anyOf": [
        {"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1},
        {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1},
        {"type": "array", "minItems": 1, "items": {
            "type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1}}]})]


def _integral(value: Any) -> Any:
    """JSON's 5.0 is the integer 5, also when parsing strictly; a boolean is no count."""
    if isinstance(value, bool):
        raise ValueError("a number, not a boolean")
    return int(value) if isinstance(value, float) and value.is_integer() else value


class CompletionCreateRequest(BaseModel):
    """OpenAI's text completion request (``completion_create_params``), every field."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    prompt: _Prompt = Field(description="a text, a list of texts (one set of n choices each), "
                            "token ids or a list of token-id lists (the device model's "
                            "tokenizer on the device; passed as given to the cloud)")
    suffix: str | None = Field(default=None, description="text after the completion (infill)"
                               "; the device model has no fill-in-the-middle tokens, so this "
                               "runs in the cloud")
    echo: bool | None = Field(default=None, description="the prompt, then the completion")
    logprobs: int | None = Field(default=None, ge=0, le=5, description="each token's log "
                                 "probability and this many most likely alternatives")
    max_tokens: int | None = Field(default=None, ge=1, description="default 16")
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    n: int | None = Field(default=None, ge=1, le=MAX_CHOICES, description="choices per prompt")
    best_of: int | None = Field(default=None, ge=1, le=20, description="sample this many per "
                                "prompt and return the n best (cloud only when > n)")
    stop: Annotated[list[str] | None, WithJsonSchema({"anyOf": [
        {"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        {"type": "null"}]}), Field(max_length=4)] = None
    presence_penalty: _Penalty = None
    frequency_penalty: _Penalty = None
    logit_bias: dict[str, Annotated[float, Field(ge=-100, le=100)]] | None = Field(
        default=None, description="token id (the cloud model's tokenizer) -> bias; cloud only")
    seed: int | None = None
    user: str | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None

    _counts = field_validator("max_tokens", "n", "best_of", "logprobs", "seed",
                              mode="before")(_integral)

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_list(cls, stop: Any) -> Any:
        return [stop] if isinstance(stop, str) else stop

    @field_validator("prompt", mode="before")
    @classmethod
    def _prompt_shape(cls, prompt: Any) -> Any:
        if not isinstance(prompt, str | list) or (isinstance(prompt, list) and not (
                all(isinstance(p, str) for p in prompt)
                or all(isinstance(p, int) and not isinstance(p, bool) for p in prompt)
                or all(isinstance(p, list) and all(isinstance(t, int) and not isinstance(
                    t, bool) for t in p) for p in prompt))):
            raise ValueError("a text, a list of texts, token ids (integers) or a list of "
                             "token-id lists")
        return prompt

    @field_validator("prompt")
    @classmethod
    def _prompt_given(cls, prompt: Any) -> Any:
        if isinstance(prompt, list) and not prompt:
            raise ValueError("an empty list: give a text, texts, or token ids")
        if isinstance(prompt, list) and any(isinstance(p, list) and not p for p in prompt):
            raise ValueError("an empty token list")
        if isinstance(prompt, list) and any(isinstance(t, int) and t < 0 for p in prompt
                                            for t in (p if isinstance(p, list) else [p])):
            raise ValueError("token ids are not negative")
        return prompt

    def prompts(self) -> tuple[str | tuple[int, ...], ...]:
        """Each prompt: a text, or token ids."""
        prompt = self.prompt
        if isinstance(prompt, str):
            return (prompt,)
        if all(isinstance(p, int) for p in prompt):
            return (tuple(int(t) for t in prompt),)  # type: ignore[arg-type]
        return tuple(p if isinstance(p, str) else tuple(p)  # type: ignore[arg-type]
                     for p in prompt)


COMPLETION_FIELDS: frozenset[str] = frozenset(CompletionCreateRequest.model_fields)

# The wire fields a ChatRequest keeps under the same name.
_SAME_NAMES = ("model", "stream", "stream_options", "max_tokens", "temperature", "top_p", "n",
               "stop", "presence_penalty", "frequency_penalty", "logit_bias", "seed", "user")


class CompletionRequest(ChatRequest):
    """A ``ChatRequest`` read from a text completion body (``completion`` is set)."""

    def revised(self, payload: dict[str, Any] | None = None, **fields: Any) -> ChatRequest:
        """This request with its JSON (the completion body) replaced by ``payload`` and/or
        ``fields`` changed (None removes one), read again; hybridai's options and who is
        asking stay."""
        wire = {**(self.wire() if payload is None else payload), **fields}
        wire = {k: v for k, v in wire.items() if v is not None}
        revised = parse_completion_request(
            {**wire, **{k: self.extensions[k] for k in self.extensions if k not in wire}},
            extensions=frozenset(self.extensions))
        return revised.model_copy(update={"options": self.options, "tenant": self.tenant,
                                          "score_tokens": self.score_tokens})


def parse_completion_request(payload: dict[str, Any], *, strict: bool = False,
                             tenant: str | None = None,
                             extensions: frozenset[str] = frozenset()) -> ChatRequest:
    """A text completion body as the ``ChatRequest`` the pipeline runs (see the module);
    ``InvalidRequestError`` (a 400) naming each field that is wrong or cannot be honoured."""
    parts = split_body(payload, COMPLETION_FIELDS, extensions)
    given, options, extra = parts.given, parts.options, parts.extensions
    if "prompt" not in given:
        raise InvalidRequestError("'prompt' is required: a text, a list of texts, or token "
                                  "ids", param="prompt")
    errors: list[ValidationError] = []
    wire: CompletionCreateRequest | None = None
    parsed_options = HybridOptions()
    try:
        wire = CompletionCreateRequest.model_validate(
            {k: v for k, v in given.items() if k not in extra}, strict=strict)
    except ValidationError as exc:
        errors.append(exc)
    try:
        if options:
            parsed_options = HybridOptions.model_validate(options, strict=strict)
    except ValidationError as exc:
        errors.append(exc)
    if errors:
        raise InvalidRequestError(describe_validation_error(*errors),
                                  param=_first_field(errors)) from None
    assert wire is not None
    _check_consistent(wire, parsed_options)
    prompts = wire.prompts()
    fields = {name: getattr(wire, name) for name in _SAME_NAMES
              if name in wire.model_fields_set and getattr(wire, name) is not None}
    fields.setdefault("max_tokens", DEFAULT_MAX_TOKENS)
    fields["stream"] = bool(wire.stream)
    if wire.logprobs is not None:
        fields["logprobs"], fields["top_logprobs"] = True, wire.logprobs
    if extra:
        fields["extensions"] = extra
    if parsed_options.continue_stream is None:
        # A broken stream is continued by asking a chat for the rest: not for raw prompts.
        parsed_options = parsed_options.model_copy(update={"continue_stream": False})
    marker = CompletionPrompt(prompts=prompts, echo=bool(wire.echo), suffix=wire.suffix,
                              logprobs=wire.logprobs, best_of=wire.best_of)
    try:
        return CompletionRequest.model_validate({
            **fields, "messages": [{"role": "user", "content": p if isinstance(p, str) else ""}
                                   for p in prompts],
            "completion": marker, "options": parsed_options, "payload": given,
            "tenant": tenant})
    except ValidationError as exc:  # a rule the chat request adds (none expected)
        raise InvalidRequestError(describe_validation_error(exc),
                                     param=_first_field([exc])) from None


def _first_field(errors: list[ValidationError]) -> str | None:
    for exc in errors:
        for error in exc.errors():
            if error["loc"]:
                return str(error["loc"][0])
    return None


def _check_consistent(wire: CompletionCreateRequest, options: HybridOptions) -> None:
    n = wire.n or 1
    if wire.best_of is not None and wire.best_of < n:
        raise InvalidRequestError(f"best_of ({wire.best_of}) must be at least n ({n})",
                                  param="best_of")
    if wire.stream and wire.best_of is not None and wire.best_of > n:
        raise InvalidRequestError("best_of > n cannot be streamed (the best are known only "
                                  "at the end)", param="best_of")
    if len(wire.prompts()) * n > MAX_CHOICES:
        raise InvalidRequestError(f"prompt: {len(wire.prompts())} prompts × n={n} choices is "
                                  f"more than {MAX_CHOICES}", param="prompt")
    if options.continue_stream:
        raise InvalidRequestError("continue_stream: a text completion's stream is not "
                                  "continued on another target", param="continue_stream")


# -- the answer ----------------------------------------------------------------------------

class CompletionLogprobs(BaseModel):
    """OpenAI's legacy logprobs: per token its text, log probability, the most likely
    alternatives (token → logprob) and its character offset in prompt + completion."""

    tokens: list[str]
    token_logprobs: list[float | None]
    top_logprobs: list[dict[str, float] | None]
    text_offset: list[int]


class CompletionChoice(BaseModel):
    text: str
    index: int = 0
    logprobs: CompletionLogprobs | None = None
    finish_reason: str | None = Field(default=None, description="stop, length, "
                                      "content_filter; null in a stream until it ends")


class TextCompletion(BaseModel):
    """A ``text_completion`` object (an answer, or one chunk of a stream), plus ``hybrid``."""

    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage | None = None
    hybrid: RoutingInfo | None = Field(default=None, description="on the answer, and on a "
                                       "stream's last chunk")

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.choices)


def completion_id(chat_id: str) -> str:
    return "cmpl-" + chat_id.removeprefix("chatcmpl-")


class _Offsets:
    """Where each choice's next token starts, in prompt + completion (OpenAI's
    ``text_offset``): after the prompt, or at 0 when the prompt is echoed."""

    def __init__(self, request: ChatRequest) -> None:
        assert request.completion is not None
        self.completion = request.completion
        self.n = request.n or 1
        self.next: dict[int, int] = {}

    def legacy(self, choice: int, items: list[dict[str, object]]) -> CompletionLogprobs:
        if choice not in self.next:
            prompt = self.completion.prompts[min(choice // self.n,
                                                 len(self.completion.prompts) - 1)]
            self.next[choice] = 0 if self.completion.echo or not isinstance(prompt, str) else (
                len(prompt))
        out = CompletionLogprobs(tokens=[], token_logprobs=[], top_logprobs=[],
                                 text_offset=[])
        for item in items:
            token = str(item.get("token") or "")
            logprob = item.get("logprob")
            top = item.get("top_logprobs")
            out.tokens.append(token)
            out.token_logprobs.append(float(logprob) if isinstance(logprob, int | float)
                                      else None)
            out.top_logprobs.append(None if not isinstance(top, list) else {
                str(a.get("token")): float(a["logprob"]) for a in top
                if isinstance(a, dict) and isinstance(a.get("logprob"), int | float)})
            out.text_offset.append(self.next[choice])
            self.next[choice] += len(token)
        return out


def text_completion(chat: ChatCompletion, request: ChatRequest) -> TextCompletion:
    """The answer to a text completion request, from the chat answer the pipeline made."""
    assert request.completion is not None
    offsets = _Offsets(request)
    wants_logprobs = request.completion.logprobs is not None
    choices = [CompletionChoice(
        text=choice.message.content or "", index=choice.index,
        logprobs=offsets.legacy(choice.index, (choice.logprobs.content or [])
                                if choice.logprobs else []) if wants_logprobs else None,
        finish_reason=choice.finish_reason) for choice in chat.choices]
    return TextCompletion(id=completion_id(chat.id), created=chat.created, model=chat.model,
                          choices=choices, usage=chat.usage, hybrid=chat.hybrid)


class CompletionChunks:
    """A text completion's stream: the chat chunks the pipeline yields as ``text_completion``
    chunks. A token's text and its log probabilities come as two chat chunks; with logprobs
    asked for, they are sent as one, as OpenAI does (a text chunk waits for the next)."""

    def __init__(self, request: ChatRequest) -> None:
        assert request.completion is not None
        self.offsets = _Offsets(request)
        self.pairs = request.completion.logprobs is not None
        self._held: TextCompletion | None = None

    def chunks(self, chat: ChatCompletionChunk) -> list[TextCompletion]:
        """What to send now for ``chat``: none, one or two chunks."""
        current = self._converted(chat)
        held, self._held = self._held, None
        if held is not None and current is not None and _logprobs_of(current, held):
            held.choices[0].logprobs = current.choices[0].logprobs
            return [held]
        out = [] if held is None else [held]
        if current is not None and self.pairs and _text_only(current):
            self._held = current
        elif current is not None:
            out.append(current)
        return out

    def _converted(self, chat: ChatCompletionChunk) -> TextCompletion | None:
        choices = []
        for choice in chat.choices:
            items = choice.logprobs.content if choice.logprobs is not None else None
            text = choice.delta.content or ""
            if not text and not items and choice.finish_reason is None:
                continue  # a role or refusal delta: nothing of a text completion
            choices.append(CompletionChoice(
                text=text, index=choice.index, finish_reason=choice.finish_reason,
                logprobs=self.offsets.legacy(choice.index, items) if items else None))
        if not choices and chat.usage is None:
            return None
        return TextCompletion(id=completion_id(chat.id), created=chat.created,
                              model=chat.model, choices=choices, usage=chat.usage,
                              hybrid=chat.hybrid)


def _text_only(chunk: TextCompletion) -> bool:
    return (chunk.usage is None and len(chunk.choices) == 1 and chunk.choices[0].text != ""
            and chunk.choices[0].logprobs is None and chunk.choices[0].finish_reason is None)


def _logprobs_of(chunk: TextCompletion, text: TextCompletion) -> bool:
    """Whether ``chunk`` holds only the log probabilities of ``text``'s choice."""
    return (chunk.usage is None and len(chunk.choices) == 1
            and chunk.choices[0].index == text.choices[0].index
            and chunk.choices[0].text == "" and chunk.choices[0].finish_reason is None
            and chunk.choices[0].logprobs is not None)
