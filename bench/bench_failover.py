"""Failover when the first vendor fails, hybridai vs LiteLLM's Router, in one run.

LiteLLM's users report streaming fallbacks that never fire. Here both libraries get the same
two vendors: a fault-injecting proxy (tests/support/fault_proxy.py) in front of the echo server,
and the echo server itself as the fallback. For each fault, streamed and not, each library
sends one request and the script records what the caller got: the whole answer (from which
vendor, after how long), a part of it and then an error, or only an error.

hybridai: the sync client, mode ``only_in_cloud``, vendors ``a`` then ``b``, no retries,
first-token timeout 2 s, total 10 s; once with ``continue_streams`` off (the default) and once
on. LiteLLM: ``Router`` with deployments ``primary`` and ``backup``, ``fallbacks=[{"primary":
["backup"]}]``, ``num_retries=0``, ``stream_timeout=2``, ``timeout=10``, run from
``.bench-venv``. Only the request is timed: each library first makes one untimed call to the
healthy vendor, so lazy imports are paid before.

Switched off in hybridai, since only failover is measured: the response cache
(``cache.enabled = False``, and a fresh cache_dir per scenario), so no answer comes from an
earlier scenario; the router (mode ``only_in_cloud``); budgets (none set). Privacy
screening stays on, as shipped (it finds nothing in "Say hello."). The run prints, and
failover.json records under ``switched_off`` and ``left_on``, what was off and what stayed on.
Writes bench/results/failover.json and failover.png.

    .venv/bin/python bench/bench_failover.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.echo_openai import REPLY  # noqa: E402
from tests.support.echo_openai import app as echo_app  # noqa: E402
from tests.support.fault_proxy import FaultProxy, ServerThread, free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ANSWER = "".join(REPLY)
MESSAGES = [{"role": "user", "content": "Say hello."}]
FAULTS = {
    "connection refused": None,  # a port where nothing listens
    "HTTP 500": "status:500",
    "HTTP 429": "status:429",
    "headers, then silence": "stall:60",
    "no answer at all": "hang",
    "cut after the first tokens": "cut:3",
    "body cut short": "cutbytes:60",
}
GIVE_UP_S = 30.0  # a library still waiting after this is reported as hanging
SWITCHED_OFF = {
    "response_cache": "cache.enabled = False, and a fresh cache_dir per scenario",
    "router": "not used: mode only_in_cloud",
    "budget": "none set",
}
LEFT_ON = {"privacy_screening": "as shipped: it finds nothing in the prompt"}

# The LiteLLM child reads its scenario as JSON on stdin and prints its outcome as JSON.
LITELLM_CHILD = r"""
import json, sys, time
import litellm
from litellm import Router
s, backup = json.loads(sys.stdin.read())
litellm.suppress_debug_info = True
if True:
    router = Router(model_list=[
        {"model_name": "primary", "litellm_params": {"model": "openai/echo",
         "api_base": s["url"], "api_key": "unused", "stream_timeout": 2, "timeout": 10}},
        {"model_name": "backup", "litellm_params": {"model": "openai/echo",
         "api_base": backup, "api_key": "unused", "stream_timeout": 2, "timeout": 10}}],
        fallbacks=[{"primary": ["backup"]}], num_retries=0)
    router.completion(model="backup", messages=s["messages"])  # first-call imports, untimed
    started, text, error = time.perf_counter(), "", None  # the request alone is timed
    try:
        if s["stream"]:
            for chunk in router.completion(model="primary", messages=s["messages"], stream=True):
                text += chunk.choices[0].delta.content or "" if chunk.choices else ""
        else:
            answer = router.completion(model="primary", messages=s["messages"])
            text = answer.choices[0].message.content or ""
    except Exception as exc:
        error = f"{type(exc).__name__}: {str(exc)[:160]}"
    print(json.dumps({"text": text, "error": error, "seconds": time.perf_counter() - started}),
          flush=True)
"""


def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def hybridai_outcome(url: str, backup: str, stream: bool, continue_streams: bool,
                     cache_dir: str) -> dict[str, Any]:
    from hybridai import HybridAI
    from hybridai.config import CloudTarget, ResilienceSettings, Settings

    bounds = {"max_retries": 0, "first_token_timeout_s": 2.0, "timeout_s": 10.0,
              "connect_timeout_s": 2.0}
    settings = Settings(cloud={"a": CloudTarget(base_url=url, model="echo", **bounds),
                               "b": CloudTarget(base_url=backup, model="echo", **bounds)},
                        cloud_order=["a", "b"], cache_dir=cache_dir,
                        cache={"enabled": False},  # type: ignore[arg-type]
                        resilience=ResilienceSettings(continue_streams=continue_streams))
    with HybridAI(settings) as client:
        started, text, error = time.perf_counter(), "", None  # the request alone is timed
        continued = False
        try:
            if stream:
                for chunk in client.chat.completions.create(messages=MESSAGES, stream=True,
                                                            mode="only_in_cloud"):
                    text += chunk.text
                    continued = chunk.hybrid is not None and chunk.hybrid.continued is not None
            else:
                text = client.chat.completions.create(messages=MESSAGES,
                                                      mode="only_in_cloud").text
        except Exception as exc:  # noqa: BLE001 - the outcome is what is being measured
            error = f"{type(exc).__name__}: {str(exc)[:160]}"
        seconds = time.perf_counter() - started
    return {"text": text, "error": error, "seconds": seconds, "continued": continued}


def litellm_outcome(python: Path, scenario: dict[str, Any], backup: str) -> dict[str, Any]:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    try:
        done = subprocess.run([str(python), "-c", LITELLM_CHILD], text=True, env=env,
                              input=json.dumps([scenario, backup]), capture_output=True,
                              timeout=GIVE_UP_S + 10)  # + its import time
    except subprocess.TimeoutExpired:
        return {"hung": True, "text": "", "error": f"no outcome within {GIVE_UP_S:g} s",
                "seconds": GIVE_UP_S}
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"the LiteLLM child failed:\n{done.stderr[-2000:]}")
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome


def verdict(outcome: dict[str, Any]) -> str:
    """answered: the caller got the whole answer from one vendor; continued: the whole answer,
    begun by the first vendor and continued by the fallback in the same stream (the echo
    server starts over, "Hello from the echo server.", and hybridai drops the "Hello" the
    caller already had); partial + error: text, then an error; error: only an error."""
    if outcome.get("hung"):
        return "hung"
    if outcome["error"] is None and outcome["text"] == ANSWER:
        return "continued" if outcome.get("continued") else "answered"
    if outcome["error"] is None:
        return "wrong answer"
    return "partial + error" if outcome["text"] else "error"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    litellm_python = ROOT / ".bench-venv" / "bin" / "python"
    if not litellm_python.exists():
        sys.exit("LiteLLM not found: python3 -m venv .bench-venv && "
                 ".bench-venv/bin/pip install 'litellm[proxy]'")
    console = Console()
    console.print(f"hybridai {describe_setup()}")
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        echo_port = free_port()
        stack.enter_context(ServerThread(echo_app(), echo_port))
        upstream = f"http://127.0.0.1:{echo_port}"
        backup = upstream + "/v1"
        hybridai_outcome(backup, backup, True, False, str(Path(tmp) / "warm-up"))  # imports
        urls = {}
        for fault, behavior in FAULTS.items():
            if behavior is None:
                urls[fault] = f"http://127.0.0.1:{free_port()}/v1"
                continue
            proxy = FaultProxy(upstream=upstream, behavior=behavior)
            stack.enter_context(ServerThread(proxy.app(), proxy.port))
            urls[fault] = proxy.base_url
        scenarios = [{"fault": fault, "url": url, "stream": stream, "messages": MESSAGES}
                     for fault, url in urls.items() for stream in (True, False)]

        for scenario in scenarios:
            key = f"{scenario['fault']} ({'streamed' if scenario['stream'] else 'unstreamed'})"
            with console.status(f"LiteLLM: {key}"):
                results.setdefault(key, {})["LiteLLM"] = litellm_outcome(
                    litellm_python, scenario, backup)
        for index, scenario in enumerate(scenarios):
            key = f"{scenario['fault']} ({'streamed' if scenario['stream'] else 'unstreamed'})"
            for name, continue_streams in (("hybridai", False),
                                           ("hybridai, continue_streams", True)):
                with console.status(f"{name}: {key}"):
                    results[key][name] = hybridai_outcome(
                        scenario["url"], backup, scenario["stream"], continue_streams,
                        str(Path(tmp) / f"cache-{index}-{continue_streams}"))

    names = ["hybridai", "hybridai, continue_streams", "LiteLLM"]
    for row in results.values():
        for outcome in row.values():
            outcome["verdict"] = verdict(outcome)
    litellm_version = subprocess.run(
        [str(litellm_python), "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
        capture_output=True, text=True, check=False).stdout.strip()
    answered = {name: sum(row[name]["verdict"] in ("answered", "continued")
                          for row in results.values()) for name in names}
    report = {"command": "python bench/bench_failover.py", "litellm_version": litellm_version,
              "answered": answered, "scenarios": len(results),
              "switched_off": SWITCHED_OFF, "left_on": LEFT_ON, "results": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "failover.json").write_text(json.dumps(report, indent=2) + "\n")
    draw(results, names, RESULTS / "failover.png")

    table = Table("first vendor's fault", *names,
                  title="what the caller got when the first vendor failed")
    for key, row in results.items():
        table.add_row(key, *(f"{row[n]['verdict']}, {row[n]['seconds']:.1f} s" for n in names))
    console.print(table)
    console.print("whole answers: " + ", ".join(
        f"{name} {count}/{len(results)}" for name, count in answered.items())
        + f"  (LiteLLM {litellm_version})")


def draw(results: dict[str, dict[str, dict[str, Any]]], names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"answered": "tab:green", "continued": "tab:olive",
               "partial + error": "tab:orange", "error": "tab:red", "hung": "black",
               "wrong answer": "tab:purple"}
    rows = list(results)
    fig, axis = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.2))
    for x, name in enumerate(names):
        for y, key in enumerate(rows):
            outcome = results[key][name]
            axis.scatter(x, y, s=260, color=colours[outcome["verdict"]], marker="s")
            axis.annotate(f"{outcome['seconds']:.1f}s", (x, y), xytext=(14, -4),
                          textcoords="offset points", fontsize=7)
    axis.set_xticks(range(len(names)), names, fontsize=8)
    axis.set_yticks(range(len(rows)), rows, fontsize=7)
    axis.set_xlim(-0.5, len(names) - 0.3)
    axis.invert_yaxis()
    for verdict_name, colour in colours.items():
        axis.scatter([], [], color=colour, marker="s", label=verdict_name)
    axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5)
    axis.set_title("first vendor fails: what the caller got (time in seconds)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
