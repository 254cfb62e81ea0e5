"""What every backend yields while it runs a request, and the interface backends share."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Protocol

from .config import Price
from .modes import Route
from .schema import ChatRequest


@dataclass(frozen=True)
class Started:
    """The backend accepted the request; ``prompt_tokens`` if it knows them already."""

    prompt_tokens: int | None = None


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Finished:
    finish_reason: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    logprobs: tuple[float, ...] | None = None  # per token, when the request cascades


StreamEvent = Started | TextDelta | Finished


class Backend(Protocol):
    """A place a request can run. Errors raised are ``hybridai.errors.BackendError``s."""

    name: str
    route: Route
    model: str
    price: Price | None

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]: ...

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...
