"""What a request carrying tools and a JSON schema costs the gateway, beside a plain one.

Two servers on loopback, measured in one run with the same two request bodies:

- upstream: ``tests.support.echo_openai``, a real OpenAI-compatible server that answers at once
  (it ignores tools and schema: the upstream's work is the same for both bodies);
- hybridai: ``hybridai serve`` with ``mode = "only_in_cloud"``, the upstream as its only cloud
  target, response cache off, privacy screening on as shipped.

The bodies: **plain** (one user message, as bench_gateway.py sends) and **tools** (a system
prompt, three function tools with JSON-schema parameters, a ``json_schema`` response format,
an earlier assistant tool call and its tool result, ~3 KB): everything the gateway must
validate, screen (every text: tool descriptions, schema descriptions, tool arguments and
results) and forward verbatim. One client sends requests back to back over a kept-alive
connection, the bodies and targets taking turns, round by round. *Added* latency is hybridai's
p50 minus the upstream's for the same body; the difference of the two added latencies is what
tools and a schema cost. Writes bench/results/tool_overhead.json and tool_overhead.png.

    .venv/bin/python bench/bench_tool_overhead.py [--rounds 5] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gateway import ROOT, Target, free_port, hybridai_command  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PATH = "/v1/chat/completions"

_WEATHER = {"type": "object", "properties": {
    "city": {"type": "string", "description": "the city, e.g. Lisbon"},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description":
     "Current weather for a city.", "parameters": _WEATHER}},
    {"type": "function", "function": {"name": "search_flights", "description":
     "Flights between two airports on a date.", "parameters": {"type": "object", "properties": {
         "origin": {"type": "string", "description": "IATA code"},
         "destination": {"type": "string", "description": "IATA code"},
         "date": {"type": "string", "format": "date"},
         "passengers": {"type": "integer", "minimum": 1, "maximum": 9}},
         "required": ["origin", "destination", "date"]}}},
    {"type": "function", "function": {"name": "convert_currency", "description":
     "Convert an amount between currencies.", "parameters": {"type": "object", "properties": {
         "amount": {"type": "number"}, "from": {"type": "string"}, "to": {"type": "string"}},
         "required": ["amount", "from", "to"]}}},
]
SCHEMA = {"type": "json_schema", "json_schema": {"name": "trip", "strict": True, "schema": {
    "type": "object", "additionalProperties": False, "required": ["summary", "legs", "cost"],
    "properties": {
        "summary": {"type": "string", "description": "one sentence"},
        "legs": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                 "required": ["from", "to"], "properties": {"from": {"type": "string"},
                                                            "to": {"type": "string"}}}},
        "cost": {"type": "number", "description": "in euros"}}}}}


def bodies(model: str) -> dict[str, bytes]:
    plain = {"model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}
    tools = {
        "model": model, "max_tokens": 8, "tools": TOOLS, "tool_choice": "auto",
        "response_format": SCHEMA,
        "messages": [
            {"role": "system", "content": "You plan trips. Use the tools, then answer in JSON."},
            {"role": "user", "content": "Plan a weekend from Lisbon to Porto next Saturday for "
                                        "two, and tell me the weather there."},
            {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_1", "type": "function", "function": {
                    "name": "get_weather", "arguments": json.dumps({"city": "Porto"})}}]},
            {"role": "tool", "tool_call_id": "call_1",
             "content": json.dumps({"city": "Porto", "temperature": 17, "sky": "cloudy"})},
        ]}
    return {"plain": json.dumps(plain).encode(), "tools": json.dumps(tools).encode()}


def time_requests(client: httpx.Client, url: str, body: bytes, count: int) -> list[float]:
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.post(url, content=body, headers={"content-type": "application/json"})
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    return latencies


def start(workdir: Path) -> tuple[Target, Target]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYBRIDAI_", "OPENAI_"))}
    upstream = Target("upstream", "echo", free_port())
    upstream.start([sys.executable, "-m", "tests.support.echo_openai", "--port",
                    str(upstream.port)], env, workdir, ROOT)
    upstream.wait_ready(60)
    hybrid = Target("hybridai", "hybrid/cloud", free_port())
    config = workdir / "hybridai.toml"
    config.write_text("\n".join([
        'mode = "only_in_cloud"',
        f"cache_dir = {json.dumps(str(workdir / 'cache'))}",
        "[cache]", "enabled = false",
        "[gateway]", 'host = "127.0.0.1"', f"port = {hybrid.port}",
        f"log_path = {json.dumps(str(workdir / 'requests.sqlite'))}",
        "[cloud.echo]", f"base_url = \"http://127.0.0.1:{upstream.port}/v1\"", 'model = "echo"',
    ]) + "\n")
    hybrid.start([*hybridai_command(), "serve", "--config", str(config)], env, workdir,
                 workdir)
    hybrid.wait_ready(180)
    return upstream, hybrid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300, help="per body, target, round")
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    console = Console()
    console.print("switched off: response cache, router (mode only_in_cloud), budget; left on: "
                  "privacy screening")
    latencies: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="hybridai-tool-bench-") as tmp:
        upstream, hybrid = start(Path(tmp))
        try:
            targets = {"upstream": (upstream, bodies("echo")),
                       "hybridai": (hybrid, bodies("hybrid/cloud"))}
            with httpx.Client(timeout=30) as client, Progress(console=console) as progress:
                for target, body in targets.values():
                    for kind in ("plain", "tools"):
                        time_requests(client, target.url, body[kind], args.warmup)
                task = progress.add_task("measuring", total=args.rounds * 4)
                for round_index in range(args.rounds):
                    order = [(t, k) for t in targets for k in ("plain", "tools")]
                    order = order[round_index % 4:] + order[:round_index % 4]
                    for name, kind in order:
                        target, body = targets[name]
                        latencies.setdefault((name, kind), []).extend(
                            time_requests(client, target.url, body[kind], args.requests))
                        progress.advance(task)
        finally:
            hybrid.stop()
            upstream.stop()
    figures = summarize(latencies, bodies("hybrid/cloud"))
    table = Table("body", "bytes", "upstream p50 ms", "hybridai p50 ms", "added p50 ms",
                  "hybridai p99 ms")
    for kind, row in figures["bodies"].items():
        table.add_row(kind, str(row["bytes"]), f"{row['upstream_p50_ms']:.2f}",
                      f"{row['hybridai_p50_ms']:.2f}", f"{row['added_p50_ms']:.2f}",
                      f"{row['hybridai_p99_ms']:.2f}")
    console.print(table)
    console.print(f"tools and a schema add {figures['tools_minus_plain_added_ms']:.2f} ms p50 "
                  f"to the gateway's overhead ({figures['tools_over_plain_added']:.2f}x the "
                  "plain request's)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tool_overhead.json").write_text(json.dumps(figures, indent=2) + "\n")
    plot(figures, RESULTS / "tool_overhead.png")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(latencies: dict[tuple[str, str], list[float]], sent: dict[str, bytes]
              ) -> dict[str, Any]:
    rows: dict[str, dict[str, float]] = {}
    for kind in ("plain", "tools"):
        up, hy = latencies[("upstream", kind)], latencies[("hybridai", kind)]
        rows[kind] = {
            "bytes": len(sent[kind]), "requests": len(hy),
            "upstream_p50_ms": statistics.median(up) * 1e3,
            "hybridai_p50_ms": statistics.median(hy) * 1e3,
            "hybridai_p99_ms": percentile(hy, 0.99) * 1e3,
            "added_p50_ms": (statistics.median(hy) - statistics.median(up)) * 1e3,
        }
    added_plain, added_tools = rows["plain"]["added_p50_ms"], rows["tools"]["added_p50_ms"]
    return {"bodies": rows, "tools_minus_plain_added_ms": added_tools - added_plain,
            "tools_over_plain_added": added_tools / added_plain if added_plain else None,
            "cpu": os.cpu_count(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_1m": os.getloadavg()[0],
            "switched_off": ["response cache", "router (mode only_in_cloud)", "budget"],
            "left_on": ["privacy screening of every text the request carries"]}


def plot(figures: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(figures["bodies"])
    upstream = [figures["bodies"][k]["upstream_p50_ms"] for k in kinds]
    added = [figures["bodies"][k]["added_p50_ms"] for k in kinds]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar(kinds, upstream, label="upstream p50")
    ax.bar(kinds, added, bottom=upstream, label="added by hybridai (p50)")
    ax.set_ylabel("ms per request")
    ax.set_title("Gateway latency: plain request vs tools + JSON schema")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
