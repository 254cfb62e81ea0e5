"""The shipped default router's decision time, beside the device generating one token.

Mode `auto` pays for one router decision per request; the device pays per token. Both are
measured in this run: the router's p50/p99 over the prompts it was labeled on, and one decode
token of the bundled model (the engine's own benchmark). Writes
bench/results/default_router.json.

Both are measured alone, without the pipeline: the router scores each prompt directly
(``Router.score``: no response cache, budget or privacy step before it, and no probe model:
the default router reads n-grams only), and the token is timed by the engine's benchmark,
not through a request. The run prints, and default_router.json records under
``switched_off``, what was left out.

    .venv/bin/python bench/bench_default_router.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.console import Console

from hybridai.config import Settings
from hybridai.device.manager import Device
from hybridai.router.model import DEFAULT_ROUTER, Router
from hybridai.training.data import read_rows

sys.path.insert(0, str(Path(__file__).parent))
from bench_router import RESULTS, decision_latency  # noqa: E402

DATA = Path(__file__).parents[1] / "data" / "router"
SWITCHED_OFF = {
    "pipeline": "not built: Router.score on each prompt, and the engine's own benchmark for "
                "the token (no response cache, budget or privacy step)",
    "probe": "none: the default router reads n-grams only",
}


def device_token_ms() -> float:
    device = Device(Settings())
    try:
        device.engine.start()
        event = device.engine.benchmark(decode_tokens=32)
        return 1000.0 / float(event["decode_tokens_per_s"])
    finally:
        device.close()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    Console().print("switched off: " + "; ".join(f"{k} ({v})"
                                               for k, v in SWITCHED_OFF.items()))
    router = Router.load(DEFAULT_ROUTER)
    prompts = [row.prompt for path in sorted(DATA.glob("labels-*.jsonl"))
               for row in read_rows(path)]
    latency = decision_latency(router, prompts)
    token_ms = device_token_ms()
    result = {"router": str(DEFAULT_ROUTER.name), "prompts": len(prompts), **latency,
              "device_token_ms": round(token_ms, 3),
              "decision_over_token": round(latency["p50_ms"] / token_ms, 5),
              "load_average_1m": round(os.getloadavg()[0], 2), "switched_off": SWITCHED_OFF}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "default_router.json").write_text(json.dumps(result, indent=2) + "\n")
    Console().print(f"default router decision: p50 {latency['p50_ms']:.3f} ms, p99 "
                    f"{latency['p99_ms']:.3f} ms over {len(prompts)} prompts; one device token "
                    f"{token_ms:.1f} ms; decision/token {result['decision_over_token']:.4f} "
                    f"(load {result['load_average_1m']})")


if __name__ == "__main__":
    main()
