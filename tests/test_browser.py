"""The browser SDK (sdk/js) in real headless Chromium against a real gateway process.

Debian's ``chromium`` driven by Playwright (``executable_path``; Playwright downloads no
browser here). The page is the gateway's own playground (``/``, cross-origin isolated); each
test imports the SDK bundle the gateway serves (``/sdk/hybridai.js``) into it and runs
requests. The device is the browser: wllama (llama.cpp in WebAssembly) with the SmolLM2 GGUF
the gateway serves at ``/v1/device/model``; the cloud path is the gateway, in front of the
scripted loopback cloud (or of a refused port, for "the cloud is down"). Chrome's Prompt API
is tested with a stand-in ``LanguageModel`` injected into the page: this Chromium has no model.

One persistent browser profile for the module, so the model downloads once per origin and
the second load comes from the browser's Cache API, across a page reload. Prompts are short
and answers a few tokens: one thread decodes some 12 tokens/s here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.fault_proxy import free_port
from tests.support.gateway_process import GatewayProcess, write_config

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SDK = REPO / "sdk" / "js"
SERVED = REPO / "src" / "hybridai" / "api" / "gateway" / "static" / "sdk"
CHROMIUM = os.environ.get("HYBRIDAI_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = REPO / "bench" / "results" / "playground.png"
MODEL_URL = "/v1/device/model"

# The page-side options every test's client gets: a low speed floor (a busy CI box must not
# read as too_slow), one thread, downloads awaited.
DEVICE = {"download": "wait", "wasm": {"minTokensPerSecond": 0.5, "threads": 1}}


def _newest(folder: Path) -> float:
    return max(p.stat().st_mtime for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def sdk_built() -> Path:
    """The SDK bundle the gateway serves, built from sdk/js when missing or older than it."""
    bundle = SERVED / "hybridai.js"
    sources = [SDK / "src", SDK / "build.mjs", SDK / "package-lock.json"]
    stale = not bundle.is_file() or bundle.stat().st_mtime < max(
        _newest(s) if s.is_dir() else s.stat().st_mtime for s in sources)
    if stale:
        npm = shutil.which("npm")
        assert npm, "npm is needed to build the browser SDK (sdk/js)"
        if not (SDK / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SDK, check=True)
        subprocess.run([npm, "run", "build"], cwd=SDK, check=True)
    assert (SERVED / "wllama.wasm").is_file()
    return bundle


def _gateway(folder: Path, cloud_url: str, shared_cache: Path) -> GatewayProcess:
    # The gateway's own mode is only_in_cloud: the browser sends it only cloud requests, and
    # it need not load its own llama.cpp engine for these tests.
    log = folder / "requests.sqlite"
    config = write_config(folder, cloud_url=cloud_url, cache_dir=shared_cache,
                          mode="only_in_cloud", gateway={"log_path": log},
                          cache={"enabled": False})
    return GatewayProcess(config, log).start()


@pytest.fixture(scope="module")
def gateway(sdk_built: Path, scripted_cloud: Any, tmp_path_factory: pytest.TempPathFactory,
            shared_cache: Path) -> Iterator[GatewayProcess]:
    """`hybridai serve` in front of the scripted cloud."""
    process = _gateway(tmp_path_factory.mktemp("gateway-browser"), scripted_cloud.base_url,
                       shared_cache)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def cloudless_gateway(sdk_built: Path, tmp_path_factory: pytest.TempPathFactory,
                      shared_cache: Path) -> Iterator[GatewayProcess]:
    """`hybridai serve` whose one cloud target refuses connections."""
    process = _gateway(tmp_path_factory.mktemp("gateway-cloudless"),
                       f"http://127.0.0.1:{free_port()}/v1", shared_cache)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a persistent profile (its Cache API outlives page reloads),
    and the requests it made: (method, url)."""
    assert Path(CHROMIUM).is_file(), (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y "
        "chromium), or HYBRIDAI_CHROMIUM naming another Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=["--no-sandbox"], viewport={"width": 1100, "height": 900})
        context.requests = []  # type: ignore[attr-defined]
        context.on("request", lambda r: context.requests.append((r.method, r.url)))
        yield context
        context.close()


@pytest.fixture
def page(browser: Any, gateway: GatewayProcess) -> Iterator[Any]:
    page = browser.new_page()
    page.goto(gateway.root + "/")
    yield page
    page.close()


def model_downloads(browser: Any, gateway: GatewayProcess) -> int:
    return sum(1 for method, url in browser.requests
               if method == "GET" and url == gateway.root + MODEL_URL)


# Runs in the page: imports the SDK, makes a client with `options`, runs `requests` in turn and
# returns what each gave (or the error's name, code, reason and message) plus availability.
RUN = """async ({ options, requests, before, after }) => {
  const { HybridAI } = await import("/sdk/hybridai.js");
  const ai = new HybridAI({ baseURL: "/v1", ...options });
  const progress = [];
  ai.device.addEventListener("downloadprogress", (e) => progress.push([e.loaded, e.total]));
  const out = { results: [], progress };
  if (before) out.before = await ai.device.availability();
  for (const request of requests) {
    try {
      if (request.stream) {
        const controller = new AbortController();
        const stream = await ai.chat.completions.create({ ...request, signal: controller.signal });
        const chunks = [];
        try {
          for await (const chunk of stream) {
            chunks.push(chunk);
            if (request.abortAfter && chunks.length >= request.abortAfter) controller.abort();
          }
          out.results.push({ chunks });
        } catch (error) {
          out.results.push({ chunks, error: { name: error.name, code: error.code,
                                              message: error.message } });
        }
      } else {
        out.results.push({ completion: await ai.chat.completions.create(request) });
      }
    } catch (error) {
      out.results.push({ error: { name: error.name, code: error.code, reason: error.reason,
                                  message: error.message, status: error.status } });
    }
  }
  if (after) out.after = await ai.device.availability();
  await ai.flushRuns().catch((e) => { out.flushError = String(e); });
  return out;
}"""


def run(page: Any, requests: list[dict[str, Any]], options: dict[str, Any] | None = None,
        *, before: bool = False, after: bool = False) -> dict[str, Any]:
    options = {"device": DEVICE, **(options or {})}
    result: dict[str, Any] = page.evaluate(RUN, {"options": options, "requests": requests,
                                                "before": before, "after": after})
    return result


def ask(text: str, mode: str, **extra: Any) -> dict[str, Any]:
    return {"model": f"hybrid/{mode}", "messages": [{"role": "user", "content": text}],
            "max_tokens": 8, "temperature": 0, **extra}


def text_of(chunks: list[dict[str, Any]]) -> str:
    return "".join((c["choices"][0]["delta"].get("content") or "") if c["choices"] else ""
                   for c in chunks)


# -- the WASM engine --------------------------------------------------------------------------

def test_device_answers_with_the_wasm_engine_and_the_real_model(
        page: Any, browser: Any, gateway: GatewayProcess) -> None:
    info = httpx.get(gateway.base_url + "/device/info").json()
    out = run(page, [ask("Say hello.", "only_on_device")], before=True, after=True)
    assert out["before"]["state"] == "downloadable"
    assert out["before"]["reason"] == "model_missing"
    assert out["before"]["engine"] == "wllama"
    # This Chromium has Chrome's Prompt API but no model behind it: the WASM engine runs.
    assert out["before"]["facts"]["prompt_api"] == "unavailable"
    completion = out["results"][0]["completion"]
    hybrid = completion["hybrid"]
    assert completion["choices"][0]["message"]["content"].strip()
    assert hybrid["route"] == "on_device"
    assert hybrid["engine"] == "wllama"
    assert hybrid["reason"] == "only_on_device"
    assert hybrid["model"] == completion["model"] == info["model"]
    assert 0 < hybrid["completion_tokens"] <= 8
    assert hybrid["prompt_tokens"] > 0
    assert hybrid["cost_usd"] == 0
    pricing = info["pricing"]
    expected = (hybrid["prompt_tokens"] * pricing["input_per_1m"]
                + hybrid["completion_tokens"] * pricing["output_per_1m"]) / 1e6
    assert hybrid["saved_usd"] == pytest.approx(expected)
    # Downloaded once, with progress events, then benchmarked on first use.
    assert model_downloads(browser, gateway) == 1
    assert out["progress"] and out["progress"][-1][0] == out["progress"][-1][1] == info["bytes"]
    assert out["after"]["state"] == "available"
    assert out["after"]["facts"]["model_cached"] is True
    bench = out["after"]["facts"]["benchmark"]
    assert bench["decode_tokens_per_s"] > 0 and bench["threads"] == 1
    assert bench["etag"] == info["etag"]


def test_the_model_comes_from_the_browser_cache_after_a_reload(
        page: Any, browser: Any, gateway: GatewayProcess) -> None:
    run(page, [ask("Hi.", "only_on_device")])  # cached by now, whichever test ran first
    downloads = model_downloads(browser, gateway)
    assert downloads == 1
    page.reload()
    out = run(page, [ask("Name a colour.", "only_on_device")], before=True)
    assert out["before"]["state"] == "available", "cached and benchmarked: ready at once"
    assert out["before"]["facts"]["model_cached"] is True
    assert out["results"][0]["completion"]["hybrid"]["route"] == "on_device"
    assert model_downloads(browser, gateway) == downloads, "the second load used the cache"


def test_streaming_on_the_device(page: Any) -> None:
    out = run(page, [ask("Count to five.", "only_on_device", stream=True, max_tokens=10)])
    chunks = out["results"][0]["chunks"]
    assert "error" not in out["results"][0]
    assert len(chunks) >= 3, "several content chunks and a final one"
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    last = chunks[-1]
    assert last["hybrid"]["route"] == "on_device"
    assert last["choices"][0]["finish_reason"] in ("stop", "length")
    assert last["usage"]["completion_tokens"] == last["hybrid"]["completion_tokens"] > 0
    assert text_of(chunks).strip()
    assert all("hybrid" not in c for c in chunks[:-1])


def test_cancel_stops_the_stream_and_the_engine_answers_the_next(page: Any) -> None:
    out = run(page, [
        ask("Write a long story about a lighthouse keeper.", "only_on_device", stream=True,
            max_tokens=200, abortAfter=2),
        ask("Say yes.", "only_on_device"),
    ])
    cancelled, after = out["results"]
    assert cancelled["error"]["name"] == "AbortError"
    assert len(cancelled["chunks"]) == 2, "nothing more came after the abort"
    assert after["completion"]["hybrid"]["route"] == "on_device"
    assert after["completion"]["choices"][0]["message"]["content"].strip()


# -- the modes' fallbacks ---------------------------------------------------------------------

def test_prefer_in_cloud_with_the_cloud_down_answers_on_the_device(
        browser: Any, cloudless_gateway: GatewayProcess) -> None:
    page = browser.new_page()
    try:
        page.goto(cloudless_gateway.root + "/")
        out = run(page, [ask("Say hi.", "prefer_in_cloud")])
    finally:
        page.close()
    hybrid = out["results"][0]["completion"]["hybrid"]
    assert hybrid["route"] == "on_device"
    assert hybrid["mode"] == "prefer_in_cloud"
    assert hybrid["reason"] == "fallback"
    [fallback] = hybrid["fallbacks"]
    assert fallback["target"] == "gateway"
    assert fallback["code"]  # the gateway's own error code for its unreachable cloud


def test_prefer_on_device_with_the_device_unavailable_goes_through_the_gateway(
        page: Any, scripted_cloud: Any) -> None:
    out = run(page, [ask("Say hi.", "prefer_on_device")],
              {"device": {"promptApi": False, "wasm": {"enabled": False}}})
    completion = out["results"][0]["completion"]
    assert completion["choices"][0]["message"]["content"] == "You said: Say hi."
    hybrid = completion["hybrid"]
    assert hybrid["route"] == "in_cloud"
    assert hybrid["reason"] == "device_unavailable:engine_missing"
    assert hybrid["gateway"]["mode"] == "only_in_cloud"
    assert scripted_cloud.chats[-1].json["messages"][-1]["content"] == "Say hi."


def test_with_the_gateway_down_the_device_answers_from_what_the_browser_kept(
        browser: Any, scripted_cloud: Any, tmp_path: Path, shared_cache: Path) -> None:
    process = _gateway(tmp_path, scripted_cloud.base_url, shared_cache)
    page = browser.new_page()
    try:
        page.goto(process.root + "/")
        first = run(page, [ask("Hi.", "only_on_device")])
        assert first["results"][0]["completion"]["hybrid"]["route"] == "on_device"
        process.stop()  # the page stays; the SDK module is already loaded in it
        out = run(page, [ask("Say hi.", "prefer_in_cloud")], before=True)
    finally:
        page.close()
        process.stop()
    assert out["before"]["state"] == "available", "the model and its benchmark were kept"
    hybrid = out["results"][0]["completion"]["hybrid"]
    assert hybrid["route"] == "on_device"
    assert hybrid["reason"] == "fallback"
    assert [f["code"] for f in hybrid["fallbacks"]] == ["cloud_connection_error"]
    assert "flushError" in out, "the run report waits for the gateway to come back"


@pytest.mark.parametrize(("device", "reason"), [
    ({"promptApi": False, "wasm": {"enabled": False}}, "engine_missing"),
    ({"promptApi": False, "wasm": {"memoryBudgetMB": 64}}, "not_enough_memory"),
])
def test_only_on_device_with_the_device_unavailable_is_a_clear_error(
        page: Any, device: dict[str, Any], reason: str) -> None:
    out = run(page, [ask("Say hi.", "only_on_device")], {"device": device})
    error = out["results"][0]["error"]
    assert error["name"] == "DeviceUnavailableError"
    assert error["code"] == "device_unavailable"
    assert error["reason"] == reason
    assert "only_on_device" in error["message"]


def test_auto_scores_prompts_with_the_gateways_router_as_python_does(page: Any) -> None:
    from hybridai.config import Settings
    from hybridai.router.export import configured_router

    router, threshold = configured_router(Settings())
    prompts = ["Hi", "Prove that there are infinitely many primes.",
               "Écris une fonction Python qui trie une liste.\n\nAnswer:"]
    scores = page.evaluate("""async (prompts) => {
      const { HybridAI } = await import("/sdk/hybridai.js");
      const ai = new HybridAI({ baseURL: "/v1" });
      return Promise.all(prompts.map((p) => ai.route(p)));
    }""", prompts)
    for prompt, decision in zip(prompts, scores, strict=True):
        assert decision["score"] == pytest.approx(router.score(prompt), abs=1e-6)
        assert decision["threshold"] == pytest.approx(threshold)


# -- Chrome's Prompt API, with a stand-in ---------------------------------------------------

# STAND-IN, not Chrome's model: this Chromium's LanguageModel answers "unavailable" (no model
# service), so the page gets an object of the Prompt API's shape that downloads with progress
# events and streams a fixed answer word by word.
PROMPT_API_STAND_IN = """
(() => {
  let state = "downloadable";
  const calls = (globalThis.__standInCalls = []);
  globalThis.LanguageModel = {
    __standIn: "a stand-in for Chrome's Prompt API (tests/test_browser.py)",
    async availability() { calls.push("availability"); return state; },
    async create(options = {}) {
      calls.push(["create", (options.initialPrompts ?? []).length]);
      if (state !== "available") {
        const target = new EventTarget();
        options.monitor?.(target);
        for (const loaded of [0, 0.5, 1]) {
          const event = new Event("downloadprogress");
          event.loaded = loaded;
          target.dispatchEvent(event);
        }
        state = "available";
      }
      return {
        inputUsage: 0,
        async measureInputUsage(text) { return text.split(/\\s+/).length; },
        promptStreaming(input, { signal } = {}) {
          calls.push(["prompt", input]);
          const words = ["stand-in", " answer", " to: ", input];
          return new ReadableStream({
            async pull(controller) {
              if (signal?.aborted) return controller.error(signal.reason);
              const word = words.shift();
              if (word === undefined) return controller.close();
              controller.enqueue(word);
            },
          });
        },
        destroy() { calls.push("destroy"); },
      };
    },
  };
})();
"""


def test_the_prompt_api_comes_first_when_chrome_has_a_model(
        browser: Any, gateway: GatewayProcess) -> None:
    page = browser.new_page()
    try:
        page.add_init_script(PROMPT_API_STAND_IN)
        page.goto(gateway.root + "/")
        assert page.evaluate("LanguageModel.__standIn").startswith("a stand-in")
        out = run(page, [
            ask("Why is the sky blue?", "only_on_device"),
            ask("And the sea?", "prefer_on_device", stream=True),
        ], before=True, after=True)
        calls = page.evaluate("globalThis.__standInCalls")
    finally:
        page.close()
    assert out["before"] == {**out["before"], "state": "downloadable", "engine": "prompt_api",
                             "reason": "model_missing"}
    assert out["after"]["state"] == "available"
    assert [p[0] for p in out["progress"]] == [0, 0.5, 1], "create()'s downloadprogress events"
    completion = out["results"][0]["completion"]
    assert completion["choices"][0]["message"]["content"] == (
        "stand-in answer to: Why is the sky blue?")
    assert completion["hybrid"]["engine"] == "prompt_api"
    assert completion["hybrid"]["route"] == "on_device"
    streamed = out["results"][1]["chunks"]
    assert text_of(streamed) == "stand-in answer to: And the sea?"
    assert streamed[-1]["hybrid"]["reason"] == "device_available"
    assert ["prompt", "And the sea?"] in calls


# -- what the gateway learns ------------------------------------------------------------------

def device_runs_counted(gateway: GatewayProcess) -> float:
    metrics = httpx.get(gateway.root + "/metrics").text
    return sum(float(m.group(1)) for m in re.finditer(
        r'^hybridai_requests_total\{[^}]*endpoint="device\.runs"[^}]*route="on_device"[^}]*\}'
        r" (\S+)$", metrics, re.MULTILINE))


def test_device_runs_are_reported_to_the_gateway(page: Any, gateway: GatewayProcess) -> None:
    before = device_runs_counted(gateway)
    out = run(page, [ask("Say one word.", "only_on_device"), ask("Say two words.",
                                                                 "prefer_on_device")])
    assert "flushError" not in out, out.get("flushError")
    assert all(r["completion"]["hybrid"]["route"] == "on_device" for r in out["results"])
    assert device_runs_counted(gateway) == before + 2
    from hybridai.observe.requestlog import read_entries

    rows = [r for r in read_entries(gateway.log_path, limit=1000)
            if r["endpoint"] == "device.runs"][:2]
    assert [r["route"] for r in rows] == ["on_device", "on_device"]
    assert {r["mode"] for r in rows} == {"only_on_device", "prefer_on_device"}
    assert all(r["saved_usd"] > 0 and r["completion_tokens"] > 0 for r in rows)
    assert all(r.get("prompt") is None for r in rows), "no prompt text unless reportContent"


# -- the playground ---------------------------------------------------------------------------

def test_playground_screenshot_after_a_device_and_a_cloud_answer(
        browser: Any, gateway: GatewayProcess) -> None:
    page = browser.new_page()
    try:
        page.goto(gateway.root + "/")
        for mode, prompt in (("only_on_device", "Say hello in one short sentence."),
                             ("only_in_cloud", "What is the capital of France?")):
            page.select_option("#mode", mode)
            page.fill("#max-tokens", "12")
            page.fill("#prompt", prompt)
            page.click("#send")
            route = "on_device" if mode == "only_on_device" else "in_cloud"
            page.wait_for_selector(f'.turn.assistant[data-route="{route}"] .meta',
                                   timeout=120_000)
        page.wait_for_function("!document.querySelector('#send').disabled")
        # The page benchmarks the device after its first device answer: show the result.
        page.wait_for_function("!document.querySelector('#benchmark').textContent"
                               ".includes('running')", timeout=120_000)
        assert page.locator('.turn.assistant[data-route="on_device"]').count() == 1
        assert page.locator('.turn.assistant[data-route="in_cloud"]').count() == 1
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        page.close()
    assert SCREENSHOT.stat().st_size > 10_000


# -- the SDK's own unit tests ---------------------------------------------------------------

def test_sdk_unit_tests_pass_with_a_fresh_parity_fixture(sdk_built: Path,
                                                         tmp_path: Path) -> None:
    """node --test sdk/js/test: the router's parity with Python on a fixture made now, the
    modes with stub engines."""
    from tests.support import router_parity

    fixture = tmp_path / "router_parity.json"
    assert router_parity.write(fixture) >= 200
    node = shutil.which("node")
    assert node, "node is needed for the SDK's unit tests"
    result = subprocess.run([node, "--test", "test/"], cwd=SDK, capture_output=True, text=True,
                            env={**os.environ, "HYBRIDAI_ROUTER_PARITY": str(fixture)},
                            timeout=240)
    failed = re.findall(r"^not ok .*?(?=^(?:ok|not ok) |\Z)", result.stdout,
                        re.MULTILINE | re.DOTALL)
    assert result.returncode == 0, "\n".join(failed)[:6000] + result.stderr[-2000:]
    assert re.search(r"^# fail 0$", result.stdout, re.MULTILINE)
