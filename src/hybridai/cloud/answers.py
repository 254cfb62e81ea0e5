"""OpenAI chat-completion answers (plain JSON) as hybridai's events: a whole answer, or a
stream's chunks, with a stream that ends unfinished noticed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import CloudConnectionError
from ..schema.events import Finished, Started, StreamEvent, TextDelta
from .tokens import estimate_tokens


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _usage(data: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(prompt, completion) tokens the answer reports, None where it reports none."""
    usage = _mapping(data.get("usage"))
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (prompt if isinstance(prompt, int) else None,
            completion if isinstance(completion, int) else None)


def whole_answer(target: str, completion: object, prompt_estimate: int
                 ) -> Iterator[StreamEvent]:
    """An unstreamed answer (JSON) as the same events a stream gives."""
    if not isinstance(completion, Mapping):
        raise CloudConnectionError(f"{target} answered something that is not a chat "
                                   f"completion: {str(completion)[:200]!r}")
    choices = completion.get("choices")
    choice = _mapping(choices[0]) if isinstance(choices, list) and choices else None
    text = (_mapping(choice.get("message")).get("content") or "") if choice else ""
    prompt_tokens, completion_tokens = _usage(completion)
    yield Started(prompt_tokens=prompt_tokens)
    if text:
        yield TextDelta(str(text))
    yield Finished(
        (choice.get("finish_reason") if choice else None) or "stop",
        prompt_tokens if prompt_tokens is not None else prompt_estimate,
        completion_tokens if completion_tokens is not None else estimate_tokens(str(text)))


class StreamTracker:
    """Turns OpenAI chunks (JSON) into events and notices a stream that ends unfinished."""

    def __init__(self, target: str, prompt_estimate: int) -> None:
        self.target = target
        self.prompt_estimate = prompt_estimate
        self.finish_reason: str | None = None
        self.usage: tuple[int | None, int | None] | None = None
        self.text_parts: list[str] = []

    def feed(self, chunk: object) -> Iterator[StreamEvent]:
        chunk = _mapping(chunk)
        if chunk.get("usage"):
            self.usage = _usage(chunk)
        choices = chunk.get("choices")
        for choice in choices if isinstance(choices, list) else ():
            choice = _mapping(choice)
            content = _mapping(choice.get("delta")).get("content")
            if content:
                self.text_parts.append(str(content))
                yield TextDelta(str(content))
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])

    def finish(self) -> Finished:
        if self.finish_reason is None:
            raise CloudConnectionError(
                f"{self.target}'s stream ended before the answer was finished")
        prompt, completion = self.usage or (None, None)
        return Finished(
            self.finish_reason,
            prompt if prompt is not None else self.prompt_estimate,
            completion if completion is not None else estimate_tokens("".join(self.text_parts)))
