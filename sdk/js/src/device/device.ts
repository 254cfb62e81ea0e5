/**
 * The browser as a device: Chrome's Prompt API first, else the WASM engine, with Chrome's
 * availability states and a reason. `ready()` downloads (when the policy allows), loads and
 * benchmarks the engine, and says whether it can run now. Emits `downloadprogress` events.
 */

import type { Gateway } from "../gateway.js";
import { DeviceUnavailableError } from "../errors.js";
import type { AvailabilityReport, BenchmarkResult, DownloadProgress } from "../types.js";
import type { DeviceEngine } from "./engine.js";
import { PromptAPIEngine, languageModel } from "./prompt_api.js";
import { type WasmOptions, WllamaEngine } from "./wllama.js";

/** When a request finds the model not downloaded yet: wait for the download, start it in the
 * background and let the cloud answer meanwhile (Firebase's way), or never download. */
export type DownloadPolicy = "wait" | "background" | "never";

export interface DeviceOptions {
  /** Use Chrome's Prompt API when it is available (default true). */
  promptApi?: boolean;
  wasm?: WasmOptions;
  download?: DownloadPolicy;
  /** Engines to use instead of the built-in ones, first choice first (tests, other runtimes). */
  engines?: DeviceEngine[];
  onProgress?: (progress: DownloadProgress) => void;
}

export class Device extends EventTarget {
  readonly policy: DownloadPolicy;
  private readonly candidates: DeviceEngine[];
  private chosen: DeviceEngine | null = null;
  private background: Promise<AvailabilityReport> | null = null;

  constructor(gateway: Gateway, private readonly options: DeviceOptions = {}) {
    super();
    this.policy = options.download ?? "background";
    if (options.engines) {
      this.candidates = [...options.engines];
    } else {
      const api = options.promptApi === false ? null : languageModel();
      this.candidates = [
        ...(api ? [new PromptAPIEngine(api)] : []),
        new WllamaEngine(gateway, options.wasm),
      ];
    }
  }

  /** What Chrome's Prompt API said, when it was asked: kept in every report's facts. */
  private promptApiState: string | null = null;

  private withPromptApi(report: AvailabilityReport): AvailabilityReport {
    return { ...report, facts: { ...report.facts, prompt_api: report.facts.prompt_api ?? this.promptApiState } };
  }

  /** The engine that runs device requests (after availability() or ready()). */
  get engine(): DeviceEngine | null {
    return this.chosen;
  }

  /** Which engine can run, and in what state, without downloading or loading anything. */
  async availability(): Promise<AvailabilityReport> {
    if (this.chosen) return this.withPromptApi(await this.chosen.availability());
    const reports: AvailabilityReport[] = [];
    for (const engine of this.candidates) {
      const report = await engine.availability();
      if (engine.kind === "prompt_api") this.promptApiState = report.facts.prompt_api;
      if (report.state !== "unavailable") {
        this.chosen = engine;
        return this.withPromptApi(report);
      }
      reports.push(report);
    }
    const last = reports[reports.length - 1];
    if (!last) {
      return { state: "unavailable", reason: "engine_missing", detail: "no device engine is configured", engine: null,
               facts: { prompt_api: null, webassembly: false, device_memory_gb: null, hardware_concurrency: null,
                        webgpu_adapter: null, cross_origin_isolated: false, model_bytes: null, model_cached: null,
                        benchmark: null } };
    }
    const promptApi = reports.find((r) => r.engine === "prompt_api");
    const detail = reports.map((r) => `${r.engine}: ${r.detail}`).join("; ");
    return { ...last, engine: null, detail,
             facts: { ...last.facts, prompt_api: promptApi?.facts.prompt_api ?? last.facts.prompt_api } };
  }

  /** Downloads the model when `download` allows, loads it and benchmarks it on first use;
   * the availability after that. With the `background` policy, a download starts but this
   * answers at once (the model is `downloading`). */
  async ready(options: { download?: DownloadPolicy; signal?: AbortSignal } = {}): Promise<AvailabilityReport> {
    const policy = options.download ?? this.policy;
    const report = await this.availability();
    const engine = this.chosen;
    if (!engine || report.state === "unavailable") return report;
    if ((report.state === "downloadable" || report.state === "downloading") && policy !== "wait") {
      if (policy === "background" && !this.background) {
        this.background = this.prepare(engine, true).finally(() => {
          this.background = null;
        });
        this.background.catch(() => undefined);
      }
      return report;
    }
    return this.withPromptApi(await this.prepare(engine, policy !== "never", options.signal));
  }

  /** Downloads and loads the model now (the playground's "download" button). */
  async download(signal?: AbortSignal): Promise<AvailabilityReport> {
    return this.ready({ download: "wait", ...(signal ? { signal } : {}) });
  }

  /** Readies the device (downloading if need be) and measures its decode speed now:
   * `tokens_per_s` (decode), `load_s`; the playground's "Benchmark" button. */
  async benchmark(signal?: AbortSignal): Promise<BenchmarkResult & { tokens_per_s: number }> {
    const report = await this.download(signal);
    const engine = this.chosen;
    if (!engine || (report.state !== "available" && report.reason !== "too_slow")) {
      throw new DeviceUnavailableError(`the device is ${report.state}: ${report.detail}`, report.reason);
    }
    const result = (await engine.benchmark?.()) ?? report.facts.benchmark;
    if (!result) throw new DeviceUnavailableError(`the ${engine.kind} engine cannot be benchmarked`, "not_benchmarked");
    return { ...result, tokens_per_s: result.decode_tokens_per_s };
  }

  private prepare(engine: DeviceEngine, download: boolean, signal?: AbortSignal): Promise<AvailabilityReport> {
    return engine.prepare({
      download,
      onProgress: (progress) => {
        this.options.onProgress?.(progress);
        this.dispatchEvent(Object.assign(new Event("downloadprogress"), progress));
      },
      ...(signal ? { signal } : {}),
    });
  }
}
