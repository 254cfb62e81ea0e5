"""The cascade on labeled prompts: escalation rate, accuracy and cost saved per threshold.

The real device engine (bundled SmolLM2-135M, temperature 0) answers every prompt once with
token log-probabilities; each answer is checked against its reference. Prompts: a fixed
sample of GSM8K train (the number after ``####``) and everyday questions with references
written here (any listed form in the answer counts). The threshold sweep is then computed
from those answers, so one device pass serves every threshold.

Assumptions, stated because no frontier model is reachable here: an escalated prompt is
answered correctly by the cloud, and its cloud answer is as long as the device's. Cost is
the frontier model's list price (pricing.py, ``--cloud-model``) on the device tokenizer's
counts; the device costs nothing. Beside the geometric-mean confidence (what hybridai uses),
in the same run: the minimum token probability, random escalation at the same rate, and
the oracle (escalate exactly the wrong answers).

    .venv/bin/python bench/bench_cascade.py [--gsm8k 12] [--data ../shared/data/gsm8k]

Writes bench/results/cascade.json and bench/results/cascade.png.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hybridai.backends import Finished, TextDelta
from hybridai.cascade import confidence, min_token_probability
from hybridai.client import HybridAI
from hybridai.config import DeviceSettings, Settings
from hybridai.pricing import PriceTable
from hybridai.schema import ChatRequest

RESULTS = Path(__file__).parent / "results"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gsm8k"

# Everyday questions a small model should often get right; each lists accepted forms.
EVERYDAY: list[tuple[str, list[str]]] = [
    ("What is the capital of France?", ["paris"]),
    ("What is the capital of Japan?", ["tokyo"]),
    ("What is the capital of Italy?", ["rome"]),
    ("What is the capital of Germany?", ["berlin"]),
    ("What color is the sky on a clear day?", ["blue"]),
    ("What color are ripe bananas?", ["yellow"]),
    ("How many days are there in a week?", ["7", "seven"]),
    ("How many legs does a spider have?", ["8", "eight"]),
    ("How many months are there in a year?", ["12", "twelve"]),
    ("What is 2 + 2?", ["4", "four"]),
    ("What is 10 times 10?", ["100", "hundred"]),
    ("What is the opposite of hot?", ["cold"]),
    ("What is the opposite of up?", ["down"]),
    ("Which planet do we live on?", ["earth"]),
    ("What is the largest ocean on Earth?", ["pacific"]),
    ("What gas do plants absorb from the air?", ["carbon dioxide", "co2"]),
    ("What is frozen water called?", ["ice"]),
    ("Which animal is known as the king of the jungle?", ["lion"]),
    ("What do bees make?", ["honey"]),
    ("In which season does snow usually fall?", ["winter"]),
    ("What is the chemical symbol for water?", ["h2o"]),
    ("How many hours are in a day?", ["24", "twenty-four", "twenty four"]),
    ("Who wrote Romeo and Juliet?", ["shakespeare"]),
    ("What is the first letter of the English alphabet?", ["a"]),
    ("Translate 'hello' into Spanish.", ["hola"]),
    ("What is the boiling point of water in degrees Celsius?", ["100"]),
    ("What is the square root of 81?", ["9", "nine"]),
    ("Which is the closest star to Earth?", ["sun"]),
    ("What is the plural of mouse?", ["mice"]),
    ("What language is mainly spoken in Brazil?", ["portuguese"]),
]
THRESHOLDS = [round(0.05 * i, 2) for i in range(21)]


@dataclass
class Answered:
    source: str
    prompt: str
    reference: list[str]
    answer: str
    correct: bool
    confidence: float
    min_probability: float
    prompt_tokens: int
    completion_tokens: int
    latency_s: float


def gsm8k_sample(path: Path, count: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    picked = random.Random(seed).sample(lines, count)
    rows = []
    for line in picked:
        record = json.loads(line)
        number = record["answer"].rsplit("####", 1)[1].strip().replace(",", "")
        rows.append((record["question"] + " Give the final number.", [number]))
    return rows


def is_correct(source: str, answer: str, reference: list[str]) -> bool:
    text = answer.lower()
    if source == "gsm8k":
        numbers = re.findall(r"-?\d[\d,]*\.?\d*", text)
        last = numbers[-1].replace(",", "").rstrip(".") if numbers else None
        return last is not None and float(last) == float(reference[0])
    # Whole words, so "a" or "ice" do not match inside other words.
    return any(re.search(rf"(?<![a-z0-9]){re.escape(r)}(?![a-z0-9])", text) for r in reference)


def run_device(prompts: list[tuple[str, str, list[str], int]], cache: Path, threads: int
               ) -> list[Answered]:
    """Each prompt through the real engine worker, with the token log-probabilities the
    cascade scores (the backend's own events: the text, then ``Finished.logprobs``)."""
    settings = Settings(cache_dir=cache, device=DeviceSettings(
        n_threads=threads, first_token_timeout_s=600, stall_timeout_s=600))
    answered = []
    with HybridAI(settings) as client, Progress() as progress:
        engine = client.pipeline.device.engine
        engine.start()
        task = progress.add_task("device answers", total=len(prompts))
        for source, prompt, reference, max_tokens in prompts:
            request = ChatRequest.parse({"messages": [{"role": "user", "content": prompt}],
                                         "max_tokens": max_tokens, "temperature": 0.0,
                                         "cascade": 0.0})
            started = time.perf_counter()
            events = list(engine.stream(request))
            text = "".join(e.text for e in events if isinstance(e, TextDelta))
            finished = events[-1]
            assert isinstance(finished, Finished) and finished.logprobs is not None
            logprobs = finished.logprobs
            answered.append(Answered(
                source, prompt, reference, text, is_correct(source, text, reference),
                confidence(logprobs), min_token_probability(logprobs),
                finished.prompt_tokens or 0, finished.completion_tokens or 0,
                round(time.perf_counter() - started, 3)))
            progress.advance(task)
            if not progress.console.is_terminal:  # a log file still shows the pace
                print(f"{len(answered)}/{len(prompts)} {source} "
                      f"{'right' if answered[-1].correct else 'wrong'} "
                      f"conf={answered[-1].confidence:.2f}", flush=True)
    return answered


def sweep(rows: list[Answered], score: str, cloud_cost: list[float]) -> list[dict[str, Any]]:
    """Per threshold: escalation rate, combined accuracy, cost saved vs all-cloud."""
    total = sum(cloud_cost)
    points = []
    for threshold in THRESHOLDS:
        escalated = [getattr(r, score) < threshold for r in rows]
        accuracy = sum(1.0 if e else float(r.correct) for r, e in zip(rows, escalated,
                                                                      strict=True)) / len(rows)
        spent = sum(c for c, e in zip(cloud_cost, escalated, strict=True) if e)
        points.append({"threshold": threshold,
                       "escalation_rate": sum(escalated) / len(rows),
                       "accuracy": accuracy, "cost_saved": 1 - spent / total})
    return points


def auroc(rows: list[Answered], score: str) -> float | None:
    from sklearn.metrics import roc_auc_score

    labels = [r.correct for r in rows]
    if len(set(labels)) < 2:
        return None
    return float(roc_auc_score(labels, [getattr(r, score) for r in rows]))


def draw(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    device_accuracy = result["device_accuracy"]
    for name, label in (("geo_mean", "geometric-mean token prob (hybridai)"),
                        ("min_prob", "minimum token prob")):
        points = result["sweeps"][name]
        left.plot([p["escalation_rate"] for p in points], [p["accuracy"] for p in points],
                  marker="o", markersize=3, label=label)
    left.plot([0, 1], [device_accuracy, 1.0], linestyle="--", color="grey",
              label="random escalation")
    wrong = 1 - device_accuracy
    left.plot([0, wrong, 1], [device_accuracy, 1.0, 1.0], linestyle=":", color="black",
              label="oracle")
    left.set_xlabel("escalation rate (share of prompts sent to the cloud)")
    left.set_ylabel("accuracy of the combined answer")
    left.set_title("cascade: accuracy vs escalation")
    left.legend(fontsize=8)
    points = result["sweeps"]["geo_mean"]
    thresholds = [p["threshold"] for p in points]
    right.plot(thresholds, [p["cost_saved"] for p in points], label="cost saved vs all-cloud")
    right.plot(thresholds, [p["escalation_rate"] for p in points], label="escalation rate")
    right.plot(thresholds, [p["accuracy"] for p in points], label="accuracy")
    right.set_xlabel("threshold (geometric-mean token probability)")
    right.set_title(f"per threshold (cloud: {result['cloud_model']})")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--gsm8k", type=int, default=12, help="GSM8K prompts to sample")
    parser.add_argument("--max-tokens", type=int, default=32, help="everyday prompts")
    parser.add_argument("--gsm8k-max-tokens", type=int, default=64)
    parser.add_argument("--cloud-model", default="gpt-4o")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "hybridai")
    parser.add_argument("--threads", type=int, default=1,
                        help="engine threads (1 holds up best on a shared machine)")
    args = parser.parse_args()

    prompts = [("everyday", q, refs, args.max_tokens) for q, refs in EVERYDAY]
    prompts += [("gsm8k", q, refs, args.gsm8k_max_tokens)
                for q, refs in gsm8k_sample(args.data / "train.jsonl", args.gsm8k)]
    started = time.perf_counter()
    rows = run_device(prompts, args.cache, args.threads)
    elapsed = time.perf_counter() - started

    prices = PriceTable.with_overrides({})
    cloud_cost = [prices.cost(args.cloud_model, r.prompt_tokens, r.completion_tokens) or 0.0
                  for r in rows]
    device_accuracy = sum(r.correct for r in rows) / len(rows)
    result: dict[str, Any] = {
        "cloud_model": args.cloud_model, "prompts": len(rows), "device_seconds": elapsed,
        "device_accuracy": device_accuracy,
        "device_accuracy_by_source": {
            s: sum(r.correct for r in rows if r.source == s) / max(1, sum(
                r.source == s for r in rows)) for s in ("everyday", "gsm8k")},
        "auroc": {"geo_mean": auroc(rows, "confidence"),
                  "min_prob": auroc(rows, "min_probability")},
        "all_cloud_cost_usd": sum(cloud_cost),
        "sweeps": {"geo_mean": sweep(rows, "confidence", cloud_cost),
                   "min_prob": sweep(rows, "min_probability", cloud_cost)},
        "answers": [asdict(r) for r in rows],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cascade.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    draw(result, RESULTS / "cascade.png")

    console = Console()
    table = Table("threshold", "escalated", "accuracy", "random at same rate", "cost saved",
                  title=f"cascade on {len(rows)} prompts (device accuracy "
                        f"{device_accuracy:.0%}; AUROC geo-mean "
                        f"{result['auroc']['geo_mean'] or float('nan'):.2f}, min-prob "
                        f"{result['auroc']['min_prob'] or float('nan'):.2f})")
    for point in result["sweeps"]["geo_mean"]:
        rate = point["escalation_rate"]
        random_accuracy = device_accuracy + rate * (1 - device_accuracy)
        table.add_row(f"{point['threshold']:.2f}", f"{rate:.0%}", f"{point['accuracy']:.0%}",
                      f"{random_accuracy:.0%}", f"{point['cost_saved']:.0%}")
    console.print(table)
    console.print(f"device pass {elapsed:.0f} s; results in {RESULTS / 'cascade.json'} and "
                  f"{RESULTS / 'cascade.png'}")


if __name__ == "__main__":
    main()
