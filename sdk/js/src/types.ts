/** The values the SDK hands out and takes in: OpenAI's Chat Completions shapes plus `hybrid`. */

export type Mode = "only_on_device" | "prefer_on_device" | "prefer_in_cloud" | "only_in_cloud" | "auto";
export const MODES: readonly Mode[] = [
  "only_on_device", "prefer_on_device", "prefer_in_cloud", "only_in_cloud", "auto",
];
export type Route = "on_device" | "in_cloud";

export interface TextPart {
  type: "text";
  text: string;
}

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | TextPart[] | null;
  name?: string;
  [key: string]: unknown;
}

export interface ChatCompletionCreateParams {
  /** `hybrid`, `hybrid/<mode>`, or a model the gateway knows (sent to it as is). */
  model?: string;
  /** Overrides the mode the model name gives. */
  mode?: Mode;
  messages: ChatMessage[];
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  signal?: AbortSignal;
  /** Other OpenAI fields: sent to the gateway as given; the device ignores them. */
  [key: string]: unknown;
}

export interface Fallback {
  target: string;
  code: string;
  message: string;
}

/** Where a request ran, why, how fast, and what it cost and saved (USD): Python's RoutingInfo. */
export interface HybridInfo {
  route: Route;
  target: string;
  model: string;
  mode: Mode;
  reason: string;
  detail: string;
  fallbacks: Fallback[];
  retries: Fallback[];
  time_to_first_token_s: number | null;
  latency_s: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  cloud_cost_usd: number | null;
  saved_usd: number;
  /** The browser engine that answered a device run (`wllama`, `prompt_api`). */
  engine?: string;
  /** What the gateway said about its own part (privacy, cache, budget…) on cloud runs. */
  [key: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: "assistant"; content: string | null; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs: null | unknown;
  }>;
  usage: Usage;
  hybrid: HybridInfo;
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: "assistant"; content?: string | null; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs?: null | unknown;
  }>;
  usage?: Usage | null;
  /** On the last chunk. */
  hybrid?: HybridInfo;
  [key: string]: unknown;
}

/** Chrome's built-in AI availability states. */
export type AvailabilityState = "unavailable" | "downloadable" | "downloading" | "available";

export interface AvailabilityReport {
  state: AvailabilityState;
  /** Python's AvailabilityReason values: ready, engine_missing, model_missing,
   * not_enough_memory, too_slow, engine_failed, not_benchmarked, downloading... */
  reason: string;
  detail: string;
  /** The engine that would run: `prompt_api`, `wllama`, or null when none can. */
  engine: string | null;
  /** What was found: WebAssembly, memory, cores, WebGPU, cross-origin isolation, benchmark. */
  facts: DeviceFacts;
}

export interface BenchmarkResult {
  decode_tokens_per_s: number;
  load_s: number;
  tokens: number;
  threads: number;
  etag: string;
  at: string;
}

export interface DeviceFacts {
  prompt_api: string | null;
  webassembly: boolean;
  device_memory_gb: number | null;
  hardware_concurrency: number | null;
  webgpu_adapter: boolean | null;
  cross_origin_isolated: boolean;
  model_bytes: number | null;
  model_cached: boolean | null;
  benchmark: BenchmarkResult | null;
}

export interface DownloadProgress {
  engine: string;
  loaded: number;
  total: number;
}
