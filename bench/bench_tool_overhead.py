"""What a request carrying tools and a JSON schema costs the gateway, beside a plain one.

Two servers on loopback, measured in one run with the same two request bodies:

- upstream: ``tests.support.echo_openai``, a real OpenAI-compatible server that answers at once
  (it ignores tools and schema: the upstream's work is the same for both bodies);
- hybridai: ``hybridai serve`` with ``mode = "only_in_cloud"``, the upstream as its only cloud
  target, response cache off, privacy screening on as shipped (the spaCy recognizer of names
  and addresses included, ``privacy.ner = "auto"``);
- hybridai-no-ner: the same with ``privacy.ner = "off"`` (names by cue words only), to show
  what the recognizer costs on a request with many texts.

The bodies: **plain** (one user message, as bench_gateway.py sends) and **tools** (a system
prompt, three function tools with JSON-schema parameters, a ``json_schema`` response format,
an earlier assistant tool call and its tool result, ~3 KB): everything the gateway must
validate, screen (every text: tool descriptions, schema descriptions, tool arguments and
results) and forward verbatim. Each request's question is new (a serial number in it), the
rest repeats, as in an agent loop. One client sends requests back to back over a kept-alive
connection, the bodies and targets taking turns, round by round. *Added* latency is hybridai's
p50 minus the upstream's for the same body; the difference of the two added latencies is what
tools and a schema cost. Writes bench/results/tool_overhead.json and tool_overhead.png.

    .venv/bin/python bench/bench_tool_overhead.py [--rounds 5] [--requests 300]
"""

from __future__ import annotations

import argparse
import itertools
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
_SERIALS = itertools.count()
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


def bodies(model: str, serial: int = 0) -> dict[str, bytes]:
    """The two bodies; ``serial`` makes the user's question new each time (as in an agent
    loop, the system prompt, tools and earlier turns repeat, the question does not)."""
    plain = {"model": model, "messages": [{"role": "user", "content": f"hi #{serial}"}],
             "max_tokens": 8}
    tools = {
        "model": model, "max_tokens": 8, "tools": TOOLS, "tool_choice": "auto",
        "response_format": SCHEMA,
        "messages": [
            {"role": "system", "content": "You plan trips. Use the tools, then answer in JSON."},
            {"role": "user", "content": f"Plan weekend #{serial} from Lisbon to Porto next "
                                        "Saturday for two, and tell me the weather there."},
            {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_1", "type": "function", "function": {
                    "name": "get_weather", "arguments": json.dumps({"city": "Porto"})}}]},
            {"role": "tool", "tool_call_id": "call_1",
             "content": json.dumps({"city": "Porto", "temperature": 17, "sky": "cloudy"})},
        ]}
    return {"plain": json.dumps(plain).encode(), "tools": json.dumps(tools).encode()}


def time_requests(client: httpx.Client, url: str, model: str, kind: str, count: int
                  ) -> list[float]:
    latencies = []
    for _ in range(count):
        body = bodies(model, next(_SERIALS))[kind]
        started = time.perf_counter()
        response = client.post(url, content=body, headers={"content-type": "application/json"})
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    return latencies


def start(workdir: Path) -> tuple[Target, Target, Target]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYBRIDAI_", "OPENAI_"))}
    upstream = Target("upstream", "echo", free_port())
    upstream.start([sys.executable, "-m", "tests.support.echo_openai", "--port",
                    str(upstream.port)], env, workdir, ROOT)
    upstream.wait_ready(60)
    gateways = []
    for name, ner in (("hybridai", "auto"), ("hybridai-no-ner", "off")):
        hybrid = Target(name, "hybrid/cloud", free_port())
        config = workdir / f"{name}.toml"
        config.write_text("\n".join([
            'mode = "only_in_cloud"',
            f"cache_dir = {json.dumps(str(workdir / name / 'cache'))}",
            "[cache]", "enabled = false",
            "[privacy]", f'ner = "{ner}"',
            "[gateway]", 'host = "127.0.0.1"', f"port = {hybrid.port}",
            f"log_path = {json.dumps(str(workdir / name / 'requests.sqlite'))}",
            "[cloud.echo]", f"base_url = \"http://127.0.0.1:{upstream.port}/v1\"",
            'model = "echo"',
        ]) + "\n")
        hybrid.start([*hybridai_command(), "serve", "--config", str(config)], env, workdir,
                     workdir)
        gateways.append(hybrid)
    for hybrid in gateways:
        hybrid.wait_ready(180)
    return upstream, gateways[0], gateways[1]


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
        upstream, hybrid, no_ner = start(Path(tmp))
        try:
            targets = {"upstream": (upstream, "echo"), "hybridai": (hybrid, "hybrid/cloud"),
                       "hybridai-no-ner": (no_ner, "hybrid/cloud")}
            with httpx.Client(timeout=30) as client, Progress(console=console) as progress:
                for target, model in targets.values():
                    for kind in ("plain", "tools"):
                        time_requests(client, target.url, model, kind, args.warmup)
                task = progress.add_task("measuring", total=args.rounds * 6)
                for round_index in range(args.rounds):
                    order = [(t, k) for t in targets for k in ("plain", "tools")]
                    order = order[round_index % 6:] + order[:round_index % 6]
                    for name, kind in order:
                        target, model = targets[name]
                        latencies.setdefault((name, kind), []).extend(
                            time_requests(client, target.url, model, kind, args.requests))
                        progress.advance(task)
        finally:
            for target in (hybrid, no_ner, upstream):
                target.stop()
    figures = summarize(latencies, bodies("hybrid/cloud"))
    table = Table("gateway", "body", "bytes", "upstream p50 ms", "gateway p50 ms",
                  "added p50 ms", "gateway p99 ms")
    for gateway, rows in figures["gateways"].items():
        for kind, row in rows["bodies"].items():
            table.add_row(gateway, kind, str(row["bytes"]), f"{row['upstream_p50_ms']:.2f}",
                          f"{row['gateway_p50_ms']:.2f}", f"{row['added_p50_ms']:.2f}",
                          f"{row['gateway_p99_ms']:.2f}")
    console.print(table)
    for gateway, rows in figures["gateways"].items():
        console.print(f"{gateway}: tools and a schema add "
                      f"{rows['tools_minus_plain_added_ms']:.2f} ms p50 to the overhead "
                      f"({rows['tools_over_plain_added']:.1f}x the plain request's)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tool_overhead.json").write_text(json.dumps(figures, indent=2) + "\n")
    plot(figures, RESULTS / "tool_overhead.png")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(latencies: dict[tuple[str, str], list[float]], sent: dict[str, bytes]
              ) -> dict[str, Any]:
    gateways: dict[str, Any] = {}
    for gateway in ("hybridai", "hybridai-no-ner"):
        rows: dict[str, dict[str, float]] = {}
        for kind in ("plain", "tools"):
            up, hy = latencies[("upstream", kind)], latencies[(gateway, kind)]
            rows[kind] = {
                "bytes": len(sent[kind]), "requests": len(hy),
                "upstream_p50_ms": statistics.median(up) * 1e3,
                "gateway_p50_ms": statistics.median(hy) * 1e3,
                "gateway_p99_ms": percentile(hy, 0.99) * 1e3,
                "added_p50_ms": (statistics.median(hy) - statistics.median(up)) * 1e3,
            }
        plain, tools = rows["plain"]["added_p50_ms"], rows["tools"]["added_p50_ms"]
        gateways[gateway] = {"bodies": rows, "tools_minus_plain_added_ms": tools - plain,
                             "tools_over_plain_added": tools / plain if plain else None}
    return {"gateways": gateways,
            "cpu": os.cpu_count(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_1m": os.getloadavg()[0],
            "switched_off": ["response cache", "router (mode only_in_cloud)", "budget"],
            "left_on": ["privacy screening of every text the request carries"]}


def plot(figures: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, upstream, added = [], [], []
    for gateway, rows in figures["gateways"].items():
        for kind, row in rows["bodies"].items():
            labels.append(f"{gateway}\n{kind}")
            upstream.append(row["upstream_p50_ms"])
            added.append(row["added_p50_ms"])
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.bar(labels, upstream, label="upstream p50")
    ax.bar(labels, added, bottom=upstream, label="added by the gateway (p50)")
    ax.set_ylabel("ms per request")
    ax.set_title("Gateway latency: plain request vs tools + JSON schema")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
