"""Prompts to label: JSONL, one object a line (see docs/router.md, "Labeling").

    {"prompt": "...", "reference": "Paris", "reference_type": "contains"}
    {"messages": [{"role": "user", "content": "..."}], "reference": "B"}
    {"question": "...", "answer": "... #### 42"}          GSM8K's own rows
    {"prompt": "..."}                                     no reference: needs --judge
"id", "source" and "category" are copied to the labeled row.

A row that breaks the format is an error naming its line, found before anything runs.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import DataError, prompt_text, read_jsonl
from .scoring import BadReference, check_reference, infer_type

PASSED_THROUGH = ("id", "source", "category")


@dataclass(frozen=True)
class PromptRow:
    index: int  # position among the file's rows, counting from 0
    line: int
    messages: list[dict[str, str]]
    reference: Any = None
    reference_type: str | None = None
    as_prompt: bool = True  # written back as "prompt" (else as "messages")
    tags: dict[str, Any] = field(default_factory=dict)  # PASSED_THROUGH keys, copied out

    @property
    def text(self) -> str:
        return "\n".join(m["content"] for m in self.messages)

    @property
    def question(self) -> str:
        """What a judge is shown: the last user message."""
        users = [m["content"] for m in self.messages if m.get("role") == "user"]
        return users[-1] if users else self.text

    @property
    def key(self) -> str:
        """Index plus a hash of the prompt: a resumed run skips exactly the rows it did."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]
        return f"{self.index}:{digest}"


def parse_prompt_row(obj: Any, index: int, line: int) -> PromptRow:
    if not isinstance(obj, dict):
        raise DataError(f"line {line}: expected a JSON object, got {type(obj).__name__}")
    as_prompt = True
    if isinstance(obj.get("prompt"), str):
        messages = [{"role": "user", "content": obj["prompt"]}]
    elif isinstance(obj.get("question"), str):
        messages = [{"role": "user", "content": obj["question"]}]
    elif isinstance(obj.get("messages"), list) and obj["messages"]:
        prompt_text(obj["messages"], line)  # checks every message has string content
        messages = [{"role": str(m.get("role", "user")), "content": m["content"]}
                    for m in obj["messages"]]
        as_prompt = False
    else:
        raise DataError(f"line {line}: needs 'prompt' or 'question' (a string) or 'messages' "
                        "(a non-empty list)")
    if not "".join(m["content"] for m in messages).strip():
        raise DataError(f"line {line}: the prompt is empty")
    tags = {key: obj[key] for key in PASSED_THROUGH if key in obj}
    reference = obj.get("reference", obj.get("answer"))
    kind = obj.get("reference_type")
    if reference is None:
        if kind is not None:
            raise DataError(f"line {line}: reference_type {kind!r} given without a reference")
        return PromptRow(index, line, messages, as_prompt=as_prompt, tags=tags)
    kind = kind if kind is not None else infer_type(reference)
    try:
        check_reference(reference, kind)
    except BadReference as exc:
        raise DataError(f"line {line}: {exc}") from None
    return PromptRow(index, line, messages, reference, kind, as_prompt, tags)


def read_prompts(path: Path) -> list[PromptRow]:
    index = itertools.count()  # rows count from 0, blank lines aside
    return read_jsonl(path, lambda obj, line: parse_prompt_row(obj, next(index), line))
