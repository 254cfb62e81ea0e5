/** What the browser's device engines (Chrome's Prompt API, wllama) offer the SDK. */

import type { AvailabilityReport, BenchmarkResult, ChatMessage, DownloadProgress, FinishReason } from "../types.js";

export interface DeviceRequest {
  messages: ChatMessage[];
  max_tokens?: number | undefined;
  temperature?: number | undefined;
  top_p?: number | undefined;
  stop?: string | string[] | undefined;
  seed?: number | undefined;
}

export type DeviceEvent =
  | { type: "text"; text: string }
  | { type: "done"; finish_reason: FinishReason; prompt_tokens: number; completion_tokens: number };

export type ProgressListener = (progress: DownloadProgress) => void;

export interface DeviceEngine {
  /** `prompt_api` or `wllama`. */
  readonly kind: string;
  /** The model it runs, as the answers name it. */
  model(): string;
  /** Whether it can run now, without downloading or loading anything. */
  availability(): Promise<AvailabilityReport>;
  /** Downloads (when allowed) and loads the model, and benchmarks it on first use. */
  prepare(options: { download: boolean; onProgress?: ProgressListener; signal?: AbortSignal }): Promise<AvailabilityReport>;
  /** Measures decode speed now (after prepare); null when the engine cannot say. */
  benchmark?(): Promise<BenchmarkResult | null>;
  /** Runs one request; stops when `signal` aborts, and stays usable afterwards. */
  run(request: DeviceRequest, signal?: AbortSignal): AsyncIterable<DeviceEvent>;
}

/** A message's text: string content, or its text parts joined. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.filter((p) => p.type === "text").map((p) => p.text).join("\n");
}

/** A rough token count (4 characters a token) where an engine reports none. */
export function estimateTokens(text: string): number {
  return text ? Math.max(1, Math.ceil(text.length / 4)) : 0;
}
