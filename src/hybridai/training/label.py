"""`hybridai label`: run two models on every prompt, score each answer, append the row.

Each finished row is appended to the output and flushed at once, so an interrupted run
(Ctrl-C, a kill, a crash) loses at most the row in progress; run the same command again and
it skips the rows already there (matched by row index and prompt hash). A row that fails is
logged to ``<output>.errors.jsonl``, reported, and tried again on the next run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import HybridAIError
from ..policies.pricing import PriceTable
from .data import DataError
from .prompts import PromptRow
from .scoring import judge_prompt, parse_judge_reply, score
from .targets import REFERENCE_ASSUMPTION, Target, generate

MAX_FAILURES_IN_A_ROW = 5


class RowFailed(Exception):
    """One row could not be labeled; the run goes on and the row is retried next time."""


@dataclass(frozen=True)
class Labeler:
    local: Target
    cloud: Target
    judge: Target | None
    max_tokens: int
    prices: PriceTable
    judge_max_tokens: int = 8

    def label(self, row: PromptRow) -> dict[str, Any]:
        out: dict[str, Any] = {"index": row.index, "key": row.key, **row.tags}
        if row.as_prompt:
            out["prompt"] = row.messages[-1]["content"]
        else:
            out["messages"] = row.messages
        scores: dict[str, float] = {}
        costs: dict[str, float] = {}
        answers: dict[str, str] = {}
        scored_by: dict[str, str] = {}
        for target in (self.local, self.cloud):
            if target.backend is None:
                scores[target.model] = 1.0
                scored_by[target.model] = "assumed"
                out["assumption"] = REFERENCE_ASSUMPTION
                continue
            answer = self._generate(target, row.messages, self.max_tokens)
            answers[target.model] = answer.text
            cost = self.prices.cost(target.model, answer.prompt_tokens,
                                    answer.completion_tokens, target.backend.price)
            if cost is not None or target.spec == "device":
                costs[target.model] = round(cost or 0.0, 10)
            if row.reference is not None:
                assert row.reference_type is not None
                scores[target.model] = score(answer.text, row.reference, row.reference_type)
                scored_by[target.model] = row.reference_type
            else:
                scores[target.model] = self._judge(row, answer.text)
                scored_by[target.model] = f"judge:{self.judge.model if self.judge else '-'}"
        out.update(scores=scores, costs=costs, answers=answers, scored_by=scored_by)
        if row.reference is not None:
            out.update(reference=row.reference, reference_type=row.reference_type)
        return out

    def _generate(self, target: Target, messages: list[dict[str, str]], max_tokens: int) -> Any:
        assert target.backend is not None
        try:
            return generate(target.backend, messages, max_tokens)
        except HybridAIError as exc:
            raise RowFailed(f"{target.spec}: {exc}") from exc

    def _judge(self, row: PromptRow, answer: str) -> float:
        assert self.judge is not None, "rows without a reference were checked up front"
        messages = [{"role": "user", "content": judge_prompt(row.question, answer)}]
        reply = self._generate(self.judge, messages, self.judge_max_tokens).text
        value = parse_judge_reply(reply)
        if value is None:
            raise RowFailed(f"judge {self.judge.spec} replied {reply.strip()[:80]!r}, not a "
                            "number from 0 to 1")
        return value


def done_keys(output: Path) -> dict[int, str]:
    """Row index → key of the rows already labeled in ``output``.

    A last line cut short by a kill mid-write is removed; any other broken line is an error.
    """
    if not output.exists():
        return {}
    raw = output.read_bytes()
    if raw and not raw.endswith(b"\n"):
        cut = raw.rfind(b"\n") + 1
        with output.open("r+b") as f:
            f.truncate(cut)
        raw = raw[:cut]
    done: dict[int, str] = {}
    for line, text in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
            done[int(obj["index"])] = str(obj["key"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise DataError(f"{output}: line {line} is not a row `hybridai label` wrote; "
                            "give a new -o file") from None
    return done


def pending_rows(rows: list[PromptRow], output: Path) -> list[PromptRow]:
    """The rows ``output`` lacks; its error log keeps only failures still to retry."""
    done = done_keys(output)
    for row in rows:
        if row.index in done and done[row.index] != row.key:
            raise DataError(f"{output} holds row {row.index} for a different prompt than line "
                            f"{row.line} now: the prompts changed; give a new -o file")
    errors = errors_path(output)
    if errors.exists():
        kept = [line for line in errors.read_text(encoding="utf-8").splitlines()
                if line.strip() and json.loads(line).get("index") not in done]
        errors.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    return [row for row in rows if row.index not in done]


@dataclass
class Outcome:
    labeled: int = 0
    failed: list[tuple[PromptRow, str]] = field(default_factory=list)
    stopped: str | None = None


def errors_path(output: Path) -> Path:
    return output.with_name(output.name + ".errors.jsonl")


def _append(path: Path, obj: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(obj, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def run(labeler: Labeler, rows: list[PromptRow], output: Path,
        advance: Callable[[dict[str, Any] | None], None]) -> Outcome:
    """Labels ``rows`` in order, appending each to ``output``; ``advance`` after every row."""
    outcome = Outcome()
    failures_in_a_row = 0
    for row in rows:
        try:
            labeled = labeler.label(row)
        except RowFailed as exc:
            outcome.failed.append((row, str(exc)))
            _append(errors_path(output), {"index": row.index, "key": row.key,
                                          "line": row.line, "error": str(exc),
                                          "at": round(time.time(), 3)})
            advance(None)
            failures_in_a_row += 1
            if failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
                outcome.stopped = f"{failures_in_a_row} rows in a row failed; last: {exc}"
                return outcome
            continue
        failures_in_a_row = 0
        labeled["labeled_at"] = round(time.time(), 3)
        _append(output, labeled)
        outcome.labeled += 1
        advance(labeled)
    return outcome
