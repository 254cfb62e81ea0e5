"""The messages between the host (``LlamaCppEngine``) and the engine process (``worker.py``).

Each message is a frozen dataclass. On the wire it is one JSON object a line: its fields,
plus ``"op"`` (host → engine, a command) or ``"event"`` (engine → host) naming its type.
``encode`` writes one; ``decode_command`` and ``decode_event`` read one and raise
``BadMessage`` on anything else. Stdlib only: the worker imports this before llama.cpp.

Host → engine (``Command``):
    ChatOp         "chat"          generate one answer (one choice) to ``messages`` in the
                                   ``form`` asked (tools, JSON), sampled as ``sampling`` says;
                                   ``top_logprobs``: OpenAI's logprobs per token (in
                                   ``DeltaEvent``); ``score_tokens``: each sampled token's
                                   log-probability (in ``DoneEvent``, for the cascade);
                                   ``raw``: a text completion's prompt instead, without the
                                   chat template (echoed first when it asks)
    CancelOp       "cancel"        stop generating for ``id`` (takes effect between tokens)
    BenchOp        "bench"         prefill and decode speed, best of ``runs``
    CountTokensOp  "count_tokens"  the prompt's length under the model's chat template, with
                                   the tools and instructions ``form`` adds
    ReadOp         "read"          how the model reads texts (a router's features; the
                                   engine needs ``logits_all``)

Engine → host (``Event``):
    ReadyEvent     "ready"   once, when the model is loaded
    FatalEvent     "fatal"   the model could not be loaded; the process exits
    StartEvent     "start"   a chat was accepted
    DeltaEvent     "delta"   a piece of its text (and, when asked, its token's logprobs)
    DoneEvent      "done"    it ended
    ErrorEvent     "error"   a command failed (``id`` is None when it could not be read)
    BenchEvent     "bench"   BenchOp's answer
    CountEvent     "count"   CountTokensOp's answer
    ReadEvent      "read"    ReadOp's answer: one ``Reading`` per ``ReadItem``

The worker's options (``WorkerOptions``) travel as one JSON argument on its command line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

# About 120 tokens of ordinary prose: long enough to time prefill, short enough to be quick.
BENCH_PROMPT = (
    "The history of computing is a story of machines becoming smaller, faster and cheaper. "
    "Early computers filled whole rooms and consumed enormous amounts of electricity, yet "
    "they could perform only a few thousand operations each second. The invention of the "
    "transistor and later the integrated circuit changed everything: by packing millions "
    "and then billions of switches onto a single chip, engineers made it possible to carry "
    "more computing power in a pocket than existed in the entire world a few decades "
    "earlier. Today small language models run on laptops and phones, answering questions "
    "without sending a single byte to a distant data centre."
)


class BadMessage(ValueError):
    """A line that is not a message of ours; ``code`` says why, ``id`` is its id if any."""

    def __init__(self, message: str, *, code: str, id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.id = id


@dataclass(frozen=True)
class WorkerOptions:
    model_path: str
    n_ctx: int
    n_threads: int | None = None
    n_batch: int = 512
    logits_all: bool = False  # a router's reading needs every position's distribution

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WorkerOptions:
        return cls(**json.loads(text))


class _Wire:
    """A message type's tag and how it is rebuilt from its decoded JSON fields."""

    TAG: ClassVar[str]

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Any:
        return cls(**fields)


# -- host → engine -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CallRef:
    """A function call an assistant message made: its id (None for a legacy
    ``function_call``), the function's name and its arguments as JSON text, as given."""

    id: str | None
    name: str
    arguments: str


@dataclass(frozen=True)
class ChatMessage:
    """One message of the conversation as the model reads it: ``content`` is its text;
    ``name`` its author's (or, for a legacy function result, the function's);
    ``tool_calls`` the calls an assistant made; ``tool_call_id`` the call a tool result
    answers."""

    role: str
    content: str
    name: str | None = None
    tool_calls: tuple[CallRef, ...] = ()
    tool_call_id: str | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> ChatMessage:
        calls = tuple(CallRef(**call) for call in fields.get("tool_calls") or ())
        return cls(**{**fields, "tool_calls": calls})


@dataclass(frozen=True)
class FunctionDef:
    """A function the answer may call: name, description, its arguments' JSON schema."""

    name: str
    description: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerForm:
    """What the answer may be. ``functions``: those it may call, as ``tool_choice`` says:
    ``none`` (text only; they are still described), ``auto`` (text or calls), ``required``
    (calls only; one, or more when ``parallel``) or a function's name (exactly one call of
    it). ``format``: what a text answer is: ``text``, ``json_object`` (any JSON object) or
    ``json_schema`` (JSON valid against ``schema``)."""

    functions: tuple[FunctionDef, ...] = ()
    tool_choice: str = "auto"
    parallel: bool = True
    format: str = "text"
    schema: dict[str, Any] | None = None

    @property
    def may_call(self) -> bool:
        return bool(self.functions) and self.tool_choice != "none"

    @property
    def must_call(self) -> bool:
        return self.may_call and self.tool_choice != "auto"

    @property
    def callable(self) -> tuple[FunctionDef, ...]:
        """The functions a call may name."""
        if not self.may_call:
            return ()
        if self.tool_choice in ("auto", "required"):
            return self.functions
        return tuple(f for f in self.functions if f.name == self.tool_choice)

    def function(self, name: str) -> FunctionDef | None:
        return next((f for f in self.functions if f.name == name), None)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> AnswerForm:
        functions = tuple(FunctionDef(**f) for f in fields.get("functions") or ())
        return cls(**{**fields, "functions": functions})


@dataclass(frozen=True)
class Sampling:
    """How tokens are drawn; a field left None takes llama.cpp's default. ``seed``: this
    choice's."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    typical_p: float | None = None
    repeat_penalty: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    mirostat_mode: int | None = None
    mirostat_tau: float | None = None
    mirostat_eta: float | None = None
    seed: int | None = None


@dataclass(frozen=True)
class RawPrompt:
    """A text completion's prompt, run as given (no chat template): its ``text``, or its
    ``tokens`` (ids of this model's tokenizer); ``echo``: the prompt's text is sent first;
    ``suffix``: fill in the middle before it (a model with FIM tokens)."""

    text: str | None = None
    tokens: tuple[int, ...] | None = None
    echo: bool = False
    suffix: str | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> RawPrompt:
        tokens = fields.get("tokens")
        return cls(**{**fields, "tokens": None if tokens is None else tuple(tokens)})


@dataclass(frozen=True)
class ChatOp(_Wire):
    TAG = "chat"
    id: str
    messages: tuple[ChatMessage, ...]
    form: AnswerForm = AnswerForm()
    sampling: Sampling = Sampling()
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    top_logprobs: int | None = None
    """None: no logprobs; else each token's, with this many alternatives (0-20)."""
    score_tokens: bool = False
    raw: RawPrompt | None = None
    """A text completion: this prompt as given instead of ``messages`` under the template."""

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> ChatOp:
        raw = fields.get("raw")
        return cls(**{**fields, "messages": _chat_messages(fields["messages"]),
                      "form": AnswerForm.from_fields(fields.get("form") or {}),
                      "sampling": Sampling(**(fields.get("sampling") or {})),
                      "stop": tuple(fields.get("stop") or ()),
                      "raw": None if raw is None else RawPrompt.from_fields(raw)})


@dataclass(frozen=True)
class CancelOp(_Wire):
    TAG = "cancel"
    id: str


@dataclass(frozen=True)
class BenchOp(_Wire):
    TAG = "bench"
    id: str
    decode_tokens: int = 32
    runs: int = 3


@dataclass(frozen=True)
class CountTokensOp(_Wire):
    TAG = "count_tokens"
    id: str
    messages: tuple[ChatMessage, ...]
    form: AnswerForm = AnswerForm()

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> CountTokensOp:
        return cls(**{**fields, "messages": _chat_messages(fields["messages"]),
                      "form": AnswerForm.from_fields(fields.get("form") or {})})


@dataclass(frozen=True)
class ReadItem:
    """A text to read: the log-probability of each of its tokens after the first (after
    ``head`` when the text starts with it), and, with ``then`` appended, the next-token
    log-probability of each of ``letters``."""

    text: str
    head: str | None = None
    then: str | None = None
    letters: tuple[str, ...] = ()
    max_tokens: int = 256


@dataclass(frozen=True)
class ReadOp(_Wire):
    TAG = "read"
    id: str
    items: tuple[ReadItem, ...]

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> ReadOp:
        items = tuple(ReadItem(**{**item, "letters": tuple(item.get("letters") or ())})
                      for item in fields["items"])
        return cls(**{**fields, "items": items})


Command = ChatOp | CancelOp | BenchOp | CountTokensOp | ReadOp


# -- engine → host -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReadyEvent(_Wire):
    TAG = "ready"
    n_ctx: int
    n_ctx_train: int
    n_threads: int
    load_s: float
    pid: int


@dataclass(frozen=True)
class FatalEvent(_Wire):
    TAG = "fatal"
    message: str


@dataclass(frozen=True)
class StartEvent(_Wire):
    TAG = "start"
    id: str
    prompt_tokens: int


@dataclass(frozen=True)
class TokenAlternative:
    """A token the model could have written at a position, and its log-probability."""

    token: str
    logprob: float
    bytes: tuple[int, ...]

    def openai(self) -> dict[str, Any]:
        return {"token": self.token, "logprob": self.logprob, "bytes": list(self.bytes)}


@dataclass(frozen=True)
class TokenLogprob:
    """An output token's log-probability under the model's distribution, and the ``top``
    most likely tokens at its position, most likely first (OpenAI's logprobs item)."""

    token: str
    logprob: float
    bytes: tuple[int, ...]
    top: tuple[TokenAlternative, ...] = ()

    def openai(self) -> dict[str, Any]:
        return {"token": self.token, "logprob": self.logprob, "bytes": list(self.bytes),
                "top_logprobs": [alternative.openai() for alternative in self.top]}

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> TokenLogprob:
        top = tuple(TokenAlternative(a["token"], a["logprob"], tuple(a["bytes"]))
                    for a in fields.get("top") or ())
        return cls(fields["token"], fields["logprob"], tuple(fields["bytes"]), top)


@dataclass(frozen=True)
class DeltaEvent(_Wire):
    """The text one token added (empty while it is held back: part of a character, or
    perhaps the start of a stop sequence), and that token's logprobs when asked for."""

    TAG = "delta"
    id: str
    text: str
    logprobs: tuple[TokenLogprob, ...] = ()

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> DeltaEvent:
        return cls(**{**fields, "logprobs": tuple(
            TokenLogprob.from_fields(item) for item in fields.get("logprobs") or ())})


@dataclass(frozen=True)
class DoneEvent(_Wire):
    TAG = "done"
    id: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    token_logprobs: tuple[float, ...] | None = None
    """Each sampled token's log-probability, when the chat asked to score them."""

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> DoneEvent:
        scored = fields.get("token_logprobs")
        return cls(**{**fields, "token_logprobs": None if scored is None else tuple(scored)})


@dataclass(frozen=True)
class ErrorEvent(_Wire):
    TAG = "error"
    id: str | None
    code: str
    message: str
    prompt_tokens: int | None = None  # context_length_exceeded: the prompt's length
    n_ctx: int | None = None  # ... and the context it did not fit


@dataclass(frozen=True)
class BenchEvent(_Wire):
    TAG = "bench"
    id: str
    runs: int
    prompt_tokens: int
    decode_tokens: int
    prefill_tokens_per_s: float
    decode_tokens_per_s: float


@dataclass(frozen=True)
class CountEvent(_Wire):
    TAG = "count"
    id: str
    prompt_tokens: int


@dataclass(frozen=True)
class Reading:
    """How the model read one ``ReadItem``: ``letters`` has one log-probability (None: the
    letter is no single token) per letter asked for."""

    log_probs: tuple[float, ...]
    letters: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class ReadEvent(_Wire):
    TAG = "read"
    id: str
    results: tuple[Reading, ...]

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> ReadEvent:
        results = tuple(Reading(tuple(r["log_probs"]), tuple(r.get("letters") or ()))
                        for r in fields["results"])
        return cls(**{**fields, "results": results})


Event = (ReadyEvent | FatalEvent | StartEvent | DeltaEvent | DoneEvent | ErrorEvent
         | BenchEvent | CountEvent | ReadEvent)

_COMMANDS: dict[str, type[_Wire]] = {
    cls.TAG: cls for cls in (ChatOp, CancelOp, BenchOp, CountTokensOp, ReadOp)}
_EVENTS: dict[str, type[_Wire]] = {
    cls.TAG: cls for cls in (ReadyEvent, FatalEvent, StartEvent, DeltaEvent, DoneEvent,
                             ErrorEvent, BenchEvent, CountEvent, ReadEvent)}


def encode(message: Command | Event) -> str:
    """One line of JSON, without its newline. ASCII: a lone surrogate in a prompt can't
    break the pipe."""
    tag = "op" if isinstance(message, tuple(_COMMANDS.values())) else "event"
    return json.dumps({tag: message.TAG, **asdict(message)})


def decode_command(line: str) -> Command:
    command: Command = _decode(line, "op", _COMMANDS)
    return command


def decode_event(line: str) -> Event:
    event: Event = _decode(line, "event", _EVENTS)
    return event


def _decode(line: str, tag_field: str, types: dict[str, type[_Wire]]) -> Any:
    try:
        fields = json.loads(line)
    except ValueError:
        raise BadMessage(f"not JSON: {line[:80]!r}", code="bad_json") from None
    if not isinstance(fields, dict):
        raise BadMessage(f"not a JSON object: {line[:80]!r}", code="bad_json")
    tag = fields.pop(tag_field, None)
    message_id = fields.get("id") if isinstance(fields.get("id"), str) else None
    kind = types.get(tag) if isinstance(tag, str) else None
    if kind is None:
        raise BadMessage(f"unknown {tag_field} {tag!r}", code=f"bad_{tag_field}",
                         id=message_id)
    try:
        return kind.from_fields(fields)
    except (TypeError, KeyError, AttributeError) as exc:
        raise BadMessage(f"malformed {tag!r} message: {exc}", code="bad_message",
                         id=message_id) from None


def _chat_messages(messages: list[dict[str, Any]]) -> tuple[ChatMessage, ...]:
    return tuple(ChatMessage.from_fields(m) for m in messages)

