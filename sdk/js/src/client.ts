/**
 * `HybridAI`: the browser's hybrid client, shaped like the Python library and OpenAI's JS SDK.
 *
 *   const ai = new HybridAI({ baseURL: "/v1" });
 *   const answer = await ai.chat.completions.create({ model: "hybrid/prefer_on_device", messages });
 *   for await (const chunk of await ai.chat.completions.create({ messages, stream: true })) ...
 *
 * One request: the mode (model name or `mode`), the router for `auto`, the device's readiness,
 * the plan (plan.ts), then each attempt in turn — the browser's engine, or the gateway's own
 * chat endpoint for the cloud — falling back as the mode allows before the first token; every
 * answer carries `hybrid`, and each device run is reported to the gateway.
 */

import type { DeviceEngine, DeviceEvent, DeviceRequest } from "./device/engine.js";
import { messageText } from "./device/engine.js";
import { Device, type DeviceOptions, type DownloadPolicy } from "./device/device.js";
import { waitFor } from "./device/wllama.js";
import { DeviceUnavailableError, HybridAIError, abortError, isAbort } from "./errors.js";
import { type DeviceInfo, Gateway } from "./gateway.js";
import {
  type Attempt, type Reason, type RouterDecision, errorCode, makeReason, mayFallBack, modeOf, needsDevice,
  plan, reasonString, wantsCloud,
} from "./plan.js";
import { Router, type RouterJSON } from "./router/model.js";
import { RunReporter } from "./runs.js";
import type {
  AvailabilityReport, ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, Fallback, FinishReason,
  HybridInfo, Mode,
} from "./types.js";

export interface HybridAIOptions {
  /** The gateway's /v1 URL (default "/v1", the page's own gateway). */
  baseURL?: string;
  /** A gateway client key, sent as a bearer token. */
  apiKey?: string;
  /** The mode of `model: "hybrid"` (default prefer_on_device). */
  mode?: Mode;
  device?: DeviceOptions;
  /** Report device runs to the gateway (default true). */
  reportRuns?: boolean;
  /** Include prompt and answer text in those reports (default false). */
  reportContent?: boolean;
  /** The router for `auto` (default: fetched from the gateway's `/v1/router`). */
  router?: RouterJSON;
  /** Overrides the router's threshold. */
  routerThreshold?: number;
  headers?: Record<string, string>;
}

const DEVICE_TARGET = "browser";
const CLOUD_TARGET = "gateway";
/** SDK-only fields, never sent to the gateway. */
const LOCAL_FIELDS = new Set(["mode", "signal"]);

interface RunContext {
  mode: Mode;
  started: number;
  firstToken: number | null;
  fallbacks: Fallback[];
  signal: AbortSignal;
}

type Delivery<T> = { attempt: Attempt; item: T };

/** A streamed answer: iterate it for chunks; `abort()` stops it. */
export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  private used = false;

  constructor(private readonly first: ChatCompletionChunk | null,
              private readonly rest: AsyncGenerator<ChatCompletionChunk>,
              readonly controller: AbortController) {
    // Aborted before (or without) being read: end the run, so the engine is free again.
    controller.signal.addEventListener("abort", () => {
      if (!this.used) void this.rest.return(undefined).catch(() => undefined);
    }, { once: true });
  }

  abort(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ChatCompletionChunk> {
    if (this.used) throw new HybridAIError("a stream can be iterated once", "stream_consumed");
    this.used = true;
    let finished = false;
    try {
      if (this.first) yield this.first;
      yield* this.rest;
      finished = true;
    } finally {
      // A reader that stops early (break) stops the engine too.
      if (!finished && !this.controller.signal.aborted) this.controller.abort();
      await this.rest.return(undefined);
    }
  }
}

export class HybridAI {
  readonly gateway: Gateway;
  readonly device: Device;
  readonly mode: Mode;
  readonly chat: { completions: { create: HybridAI["create"] } };
  private readonly runs: RunReporter;
  private routerPromise: Promise<Router> | null = null;
  private infoPromise: Promise<DeviceInfo | null> | null = null;

  constructor(private readonly options: HybridAIOptions = {}) {
    this.gateway = new Gateway(options.baseURL ?? "/v1", options.apiKey, options.headers);
    this.device = new Device(this.gateway, options.device);
    this.mode = options.mode ?? "prefer_on_device";
    this.runs = new RunReporter(this.gateway);
    this.chat = { completions: { create: this.create.bind(this) as HybridAI["create"] } };
    if (options.router) this.routerPromise = Promise.resolve(Router.fromJSON(options.router));
  }

  /** Sends the device runs not yet reported; rejects when the gateway cannot take them. */
  flushRuns(): Promise<void> {
    return this.runs.flush();
  }

  get pendingRuns(): number {
    return this.runs.queued;
  }

  /** The router `auto` uses (fetched once from the gateway). */
  router(): Promise<Router> {
    if (!this.routerPromise) {
      this.routerPromise = this.gateway.router().then((data) => Router.fromJSON(data));
      this.routerPromise.catch(() => {
        this.routerPromise = null; // try again next time
      });
    }
    return this.routerPromise;
  }

  /** The router's decision on a prompt, without running it (Python's `hybridai route`). */
  async route(prompt: string): Promise<RouterDecision> {
    let router: Router;
    try {
      router = await this.router();
    } catch (error) {
      // Python's rule for a router that cannot score: the cloud, where quality is safest.
      const failed = error instanceof HybridAIError && error.code !== "hybridai_error" ? error.code : "router_unavailable";
      return { score: 1, threshold: this.options.routerThreshold ?? 0.5, failed };
    }
    return { score: router.score(prompt), threshold: this.options.routerThreshold ?? router.threshold };
  }

  create(params: ChatCompletionCreateParams & { stream: true }): Promise<ChatCompletionStream>;
  create(params: ChatCompletionCreateParams & { stream?: false | undefined }): Promise<ChatCompletion>;
  create(params: ChatCompletionCreateParams): Promise<ChatCompletion | ChatCompletionStream>;
  async create(params: ChatCompletionCreateParams): Promise<ChatCompletion | ChatCompletionStream> {
    if (!Array.isArray(params.messages) || params.messages.length === 0) {
      throw new HybridAIError("messages: a non-empty list of messages is required", "invalid_request");
    }
    const controller = new AbortController();
    const outer = params.signal;
    if (outer?.aborted) throw abortError(outer);
    const forward = () => controller.abort(outer?.reason);
    outer?.addEventListener("abort", forward, { once: true });
    const ctx: RunContext = { mode: this.mode, started: performance.now(), firstToken: null, fallbacks: [],
                              signal: controller.signal };
    try {
      ctx.mode = params.mode ?? modeOf(params.model, this.mode);
      const attempts = await this.plan(ctx, params);
      if (!params.stream) {
        const delivered = this.execute(ctx, attempts, (a) => this.answer(ctx, a, params));
        const first = await delivered.next();
        await delivered.return(undefined);
        return (first.value as Delivery<ChatCompletion>).item;
      }
      const chunks = this.streamChunks(ctx, attempts, params);
      const first = await chunks.next(); // settles the route: errors before a first token reject here
      return new ChatCompletionStream(first.done ? null : first.value, chunks, controller);
    } catch (error) {
      throw outer?.aborted ? abortError(outer) : error;
    } finally {
      if (!params.stream) outer?.removeEventListener("abort", forward);
    }
  }

  private async plan(ctx: RunContext, params: ChatCompletionCreateParams): Promise<Attempt[]> {
    let decision: RouterDecision | undefined;
    if (ctx.mode === "auto") {
      decision = await this.route(params.messages.map(messageText).join("\n"));
    }
    const deviceFirst = ctx.mode === "only_on_device" || ctx.mode === "prefer_on_device" ||
      (ctx.mode === "auto" && !wantsCloud(decision!));
    let report: AvailabilityReport;
    if (deviceFirst) {
      const download: DownloadPolicy | undefined =
        ctx.mode === "only_on_device" && this.device.policy !== "never" ? "wait" : undefined;
      report = await this.device.ready({ ...(download ? { download } : {}), signal: ctx.signal });
    } else {
      report = await this.device.availability();
    }
    return plan(ctx.mode, report, decision);
  }

  /** Runs the attempts in order until one answers, falling back before anything was delivered. */
  private async *execute<T>(ctx: RunContext, attempts: Attempt[],
                            run: (attempt: Attempt) => AsyncGenerator<T>): AsyncGenerator<Delivery<T>> {
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i]!;
      let delivered = false;
      try {
        for await (const item of run(attempt)) {
          delivered = true;
          yield { attempt, item };
        }
        return;
      } catch (error) {
        if (delivered || isAbort(error) || ctx.signal.aborted) {
          if (ctx.signal.aborted) throw abortError(ctx.signal);
          if (delivered && !(error instanceof HybridAIError && error.code === "stream_interrupted")) {
            throw withFallbacks(new HybridAIError(`the stream broke after its first token: ${messageOf(error)}`,
                                                  "stream_interrupted"), ctx.fallbacks);
          }
          throw error;
        }
        const next = attempts[i + 1];
        if (attempt.route === "in_cloud" && needsDevice(error) && ctx.mode !== "only_in_cloud") {
          // Private: the device is the one place left for it, whatever came next.
          attempts.splice(i + 1, attempts.length, { route: "on_device", reason: makeReason(
            "private", "", "the gateway keeps this prompt off the cloud: the browser runs it, locally") });
        } else if (!next || !mayFallBack(attempt.route, error)) {
          throw withFallbacks(error, ctx.fallbacks);
        }
        ctx.fallbacks.push({ target: attempt.route === "on_device" ? DEVICE_TARGET : CLOUD_TARGET,
                             code: errorCode(error), message: messageOf(error) });
      }
    }
  }

  private async *streamChunks(ctx: RunContext, attempts: Attempt[],
                              params: ChatCompletionCreateParams): AsyncGenerator<ChatCompletionChunk> {
    for await (const { item } of this.execute(ctx, attempts, (a) => this.chunks(ctx, a, params))) yield item;
  }

  // -- one attempt ---------------------------------------------------------------------------

  private async *answer(ctx: RunContext, attempt: Attempt, params: ChatCompletionCreateParams): AsyncGenerator<ChatCompletion> {
    if (attempt.route === "in_cloud") {
      const completion = await this.gateway.chat(this.cloudBody(params), ctx.signal);
      const now = performance.now();
      ctx.firstToken ??= now;
      completion.hybrid = this.cloudInfo(ctx, attempt, completion.hybrid, now);
      yield completion;
      return;
    }
    let text = "";
    let done: Extract<DeviceEvent, { type: "done" }> | null = null;
    const run = await this.deviceRun(ctx, attempt, params);
    for await (const event of run.events) {
      if (event.type === "text") text += event.text;
      else done = event;
    }
    const hybrid = await this.deviceInfoFor(ctx, attempt, run.engine, done);
    yield {
      id: run.id, object: "chat.completion", created: run.created, model: run.engine.model(),
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: done?.finish_reason ?? "stop",
                  logprobs: null }],
      usage: usageOf(hybrid), hybrid,
    };
  }

  private async *chunks(ctx: RunContext, attempt: Attempt, params: ChatCompletionCreateParams): AsyncGenerator<ChatCompletionChunk> {
    if (attempt.route === "in_cloud") {
      const body = this.cloudBody(params);
      body.stream_options ??= { include_usage: true };
      const stream = await this.gateway.chatStream(body, ctx.signal);
      for await (const chunk of stream) {
        if (chunk.choices?.some((c) => c.delta?.content)) ctx.firstToken ??= performance.now();
        if (chunk.hybrid) chunk.hybrid = this.cloudInfo(ctx, attempt, chunk.hybrid, performance.now());
        yield chunk;
      }
      return;
    }
    const run = await this.deviceRun(ctx, attempt, params);
    const base = { id: run.id, object: "chat.completion.chunk" as const, created: run.created, model: run.engine.model() };
    let first = true;
    let done: Extract<DeviceEvent, { type: "done" }> | null = null;
    for await (const event of run.events) {
      if (event.type === "done") {
        done = event;
        continue;
      }
      yield { ...base, choices: [{ index: 0, delta: first ? { role: "assistant", content: event.text } : { content: event.text },
                                   finish_reason: null, logprobs: null }] };
      first = false;
    }
    const hybrid = await this.deviceInfoFor(ctx, attempt, run.engine, done);
    yield { ...base, choices: [{ index: 0, delta: first ? { role: "assistant", content: "" } : {},
                                 finish_reason: done?.finish_reason ?? "stop", logprobs: null }],
            usage: usageOf(hybrid), hybrid };
  }

  /** Readies the device for an attempt and runs the request there, reporting the run when it
   * ends (answered, failed or cancelled). */
  private async deviceRun(ctx: RunContext, attempt: Attempt, params: ChatCompletionCreateParams) {
    const report = await this.device.ready({ signal: ctx.signal });
    const engine = this.device.engine;
    if (report.state !== "available" || !engine) {
      throw new DeviceUnavailableError(`the device is ${report.state}: ${report.detail}`, report.reason);
    }
    const request: DeviceRequest = {
      messages: params.messages, max_tokens: params.max_completion_tokens ?? params.max_tokens,
      temperature: params.temperature, top_p: params.top_p, stop: params.stop, seed: params.seed,
    };
    const id = `chatcmpl-${randomId()}`;
    const created = Math.floor(Date.now() / 1000);
    const self = this;
    async function* events(): AsyncGenerator<DeviceEvent> {
      let text = "";
      let done: Extract<DeviceEvent, { type: "done" }> | null = null;
      let failure: unknown = null;
      try {
        for await (const event of engine!.run(request, ctx.signal)) {
          if (ctx.signal.aborted) throw abortError(ctx.signal);
          if (event.type === "text") {
            ctx.firstToken ??= performance.now();
            text += event.text;
          } else {
            done = event;
          }
          yield event;
        }
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        self.reportRun(ctx, attempt, engine!, params, text, done, failure ?? (done ? null : abortError(ctx.signal)));
      }
    }
    return { id, created, engine, events: events() };
  }

  private reportRun(ctx: RunContext, attempt: Attempt, engine: DeviceEngine, params: ChatCompletionCreateParams,
                    answer: string, done: Extract<DeviceEvent, { type: "done" }> | null, failure: unknown): void {
    if (this.options.reportRuns === false) return;
    const cancelled = failure !== null && (isAbort(failure) || ctx.signal.aborted);
    const content = this.options.reportContent === true;
    this.runs.add({
      id: randomId(), mode: ctx.mode, route: "on_device", reason: reasonString(attempt.reason), engine: engine.kind,
      model: engine.model(), prompt_tokens: done?.prompt_tokens ?? 0, completion_tokens: done?.completion_tokens ?? 0,
      latency_s: seconds(performance.now() - ctx.started),
      time_to_first_token_s: ctx.firstToken === null ? null : seconds(ctx.firstToken - ctx.started),
      status: failure === null ? 200 : cancelled ? 499 : 500,
      error_code: failure === null ? null : cancelled ? "cancelled" : errorCode(failure),
      prompt: content ? params.messages.map(messageText).join("\n") : null,
      answer: content ? answer : null,
    });
  }

  // -- routing metadata ----------------------------------------------------------------------

  private cloudBody(params: ChatCompletionCreateParams): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) if (!LOCAL_FIELDS.has(key) && value !== undefined) body[key] = value;
    const model = params.model;
    body.model = !model || model === "hybrid" || model.startsWith("hybrid/") ? "hybrid/only_in_cloud" : model;
    return body;
  }

  private cloudInfo(ctx: RunContext, attempt: Attempt, gateway: HybridInfo | undefined, now: number): HybridInfo {
    const theirs = (gateway ?? {}) as Partial<HybridInfo>;
    return {
      ...theirs,
      route: "in_cloud", target: theirs.target ?? CLOUD_TARGET, model: theirs.model ?? "",
      mode: ctx.mode, reason: reasonString(attempt.reason), detail: attempt.reason.detail,
      fallbacks: [...ctx.fallbacks, ...(theirs.fallbacks ?? [])], retries: theirs.retries ?? [],
      time_to_first_token_s: ctx.firstToken === null ? null : seconds(ctx.firstToken - ctx.started),
      latency_s: seconds(now - ctx.started),
      prompt_tokens: theirs.prompt_tokens ?? 0, completion_tokens: theirs.completion_tokens ?? 0,
      cost_usd: theirs.cost_usd ?? 0, cloud_cost_usd: theirs.cloud_cost_usd ?? null, saved_usd: theirs.saved_usd ?? 0,
      gateway: { mode: theirs.mode, reason: theirs.reason, detail: theirs.detail, latency_s: theirs.latency_s },
    };
  }

  private async deviceInfoFor(ctx: RunContext, attempt: Attempt, engine: DeviceEngine,
                              done: Extract<DeviceEvent, { type: "done" }> | null): Promise<HybridInfo> {
    const end = performance.now();
    const promptTokens = done?.prompt_tokens ?? 0;
    const completionTokens = done?.completion_tokens ?? 0;
    const cloudCost = cloudCostOf((await this.deviceFacts())?.pricing, promptTokens, completionTokens);
    return {
      route: "on_device", target: DEVICE_TARGET, model: engine.model(), mode: ctx.mode,
      reason: reasonString(attempt.reason), detail: attempt.reason.detail, fallbacks: [...ctx.fallbacks], retries: [],
      time_to_first_token_s: ctx.firstToken === null ? null : seconds(ctx.firstToken - ctx.started),
      latency_s: seconds(end - ctx.started), prompt_tokens: promptTokens, completion_tokens: completionTokens,
      cost_usd: 0, cloud_cost_usd: cloudCost, saved_usd: cloudCost ?? 0, engine: engine.kind,
    };
  }

  /** The gateway's /v1/device/info (pricing for saved_usd), once; null when it has none. */
  private deviceFacts(): Promise<DeviceInfo | null> {
    if (!this.infoPromise) {
      this.infoPromise = waitFor(this.gateway.deviceInfo()).catch(() => {
        this.infoPromise = null;
        return null;
      });
    }
    return this.infoPromise;
  }
}

function usageOf(hybrid: HybridInfo) {
  return { prompt_tokens: hybrid.prompt_tokens, completion_tokens: hybrid.completion_tokens,
           total_tokens: hybrid.prompt_tokens + hybrid.completion_tokens };
}

/** What the gateway's primary cloud model would have charged: pricing {input_per_1m, output_per_1m}. */
export function cloudCostOf(pricing: Record<string, unknown> | null | undefined, promptTokens: number,
                            completionTokens: number): number | null {
  if (!pricing) return null;
  const input = Number(pricing.input_per_1m ?? NaN);
  const output = Number(pricing.output_per_1m ?? NaN);
  if (!Number.isFinite(input) || !Number.isFinite(output)) return null;
  return (promptTokens * input + completionTokens * output) / 1e6;
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withFallbacks(error: unknown, fallbacks: Fallback[]): unknown {
  if (error instanceof HybridAIError && fallbacks.length) (error as HybridAIError & { fallbacks?: Fallback[] }).fallbacks = [...fallbacks];
  return error;
}

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID()
    : Math.random().toString(36).slice(2) + Date.now().toString(36);
}

export type { FinishReason, Reason };
