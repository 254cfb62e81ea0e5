"""The cascade on labeled prompts: escalation rate, accuracy and cost saved per threshold.

The real device engine (bundled SmolLM2-135M, temperature 0) answers every prompt once with
token log-probabilities; each answer is scored against its reference by
``hybridai.training.scoring`` (what ``hybridai label`` uses). Prompts: the first ``--everyday``
rows of ``data/router/everyday.jsonl`` and ``--gsm8k`` rows of ``data/router/gsm8k-sample.jsonl``
(the default router's labeling sets, same token limits). The threshold sweep is then computed
from those answers, so one device pass serves every threshold.

Assumptions, stated because no frontier model is reachable here: an escalated prompt is
answered correctly by the cloud, and its cloud answer is as long as the device's. Cost is
the frontier model's list price (pricing.py, ``--cloud-model``) on the device tokenizer's
counts; the device costs nothing. hybridai's rule is the geometric-mean confidence, with an
answer cut off at max_tokens escalated whatever its confidence; beside it,
in the same run: the minimum token probability, random escalation at the same rate, and
the oracle (escalate exactly the wrong answers).

Each prompt goes straight to the engine (``hybridai.training.targets.generate``), not
through the pipeline, so no response cache, router, budget or privacy step runs, and no
cloud is called; the client's response cache is also off (``cache.enabled = False``), so it
opens no store in ``--cache``. The run prints, and cascade.json records under
``switched_off``, what was off.

    .venv/bin/python bench/bench_cascade.py [--everyday 120] [--gsm8k 30]

Writes bench/results/cascade.json and bench/results/cascade.png.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hybridai.api.client import HybridAI
from hybridai.config import CacheSettings, DeviceSettings, Settings
from hybridai.policies.cascade import confidence, min_token_probability
from hybridai.policies.pricing import PriceTable
from hybridai.training.prompts import PromptRow, read_prompts
from hybridai.training.scoring import score
from hybridai.training.targets import generate

RESULTS = Path(__file__).parent / "results"

# The router's labeling prompts (data/router/PROVENANCE via the default router's file): the
# same rows, references and scoring rules (hybridai.training.scoring) as `hybridai label`.
DATA = Path(__file__).resolve().parents[1] / "data" / "router"
THRESHOLDS = [round(0.05 * i, 2) for i in range(21)]
SWITCHED_OFF = {
    "response_cache": "cache.enabled = False",
    "pipeline": "bypassed: each prompt goes straight to the engine, so no router, budget, "
                "privacy step or cloud call",
}


@dataclass
class Answered:
    source: str
    prompt: str
    reference: Any
    answer: str
    correct: bool
    confidence: float
    min_probability: float
    truncated: bool  # finish reason "length": cut off at max_tokens

    @property
    def hybridai_score(self) -> float:
        """The cascade's rule as one score: a cut-off answer escalates at any threshold."""
        return -1.0 if self.truncated else self.confidence
    prompt_tokens: int
    completion_tokens: int
    latency_s: float


@dataclass(frozen=True)
class Prompt:
    source: str
    row: PromptRow
    max_tokens: int


def labeling_prompts(everyday: int, gsm8k: int, everyday_tokens: int, gsm8k_tokens: int
                     ) -> list[Prompt]:
    rows = [Prompt("everyday", r, everyday_tokens)
            for r in read_prompts(DATA / "everyday.jsonl")[:everyday]]
    return rows + [Prompt("gsm8k", r, gsm8k_tokens)
                   for r in read_prompts(DATA / "gsm8k-sample.jsonl")[:gsm8k]]


def run_device(prompts: list[Prompt], cache: Path, threads: int) -> list[Answered]:
    """Each prompt through the real engine worker, with the token log-probabilities the
    cascade scores (the backend's own events: the text, then ``Finished.logprobs``)."""
    settings = Settings(cache_dir=cache, cache=CacheSettings(enabled=False),
                        device=DeviceSettings(n_threads=threads, first_token_timeout_s=600,
                                              stall_timeout_s=600))
    answered = []
    with HybridAI(settings) as client, Progress() as progress:
        engine = client.pipeline.device.engine
        engine.start()
        task = progress.add_task("device answers", total=len(prompts))
        for prompt in prompts:
            row = prompt.row
            assert row.reference is not None and row.reference_type is not None
            started = time.perf_counter()
            answer = generate(engine, row.messages, prompt.max_tokens, logprobs=True)
            logprobs = answer.logprobs
            assert logprobs is not None
            answered.append(Answered(
                prompt.source, row.text, row.reference, answer.text,
                score(answer.text, row.reference, row.reference_type) == 1.0,
                confidence(logprobs), min_token_probability(logprobs),
                answer.finish_reason == "length",
                answer.prompt_tokens, answer.completion_tokens,
                round(time.perf_counter() - started, 3)))
            progress.advance(task)
            if not progress.console.is_terminal:  # a log file still shows the pace
                print(f"{len(answered)}/{len(prompts)} {prompt.source} "
                      f"{'right' if answered[-1].correct else 'wrong'} "
                      f"conf={answered[-1].confidence:.2f}", flush=True)
    return answered


def agreement_with_labels(rows: list[Answered]) -> dict[str, float | int]:
    """How often this run's verdict matches the labeled file's (same engine, same limits):
    a check that both read the device the same way."""
    labeled: dict[str, float] = {}
    for name in ("labels-everyday.jsonl", "labels-gsm8k.jsonl"):
        path = DATA / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            row = json.loads(line)
            labeled[row["prompt"]] = row["scores"]["smollm2-135m-instruct"]
    both = [(r.correct, labeled[r.prompt] == 1.0) for r in rows if r.prompt in labeled]
    agree = sum(a == b for a, b in both)
    return {"compared": len(both), "agreeing": agree,
            "share": round(agree / len(both), 4) if both else float("nan")}


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
    for name, label in (("hybridai", "hybridai: geo-mean, cut-off answers escalate"),
                        ("geo_mean", "geometric-mean token prob alone"),
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
    points = result["sweeps"]["hybridai"]
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
    parser.add_argument("--everyday", type=int, default=120, help="everyday prompts")
    parser.add_argument("--gsm8k", type=int, default=30, help="GSM8K problems")
    parser.add_argument("--max-tokens", type=int, default=96, help="everyday prompts, as "
                        "labeled")
    parser.add_argument("--gsm8k-max-tokens", type=int, default=256)
    parser.add_argument("--cloud-model", default="gpt-4o")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "hybridai")
    parser.add_argument("--threads", type=int, default=1,
                        help="engine threads (1 holds up best on a shared machine)")
    args = parser.parse_args()

    Console().print("switched off: " + "; ".join(f"{name} ({how})"
                                               for name, how in SWITCHED_OFF.items()))
    prompts = labeling_prompts(args.everyday, args.gsm8k, args.max_tokens,
                               args.gsm8k_max_tokens)
    started = time.perf_counter()
    rows = run_device(prompts, args.cache, args.threads)
    elapsed = time.perf_counter() - started

    prices = PriceTable.with_overrides({})
    cloud_cost = [prices.cost(args.cloud_model, r.prompt_tokens, r.completion_tokens) or 0.0
                  for r in rows]
    device_accuracy = sum(r.correct for r in rows) / len(rows)
    result: dict[str, Any] = {
        "cloud_model": args.cloud_model, "prompts": len(rows), "device_seconds": elapsed,
        "switched_off": SWITCHED_OFF,
        "device_accuracy": device_accuracy,
        "device_accuracy_by_source": {
            s: sum(r.correct for r in rows if r.source == s) / max(1, sum(
                r.source == s for r in rows)) for s in ("everyday", "gsm8k")},
        "auroc": {"hybridai": auroc(rows, "hybridai_score"),
                  "geo_mean": auroc(rows, "confidence"),
                  "min_prob": auroc(rows, "min_probability")},
        "truncated_share": sum(r.truncated for r in rows) / len(rows),
        "agreement_with_labels": agreement_with_labels(rows),
        "all_cloud_cost_usd": sum(cloud_cost),
        "sweeps": {"hybridai": sweep(rows, "hybridai_score", cloud_cost),
                   "geo_mean": sweep(rows, "confidence", cloud_cost),
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
                        f"{result['auroc']['geo_mean'] or float('nan'):.2f}, hybridai's rule "
                        f"{result['auroc']['hybridai'] or float('nan'):.2f}, min-prob "
                        f"{result['auroc']['min_prob'] or float('nan'):.2f})")
    for point in result["sweeps"]["hybridai"]:
        rate = point["escalation_rate"]
        random_accuracy = device_accuracy + rate * (1 - device_accuracy)
        table.add_row(f"{point['threshold']:.2f}", f"{rate:.0%}", f"{point['accuracy']:.0%}",
                      f"{random_accuracy:.0%}", f"{point['cost_saved']:.0%}")
    console.print(table)
    console.print(f"device pass {elapsed:.0f} s; results in {RESULTS / 'cascade.json'} and "
                  f"{RESULTS / 'cascade.png'}")


if __name__ == "__main__":
    main()
