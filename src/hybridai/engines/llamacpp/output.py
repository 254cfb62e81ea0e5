"""One choice's answer as the worker writes it, turned into the answer's events.

The text is a text answer (``TextDelta``) or function calls written as ``tool_format.py``
says; those are read back as they arrive into OpenAI-shaped ``ToolCallDelta`` events: the
call's first delta carries its index, a fresh id (``call_...``) and the function's name, the
next ones the arguments' JSON text as it is generated. While the text could still be either
(in ``auto``, until it is no longer the start of ``<tool_call>``) it is held back.

When the answer ends by itself (``stop``) it is checked against its form: JSON that must
parse and fit its schema, calls whose arguments fit their function's parameters. A failure
raises ``EngineError`` with code ``invalid_output`` (retryable, so a plan falls back to the
cloud). An answer cut off (``length``) is passed on as it is, as OpenAI does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from ...errors import EngineError
from ...schema.events import LogprobsDelta, StreamEvent, TextDelta, ToolCallDelta
from . import tool_format
from .messages import AnswerForm, TokenLogprob


def new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:24]


class InvalidOutput(EngineError):
    """The device's answer is not what its form asks for; the cloud may do better."""

    code = "invalid_output"


class ChoiceReader:
    """Reads one choice of an answer to ``form``, a piece of text at a time."""

    def __init__(self, form: AnswerForm, choice: int = 0, *,
                 new_id: Callable[[], str] = new_call_id) -> None:
        self.form = form
        self.choice = choice
        self.mode = "calls" if form.must_call else "undecided" if form.may_call else "text"
        """text, calls, or undecided (the text so far may still open a call)."""
        self._new_id = new_id
        self._pending = ""
        self._held_logprobs: list[TokenLogprob] = []
        self._text: list[str] = []
        self._calls = CallReader()

    def feed(self, text: str, logprobs: tuple[TokenLogprob, ...] = ()) -> list[StreamEvent]:
        """The events ``text`` (and its tokens' logprobs) make now."""
        events: list[StreamEvent] = []
        if self.mode == "undecided":
            self._pending += text
            self._held_logprobs.extend(logprobs)
            if self._pending.startswith(tool_format.OPEN):
                self.mode = "calls"
                self._held_logprobs.clear()  # OpenAI gives no logprobs for calls
                text, self._pending = self._pending, ""
            elif tool_format.OPEN.startswith(self._pending):
                return events
            else:
                self.mode = "text"
                text, self._pending = self._pending, ""
                logprobs, self._held_logprobs = tuple(self._held_logprobs), []
        if self.mode == "calls":
            return self._call_events(text)
        if text:
            self._text.append(text)
            events.append(TextDelta(text, self.choice))
        if logprobs:
            events.append(LogprobsDelta(tuple(item.openai() for item in logprobs),
                                        self.choice))
        return events

    def end(self, finish_reason: str) -> tuple[list[StreamEvent], str]:
        """The events still held back, and the choice's finish reason (``tool_calls`` for
        calls); raises ``InvalidOutput`` when an answer that ended by itself does not fit
        its form."""
        events: list[StreamEvent] = []
        if self.mode == "undecided":  # it ended as (or before) what could open a call
            self.mode = "text"
            pending, self._pending = self._pending, ""
            held, self._held_logprobs = tuple(self._held_logprobs), []
            events = self.feed(pending, held)
        if finish_reason != "stop":
            return events, finish_reason
        if self.mode == "calls":
            self._check_calls()
            return events, "tool_calls"
        if self.form.format != "text":
            self._check_json("".join(self._text))
        return events, finish_reason

    def _call_events(self, text: str) -> list[StreamEvent]:
        try:
            pieces = self._calls.feed(text)
        except ValueError as exc:
            raise InvalidOutput(f"the device wrote a malformed tool call: {exc}") from None
        events: list[StreamEvent] = []
        for index, name, arguments in pieces:
            if name is not None:
                events.append(ToolCallDelta(index, id=self._new_id(), name=name,
                                            choice=self.choice))
            if arguments:
                events.append(ToolCallDelta(index, arguments=arguments, choice=self.choice))
        return events

    def _check_calls(self) -> None:
        if not self._calls.complete:
            raise InvalidOutput("the device's tool call was cut off (by a stop sequence?)")
        for name, arguments in self._calls.calls:
            function = self.form.function(name)
            if function is None or function not in self.form.callable:
                raise InvalidOutput(f"the device called {name!r}, which the request does not "
                                    "let it call")
            value = _parsed(arguments, f"the arguments of {name}")
            schema = function.parameters or {"type": "object", "properties": {}}
            _check(value, schema, f"the arguments of {name}")

    def _check_json(self, text: str) -> None:
        value = _parsed(text, "the device's answer")
        if self.form.format == "json_object" and not isinstance(value, dict):
            raise InvalidOutput("the device's answer is JSON but not an object "
                                "(response_format json_object)")
        if self.form.format == "json_schema" and self.form.schema is not None:
            _check(value, self.form.schema, "the device's answer")


class CallReader:
    """Reads calls written as ``tool_format.py`` says, as their text arrives; raises
    ValueError at the first character that does not fit."""

    _NEXT_CALL = tool_format.OPEN + tool_format.NAME_PREFIX

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        """(name, arguments JSON text) of each call begun."""
        self._state = "literal"
        """literal (fixed text), name, or arguments."""
        self._literal = tool_format.OPEN + tool_format.NAME_PREFIX
        """The fixed text still to come, in the literal state."""
        self._then = "name"
        """The state after the fixed text."""
        self._depth = 0
        self._in_string = False
        self._escaped = False

    @property
    def complete(self) -> bool:
        """At least one call was read, and every call begun has ended."""
        return bool(self.calls) and self._state == "literal" and (
            self._literal == self._NEXT_CALL)

    def feed(self, text: str) -> list[tuple[int, str | None, str]]:
        """For each call this text is part of: (its index, its name when this text
        completed it, the arguments text this text added)."""
        pieces: dict[int, tuple[str | None, list[str]]] = {}
        for char in text:
            if self._state == "literal":
                if char != self._literal[0]:
                    raise ValueError(f"expected {self._literal[0]!r}, got {char!r}")
                self._literal = self._literal[1:]
                if not self._literal:
                    self._state = self._then
                    if self._state == "name":
                        self.calls.append(("", ""))
            elif self._state == "name":
                index = len(self.calls) - 1
                if char != '"':
                    self.calls[index] = (self.calls[index][0] + char, "")
                    continue
                pieces[index] = (self.calls[index][0], [])
                self._expect(tool_format.ARGUMENTS_PREFIX[1:], then="arguments")
            else:
                index = len(self.calls) - 1
                called, arguments = self.calls[index]
                if not arguments and char != "{":
                    raise ValueError(f"the arguments must be a JSON object, not {char!r}...")
                self.calls[index] = (called, arguments + char)
                pieces.setdefault(index, (None, []))[1].append(char)
                if self._object_ended(char):
                    self._expect(tool_format.CALL_END + self._NEXT_CALL, then="name")
        return [(index, called, "".join(chars)) for index, (called, chars) in pieces.items()]

    def _expect(self, literal: str, *, then: str) -> None:
        self._state, self._literal, self._then = "literal", literal, then

    def _object_ended(self, char: str) -> bool:
        """One more character of the arguments' JSON: whether it closed the object."""
        if self._in_string:
            if self._escaped:
                self._escaped = False
            elif char == "\\":
                self._escaped = True
            elif char == '"':
                self._in_string = False
            return False
        if char == '"':
            self._in_string = True
        elif char in "{[":
            self._depth += 1
        elif char in "}]":
            self._depth -= 1
            return self._depth == 0
        return False


def _parsed(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidOutput(f"{what} is not JSON: {exc}") from None


def _check(value: Any, schema: dict[str, Any], what: str) -> None:
    import jsonschema

    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise InvalidOutput(f"{what} does not fit its JSON schema: {error.message} "
                            f"(at {where})")
