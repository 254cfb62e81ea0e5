"""Tokens/s through hybridai against raw llama-cpp-python: same model, prompts, settings.

Both stream the same greedy answers (temperature 0), so they generate the same tokens; runs
alternate between the two so that drift on a busy machine hits both alike. Also measures
what ``import hybridai`` costs. Writes bench/results/engine.json and engine.png.

The hybridai client runs with the response cache off (``cache.enabled = False``): these are
temperature-0 requests, which the cache would otherwise answer from the second round on
(or from the first, out of an earlier run's store), so the engine would not be measured.
Every hybridai answer is checked to have run on the device (route ``on_device``). Not
involved either: the router and any budget (``mode="only_on_device"`` consults neither).
Privacy screening stays on, as shipped: it scans each prompt (and finds nothing in these),
which is part of the hybridai path being measured. The run prints, and engine.json records
under ``switched_off`` and ``left_on``, what was off and what stayed on.

    .venv/bin/python bench/bench_engine.py [--rounds 3] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

PROMPTS = [
    "Explain why the sky is blue in two sentences.",
    "Write a short poem about the sea.",
    "What are three tips for staying focused while studying?",
    "Describe how a bicycle works.",
    "Give me a recipe idea for a quick vegetarian dinner.",
    "Summarize the plot of a story about a lost dog finding its way home.",
]
RESULTS = Path(__file__).parent / "results"
SWITCHED_OFF = {
    "response_cache": "cache.enabled = False: temperature-0 repeats would be answered from it",
    "router": "not used: mode only_on_device",
    "budget": "not consulted: mode only_on_device",
}
LEFT_ON = {"privacy_screening": "as shipped: each prompt is scanned (nothing is found)"}


def run_raw(llm: Any, prompt: str, max_tokens: int) -> tuple[int, float, float]:
    started = time.perf_counter()
    first = None
    parts = []
    for chunk in llm.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens,
            temperature=0.0, stream=True):
        content = chunk["choices"][0]["delta"].get("content")
        if content:
            first = first or time.perf_counter()
            parts.append(content)
    elapsed = time.perf_counter() - started
    tokens = len(llm.tokenize("".join(parts).encode(), add_bos=False, special=False))
    return tokens, elapsed, (first or started) - started


def run_hybrid(client: Any, prompt: str, max_tokens: int) -> tuple[int, float, float]:
    started = time.perf_counter()
    first = None
    last = None
    for chunk in client.chat.completions.create(
            messages=[{"role": "user", "content": prompt}], mode="only_on_device",
            max_tokens=max_tokens, temperature=0.0, stream=True):
        if chunk.text:
            first = first or time.perf_counter()
        last = chunk
    elapsed = time.perf_counter() - started
    # The engine must have answered: not the response cache, nor any fallback.
    route = str(last.hybrid.route)
    if route != "on_device" or last.hybrid.cache is not None:
        raise RuntimeError(f"answered by {route!r} (cache {last.hybrid.cache}), not the "
                           "device engine: the benchmark would not measure the engine")
    return last.hybrid.completion_tokens, elapsed, (first or started) - started


def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def import_seconds(statement: str, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    import psutil
    from llama_cpp import Llama

    from hybridai import HybridAI
    from hybridai.engines.model_source import bundled_model_path

    model = bundled_model_path()
    threads = psutil.cpu_count(logical=False) or 1
    raw = Llama(model_path=str(model), n_ctx=4096, n_threads=threads, verbose=False)
    # Response cache off: temperature-0 repeats would be answered from it, not the engine.
    client = HybridAI(device={"n_ctx": 4096, "n_threads": threads}, cache={"enabled": False})
    cache_enabled = client.settings.cache.enabled
    if cache_enabled:
        sys.exit("the response cache is still on; the benchmark would measure the cache")
    Console().print("response cache: [bold]off[/bold] (cache.enabled = False)")
    client.warm_up()
    for prompt in PROMPTS[:2]:  # warm both sides' llama.cpp buffers and allocators
        run_raw(raw, prompt, 8)
        run_hybrid(client, prompt, 8)

    samples: dict[str, list[tuple[int, float, float]]] = {"raw": [], "hybridai": []}
    jobs = [(r, p) for r in range(args.rounds) for p in PROMPTS]
    for round_index, prompt in track(jobs, description="benchmarking"):
        order = ["raw", "hybridai"] if round_index % 2 == 0 else ["hybridai", "raw"]
        for name in order:
            runner = run_raw if name == "raw" else run_hybrid
            samples[name].append(runner(raw if name == "raw" else client, prompt,
                                        args.max_tokens))
    client.close()

    def summary(rows: list[tuple[int, float, float]]) -> dict[str, float]:
        tokens = sum(r[0] for r in rows)
        seconds = sum(r[1] for r in rows)
        return {"tokens": tokens, "seconds": round(seconds, 3),
                "tokens_per_s": round(tokens / seconds, 2),
                "ttft_p50_ms": round(statistics.median(r[2] for r in rows) * 1000, 1)}

    results = {name: summary(rows) for name, rows in samples.items()}
    ratio = results["hybridai"]["tokens_per_s"] / results["raw"]["tokens_per_s"]
    # Each prompt ran back to back on both sides: the median of those pairs resists drift.
    pair_ratios = [(h[0] / h[1]) / (r[0] / r[1])
                   for h, r in zip(samples["hybridai"], samples["raw"], strict=True)]
    baseline = import_seconds("pass")
    imported = import_seconds("import hybridai")
    report = {
        "command": "python bench/bench_engine.py " + " ".join(sys.argv[1:]),
        "model": model.name, "threads": threads, "rounds": args.rounds,
        "max_tokens": args.max_tokens, "prompts": len(PROMPTS),
        "response_cache": "off" if not cache_enabled else "on",
        "response_cache_enabled": cache_enabled, "switched_off": SWITCHED_OFF,
        "left_on": LEFT_ON, **results,
        "throughput_ratio": round(ratio, 4),
        "pair_ratio_median": round(statistics.median(pair_ratios), 4),
        "import_hybridai_s": round(imported - baseline, 4),
        "python_startup_s": round(baseline, 4),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "engine.json").write_text(json.dumps(report, indent=2) + "\n")
    draw(report, RESULTS / "engine.png")

    table = Table("", "tokens/s", "first token p50", title="hybridai vs raw llama-cpp-python")
    for name in ("raw", "hybridai"):
        table.add_row(name, f"{results[name]['tokens_per_s']:.1f}",
                      f"{results[name]['ttft_p50_ms']:.0f} ms")
    console = Console()
    console.print(table)
    console.print(f"throughput ratio hybridai/raw: [bold]{ratio:.3f}[/bold] (goal >= 0.97); "
                  f"median of per-prompt pairs {report['pair_ratio_median']:.3f}")
    console.print(f"import hybridai: {report['import_hybridai_s'] * 1000:.0f} ms over "
                  f"interpreter start (goal <= 300 ms)")
    console.print(f"response cache during the run: [bold]{report['response_cache']}[/bold]")
    console.print(describe_setup())


def draw(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2))
    names = ["raw", "hybridai"]
    left.bar(names, [report[n]["tokens_per_s"] for n in names], color=["#888", "#2a7"])
    left.set_title(f"tokens/s, end to end (ratio {report['throughput_ratio']:.3f})")
    right.bar(names, [report[n]["ttft_p50_ms"] for n in names], color=["#888", "#2a7"])
    right.set_title("time to first token, p50 (ms)")
    fig.suptitle(f"{report['model']}, {report['threads']} threads, "
                 f"{report['prompts']}x{report['rounds']} requests each")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
