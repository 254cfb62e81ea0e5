/**
 * The hybridai gateway over HTTP: the cloud path (its own `POST /v1/chat/completions`, so cloud
 * keys stay on the server and its privacy, budget, cache and failover apply), the device model's
 * facts (`/v1/device/info`), the router (`/v1/router`) and device run reports
 * (`/v1/device/runs`). Errors become APIError / APIConnectionError; aborts pass through.
 */

import { APIConnectionError, APIError, abortError } from "./errors.js";
import type { RouterJSON } from "./router/model.js";
import type { ChatCompletion, ChatCompletionChunk } from "./types.js";

export interface DeviceInfo {
  model: string;
  file?: string;
  bytes: number | null;
  etag: string;
  /** Absolute URL of the GGUF file. */
  url: string;
  chat_template?: string | null;
  context_length?: number | null;
  router?: string;
  pricing?: Record<string, unknown> | null;
}

export interface DeviceRunReport {
  id: string;
  mode: string;
  route: "on_device";
  reason: string;
  engine: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_s: number;
  time_to_first_token_s: number | null;
  status: number;
  error_code: string | null;
  prompt: string | null;
  answer: string | null;
}

export class Gateway {
  readonly baseURL: string;

  constructor(baseURL: string, private readonly apiKey?: string,
              private readonly extraHeaders: Record<string, string> = {}) {
    const base = typeof location !== "undefined" ? location.href : undefined;
    this.baseURL = new URL(baseURL.replace(/\/?$/, "/"), base).href;
  }

  url(path: string): string {
    return new URL(path.replace(/^\//, ""), this.baseURL).href;
  }

  headers(): Record<string, string> {
    const headers: Record<string, string> = { ...this.extraHeaders };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  private async send(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const { json, ...rest } = init;
    const headers: Record<string, string> = { ...this.headers(), ...(rest.headers as Record<string, string>) };
    if (json !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    } catch (error) {
      if (rest.signal?.aborted) throw abortError(rest.signal);
      throw new APIConnectionError(`the gateway at ${this.baseURL} could not be reached: ${String(error)}`, error);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async deviceInfo(signal?: AbortSignal): Promise<DeviceInfo> {
    const info = (await (await this.send("device/info", signal ? { signal } : {})).json()) as DeviceInfo;
    return { ...info, url: new URL(info.url ?? "device/model", this.baseURL).href };
  }

  /** The model file's ETag and size from a HEAD request, for gateways without /device/info. */
  async deviceModelHead(signal?: AbortSignal): Promise<DeviceInfo> {
    const response = await this.send("device/model", { method: "HEAD", ...(signal ? { signal } : {}) });
    return {
      model: "device", bytes: Number(response.headers.get("content-length") ?? 0) || null,
      etag: response.headers.get("etag") ?? "", url: this.url("device/model"),
    };
  }

  async router(signal?: AbortSignal): Promise<RouterJSON> {
    return (await (await this.send("router", signal ? { signal } : {})).json()) as RouterJSON;
  }

  async chat(body: Record<string, unknown>, signal?: AbortSignal): Promise<ChatCompletion> {
    const response = await this.send("chat/completions", {
      method: "POST", json: { ...body, stream: false }, headers: { "x-hybrid-mode": "only_in_cloud" },
      ...(signal ? { signal } : {}),
    });
    return (await response.json()) as ChatCompletion;
  }

  /** A streamed answer: resolves once the gateway has answered (the route is settled). */
  async chatStream(body: Record<string, unknown>, signal?: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> {
    const response = await this.send("chat/completions", {
      method: "POST", json: { ...body, stream: true }, headers: { "x-hybrid-mode": "only_in_cloud" },
      ...(signal ? { signal } : {}),
    });
    return readEvents(response, signal);
  }

  async postRuns(runs: DeviceRunReport[]): Promise<void> {
    const body = JSON.stringify({ runs });
    await this.send("device/runs", {
      method: "POST", body, headers: { "content-type": "application/json" },
      keepalive: body.length < 60_000, // survives the page closing; keepalive bodies are capped
    });
  }
}

async function errorOf(response: Response): Promise<APIError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON
  }
  const error = (body as { error?: { message?: string; code?: string; type?: string } } | null)?.error;
  const code = error?.code ?? (response.status >= 500 ? "cloud_server_error" : "cloud_status_error");
  return new APIError(error?.message ?? `the gateway answered HTTP ${response.status}`,
                      response.status, code, error?.type, body);
}

/** Server-sent events: each `data:` line's JSON, until `[DONE]`; an `error` event throws. */
async function* readEvents(response: Response, signal?: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      let read: ReadableStreamReadResult<string>;
      try {
        read = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw abortError(signal);
        throw new APIConnectionError(`the gateway's stream broke: ${String(error)}`, error);
      }
      if (read.done) break;
      buffer += read.value;
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        const data = block.split(/\r?\n/).filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).replace(/^ /, "")).join("\n");
        if (!data) continue;
        if (data === "[DONE]") return;
        const event = JSON.parse(data) as ChatCompletionChunk & { error?: { message?: string; code?: string; type?: string } };
        if (event.error) {
          throw new APIError(event.error.message ?? "the gateway's stream failed", 200,
                             event.error.code ?? "stream_interrupted", event.error.type, event);
        }
        yield event;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
