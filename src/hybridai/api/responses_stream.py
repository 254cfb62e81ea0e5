"""A chat chunk stream as the Responses API's event sequence.

    response.created, response.in_progress
    response.output_item.added (message), response.content_part.added (output_text)
    response.output_text.delta ... response.output_text.done
    response.content_part.done, response.output_item.done
    response.output_item.added (function_call), response.function_call_arguments.delta ...
    response.function_call_arguments.done, response.output_item.done
    response.completed | response.incomplete | response.failed

Each event carries its ``sequence_number``; items are opened when their first text or call
arrives and closed when the next item starts or the answer ends. The final response is built
by the caller (from the recorder's completion) with the same item ids (``ItemIds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..schema.response import ChatCompletionChunk
from ..schema.responses import ItemIds, ResponseError, ResponseObject

Event = dict[str, Any]


@dataclass
class _Message:
    output_index: int
    item_id: str
    parts: list[list[str]] = field(default_factory=list)  # [kind, text] per content part


@dataclass
class _Call:
    output_index: int
    item_id: str
    call_id: str
    name: str
    arguments: list[str] = field(default_factory=list)


class ResponseEvents:
    """Translates one response's chat chunks into events, in order."""

    def __init__(self, shell: ResponseObject, ids: ItemIds) -> None:
        self.shell = shell
        """The response with nothing output yet (``response_shell``)."""
        self.ids = ids
        self.sequence = 0
        self.items = 0
        self.message: _Message | None = None
        self.call: _Call | None = None
        self.opened_message = False

    def _event(self, kind: str, **fields: Any) -> Event:
        event = {"type": kind, "sequence_number": self.sequence, **fields}
        self.sequence += 1
        return event

    def start(self) -> list[Event]:
        """``response.created`` and ``response.in_progress``."""
        shell = self.shell.model_copy(update={"status": "in_progress"}).wire()
        return [self._event("response.created", response=shell),
                self._event("response.in_progress", response=shell)]

    def feed(self, chunk: ChatCompletionChunk) -> list[Event]:
        events: list[Event] = []
        for choice in chunk.choices:
            if choice.index != 0:
                continue  # the Responses API has one answer
            delta = choice.delta
            if delta.content:
                events += self._text("output_text", delta.content)
            if delta.refusal:
                events += self._text("refusal", delta.refusal)
            for call in delta.tool_calls or ():
                if call.id is not None or self.call is None:
                    events += self._close_message() + self._close_call()
                    events += self._open_call(call.index, call.id or "", call.function.name
                                              or "")
                if call.function.arguments:
                    assert self.call is not None
                    self.call.arguments.append(call.function.arguments)
                    events.append(self._event(
                        "response.function_call_arguments.delta", item_id=self.call.item_id,
                        output_index=self.call.output_index, delta=call.function.arguments))
        return events

    def finish(self, response: ResponseObject) -> list[Event]:
        """The open items closed as ``response`` has them, then its end event."""
        status = "incomplete" if response.status == "incomplete" else "completed"
        events: list[Event] = []
        if not self.opened_message and self.call is None and not self.items:
            events += self._open_message()  # an empty answer is one empty message
            events += self._open_part("output_text")
        events += self._close_message(status) + self._close_call(status)
        kind = "response.incomplete" if response.status == "incomplete" else "response.completed"
        return events + [self._event(kind, response=response.wire())]

    def fail(self, code: str, message: str, status: int = 500) -> list[Event]:
        """``response.failed``: the stream broke after it began (``code``: hybridai's error
        code, ``status``: the HTTP status it stands for)."""
        error = ResponseError(code="rate_limit_exceeded" if status == 429 else "server_error",
                              message=message, type=code)
        failed = self.shell.model_copy(update={"status": "failed", "error": error}).wire()
        return [self._event("response.failed", response=failed)]

    # -- items ----------------------------------------------------------------------------------
    def _text(self, kind: str, text: str) -> list[Event]:
        events: list[Event] = []
        if self.message is None:
            events += self._close_call() + self._open_message()
        assert self.message is not None
        if not self.message.parts or self.message.parts[-1][0] != kind:
            events += self._close_part() + self._open_part(kind)
        part = self.message.parts[-1]
        part[1] += text
        name = "response.output_text.delta" if kind == "output_text" else (
            "response.refusal.delta")
        extra: dict[str, Any] = {"logprobs": []} if kind == "output_text" else {}
        events.append(self._event(name, item_id=self.message.item_id,
                                  output_index=self.message.output_index,
                                  content_index=len(self.message.parts) - 1, delta=text,
                                  **extra))
        return events

    def _open_message(self) -> list[Event]:
        self.message = _Message(self.items, self.ids.message)
        self.items += 1
        self.opened_message = True
        item = {"type": "message", "id": self.message.item_id, "status": "in_progress",
                "role": "assistant", "content": []}
        return [self._event("response.output_item.added", output_index=self.message.output_index,
                            item=item)]

    def _open_part(self, kind: str) -> list[Event]:
        assert self.message is not None
        self.message.parts.append([kind, ""])
        return [self._event("response.content_part.added", item_id=self.message.item_id,
                            output_index=self.message.output_index,
                            content_index=len(self.message.parts) - 1, part=_part(kind, ""))]

    def _close_part(self) -> list[Event]:
        if self.message is None or not self.message.parts:
            return []
        kind, text = self.message.parts[-1]
        where = {"item_id": self.message.item_id, "output_index": self.message.output_index,
                 "content_index": len(self.message.parts) - 1}
        done = (self._event("response.output_text.done", **where, text=text, logprobs=[])
                if kind == "output_text" else
                self._event("response.refusal.done", **where, refusal=text))
        return [done, self._event("response.content_part.done", **where,
                                  part=_part(kind, text))]

    def _close_message(self, status: str = "completed") -> list[Event]:
        if self.message is None:
            return []
        events = self._close_part()
        message, self.message = self.message, None
        item = {"type": "message", "id": message.item_id, "status": status,
                "role": "assistant", "content": [_part(k, t) for k, t in message.parts]}
        return events + [self._event("response.output_item.done",
                                     output_index=message.output_index, item=item)]

    def _open_call(self, index: int, call_id: str, name: str) -> list[Event]:
        self.call = _Call(self.items, self.ids.call(index), call_id, name)
        self.items += 1
        return [self._event("response.output_item.added", output_index=self.call.output_index,
                            item=self._call_item(self.call, "in_progress"))]

    def _close_call(self, status: str = "completed") -> list[Event]:
        if self.call is None:
            return []
        call, self.call = self.call, None
        arguments = "".join(call.arguments)
        return [self._event("response.function_call_arguments.done", item_id=call.item_id,
                            output_index=call.output_index, name=call.name,
                            arguments=arguments),
                self._event("response.output_item.done", output_index=call.output_index,
                            item=self._call_item(call, status))]

    @staticmethod
    def _call_item(call: _Call, status: str) -> dict[str, Any]:
        return {"type": "function_call", "id": call.item_id, "call_id": call.call_id,
                "name": call.name, "arguments": "".join(call.arguments) if status != (
                    "in_progress") else "", "status": status}


def _part(kind: str, text: str) -> dict[str, Any]:
    if kind == "output_text":
        return {"type": "output_text", "text": text, "annotations": []}
    return {"type": "refusal", "refusal": text}
