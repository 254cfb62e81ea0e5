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
from ..schema.events import (
    ChoiceFinished,
    Finished,
    LogprobsDelta,
    MessageFields,
    RefusalDelta,
    Started,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
)
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


# A message's (or delta's) fields that become events of their own; the rest pass as given.
_READ_FIELDS = frozenset({"role", "content", "refusal", "tool_calls", "function_call"})


def _pieces(choice: Mapping[str, Any], message: Mapping[str, Any], index: int
            ) -> Iterator[StreamEvent]:
    """A choice's message (or a chunk's delta) and log probabilities as events."""
    content = message.get("content")
    if content:
        yield TextDelta(str(content), index)
    if refusal := message.get("refusal"):
        yield RefusalDelta(str(refusal), index)
    calls = message.get("tool_calls")
    for position, call in enumerate(calls if isinstance(calls, list) else ()):
        call = _mapping(call)
        function = _mapping(call.get("function"))
        at = call.get("index")
        yield ToolCallDelta(at if isinstance(at, int) else position, call.get("id"),
                            function.get("name"), str(function.get("arguments") or ""),
                            index)
    if isinstance(legacy := message.get("function_call"), Mapping):
        yield ToolCallDelta(0, None, legacy.get("name"), str(legacy.get("arguments") or ""),
                            index, legacy=True)
    if rest := {k: v for k, v in message.items() if k not in _READ_FIELDS and v is not None}:
        yield MessageFields(rest, index)
    logprobs = _mapping(choice.get("logprobs"))
    for key, refusal_tokens in (("content", False), ("refusal", True)):
        if isinstance(tokens := logprobs.get(key), list) and tokens:
            yield LogprobsDelta(tuple(tokens), index, refusal=refusal_tokens)


def whole_answer(target: str, completion: object, prompt_estimate: int
                 ) -> Iterator[StreamEvent]:
    """An unstreamed answer (JSON) as the same events a stream gives, every choice."""
    answer, first = _first_choice(target, completion)
    prompt_tokens, completion_tokens = _usage(answer)
    yield Started(prompt_tokens=prompt_tokens)
    texts: list[str] = []
    choices = [c for c in answer.get("choices") or () if isinstance(c, Mapping)]
    for position, choice in enumerate(choices):
        at = choice.get("index")
        index = at if isinstance(at, int) else position
        message = _mapping(choice.get("message"))
        texts.append(str(message.get("content") or ""))
        if calls := message.get("tool_calls"):
            texts.append(json.dumps(calls))
        yield from _pieces(choice, message, index)
        if index != 0:
            yield ChoiceFinished(index, str(choice.get("finish_reason") or "stop"))
    yield Finished(
        first.get("finish_reason") or "stop",
        prompt_tokens if prompt_tokens is not None else prompt_estimate,
        completion_tokens if completion_tokens is not None else estimate_tokens(
            "".join(texts)))


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
        for position, choice in enumerate(choices if isinstance(choices, list) else ()):
            choice = _mapping(choice)
            at = choice.get("index")
            index = at if isinstance(at, int) else position
            for event in _pieces(choice, _mapping(choice.get("delta")), index):
                if isinstance(event, TextDelta):
                    self.text_parts.append(event.text)
                elif isinstance(event, ToolCallDelta):
                    self.text_parts.append(event.arguments + (event.name or ""))
                yield event
            if choice.get("finish_reason"):
                if index == 0:
                    self.finish_reason = str(choice["finish_reason"])
                else:
                    yield ChoiceFinished(index, str(choice["finish_reason"]))

    def finish(self) -> Finished:
        if self.finish_reason is None:
            raise CloudConnectionError(
                f"{self.target}'s stream ended before the answer was finished")
        prompt, completion = self.usage or (None, None)
        return Finished(
            self.finish_reason,
            prompt if prompt is not None else self.prompt_estimate,
            completion if completion is not None else estimate_tokens("".join(self.text_parts)))
