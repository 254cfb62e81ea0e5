"""The gateway's own overhead: hybridai and LiteLLM's proxy in front of one fast upstream.

Three targets on loopback, all measured in one run with the same request body and the same
load generator (``hey``, Debian package ``hey``):

- upstream: ``tests.support.echo_openai``, a real OpenAI-compatible server that answers at once;
- hybridai: ``hybridai serve`` with ``mode = "only_in_cloud"`` and the upstream as its only
  cloud target (the device is never involved); requests use model ``hybrid/cloud``; its
  response cache is off (``[cache] enabled = false``), so no answer can come from the cache
  (the request body sets no temperature, so the default cache would not store it either);
  the router is not used (mode ``only_in_cloud``) and no budget is set; privacy screening
  stays on, as shipped (its scan of each prompt is part of the overhead measured); the
  server is started as ``python -m hybridai.api.cli``, so it runs the same checkout as this
  script (PYTHONPATH), not whatever module the venv's ``hybridai`` console script names;
- hybridai-sdk: the same with the target's ``transport = "openai"`` (cloud calls through the
  official openai client instead of plain aiohttp), to show what the SDK costs;
- litellm: ``litellm --num_workers 1`` whose ``model_list`` maps ``echo`` to ``openai/echo`` at
  the upstream; no database, no master key, message logging off.

For each target: one client sending requests back to back (latency p50/p99; *added* latency is
the target's minus the upstream's), then 16 concurrent clients for a fixed time (requests/s).
Targets take turns, round by round, in a rotating order, so drift on a busy machine hits all
alike. Also counts the CPU time each server process used per request under load.
Writes bench/results/gateway.json and gateway.png.

Setup (once): ``apt-get install hey``, and LiteLLM in a venv of its own, kept out of .venv:

    python3 -m venv .bench-venv && .bench-venv/bin/pip install 'litellm[proxy]'

Run (from the repository root):

    .venv/bin/python bench/bench_gateway.py [--rounds 3] [--requests 1000] [--duration 5]

On a shared machine, add ``--wait-quiet 600 --attempts 3``: each attempt first waits for an
idle machine, and a run during which other processes used over 5 % of the CPU is measured
again (the JSON records that share; the least disturbed attempt is kept). ``hey`` reports
latencies to 0.1 ms, so p50/p99 are on a 0.1 ms grid.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The hybridai CLI module, run with this interpreter: the venv's console script names the
# module of the checkout it was installed from, which another checkout on PYTHONPATH may not.
CLI_MODULE = "hybridai.api.cli"
SWITCHED_OFF = {
    "response_cache": "[cache] enabled = false",
    "router": "not used: mode only_in_cloud",
    "budget": "none set",
    "device": "never involved: mode only_in_cloud",
}
LEFT_ON = {"privacy_screening": "as shipped: its scan of each prompt is part of the overhead",
           "request_log_and_metrics": "as shipped"}
GOAL_ADDED_P50_MS = 1.0
GOAL_RPS = 1500.0
PATH = "/v1/chat/completions"
console = Console(width=max(120, Console().width))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body(model: str) -> bytes:
    return json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}],
                       "max_tokens": 8}).encode()


@dataclass
class Target:
    name: str
    model: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    body_file: Path | None = None
    seq_latencies_s: list[float] = field(default_factory=list)
    seq_non_200: int = 0
    conc_rounds: list[dict[str, Any]] = field(default_factory=list)
    config: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def start(self, argv: list[str], env: dict[str, str], workdir: Path, cwd: Path) -> None:
        self.log = workdir / f"{self.name}.log"
        self.body_file = workdir / f"{self.name}.json"
        self.body_file.write_bytes(body(self.model))
        self.process = subprocess.Popen(argv, stdout=self.log.open("wb"),
                                        stderr=subprocess.STDOUT, env=env, cwd=cwd)

    def wait_ready(self, timeout_s: float) -> None:
        """Until a real chat request answers 200; bounded by ``timeout_s``."""
        assert self.process is not None and self.log is not None
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                request = urllib.request.Request(self.url, data=body(self.model), method="POST",
                                                 headers={"content-type": "application/json"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {timeout_s:g} s:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            time.sleep(0.25)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


# -- CPU accounting --------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of one process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid`` and its descendants (LiteLLM or uvicorn may fork)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)], cpu[int(entry.name)] = stat
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += cpu.get(current, 0.0)
        todo += [child for child, parent in parents.items() if parent == current]
    return total


def system_busy_s() -> float:
    """CPU seconds all cores spent busy since boot (not idle, not waiting on I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _TICKS


def own_cpu_s(targets: list[Target]) -> float:
    """CPU seconds of this script, the hey runs it waited for, and the three servers."""
    import resource

    own = sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                resource.getrusage(resource.RUSAGE_CHILDREN)))
    return own + sum(tree_cpu_s(t.process.pid) for t in targets if t.process is not None)


# -- hey ---------------------------------------------------------------------------------------

def hey(target: Target, *args: str, timeout_s: float) -> str:
    assert target.body_file is not None
    argv = ["hey", *args, "-m", "POST", "-T", "application/json", "-D", str(target.body_file),
            "-t", "10", target.url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"hey failed on {target.name}: {done.stderr[-2000:]}")
    return done.stdout


def sequential(target: Target, requests: int) -> None:
    """One client, ``requests`` back to back; per-request latencies from hey's CSV."""
    out = hey(target, "-n", str(requests), "-c", "1", "-o", "csv",
              timeout_s=60 + requests * 0.5)
    rows = list(csv.DictReader(io.StringIO(out)))
    for row in rows:
        if row["status-code"] == "200":
            target.seq_latencies_s.append(float(row["response-time"]))
        else:
            target.seq_non_200 += 1
    target.seq_non_200 += max(0, requests - len(rows))  # transport errors leave no CSV row


_TOTAL = re.compile(r"Total:\s+([\d.]+) secs")
_STATUS = re.compile(r"\[(\d{3})\]\s+(\d+) responses")
_ERRORS = re.compile(r"Error distribution:\n((?:\s+\[\d+\].*\n?)+)")


def concurrent(target: Target, clients: int, duration_s: float) -> dict[str, Any]:
    """``clients`` workers for ``duration_s``: 200 answers per second, and what failed."""
    assert target.process is not None
    cpu_before = tree_cpu_s(target.process.pid)
    out = hey(target, "-z", f"{duration_s:g}s", "-c", str(clients),
              timeout_s=duration_s + 60)
    cpu_used = tree_cpu_s(target.process.pid) - cpu_before
    total = _TOTAL.search(out)
    if total is None:
        raise RuntimeError(f"unexpected hey output for {target.name}:\n{out[-2000:]}")
    seconds = float(total.group(1))
    statuses = {int(code): int(count) for code, count in _STATUS.findall(out)}
    errors_block = _ERRORS.search(out)
    transport_errors = sum(int(n) for n in re.findall(r"\[(\d+)\]", errors_block.group(1))
                           ) if errors_block else 0
    ok = statuses.get(200, 0)
    result = {"seconds": seconds, "ok": ok, "rps": ok / seconds,
              "non_200": sum(n for code, n in statuses.items() if code != 200),
              "transport_errors": transport_errors,
              "cpu_s": round(cpu_used, 3),
              "cpu_ms_per_request": round(cpu_used * 1000 / ok, 3) if ok else None}
    target.conc_rounds.append(result)
    return result


# -- the three servers -------------------------------------------------------------------------

def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def hybridai_command() -> list[str]:
    """``python -m`` the CLI module of the hybridai that this interpreter imports."""
    return [sys.executable, "-m", CLI_MODULE]


def find_litellm(given: str | None) -> Path:
    candidates = [Path(given)] if given else [ROOT / ".bench-venv" / "bin" / "litellm"]
    if not given and (found := shutil.which("litellm")):
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    sys.exit("LiteLLM not found: python3 -m venv .bench-venv && "
             ".bench-venv/bin/pip install 'litellm[proxy]'  (or pass --litellm PATH)")


def litellm_version(litellm: Path) -> str:
    try:
        done = subprocess.run([str(litellm.with_name("python")), "-c",
                               "import importlib.metadata as m; print(m.version('litellm'))"],
                              capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def hybridai_package() -> str:
    """The directory of the hybridai package the servers import (this interpreter's)."""
    import importlib.util

    spec = importlib.util.find_spec("hybridai")
    return str(Path(spec.origin).parent) if spec and spec.origin else "unknown"


def hey_version() -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "hey"], capture_output=True,
                          text=True, timeout=30, check=False)
    return done.stdout.strip() or "unknown"


def start_all(workdir: Path, litellm: Path | None, startup_timeout_s: float,
              targets: list[Target]) -> None:
    """Starts the servers, adding each to ``targets`` at once so the caller can stop them."""
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("HYBRIDAI_", "LITELLM_", "DATABASE_URL", "OPENAI_"))}
    upstream = Target("upstream", "echo", free_port())
    targets.append(upstream)
    upstream.start([sys.executable, "-m", "tests.support.echo_openai", "--port",
                    str(upstream.port)], base_env, workdir, ROOT)
    upstream.wait_ready(startup_timeout_s)
    upstream_base = f"http://127.0.0.1:{upstream.port}/v1"

    # hybridai as shipped (async cloud calls over plain aiohttp), and, in the same run, with
    # the target's transport = "openai": what the official SDK costs on the same path.
    for name, transport in (("hybridai", "aiohttp"), ("hybridai-sdk", "openai")):
        hybrid = Target(name, "hybrid/cloud", free_port())
        config = workdir / f"{name}.toml"
        hybrid.config = "\n".join([
            'mode = "only_in_cloud"',
            f"cache_dir = {json.dumps(str(workdir / name / 'cache'))}",
            "[cache]",
            "enabled = false",  # measure the gateway, never an answer from the cache
            "[gateway]",
            'host = "127.0.0.1"',
            f"port = {hybrid.port}",
            f"log_path = {json.dumps(str(workdir / name / 'requests.sqlite'))}",
            "[cloud.echo]",
            f"base_url = {json.dumps(upstream_base)}",
            'model = "echo"',
            f'transport = "{transport}"',
        ]) + "\n"
        config.write_text(hybrid.config)
        targets.append(hybrid)
        hybrid.start([*hybridai_command(), "serve", "--config", str(config)], base_env,
                     workdir, workdir)
    if litellm is not None:
        lite = Target("litellm", "echo", free_port())
        lite.config = f"""\
model_list:
  - model_name: echo
    litellm_params:
      model: openai/echo
      api_base: {upstream_base}
      api_key: not-needed
litellm_settings:
  set_verbose: false
  json_logs: false
  turn_off_message_logging: true
  telemetry: false
general_settings:
  disable_spend_logs: true
  disable_error_logs: true
"""
        (workdir / "litellm.yaml").write_text(lite.config)
        env = {**base_env,
               "LITELLM_LOG": "ERROR",
               "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the price list at start
               # Recent LiteLLM refuses to start without a master key; hybridai runs without
               # client auth here too, so both skip it.
               "LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY": "true"}
        targets.append(lite)
        lite.start([str(litellm), "--config", str(workdir / "litellm.yaml"), "--host",
                    "127.0.0.1", "--port", str(lite.port), "--num_workers", "1",
                    "--telemetry", "False"], env, workdir, workdir)
    for target in targets[1:]:
        target.wait_ready(startup_timeout_s)


# -- figures -----------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(targets: list[Target]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in targets:
        ms = [s * 1000 for s in t.seq_latencies_s]
        ok = sum(r["ok"] for r in t.conc_rounds)
        seconds = sum(r["seconds"] for r in t.conc_rounds)
        cpu = sum(r["cpu_s"] for r in t.conc_rounds)
        out[t.name] = {
            "one_client": {"requests": len(ms), "non_200": t.seq_non_200,
                           "p50_ms": round(percentile(ms, 0.50), 3),
                           "p90_ms": round(percentile(ms, 0.90), 3),
                           "p99_ms": round(percentile(ms, 0.99), 3),
                           "mean_ms": round(statistics.fmean(ms), 3) if ms else None},
            "concurrent": {"rps": round(ok / seconds, 1) if seconds else 0.0,
                           "ok": ok, "seconds": round(seconds, 3),
                           "non_200": sum(r["non_200"] for r in t.conc_rounds),
                           "transport_errors": sum(r["transport_errors"]
                                                   for r in t.conc_rounds),
                           "rps_per_round": [round(r["rps"], 1) for r in t.conc_rounds],
                           "server_cpu_ms_per_request": round(cpu * 1000 / ok, 3) if ok
                           else None},
        }
    up = out["upstream"]["one_client"]
    for name, figures in out.items():
        if name == "upstream":
            continue
        one = figures["one_client"]
        one["added_p50_ms"] = round(one["p50_ms"] - up["p50_ms"], 3)
        one["added_p99_ms"] = round(one["p99_ms"] - up["p99_ms"], 3)
        one["added_mean_ms"] = round(one["mean_ms"] - up["mean_ms"], 3)
    return out


def ratios(figures: dict[str, Any]) -> dict[str, Any]:
    up = figures["upstream"]
    result: dict[str, Any] = {}
    for name in ("hybridai", "hybridai-sdk", "litellm"):
        if name in figures:
            f = figures[name]
            result[f"{name}_rps_vs_upstream"] = round(f["concurrent"]["rps"]
                                                      / up["concurrent"]["rps"], 4)
            result[f"{name}_p50_vs_upstream"] = round(f["one_client"]["p50_ms"]
                                                      / up["one_client"]["p50_ms"], 2)
    if "litellm" in figures:
        h, lite = figures["hybridai"], figures["litellm"]
        result["rps_hybridai_over_litellm"] = round(
            h["concurrent"]["rps"] / lite["concurrent"]["rps"], 2)
        for q in ("p50", "p99"):
            added_h, added_l = h["one_client"][f"added_{q}_ms"], lite["one_client"][f"added_{q}_ms"]
            result[f"added_{q}_hybridai_over_litellm"] = (round(added_h / added_l, 3)
                                                          if added_l > 0 else None)
        cpu_h = h["concurrent"]["server_cpu_ms_per_request"]
        cpu_l = lite["concurrent"]["server_cpu_ms_per_request"]
        if cpu_h and cpu_l:
            result["cpu_per_request_hybridai_over_litellm"] = round(cpu_h / cpu_l, 3)
    h = figures["hybridai"]
    result["goal_added_p50_met"] = h["one_client"]["added_p50_ms"] <= GOAL_ADDED_P50_MS
    result["goal_rps_met"] = h["concurrent"]["rps"] >= GOAL_RPS
    return result


def print_tables(figures: dict[str, Any], result_ratios: dict[str, Any]) -> None:
    table = Table(title="Gateway overhead in front of a loopback upstream (hey)")
    for column in ("target", "p50 ms", "p99 ms", "added p50 ms", "added p99 ms",
                   "req/s (16 clients)", "server CPU ms/req", "errors"):
        table.add_column(column, justify="left" if column == "target" else "right")
    for name, f in figures.items():
        one, conc = f["one_client"], f["concurrent"]
        added = [f"{one[f'added_{q}_ms']:+.2f}" if f"added_{q}_ms" in one else "-"
                 for q in ("p50", "p99")]
        errors = one["non_200"] + conc["non_200"] + conc["transport_errors"]
        table.add_row(name, f"{one['p50_ms']:.2f}", f"{one['p99_ms']:.2f}", *added,
                      f"{conc['rps']:,.0f}",
                      f"{conc['server_cpu_ms_per_request']:.2f}", str(errors))
    console.print(table)
    rt = Table(title="Ratios")
    rt.add_column("ratio")
    rt.add_column("value", justify="right")
    for key, value in result_ratios.items():
        rt.add_row(key, str(value))
    console.print(rt)


def plot(figures: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in ("hybridai", "hybridai-sdk", "litellm") if n in figures]
    colors = {"upstream": "#888888", "hybridai": "#1f77b4", "hybridai-sdk": "#9ecae1",
              "litellm": "#d62728"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    width = 0.38
    xs = range(len(names))
    p50 = [figures[n]["one_client"]["added_p50_ms"] for n in names]
    p99 = [figures[n]["one_client"]["added_p99_ms"] for n in names]
    left.bar([x - width / 2 for x in xs], p50, width, label="added p50",
             color=[colors[n] for n in names])
    left.bar([x + width / 2 for x in xs], p99, width, label="added p99",
             color=[colors[n] for n in names], alpha=0.5)
    for x, a, b in zip(xs, p50, p99, strict=True):
        left.text(x - width / 2, a, f"{a:.2f}", ha="center", va="bottom", fontsize=9)
        left.text(x + width / 2, b, f"{b:.2f}", ha="center", va="bottom", fontsize=9)
    left.axhline(GOAL_ADDED_P50_MS, color="green", linestyle="--", linewidth=1,
                 label=f"goal: p50 ≤ {GOAL_ADDED_P50_MS:g} ms")
    left.set_xticks(list(xs), names)
    left.set_ylabel("ms added over the upstream alone")
    left.set_title("Added latency, one client (solid p50, light p99)")
    left.legend(fontsize=8)

    all_names = ["upstream", *names]
    rps = [figures[n]["concurrent"]["rps"] for n in all_names]
    right.bar(all_names, rps, color=[colors[n] for n in all_names])
    for x, value in enumerate(rps):
        right.text(x, value, f"{value:,.0f}", ha="center", va="bottom", fontsize=9)
    right.axhline(GOAL_RPS, color="green", linestyle="--", linewidth=1,
                  label=f"goal: ≥ {GOAL_RPS:,.0f} req/s")
    right.set_ylabel("requests/s")
    right.set_title("Throughput, 16 concurrent clients")
    right.legend(fontsize=8)
    fig.suptitle("Gateway overhead in front of a loopback OpenAI-compatible upstream "
                 f"({os.cpu_count()} cores, hey)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- main --------------------------------------------------------------------------------------

QUIET_BUSY = 0.10      # the machine counts as quiet below this CPU share over a 5 s window
DISTURBED_SHARE = 0.05  # a run during which other processes used more than this is disturbed


def busy_share(window_s: float = 5.0) -> float:
    before, started = system_busy_s(), time.monotonic()
    time.sleep(window_s)
    return (system_busy_s() - before) / ((time.monotonic() - started) * (os.cpu_count() or 1))


def wait_quiet(limit_s: float) -> float:
    """Waits (at most ``limit_s``) for a 5 s window in which the machine is nearly idle."""
    deadline = time.monotonic() + limit_s
    with console.status("waiting for a quiet machine") as status:
        while True:
            share = busy_share()
            status.update(f"waiting for a quiet machine: {share:.0%} busy")
            if share < QUIET_BUSY or time.monotonic() > deadline:
                return share


def measure(targets: list[Target], args: argparse.Namespace) -> float:
    """One measurement over all targets; returns the CPU share other processes used."""
    for target in targets:
        target.seq_latencies_s, target.seq_non_200, target.conc_rounds = [], 0, []
    steps = len(targets) * (1 + 2 * args.rounds)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("warm-up", total=steps)
        for target in targets:
            progress.update(task, description=f"warm-up {target.name}")
            hey(target, "-n", str(args.warmup), "-c", "4", timeout_s=120)
            progress.advance(task)
        busy0, own0, clock0 = system_busy_s(), own_cpu_s(targets), time.monotonic()
        for round_no in range(args.rounds):
            shift = round_no % len(targets)
            for target in targets[shift:] + targets[:shift]:
                progress.update(task, description=f"round {round_no + 1}: {target.name}, "
                                                  f"one client × {args.requests}")
                sequential(target, args.requests)
                progress.advance(task)
                progress.update(task, description=f"round {round_no + 1}: {target.name}, "
                                                  f"{args.clients} clients × {args.duration:g} s")
                rps = concurrent(target, args.clients, args.duration)["rps"]
                progress.console.log(f"round {round_no + 1} {target.name}: {rps:,.0f} req/s")
                progress.advance(task)
                if not target.alive():
                    raise RuntimeError(f"{target.name} died during the run")
        # CPU that other processes used meanwhile: figures are comparable only near zero.
        foreign = (system_busy_s() - busy0) - (own_cpu_s(targets) - own0)
        return max(0.0, foreign) / ((time.monotonic() - clock0) * (os.cpu_count() or 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns each target takes (default 3)")
    parser.add_argument("--requests", type=int, default=1000,
                        help="sequential one-client requests per target and round")
    parser.add_argument("--duration", type=float, default=5.0,
                        help="seconds of 16-client load per target and round")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=500, help="requests per target first")
    parser.add_argument("--litellm",
                        help="the litellm executable (default .bench-venv/bin/litellm)")
    parser.add_argument("--no-litellm", action="store_true", help="hybridai and upstream only")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before each attempt, wait up to this long for an idle machine")
    parser.add_argument("--attempts", type=int, default=1,  # "%%": argparse formats help
                        help="measure again (up to this many times in all) while other "
                             f"processes used over {DISTURBED_SHARE:.0%}% of the CPU; "
                             "the least disturbed attempt is kept")
    parser.add_argument("--out", type=Path, default=RESULTS / "gateway.json")
    args = parser.parse_args()
    if not shutil.which("hey"):
        sys.exit("hey not found: apt-get install hey")
    litellm = None if args.no_litellm else find_litellm(args.litellm)
    console.print(f"hybridai: {' '.join(hybridai_command())} serve (package "
                  f"{hybridai_package()}); response cache off")
    console.print(f"hybridai {describe_setup()}")

    meta: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "tool": f"hey {hey_version()}",
        "litellm_version": litellm_version(litellm) if litellm else None,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "request_body": json.loads(body("<model>")),
        "hybridai_command": hybridai_command(),
        "hybridai_package": hybridai_package(),
        "hybridai_response_cache": "off",
        "hybridai_switched_off": SWITCHED_OFF,
        "hybridai_left_on": LEFT_ON,
    }
    best: tuple[float, dict[str, Any]] | None = None
    shares: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        targets: list[Target] = []
        try:
            with console.status("starting upstream, hybridai" + (", litellm" if litellm else "")):
                start_all(Path(tmp), litellm, args.startup_timeout, targets)
            for attempt in range(max(1, args.attempts)):
                if args.wait_quiet > 0:
                    wait_quiet(args.wait_quiet)
                share = measure(targets, args)
                shares.append(round(share, 4))
                console.log(f"attempt {attempt + 1}: other processes used {share:.1%} of the CPU")
                if best is None or share < best[0]:
                    best = (share, summarize(targets))
                if share <= DISTURBED_SHARE:
                    break
        finally:
            for target in reversed(targets):
                target.stop()
    assert best is not None
    share, figures = best
    meta["machine"]["other_processes_cpu_share"] = round(share, 4)
    meta["machine"]["other_processes_cpu_share_per_attempt"] = shares
    meta["configs"] = {t.name: t.config for t in targets if t.config}
    if share > DISTURBED_SHARE:
        console.print(f"[yellow]warning: other processes used {share:.0%} of the machine's CPU "
                      "during the run; its figures are disturbed[/yellow]")
    result_ratios = ratios(figures)
    print_tables(figures, result_ratios)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "results": figures, "ratios": result_ratios},
                                   indent=2) + "\n")
    png = args.out.with_suffix(".png")
    plot(figures, png)
    console.print(f"wrote {args.out} and {png}")


if __name__ == "__main__":
    main()
