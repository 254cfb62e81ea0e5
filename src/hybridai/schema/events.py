"""What every backend yields while it runs a request, and the interface backends share."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

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
    choice: int = 0
    """Which of the ``n`` choices it belongs to."""


@dataclass(frozen=True)
class RefusalDelta:
    """A piece of a refusal (OpenAI's ``refusal`` field): the model declined."""

    text: str
    choice: int = 0


@dataclass(frozen=True)
class ToolCallDelta:
    """A piece of a tool call, as OpenAI streams them: the first piece of call ``index``
    carries its ``id`` and function ``name``, later pieces more of its ``arguments`` (JSON
    text)."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""
    choice: int = 0
    legacy: bool = False
    """The legacy ``function_call`` (one call, no id) rather than ``tool_calls``."""


@dataclass(frozen=True)
class LogprobsDelta:
    """Log probabilities of output tokens, OpenAI's ``logprobs.content`` items (token,
    logprob, bytes, top_logprobs), in order; ``refusal``: of a refusal's tokens."""

    content: tuple[dict[str, Any], ...]
    choice: int = 0
    refusal: bool = False


@dataclass(frozen=True)
class MessageFields:
    """Fields of a choice's message (or a stream's delta) that hybridai passes on as the
    cloud sent them: ``annotations``, ``audio``, ..."""

    fields: dict[str, Any]
    choice: int = 0


@dataclass(frozen=True)
class ChoiceFinished:
    """One choice of several ended (``n`` > 1); ``Finished`` ends the answer."""

    choice: int
    finish_reason: str


@dataclass(frozen=True)
class Finished:
    """The answer ended; ``finish_reason`` is its first choice's."""

    finish_reason: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    token_logprobs: tuple[float, ...] | None = None
    """Each sampled token's log probability, when the request asked to score them (the
    cascade does)."""


Piece = (TextDelta | RefusalDelta | ToolCallDelta | LogprobsDelta | MessageFields
         | ChoiceFinished)
StreamEvent = Started | Piece | Finished


@dataclass(frozen=True)
class Channel:
    """One stream of text inside an answer: a choice's content or refusal, or the arguments
    of one of its tool calls. Text filters work a channel at a time."""

    kind: Literal["text", "refusal", "arguments"]
    choice: int = 0
    index: int = 0


class TextFilter(Protocol):
    """Rewrites a channel's text as it passes: ``feed`` may hold text back, ``flush`` gives
    what is still held at the end (privacy's ``Restorer``, continuation's ``RepeatTrimmer``)."""

    def feed(self, text: str) -> str: ...

    def flush(self) -> str: ...


FilterFor = Callable[[Channel], "TextFilter | None"]
"""The filter for a channel (made once per channel), or None to let it pass."""


def filtered(events: Iterator[StreamEvent], filter_for: FilterFor) -> Iterator[StreamEvent]:
    state = _Filtering(filter_for)
    for event in events:
        yield from state.filter(event)


async def afiltered(events: AsyncIterator[StreamEvent], filter_for: FilterFor
                    ) -> AsyncIterator[StreamEvent]:
    state = _Filtering(filter_for)
    async for event in events:
        for kept in state.filter(event):
            yield kept


class _Filtering:
    def __init__(self, filter_for: FilterFor) -> None:
        self.filter_for = filter_for
        self.filters: dict[Channel, TextFilter | None] = {}

    def _filter(self, channel: Channel) -> TextFilter | None:
        if channel not in self.filters:
            self.filters[channel] = self.filter_for(channel)
        return self.filters[channel]

    def filter(self, event: StreamEvent) -> Iterator[StreamEvent]:
        """The event with its text filtered; what is held back comes out before
        ``Finished``."""
        if isinstance(event, TextDelta | RefusalDelta):
            kind: Literal["text", "refusal"] = (
                "text" if isinstance(event, TextDelta) else "refusal")
            text_filter = self._filter(Channel(kind, event.choice))
            if text_filter is None:
                yield event
            elif text := text_filter.feed(event.text):
                yield replace(event, text=text)
            return
        if isinstance(event, ToolCallDelta):
            text_filter = self._filter(Channel("arguments", event.choice, event.index))
            if text_filter is None:
                yield event
                return
            arguments = text_filter.feed(event.arguments) if event.arguments else ""
            if arguments or event.id is not None or event.name is not None:
                yield replace(event, arguments=arguments)
            return
        if isinstance(event, ChoiceFinished | Finished):
            yield from self._flush(None if isinstance(event, Finished) else event.choice)
        yield event

    def _flush(self, choice: int | None) -> Iterator[StreamEvent]:
        for channel, text_filter in list(self.filters.items()):
            if text_filter is None or (choice is not None and channel.choice != choice):
                continue
            if rest := text_filter.flush():
                if channel.kind == "text":
                    yield TextDelta(rest, channel.choice)
                elif channel.kind == "refusal":
                    yield RefusalDelta(rest, channel.choice)
                else:
                    yield ToolCallDelta(channel.index, arguments=rest, choice=channel.choice)


class Backend(Protocol):
    """A place a request can run. Errors raised are ``hybridai.errors.BackendError``s."""

    name: str
    route: Route
    model: str
    price: Price | None

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]: ...

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...
