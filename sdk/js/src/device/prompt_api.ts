/**
 * Chrome's built-in model through the Prompt API (`LanguageModel`): `availability()` gives
 * Chrome's own state, `create()` downloads the model with `downloadprogress` events, and each
 * request runs in a session of its own (`promptStreaming`, cancelled by its AbortSignal).
 */

import { DeviceError, abortError, isAbort } from "../errors.js";
import type { AvailabilityReport, AvailabilityState, BenchmarkResult, DeviceFacts } from "../types.js";
import type { DeviceEngine, DeviceEvent, DeviceRequest, ProgressListener } from "./engine.js";
import { estimateTokens, messageText } from "./engine.js";
import { probeBrowser } from "./probe.js";

interface LanguageModelMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

interface LanguageModelSession {
  prompt(input: string, options?: { signal?: AbortSignal }): Promise<string>;
  promptStreaming(input: string, options?: { signal?: AbortSignal }): ReadableStream<string> | AsyncIterable<string>;
  measureInputUsage?(input: string): Promise<number>;
  inputUsage?: number;
  destroy(): void;
}

interface Monitor {
  addEventListener(type: "downloadprogress", listener: (event: { loaded: number; total?: number }) => void): void;
}

export interface LanguageModelAPI {
  availability(options?: Record<string, unknown>): Promise<AvailabilityState>;
  create(options?: {
    initialPrompts?: LanguageModelMessage[];
    monitor?: (monitor: Monitor) => void;
    signal?: AbortSignal;
  }): Promise<LanguageModelSession>;
}

/** The page's `LanguageModel`, when Chrome offers one. */
export function languageModel(): LanguageModelAPI | null {
  const api = (globalThis as { LanguageModel?: LanguageModelAPI }).LanguageModel;
  return api && typeof api.availability === "function" ? api : null;
}

const REASONS: Record<AvailabilityState, string> = {
  available: "ready", downloadable: "model_missing", downloading: "downloading", unavailable: "engine_missing",
};

export class PromptAPIEngine implements DeviceEngine {
  readonly kind = "prompt_api";

  constructor(private readonly api: LanguageModelAPI) {}

  model(): string {
    return "chrome-built-in";
  }

  private async facts(state: string): Promise<DeviceFacts> {
    return { prompt_api: state, ...(await probeBrowser()), model_bytes: null, model_cached: null, benchmark: null };
  }

  async availability(): Promise<AvailabilityReport> {
    let state: AvailabilityState;
    try {
      state = await this.api.availability();
    } catch (error) {
      return { state: "unavailable", reason: "engine_failed", detail: `LanguageModel.availability() failed: ${String(error)}`,
               engine: this.kind, facts: await this.facts("error") };
    }
    const detail = state === "unavailable" ? "Chrome's built-in model is unavailable in this browser"
      : `Chrome's built-in model is ${state}`;
    return { state, reason: REASONS[state] ?? "engine_missing", detail, engine: this.kind, facts: await this.facts(state) };
  }

  async prepare(options: { download: boolean; onProgress?: ProgressListener; signal?: AbortSignal }): Promise<AvailabilityReport> {
    const before = await this.availability();
    if (before.state === "available" || before.state === "unavailable") return before;
    if (before.state === "downloadable" && !options.download) return before;
    const session = await this.api.create({
      monitor: (m) => m.addEventListener("downloadprogress", (e) =>
        options.onProgress?.({ engine: this.kind, loaded: e.loaded, total: e.total ?? 1 })),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    session.destroy();
    return this.availability();
  }

  /** A short prompt timed end to end; tokens estimated from the answer's length. */
  async benchmark(): Promise<BenchmarkResult | null> {
    const started = performance.now();
    let tokens = 0;
    let first: number | null = null;
    for await (const event of this.run({ messages: [{ role: "user", content: "Count from one to twenty in words." }] })) {
      if (event.type === "text") first ??= performance.now();
      else tokens = event.completion_tokens;
    }
    const end = performance.now();
    const decodeS = (end - (first ?? started)) / 1000;
    return { decode_tokens_per_s: decodeS > 0 ? tokens / decodeS : 0, load_s: ((first ?? end) - started) / 1000,
             tokens, threads: 0, etag: "prompt_api", at: new Date().toISOString() };
  }

  async *run(request: DeviceRequest, signal?: AbortSignal): AsyncGenerator<DeviceEvent> {
    const history: LanguageModelMessage[] = request.messages
      .filter((m) => m.role !== "tool")
      .map((m) => ({ role: m.role === "developer" ? "system" : (m.role as LanguageModelMessage["role"]), content: messageText(m) }));
    const lastUser = history.map((m) => m.role).lastIndexOf("user");
    const input = lastUser >= 0 ? history.splice(lastUser, 1)[0]!.content : "";
    let session: LanguageModelSession;
    try {
      session = await this.api.create({ initialPrompts: history, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw new DeviceError(`LanguageModel.create() failed: ${String(error)}`, "engine_failed");
    }
    let text = "";
    try {
      const before = session.inputUsage ?? 0;
      const promptTokens = (session.measureInputUsage ? await session.measureInputUsage(input) : estimateTokens(input))
        + before;
      const stream = session.promptStreaming(input, signal ? { signal } : {});
      for await (const piece of iterate(stream)) {
        if (signal?.aborted) throw abortError(signal);
        if (!piece) continue;
        text += piece;
        yield { type: "text", text: piece };
      }
      yield { type: "done", finish_reason: "stop", prompt_tokens: promptTokens, completion_tokens: estimateTokens(text) };
    } catch (error) {
      if (signal?.aborted || isAbort(error)) throw signal ? abortError(signal) : error;
      throw new DeviceError(`Chrome's built-in model failed: ${String(error)}`, "engine_failed");
    } finally {
      session.destroy();
    }
  }
}

async function* iterate(stream: ReadableStream<string> | AsyncIterable<string>): AsyncGenerator<string> {
  if (Symbol.asyncIterator in stream) {
    yield* stream as AsyncIterable<string>;
    return;
  }
  const reader = (stream as ReadableStream<string>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
