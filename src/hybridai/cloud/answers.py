"""OpenAI chat-completion answers (plain JSON) as hybridai's events: a whole answer, or a
stream's chunks, with a stream that ends unfinished noticed.

An answer that is no answer fails the try like a 5xx: HTTP 200 with an ``{"error": …}``
object or without choices (``CloudAnswerError``, the vendor's message kept), or a body that
is not JSON (``CloudInvalidJSONError``). It must never become an empty completion.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import CloudAnswerError, CloudConnectionError, CloudInvalidJSONError
from ..schema.events import Finished, Started, StreamEvent, TextDelta
from .errors import error_message
from .tokens import estimate_tokens


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _usage(data: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(prompt, completion) tokens the answer reports, None where it reports none."""
    usage = _mapping(data.get("usage"))
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (prompt if isinstance(prompt, int) else None,
            completion if isinstance(completion, int) else None)


def read_json(target: str, raw: bytes) -> object:
    """A whole answer's body as JSON; ``CloudInvalidJSONError`` when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:  # JSONDecodeError, and UnicodeDecodeError for bytes that are no text
        raise CloudInvalidJSONError(f"{target} answered HTTP 200 with something that is not "
                                    f"JSON: {raw[:200]!r}") from None


def _first_choice(target: str, completion: object
                  ) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The answer and its first choice; ``CloudAnswerError`` (with the vendor's message, if
    it sent one) when there is none."""
    if not isinstance(completion, Mapping):
        raise CloudAnswerError(f"{target} answered HTTP 200 with something that is not a "
                               f"chat completion: {str(completion)[:200]!r}")
    choices = completion.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
        return completion, choices[0]
    if completion.get("error"):
        raise CloudAnswerError(f"{target} answered HTTP 200 with an error: "
                               f"{error_message(completion)}")
    raise CloudAnswerError(f"{target} answered HTTP 200 with no choices: "
                           f"{json.dumps(completion, default=str)[:200]}")


def whole_answer(target: str, completion: object, prompt_estimate: int
                 ) -> Iterator[StreamEvent]:
    """An unstreamed answer (JSON) as the same events a stream gives."""
    answer, choice = _first_choice(target, completion)
    text = _mapping(choice.get("message")).get("content") or ""
    prompt_tokens, completion_tokens = _usage(answer)
    yield Started(prompt_tokens=prompt_tokens)
    if text:
        yield TextDelta(str(text))
    yield Finished(
        choice.get("finish_reason") or "stop",
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
        self.chunks = 0
        """Chunks received so far (with text or not): how far a stream got before it broke."""

    def received(self) -> str:
        return f"{self.chunks} chunk" + ("" if self.chunks == 1 else "s")

    def feed(self, chunk: object) -> Iterator[StreamEvent]:
        self.chunks += 1
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

