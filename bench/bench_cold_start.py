"""Cold start: a fresh process's time to import, and to its first cloud answer, hybridai vs LiteLLM.

LiteLLM's users complain about its import time; hybridai imports lazily. Each round starts one
fresh Python process per library, alternating, and each process:

1. imports the library (hybridai: ``from hybridai import HybridAI``; LiteLLM: ``import litellm``),
2. sends one chat completion to a real OpenAI-compatible server on loopback
   (``tests.support.echo_openai``, which answers at once) and reads the answer,
3. reports both times, measured inside the process, and its peak RSS.

hybridai is called with ``mode="only_in_cloud"`` through its sync client; LiteLLM with
``litellm.completion(model="openai/echo", api_base=...)``. LiteLLM runs from ``.bench-venv``
(``python3 -m venv .bench-venv && .bench-venv/bin/pip install 'litellm[proxy]'``) with
``LITELLM_LOCAL_MODEL_COST_MAP=True``, so it does not try to fetch its price list over the
network (this machine has no internet; that attempt would add seconds to its figure).

hybridai runs as shipped, since a cold start is what a user gets, except that nothing of
the caller's may change it: no ``HYBRIDAI_*`` variable, and ``HYBRIDAI_CONFIG`` names an
empty file, so no ``hybridai.toml`` or user config applies. Its response cache stays on, in
a fresh cache_dir per process: it holds no answer, and each answer is checked to have come
from the cloud (route ``in_cloud``). The router is not used (mode ``only_in_cloud``) and no
budget is set; privacy screening stays on, as shipped. The run prints, and cold_start.json
records under ``switched_off`` and ``left_on``, what was off and what stayed on.
Writes bench/results/cold_start.json and cold_start.png.

    .venv/bin/python bench/bench_cold_start.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.fault_proxy import free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MESSAGES = [{"role": "user", "content": "Say hello."}]
SWITCHED_OFF = {
    "caller_settings": "no HYBRIDAI_* variable; HYBRIDAI_CONFIG names an empty file",
    "router": "not used: mode only_in_cloud",
    "budget": "none set",
}
LEFT_ON = {
    "response_cache": "as shipped, but empty: a fresh cache_dir per process; every answer is "
                      "checked to have come from the cloud",
    "privacy_screening": "as shipped",
}

# Each child prints one JSON line: seconds to import, seconds from then to the first answer,
# peak RSS in MB, and the answer's text (checked, so a failed call can't pass as a fast one).
HYBRIDAI_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from hybridai import HybridAI
imported = time.perf_counter()
url, cache_dir = sys.argv[1], sys.argv[2]
client = HybridAI(cloud={"echo": {"base_url": url, "model": "echo"}}, cache_dir=cache_dir)
answer = client.chat.completions.create(messages=MESSAGES, mode="only_in_cloud")
answered = time.perf_counter()
print(json.dumps({"import_s": imported - started, "first_answer_s": answered - imported,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "text": answer.choices[0].message.content,
                  "route": str(answer.hybrid.route)}))
"""

LITELLM_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
import litellm
imported = time.perf_counter()
url = sys.argv[1]
answer = litellm.completion(model="openai/echo", api_base=url, api_key="unused",
                            messages=MESSAGES)
answered = time.perf_counter()
print(json.dumps({"import_s": imported - started, "first_answer_s": answered - imported,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "text": answer.choices[0].message.content}))
"""


def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def run_child(python: str, code: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    source = f"MESSAGES = {MESSAGES!r}\n{code}"
    started = time.perf_counter()
    done = subprocess.run([python, "-c", source, *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{python} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if "echo" not in figures["text"]:
        sys.exit(f"unexpected answer from {python}: {figures['text']!r}")
    if figures.get("route", "in_cloud") != "in_cloud":  # hybridai's; LiteLLM reports none
        sys.exit(f"the answer came from {figures['route']!r}, not the cloud")
    return {**figures, "process_s": wall}


def start_upstream(port: int) -> subprocess.Popen[bytes]:
    import httpx

    upstream = subprocess.Popen([sys.executable, "-m", "tests.support.echo_openai", "--port",
                                 str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return upstream
        except httpx.HTTPError:
            time.sleep(0.1)
    upstream.kill()
    sys.exit("the echo upstream did not start within 30 s")


def summarize(samples: list[dict[str, Any]]) -> dict[str, float]:
    return {key: round(statistics.median(s[key] for s in samples), 4)
            for key in ("import_s", "first_answer_s", "process_s", "rss_mb")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--litellm-python", default=str(ROOT / ".bench-venv" / "bin" / "python"))
    args = parser.parse_args()
    if not Path(args.litellm_python).exists():
        sys.exit("LiteLLM's Python not found: python3 -m venv .bench-venv && "
                 ".bench-venv/bin/pip install 'litellm[proxy]'  (or pass --litellm-python)")
    console = Console()
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    upstream = start_upstream(port)
    samples: dict[str, list[dict[str, Any]]] = {"hybridai": [], "litellm": []}
    # Neither library may pick up a real key or endpoint from the caller's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "HYBRIDAI"))}
    env.update(OPENAI_API_KEY="unused", LITELLM_LOCAL_MODEL_COST_MAP="True",
               PYTHONDONTWRITEBYTECODE="1")
    console.print(f"hybridai {describe_setup()}")
    try:
        with tempfile.TemporaryDirectory() as tmp, Progress(console=console) as progress:
            empty_config = Path(tmp) / "empty.toml"  # no hybridai.toml or user config applies
            empty_config.write_text("")
            env["HYBRIDAI_CONFIG"] = str(empty_config)
            task = progress.add_task("cold starts", total=args.rounds * 2)
            for round_no in range(args.rounds):
                cache_dir = str(Path(tmp) / f"cache-{round_no}")  # fresh: no cached answer
                samples["hybridai"].append(run_child(str(ROOT / ".venv" / "bin" / "python"),
                                                     HYBRIDAI_CHILD, [url, cache_dir], env))
                progress.advance(task)
                samples["litellm"].append(run_child(args.litellm_python, LITELLM_CHILD,
                                                    [url], env))
                progress.advance(task)
    finally:
        upstream.terminate()
        upstream.wait(10)

    medians = {name: summarize(runs) for name, runs in samples.items()}
    h, lite = medians["hybridai"], medians["litellm"]
    litellm_version = subprocess.run(
        [args.litellm_python, "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
        capture_output=True, text=True, check=False).stdout.strip()
    report = {
        "command": "python bench/bench_cold_start.py " + " ".join(sys.argv[1:]),
        "rounds": args.rounds, "litellm_version": litellm_version,
        "switched_off": SWITCHED_OFF, "left_on": LEFT_ON,
        "load_average": os.getloadavg(), "medians": medians,
        "ratios_litellm_over_hybridai": {
            key: round(lite[key] / h[key], 2) for key in ("import_s", "process_s", "rss_mb")},
        "samples": samples,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cold_start.json").write_text(json.dumps(report, indent=2) + "\n")
    draw(medians, RESULTS / "cold_start.png")

    table = Table("", "import", "import → first answer", "whole process", "peak RSS",
                  title=f"cold start, median of {args.rounds} fresh processes each")
    for name, m in medians.items():
        table.add_row(name, *(f"{m[key] * 1000:.0f} ms"
                              for key in ("import_s", "first_answer_s", "process_s")),
                      f"{m['rss_mb']:.0f} MB")
    console.print(table)
    ratios = report["ratios_litellm_over_hybridai"]
    console.print(f"LiteLLM {litellm_version} / hybridai: import {ratios['import_s']}×, "
                  f"whole process {ratios['process_s']}×, peak RSS {ratios['rss_mb']}×")


def draw(medians: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(medians)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    imports = [medians[n]["import_s"] * 1000 for n in names]
    answers = [medians[n]["first_answer_s"] * 1000 for n in names]
    axes[0].barh(names, imports, label="import")
    axes[0].barh(names, answers, left=imports, label="import → first answer")
    axes[0].set_xlabel("ms from the import statement (median)")
    axes[0].legend(fontsize=7)
    axes[1].barh(names, [medians[n]["rss_mb"] for n in names], color="tab:grey")
    axes[1].set_xlabel("peak RSS, MB")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
