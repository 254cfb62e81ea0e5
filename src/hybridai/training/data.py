"""Labeled router data: JSONL, one object a line.

    {"prompt": "...", "scores": {"<model>": q, ...}}      q in [0, 1]
    {"messages": [...], "scores": {...}, "costs": {"<model>": usd, ...}}
    {"prompt": "...", "label": "on_device" | "in_cloud"}

A row that breaks the format is an error naming its line; nothing is skipped silently.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InvalidRequestError

LABELS = ("on_device", "in_cloud")
T = TypeVar("T")


class DataError(InvalidRequestError):
    code = "invalid_router_data"


@dataclass(frozen=True)
class Row:
    prompt: str
    scores: dict[str, float] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    label: str | None = None
    line: int = 0

    def needs_cloud(self, local: str, cloud: str) -> bool:
        """Whether the cloud answers better than the device (RouteLLM's 'strong wins')."""
        if self.label is not None:
            return self.label == "in_cloud"
        return self.scores[cloud] > self.scores[local]

    def quality(self, model: str) -> float:
        return self.scores[model]


def prompt_text(messages: list[Any], line: int) -> str:
    parts = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise DataError(f"line {line}: messages[{index}] needs a string 'content'")
        parts.append(message["content"])
    return "\n".join(parts)


def parse_row(obj: Any, line: int) -> Row:
    if not isinstance(obj, dict):
        raise DataError(f"line {line}: expected a JSON object, got {type(obj).__name__}")
    if isinstance(obj.get("prompt"), str):
        prompt = obj["prompt"]
    elif isinstance(obj.get("messages"), list):
        prompt = prompt_text(obj["messages"], line)
    else:
        raise DataError(f"line {line}: needs 'prompt' (a string) or 'messages' (a list)")
    scores = _number_map(obj.get("scores"), "scores", line, unit=True)
    costs = _number_map(obj.get("costs"), "costs", line, unit=False)
    label = obj.get("label")
    if label is not None and label not in LABELS:
        raise DataError(f"line {line}: label must be one of {', '.join(LABELS)}, got {label!r}")
    if not scores and label is None:
        raise DataError(f"line {line}: needs 'scores' or 'label'")
    return Row(prompt=prompt, scores=scores, costs=costs, label=label, line=line)


def _number_map(value: Any, name: str, line: int, *, unit: bool) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataError(f"line {line}: '{name}' must be an object of model → number")
    out: dict[str, float] = {}
    for model, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(
                number):
            raise DataError(f"line {line}: {name}[{model!r}] must be a number, got {number!r}")
        if unit and not 0.0 <= number <= 1.0:
            raise DataError(f"line {line}: {name}[{model!r}] = {number} is outside [0, 1]")
        if not unit and number < 0:
            raise DataError(f"line {line}: {name}[{model!r}] = {number} is negative")
        out[str(model)] = float(number)
    return out


def read_jsonl(path: Path, parse: Callable[[Any, int], T]) -> list[T]:
    """``parse(object, line)`` for each non-blank line; errors name the file and the line."""
    items: list[T] = []
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}: line {line}: not valid JSON ({exc.msg})") from None
            try:
                items.append(parse(obj, line))
            except DataError as exc:
                raise DataError(f"{path}: {exc}") from None
    if not items:
        raise DataError(f"{path}: no rows")
    return items


def read_rows(path: Path) -> list[Row]:
    return read_jsonl(path, parse_row)


def require_models(rows: Iterable[Row], models: Iterable[str]) -> None:
    """Every row must score the pair being routed between (or carry a label)."""
    wanted = list(models)
    for row in rows:
        if row.label is not None:
            continue
        missing = [m for m in wanted if m not in row.scores]
        if missing:
            known = ", ".join(sorted(row.scores)) or "none"
            raise DataError(f"line {row.line}: no score for {', '.join(missing)} "
                            f"(the row scores: {known})")
