"""A router's prompt reader: a small LLM reads the question, and how it reads it becomes
features.

Prompt-text features (n-grams, embeddings) can't tell which questions trip a model up; a
model reading the question can, a little (docs/benchmarks.md, "Router on RouterBench"). The
reader model (the router's "probe") is any GGUF, run by the llama.cpp engine worker with
``logits_all`` (so a crash in it costs one decision, not the host) and its ``read`` op. From
the question asked (the prompt's final block) it gives:

- lp (7): log-probability statistics of the question's tokens (mean, min, std, 10th
  percentile, median, sum) and the log of its length;
- letter (8): for a multiple-choice question (lines "A) …"), the next-token distribution over
  the option letters after "Answer:": p(A)…p(D), the top probability, the entropy, the
  top-two margin and the letters' total log-probability;
- partial (2): for a two-option fill-in-the-blank ("_"), partial scoring of each option (the
  words after the blank given the sentence filled in): p(first option) and |margin|.

Which of those a question has depends on its shape (open / two options / more), so the router
standardizes them within each shape and may let them interact with it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engines.llamacpp.messages import Reading, ReadItem
from .features import final_block

SHAPES = ("multi", "open", "two")
LP = ["lp_mean", "lp_min", "lp_std", "lp_p10", "lp_median", "lp_sum", "log_ntok"]
LETTER = ["pA", "pB", "pC", "pD", "maxp", "entropy", "margin", "log_mass"]
PARTIAL = ["partial_pA", "partial_abs_margin"]
NAMES = LP + LETTER + PARTIAL
MAX_QUESTION_TOKENS = 256

_OPTION = re.compile(r"^([A-E])\) ?(.*)$", re.M)
_FIRST_OPTION = re.compile(r"\n[A-E]\) ")


@dataclass(frozen=True)
class Question:
    text: str
    """The question asked, options included, instructions to answer stripped."""
    stem: str
    """The text before the options."""
    options: tuple[tuple[str, str], ...]

    @property
    def shape(self) -> str:
        if len(self.options) >= 3:
            return "multi"
        return "two" if len(self.options) == 2 else "open"


def parse_question(prompt: str) -> Question:
    text = re.split(r"\n?Print only a single choice", final_block(prompt))[0].strip()
    text = re.sub(r"\n?Answer:\s*$", "", text).strip()
    first = _FIRST_OPTION.search(text)
    options = tuple(_OPTION.findall(text)) if first else ()
    if len(options) < 2:
        return Question(text, text, ())
    return Question(text, text[: first.start()].strip() if first else text, options)


def read_items(question: Question) -> list[ReadItem]:
    """What the engine's ``read`` op reads for one question."""
    letters = tuple(letter for letter, _ in question.options)
    items = [ReadItem(question.text, then="\nAnswer:", letters=letters,
                      max_tokens=MAX_QUESTION_TOKENS) if letters else
             ReadItem(question.text, max_tokens=MAX_QUESTION_TOKENS)]
    blank = question.stem.find("_")
    if question.shape == "two" and blank >= 0:
        for _, option in question.options:
            head = question.stem[:blank] + option
            items.append(ReadItem(head + question.stem[blank + 1:], head=head,
                                  max_tokens=MAX_QUESTION_TOKENS))
    return items


def summarize(question: Question, results: Sequence[Reading]) -> dict[str, Any]:
    """The engine's readings of ``read_items(question)`` as one record (what is cached)."""
    lp = np.asarray(results[0].log_probs or [0.0], dtype=np.float64)
    record: dict[str, Any] = {
        "ntok": len(results[0].log_probs) + 1, "lp_mean": float(lp.mean()),
        "lp_min": float(lp.min()), "lp_std": float(lp.std()),
        "lp_p10": float(np.percentile(lp, 10)), "lp_median": float(np.median(lp)),
        "lp_sum": float(lp.sum())}
    if question.options:
        record["letters"] = [letter for letter, _ in question.options]
        record["letter_lp"] = [-1e9 if x is None else x for x in results[0].letters]
    if len(results) == 3:
        record["partial"] = [float(np.sum(r.log_probs)) for r in results[1:]]
    return record


def _softmax(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max())
    p: np.ndarray = e / e.sum()
    return p


def _entropy(p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1)
    return float(-(p * np.log(p)).sum() / np.log(len(p)))


def vector(record: dict[str, Any]) -> np.ndarray:
    """The features (``NAMES``) of one record; a family a question lacks is zeros."""
    lp = [record["lp_mean"], record["lp_min"], record["lp_std"], record["lp_p10"],
          record["lp_median"], record["lp_sum"], float(np.log(max(record["ntok"], 1)))]
    letter, partial = [0.0] * len(LETTER), [0.0] * len(PARTIAL)
    if "letter_lp" in record:
        logits = np.asarray(record["letter_lp"], dtype=np.float64)
        p = _softmax(logits)
        top = np.sort(p)[::-1]
        by_letter = {name: float(p[i]) for i, name in enumerate(record["letters"])}
        letter = [by_letter.get(name, 0.0) for name in "ABCD"] + [
            float(top[0]), _entropy(p), float(top[0] - top[1]),
            float(np.logaddexp.reduce(logits))]
    if "partial" in record:
        pp = _softmax(record["partial"])
        partial = [float(pp[0]), float(abs(pp[0] - pp[1]))]
    return np.asarray(lp + letter + partial, dtype=np.float64)


class PromptReader:
    """The reader model in a llama.cpp worker process; ``read`` gives prompts' features.

    Readings are kept in ``cache_dir`` (one JSONL file per model file, keyed by the prompt's
    SHA-1), so training, evaluating and calibrating on the same data read each prompt once.
    """

    def __init__(self, model_path: Path, log_dir: Path, *, cache_dir: Path | None = None,
                 n_threads: int | None = None) -> None:
        from ..config import DeviceSettings
        from ..engines.llamacpp.engine import LlamaCppEngine
        from ..engines.model_source import ModelLocation

        if not model_path.is_file():
            from ..errors import InvalidRequestError

            raise InvalidRequestError(f"probe model {model_path} is not a file",
                                      code="router_probe")
        self.model_path = model_path
        settings = DeviceSettings(model_path=model_path, n_ctx=1024, n_threads=n_threads)
        location = ModelLocation(name=model_path.name, path=model_path, bundled=False)
        self.engine = LlamaCppEngine(settings, location, log_dir, name="probe",
                                     logits_all=True)
        self._cache_file: Path | None = None
        self._cached: dict[str, dict[str, Any]] = {}
        if cache_dir is not None:
            size = model_path.stat().st_size
            self._cache_file = cache_dir / f"{model_path.stem}-{size}.jsonl"
            if self._cache_file.is_file():
                for line in self._cache_file.read_text("utf-8").splitlines():
                    entry = json.loads(line)
                    self._cached[entry["key"]] = entry["record"]

    def record(self, prompt: str) -> tuple[str, dict[str, Any]]:
        """The prompt's shape and its record (how the model read it)."""
        question = parse_question(prompt)
        key = hashlib.sha1(prompt.encode("utf-8")).hexdigest()
        if key not in self._cached:
            self._cached[key] = summarize(question, self.engine.read(read_items(question)))
            if self._cache_file is not None:
                self._cache_file.parent.mkdir(parents=True, exist_ok=True)
                with self._cache_file.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"key": key, "record": self._cached[key]}) + "\n")
        return question.shape, self._cached[key]

    def __call__(self, prompt: str) -> tuple[str, np.ndarray]:
        """One prompt's shape and features: a router's ``reader``."""
        shape, record = self.record(prompt)
        return shape, vector(record)

    def read(self, prompts: Sequence[str], advance: Callable[[], None] | None = None
             ) -> tuple[list[str], np.ndarray]:
        """Shapes and feature rows of ``prompts``."""
        shapes, rows = [], []
        for prompt in prompts:
            shape, record = self.record(prompt)
            shapes.append(shape)
            rows.append(vector(record))
            if advance is not None:
                advance()
        return shapes, np.vstack(rows) if rows else np.zeros((0, len(NAMES)))

    def close(self) -> None:
        self.engine.close()
