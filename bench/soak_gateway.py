"""Resident memory of `hybridai serve` over 10,000 requests: does it stay flat?

A fast loopback OpenAI-compatible upstream (tests/support/echo_openai.py) stands in for the
cloud; 16 clients send a mix of streamed and unstreamed requests, mostly to the cloud and
every 20th to the device. The gateway's RSS (and the engine worker's) is sampled every 500
requests. Writes bench/results/soak.json and soak.png.

What is measured is the serving path's memory, so the response cache is off
(``[cache] enabled = false``): no answer comes from it and it holds nothing (these requests
set no temperature, which the default cache would not store either). Every request names its
mode (``hybrid/cloud`` or ``hybrid/on-device``), so the router is never loaded, and no budget
is set. Privacy screening stays on, as shipped: it runs on every request served. The run
prints, and soak.json records under ``switched_off`` and ``left_on``, what was off and what
stayed on.

    .venv/bin/python bench/soak_gateway.py [--requests 10000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from rich.console import Console
from rich.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fault_proxy import free_port  # noqa: E402
from tests.support.gateway_process import GatewayProcess, write_config  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SWITCHED_OFF = {
    "response_cache": "[cache] enabled = false",
    "router": "not used: every request names its mode (hybrid/cloud, hybrid/on-device)",
    "budget": "none set",
}
LEFT_ON = {"privacy_screening": "as shipped: it runs on every request served"}


def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def soak(gateway: GatewayProcess, total: int, concurrency: int
               ) -> tuple[list[dict[str, float]], dict[int | str, int]]:
    url = gateway.base_url + "/chat/completions"
    samples: list[dict[str, float]] = []
    statuses: dict[int | str, int] = {}
    sent = 0
    gateway_pid = gateway.process.pid  # type: ignore[union-attr]

    def sample() -> None:
        worker = [p for p in psutil.Process(gateway_pid).children(recursive=True)
                  if "hybridai.engines.llamacpp.worker" in " ".join(p.cmdline())]
        samples.append({"requests": sent, "gateway_rss_mb": round(rss_mb(gateway_pid), 1),
                        "worker_rss_mb": round(rss_mb(worker[0].pid), 1) if worker else 0.0})

    async def client(http: httpx.AsyncClient, progress: Progress, task: Any) -> None:
        nonlocal sent
        while sent < total:
            index = sent
            sent += 1
            body = {"model": "hybrid/on-device" if index % 20 == 0 else "hybrid/cloud",
                    "messages": [{"role": "user", "content": f"Request {index}"}],
                    "max_tokens": 4, "stream": index % 2 == 0}
            try:
                if body["stream"]:
                    async with http.stream("POST", url, json=body) as response:
                        async for _ in response.aiter_lines():
                            pass
                        status = response.status_code
                else:
                    status = (await http.post(url, json=body)).status_code
            except httpx.HTTPError as exc:  # counted, so a stall shows in the report
                status = type(exc).__name__  # type: ignore[assignment]
            statuses[status] = statuses.get(status, 0) + 1
            progress.advance(task)
            if sent % 500 == 0:
                sample()

    sample()
    with Progress() as progress:
        task = progress.add_task("soaking the gateway", total=total)
        async with httpx.AsyncClient(timeout=60) as http:
            await asyncio.gather(*(client(http, progress, task) for _ in range(concurrency)))
    sample()
    return samples, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.json",
                        help="the JSON report; the plot goes beside it as .png")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="hybridai-soak-"))
    echo_port = free_port()
    echo = subprocess.Popen([sys.executable, "-m", "tests.support.echo_openai", "--port",
                             str(echo_port)], cwd=ROOT)
    config = write_config(folder, cloud_url=f"http://127.0.0.1:{echo_port}/v1",
                          cache_dir=folder / "cache", cache={"enabled": False},
                          gateway={"log_path": folder / "requests.sqlite"},
                          device={"max_queue": 8, "max_queue_wait_s": 10})
    Console().print(describe_setup())
    gateway = GatewayProcess(config, folder / "requests.sqlite").start()
    try:
        started = time.perf_counter()
        samples, statuses = asyncio.run(soak(gateway, args.requests, args.concurrency))
        elapsed = time.perf_counter() - started
    finally:
        gateway.stop()
        echo.terminate()

    # Growth after warm-up: from the sample at 1,000 requests to the last one.
    warm = next(s for s in samples if s["requests"] >= 1000)
    last = samples[-1]
    per_1k = ((last["gateway_rss_mb"] - warm["gateway_rss_mb"])
              / max(1, (last["requests"] - warm["requests"]) / 1000))
    report = {
        "command": "python bench/soak_gateway.py " + " ".join(sys.argv[1:]),
        "requests": args.requests, "concurrency": args.concurrency,
        "switched_off": SWITCHED_OFF, "left_on": LEFT_ON,
        "seconds": round(elapsed, 1), "statuses": statuses, "samples": samples,
        "gateway_rss_start_mb": samples[0]["gateway_rss_mb"],
        "gateway_rss_at_1k_mb": warm["gateway_rss_mb"],
        "gateway_rss_end_mb": last["gateway_rss_mb"],
        "growth_mb_per_1k_after_warmup": round(per_1k, 3),
    }
    RESULTS.mkdir(exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    draw(samples, args.out.with_suffix(".png"))
    console = Console()
    console.print(f"{args.requests} requests in {elapsed:.0f} s, statuses {statuses}")
    console.print(f"gateway RSS: {report['gateway_rss_start_mb']} MB at start, "
                  f"{report['gateway_rss_at_1k_mb']} MB at 1,000 requests, "
                  f"{report['gateway_rss_end_mb']} MB at the end "
                  f"({per_1k:+.3f} MB per 1,000 requests after warm-up)")


def draw(samples: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(7, 3.2))
    x = [s["requests"] for s in samples]
    axis.plot(x, [s["gateway_rss_mb"] for s in samples], marker="o", label="gateway")
    axis.plot(x, [s["worker_rss_mb"] for s in samples], marker=".", label="engine worker")
    axis.set_xlabel("requests served")
    axis.set_ylabel("resident memory (MB)")
    axis.set_ylim(bottom=0)
    axis.legend()
    axis.set_title("hybridai serve: resident memory over a soak")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
