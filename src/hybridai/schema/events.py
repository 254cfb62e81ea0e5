"""What every backend yields while it runs a request, and the interface backends share."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Protocol

from .modes import Route
from .price import Price
from .request import ChatRequest


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


class TextFilter(Protocol):
    """Rewrites a stream's text as it passes: ``feed`` may hold text back, ``flush`` gives
    what is still held at the end (privacy's ``Restorer``, continuation's ``RepeatTrimmer``)."""

    def feed(self, text: str) -> str: ...

    def flush(self) -> str: ...


def filtered(events: Iterator[StreamEvent], text_filter: TextFilter) -> Iterator[StreamEvent]:
    for event in events:
        yield from _filtered(event, text_filter)


async def afiltered(events: AsyncIterator[StreamEvent], text_filter: TextFilter
                    ) -> AsyncIterator[StreamEvent]:
    async for event in events:
        for kept in _filtered(event, text_filter):
            yield kept


def _filtered(event: StreamEvent, text_filter: TextFilter) -> Iterator[StreamEvent]:
    """The event with its text filtered; what is held back comes out before ``Finished``."""
    if isinstance(event, TextDelta):
        if text := text_filter.feed(event.text):
            yield TextDelta(text)
        return
    if isinstance(event, Finished) and (rest := text_filter.flush()):
        yield TextDelta(rest)
    yield event


class Backend(Protocol):
    """A place a request can run. Errors raised are ``hybridai.errors.BackendError``s."""

    name: str
    route: Route
    model: str
    price: Price | None

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]: ...

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...
