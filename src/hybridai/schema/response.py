"""OpenAI-shaped response objects, plus the routing metadata hybridai adds.

Responses serialize exactly like OpenAI's ``chat.completion`` and ``chat.completion.chunk``
objects with one extra field, ``hybrid``, that says where the request ran and why.
"""

from __future__ import annotations

import os
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .modes import Mode, Route
from .privacy import Policy

# The routing metadata is made once, when a request's answer is settled, and never changes.
_FROZEN = ConfigDict(frozen=True)


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Fallback(BaseModel):
    """A target tried before the one that answered, and why it was left."""

    model_config = _FROZEN

    target: str
    code: str
    message: str


class CacheInfo(BaseModel):
    """For answers from the response cache: how it matched and where the answer first ran."""

    model_config = _FROZEN

    match: Literal["exact", "semantic"]
    similarity: float = Field(description="cosine similarity of the questions; 1 for exact")
    route: Route = Field(description="where the stored answer ran originally")
    target: str
    cost_usd: float = Field(description="what the original run cost")
    age_s: float
    lookup_s: float = Field(default=0.0, description="how long finding it took, the question's "
                            "embedding included (semantic mode); part of latency_s")


class BudgetNote(BaseModel):
    """The spent cloud budget that kept a request on the device."""

    model_config = _FROZEN

    cap: str = Field(description="daily or monthly")
    spent_usd: float
    cap_usd: float
    resets_at: str


class CascadeInfo(BaseModel):
    """How a cascaded request went: the device's confidence, and whose answer came back."""

    model_config = _FROZEN

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

    model_config = _FROZEN

    target: str = Field(description="the target whose stream broke")
    model: str
    code: str = Field(description="its error code")
    completion_tokens: int = Field(description="tokens it had streamed before the break")
    cost_usd: float = Field(description="what those tokens cost; included in cost_usd")


class PrivacyInfo(BaseModel):
    """What the privacy step found: kinds and counts, never the values."""

    model_config = _FROZEN

    policy: Policy
    detected: dict[str, int] = Field(default_factory=dict, description="kind -> occurrences")
    redacted: bool = Field(default=False, description="the answering cloud saw placeholders")


class RoutingInfo(BaseModel):
    """Where a request ran, why, how fast, and what it cost and saved (USD)."""

    model_config = _FROZEN

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
    unused_fields: list[str] | None = Field(
        default=None, description="request fields the answering target accepted but did not "
        "act on (a device or cache answer: store, metadata, reasoning_effort, ...; "
        "docs/compatibility.md)")


class FunctionCallOut(BaseModel):
    name: str
    arguments: str


class ToolCallOut(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCallOut


class ResponseMessage(BaseModel):
    """The answer's message; fields a cloud adds that hybridai does not model (``annotations``,
    ``audio``) pass as sent."""

    model_config = ConfigDict(extra="allow")

    role: Literal["assistant"] = "assistant"
    content: str | None
    refusal: str | None = None
    tool_calls: list[ToolCallOut] | None = Field(default=None,
                                                 exclude_if=lambda calls: calls is None)
    function_call: FunctionCallOut | None = Field(
        default=None, exclude_if=lambda call: call is None,
        description="legacy functions: the function called")
    parsed: Any = Field(default=None, exclude=True, description="the library's parse(): the "
                        "answer read into the pydantic model asked for")

    @property
    def parsed_arguments(self) -> list[object]:
        """Each tool call's arguments, parsed from their JSON."""
        import json

        return [json.loads(call.function.arguments) for call in self.tool_calls or ()]


class ChoiceLogprobs(BaseModel):
    content: list[dict[str, object]] | None = None
    refusal: list[dict[str, object]] | None = None


class Choice(BaseModel):
    index: int = 0
    message: ResponseMessage
    finish_reason: str | None = "stop"
    logprobs: ChoiceLogprobs | None = None


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
        return self.choices[0].message.content or ""


class FunctionCallDelta(BaseModel):
    name: str | None = None
    arguments: str | None = None


class ToolCallChunk(BaseModel):
    index: int
    id: str | None = None
    type: Literal["function"] | None = None
    function: FunctionCallDelta


class Delta(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["assistant"] | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallChunk] | None = None
    function_call: FunctionCallDelta | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None
    logprobs: ChoiceLogprobs | None = None


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
