"""OpenAI-shaped request and response objects, plus the routing metadata hybridai adds.

Responses serialize exactly like OpenAI's ``chat.completion`` and ``chat.completion.chunk``
objects with one extra field, ``hybrid``, that says where the request ran and why.
"""

from __future__ import annotations

import os
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import InvalidRequestError
from .modes import Mode, Route
from .privacy.policy import Policy

Role = Literal["system", "developer", "user", "assistant", "tool"]
ROLES: tuple[str, ...] = ("system", "developer", "user", "assistant", "tool")


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: str

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
                texts.append(str(part.get("text", "")))
            return "\n".join(texts)
        return content


class ChatRequest(BaseModel):
    """A validated chat request. Unknown fields are rejected so typos don't pass silently."""

    model_config = ConfigDict(extra="forbid")

    messages: list[Message]
    mode: Mode | None = None
    model: str | None = None
    stream: bool = False
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    stop: list[str] | None = None
    user: str | None = None
    cache: bool = Field(default=True, description="false: neither answer from the response "
                        "cache nor store this answer in it")
    cascade: bool | float | None = Field(
        default=None, description="answer on the device and escalate to the cloud below a "
        "confidence threshold: true (the configured threshold), false, or the threshold")

    @field_validator("cascade")
    @classmethod
    def _threshold(cls, cascade: bool | float | None) -> bool | float | None:
        if not isinstance(cascade, bool) and cascade is not None and not 0 <= cascade <= 1:
            raise ValueError(f"a cascade threshold is a probability in [0, 1], got {cascade}")
        return cascade
    privacy: Policy | None = Field(default=None, description="tighten the privacy policy")
    continue_stream: bool | None = Field(
        default=None, description="a stream that breaks after its first token continues on "
        "the next target: true or false; unset = the resilience.continue_streams setting")

    @field_validator("messages")
    @classmethod
    def _not_empty(cls, messages: list[Message]) -> list[Message]:
        if not messages:
            raise ValueError("at least one message is required")
        return messages

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_list(cls, stop: Any) -> Any:
        return [stop] if isinstance(stop, str) else stop

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, mode: Any) -> Any:
        return None if mode is None else Mode.parse(mode)

    @field_validator("privacy", mode="before")
    @classmethod
    def _privacy(cls, privacy: Any) -> Any:
        return None if privacy is None else Policy.parse(privacy)

    @property
    def deterministic(self) -> bool:
        return self.temperature == 0.0

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> ChatRequest:
        payload = dict(payload)
        # OpenAI's newer name for the same limit.
        if "max_completion_tokens" in payload:
            limit = payload.pop("max_completion_tokens")
            payload.setdefault("max_tokens", limit)
        n = payload.pop("n", 1)
        if n not in (1, None):
            raise InvalidRequestError(f"n={n!r} is not supported; hybridai returns one choice")
        payload.pop("stream_options", None)  # usage is always included in the final chunk
        if "messages" not in payload:
            raise InvalidRequestError("'messages' is required: a list of {role, content} objects")
        try:
            return cls.model_validate(payload)
        except InvalidRequestError:
            raise
        except ValidationError as exc:
            raise InvalidRequestError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One readable line per problem, each naming the field it is about."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "request"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(f"{where}: {message}")
    return "invalid request: " + "; ".join(problems)


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Fallback(BaseModel):
    """A target tried before the one that answered, and why it was left."""

    target: str
    code: str
    message: str


class CacheInfo(BaseModel):
    """For answers from the response cache: how it matched and where the answer first ran."""

    match: Literal["exact", "semantic"]
    similarity: float = Field(description="cosine similarity of the questions; 1 for exact")
    route: Route = Field(description="where the stored answer ran originally")
    target: str
    cost_usd: float = Field(description="what the original run cost")
    age_s: float


class BudgetNote(BaseModel):
    """The spent cloud budget that kept a request on the device."""

    cap: str = Field(description="daily or monthly")
    spent_usd: float
    cap_usd: float
    resets_at: str


class CascadeInfo(BaseModel):
    """How a cascaded request went: the device's confidence, and whose answer came back."""

    confidence: float = Field(description="geometric-mean token probability of the device's "
                              "answer")
    threshold: float
    escalated: bool
    truncated: bool = Field(default=False, description="the device's answer hit max_tokens, "
                            "which escalates it whatever its confidence")
    answer: Literal["device", "cloud"]
    device_latency_s: float = Field(description="time the device spent on its answer")
    device_completion_tokens: int = 0


class ContinuationInfo(BaseModel):
    """A stream that broke after its first token, continued on the target that answered."""

    target: str = Field(description="the target whose stream broke")
    model: str
    code: str = Field(description="its error code")
    completion_tokens: int = Field(description="tokens it had streamed before the break")
    cost_usd: float = Field(description="what those tokens cost; included in cost_usd")


class PrivacyInfo(BaseModel):
    """What the privacy step found: kinds and counts, never the values."""

    policy: Policy
    detected: dict[str, int] = Field(default_factory=dict, description="kind -> occurrences")
    redacted: bool = Field(default=False, description="the answering cloud saw placeholders")


class RoutingInfo(BaseModel):
    """Where a request ran, why, how fast, and what it cost and saved (USD)."""

    route: Route
    target: str
    model: str
    mode: Mode
    reason: str = Field(description="machine-readable reason code for the route")
    detail: str = Field(description="the reason in words")
    fallbacks: list[Fallback] = Field(
        default_factory=list, description="targets that failed or were skipped before this one")
    retries: list[Fallback] = Field(
        default_factory=list, description="failed tries that were tried again on their target")
    time_to_first_token_s: float | None = None
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cloud_cost_usd: float | None = Field(
        default=None, description="what the reference cloud model would have charged"
    )
    saved_usd: float = 0.0
    cache: CacheInfo | None = None
    budget: BudgetNote | None = Field(
        default=None, description="set when a spent cloud budget changed the route")
    cascade: CascadeInfo | None = Field(
        default=None, description="set when the request cascaded from the device")
    continued: ContinuationInfo | None = Field(
        default=None, description="set when this target continued a stream that broke "
        "after its first token (resilience.continue_streams)")
    privacy: PrivacyInfo | None = None


class ResponseMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ResponseMessage
    finish_reason: str | None = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    hybrid: RoutingInfo

    @property
    def text(self) -> str:
        return self.choices[0].message.content


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    hybrid: RoutingInfo | None = Field(default=None, description="set on the final chunk only")

    @property
    def text(self) -> str:
        return "".join(c.delta.content or "" for c in self.choices)


def new_completion_id() -> str:
    return "chatcmpl-" + os.urandom(12).hex()  # as random as uuid4's, without its object


def now() -> int:
    return int(time.time())
