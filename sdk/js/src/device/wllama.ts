/**
 * The WASM engine: llama.cpp built to WebAssembly (@wllama/wllama), which runs in its own
 * worker, so the page never blocks. It loads the gateway's device model from the browser's
 * Cache API (model_store.ts; downloaded once), on one thread by default (two need
 * cross-origin isolation), CPU only; on first use it decodes a few tokens to measure its speed,
 * kept per browser (benchmark_store.ts), and is unavailable (`too_slow`) below the threshold.
 */

import { Wllama } from "@wllama/wllama";
import { DeviceError, abortError, isAbort } from "../errors.js";
import type { DeviceInfo, Gateway } from "../gateway.js";
import type { AvailabilityReport, BenchmarkResult, DeviceFacts, FinishReason } from "../types.js";
import { loadBenchmark, saveBenchmark } from "./benchmark_store.js";
import type { DeviceEngine, DeviceEvent, DeviceRequest, ProgressListener } from "./engine.js";
import { estimateTokens, messageText } from "./engine.js";
import { ModelStore, keptAsset } from "./model_store.js";
import { probeBrowser } from "./probe.js";

export interface WasmOptions {
  /** false turns the WASM engine off. */
  enabled?: boolean;
  /** Threads; more than 1 needs cross-origin isolation (COOP/COEP). Default 1. */
  threads?: number;
  /** Context window in tokens (default the model's, at most 2048). */
  contextLength?: number;
  /** Minimum decode speed of the first-use benchmark, tokens/s (default 2). */
  minTokensPerSecond?: number;
  /** Tokens the benchmark decodes (default 16). */
  benchmarkTokens?: number;
  /** Memory the SDK may assume the engine can use, MB (default: navigator.deviceMemory). */
  memoryBudgetMB?: number;
  /** Where wllama.wasm is (default: beside this bundle). */
  wasmURL?: string;
  /** The device model's URL (default: what `GET /v1/device/info` says). */
  modelURL?: string;
}

const MB = 1024 * 1024;

export class WllamaEngine implements DeviceEngine {
  readonly kind = "wllama";
  private readonly store: ModelStore;
  private info: DeviceInfo | null = null;
  private wllama: Wllama | null = null;
  private loading: Promise<void> | null = null;
  private downloading = false;
  private failure: string | null = null;
  private benchmark_: BenchmarkResult | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly gateway: Gateway, private readonly options: WasmOptions = {}) {
    this.store = new ModelStore(() => gateway.headers());
  }

  get threads(): number {
    return this.options.threads ?? 1;
  }

  model(): string {
    return this.info?.model ?? "device";
  }

  /** The model's facts from the gateway; when it cannot be reached, the newest cached copy's. */
  private async modelInfo(): Promise<DeviceInfo> {
    if (this.info) return this.info;
    try {
      let info: DeviceInfo;
      try {
        info = await this.gateway.deviceInfo();
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        info = await this.gateway.deviceModelHead();
      }
      if (this.options.modelURL) info.url = new URL(this.options.modelURL, this.gateway.baseURL).href;
      this.info = info;
      return info;
    } catch (error) {
      const url = new URL(this.options.modelURL ?? "device/model", this.gateway.baseURL).href;
      const cached = await this.store.anyCached(url);
      if (!cached) throw error;
      return { model: "device", bytes: cached.bytes, etag: cached.etag, url };
    }
  }

  private async facts(info: DeviceInfo | null): Promise<DeviceFacts> {
    const probe = await probeBrowser();
    return {
      prompt_api: null, ...probe, model_bytes: info?.bytes ?? null,
      model_cached: info ? await this.store.has(info.url, info.etag) : null,
      benchmark: info ? loadBenchmark(info.etag, this.threads) : null,
    };
  }

  async availability(): Promise<AvailabilityReport> {
    const report = (state: AvailabilityReport["state"], reason: string, detail: string,
                    facts: DeviceFacts): AvailabilityReport => ({ state, reason, detail, engine: this.kind, facts });
    let info: DeviceInfo | null = null;
    let infoError: unknown = null;
    try {
      info = await this.modelInfo();
    } catch (error) {
      infoError = error;
    }
    const facts = await this.facts(info);
    if (this.options.enabled === false) {
      return report("unavailable", "engine_missing", "the WASM engine is turned off (device.wasm.enabled = false)", facts);
    }
    if (!facts.webassembly) return report("unavailable", "engine_missing", "this browser has no WebAssembly", facts);
    if (this.threads > 1 && !facts.cross_origin_isolated) {
      return report("unavailable", "engine_missing",
                    `${this.threads} threads need a cross-origin isolated page (COOP/COEP headers)`, facts);
    }
    if (info === null) {
      return report("unavailable", "model_missing",
                    `the device model's facts could not be had from the gateway, and none is cached: ${String(infoError)}`, facts);
    }
    const need = ((info.bytes ?? 0) / MB) * 1.5 + 256;
    const budget = this.options.memoryBudgetMB ?? (facts.device_memory_gb !== null ? facts.device_memory_gb * 1024 : null);
    if (budget !== null && need > budget) {
      return report("unavailable", "not_enough_memory",
                    `the model needs about ${Math.round(need)} MB; ${Math.round(budget)} MB are available`, facts);
    }
    if (this.failure) return report("unavailable", "engine_failed", this.failure, facts);
    if (this.downloading) return report("downloading", "downloading", "the device model is downloading", facts);
    if (!facts.model_cached && !this.wllama) {
      const size = info.bytes ? ` (${Math.round(info.bytes / MB)} MB)` : "";
      return report("downloadable", "model_missing", `the device model${size} is not in this browser yet`, facts);
    }
    const bench = this.benchmark_ ?? facts.benchmark;
    if (!bench) return report("available", "not_benchmarked", "the model is here; it is benchmarked on first use", facts);
    const floor = this.options.minTokensPerSecond ?? 2;
    if (bench.decode_tokens_per_s < floor) {
      return report("unavailable", "too_slow",
                    `decodes ${bench.decode_tokens_per_s.toFixed(1)} tokens/s, below ${floor}`, facts);
    }
    return report("available", "ready", `decodes ${bench.decode_tokens_per_s.toFixed(1)} tokens/s on ${bench.threads} thread(s)`, facts);
  }

  async prepare(options: { download: boolean; onProgress?: ProgressListener; signal?: AbortSignal }): Promise<AvailabilityReport> {
    const before = await this.availability();
    if (before.state === "unavailable") return before;
    if (before.state === "downloadable" && !options.download) return before;
    if (!this.loading) {
      this.loading = this.load(options.onProgress).finally(() => {
        this.loading = null;
      });
    }
    await waitFor(this.loading.catch(() => undefined), options.signal);
    return this.availability();
  }

  private async load(onProgress?: ProgressListener): Promise<void> {
    if (this.wllama) return;
    const info = await this.modelInfo();
    try {
      this.downloading = !(await this.store.has(info.url, info.etag));
      const stored = await this.store.get(info.url, info.etag, onProgress);
      this.downloading = false;
      if (stored.etag !== info.etag) this.info = { ...info, etag: stored.etag };
      const loadStarted = performance.now();
      const wasm = await keptAsset(this.options.wasmURL ?? new URL("./wllama.wasm", import.meta.url).href);
      const wllama = new Wllama(
        { default: wasm },
        { suppressNativeLog: true, logger: quietLogger, allowOffline: true },
      );
      const nCtx = Math.min(this.options.contextLength ?? info.context_length ?? 2048, 8192);
      await wllama.loadModel([stored.blob], {
        n_threads: this.threads, n_gpu_layers: 0, n_ctx: nCtx, n_parallel: 1, warmup: false,
      });
      this.wllama = wllama;
      const etag = stored.etag;
      const known = loadBenchmark(etag, this.threads);
      this.benchmark_ = known ?? (await this.measure(etag, (performance.now() - loadStarted) / 1000));
    } catch (error) {
      this.downloading = false;
      this.failure = `the WASM engine could not load the model: ${String(error)}`;
      throw error;
    }
  }

  /** Decodes a few tokens to see whether this browser is fast enough. */
  private async measure(etag: string, loadS: number): Promise<BenchmarkResult> {
    const tokens = this.options.benchmarkTokens ?? 16;
    const started = performance.now();
    const result = await this.wllama!.createCompletion({
      prompt: "The history of the lighthouse", max_tokens: tokens, temperature: 0, ignore_eos: true,
    });
    const elapsed = (performance.now() - started) / 1000;
    const decoded = result.usage?.completion_tokens ?? tokens;
    const perSecond = result.timings?.predicted_per_second ?? decoded / elapsed;
    const bench: BenchmarkResult = {
      decode_tokens_per_s: perSecond, load_s: loadS, tokens: decoded, threads: this.wllama!.getNumThreads(), etag,
      at: new Date().toISOString(),
    };
    saveBenchmark(bench, this.threads);
    return bench;
  }

  /** Measures again (the loaded engine, queued behind running requests) and keeps the result. */
  async benchmark(): Promise<BenchmarkResult | null> {
    if (!this.wllama || !this.benchmark_) return this.benchmark_;
    const loadS = this.benchmark_.load_s;
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => { release = resolve; });
    try {
      await previous.catch(() => undefined);
      this.benchmark_ = await this.measure(this.benchmark_.etag, loadS);
    } finally {
      release();
    }
    return this.benchmark_;
  }

  run(request: DeviceRequest, signal?: AbortSignal): AsyncIterable<DeviceEvent> {
    // One request at a time: the next waits for the one before it.
    const engine = this;
    return {
      async *[Symbol.asyncIterator]() {
        const previous = engine.queue;
        let release!: () => void;
        engine.queue = new Promise<void>((resolve) => { release = resolve; });
        try {
          await waitFor(previous.catch(() => undefined), signal);
          yield* engine.generate(request, signal);
        } finally {
          release();
        }
      },
    };
  }

  private async *generate(request: DeviceRequest, signal?: AbortSignal): AsyncGenerator<DeviceEvent> {
    if (!this.wllama) throw new DeviceError("the WASM engine is not loaded", "engine_failed");
    if (signal?.aborted) throw abortError(signal);
    const messages = request.messages
      .filter((m) => m.role !== "tool")
      .map((m) => ({ role: (m.role === "developer" ? "system" : m.role) as "system" | "user" | "assistant",
                     content: messageText(m) }));
    const params: Record<string, unknown> = {
      messages, stream: true, max_tokens: request.max_tokens ?? 256,
      stream_options: { include_usage: true },
    };
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.top_p !== undefined) params.top_p = request.top_p;
    if (request.stop !== undefined) params.stop = request.stop;
    if (request.seed !== undefined) params.seed = request.seed;
    if (signal) params.abortSignal = signal;
    let text = "";
    let finish: FinishReason = "stop";
    let usage: { prompt_tokens?: number; completion_tokens?: number } | null = null;
    let timings: { prompt_n?: number; predicted_n?: number } | undefined;
    try {
      const stream = (await this.wllama.createChatCompletion(params as never)) as unknown as AsyncIterable<{
        choices: Array<{ delta?: { content?: string | null }; finish_reason?: FinishReason | null }>;
        usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
        timings?: { prompt_n?: number; predicted_n?: number };
      }>;
      for await (const chunk of stream) {
        if (signal?.aborted) throw abortError(signal); // chunks already buffered stop here too
        const choice = chunk.choices?.[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          yield { type: "text", text: delta };
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
        if (chunk.timings) timings = chunk.timings;
      }
    } catch (error) {
      if (signal?.aborted || isAbort(error)) throw signal ? abortError(signal) : error;
      throw new DeviceError(`the WASM engine failed: ${String(error)}`, "engine_failed");
    }
    const promptText = messages.map((m) => m.content).join("\n");
    yield {
      type: "done", finish_reason: finish,
      prompt_tokens: usage?.prompt_tokens ?? timings?.prompt_n ?? estimateTokens(promptText),
      completion_tokens: usage?.completion_tokens ?? timings?.predicted_n ?? estimateTokens(text),
    };
  }

  /** Forgets the loaded model (the cached file stays). */
  async unload(): Promise<void> {
    await this.wllama?.exit();
    this.wllama = null;
  }

  async clearCache(): Promise<void> {
    await this.unload();
    await this.store.clear();
  }
}

const quietLogger = {
  debug: () => undefined,
  log: () => undefined,
  warn: (...args: unknown[]) => console.warn("[wllama]", ...args),
  error: (...args: unknown[]) => console.error("[wllama]", ...args),
};

/** `promise`, or the signal's abort, whichever comes first. */
export function waitFor<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
