// Test doubles for the SDK's unit tests: a loopback HTTP server that plays the gateway's
// routes (scripted answers, a record of what it was sent) and a stub device engine.
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, "..", "..", "..");

/** The parity fixture: $HYBRIDAI_ROUTER_PARITY, else test/fixtures/router_parity.json, which
 * is made with the project's Python when missing (`python -m tests.support.router_parity`). */
export function parityFixture() {
  const given = process.env.HYBRIDAI_ROUTER_PARITY;
  const path = given ?? join(here, "fixtures", "router_parity.json");
  if (!given && !existsSync(path)) {
    const python = process.env.HYBRIDAI_PYTHON ?? join(REPO, ".venv", "bin", "python");
    execFileSync(python, ["-m", "tests.support.router_parity", path], { cwd: REPO, stdio: "inherit" });
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

/** A stand-in for the gateway's routes, on loopback. `chat` answers each chat request. */
export class FakeGateway {
  constructor() {
    this.chats = [];
    this.runs = [];
    this.runStatus = [];
    this.chat = (body) => ({ status: 200, body: completion(body, "cloud answer") });
  }

  async start() {
    this.server = createServer(async (req, res) => {
      let raw = "";
      for await (const part of req) raw += part;
      const body = raw ? JSON.parse(raw) : null;
      if (req.url === "/v1/chat/completions") {
        this.chats.push({ body, headers: req.headers });
        const answer = this.chat(body);
        if (body.stream && answer.status === 200) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          for (const chunk of chunksOf(answer.body)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          res.end("data: [DONE]\n\n");
          return;
        }
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body));
      } else if (req.url === "/v1/device/runs") {
        const status = this.runStatus.shift() ?? 200;
        if (status === 200) this.runs.push(...body.runs);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(status === 200 ? { accepted: body.runs.length, duplicates: 0 }
          : { error: { message: "down", type: "server_error", code: "unavailable" } }));
      } else if (req.url === "/v1/device/info") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ model: "stub-model", file: "stub.gguf", bytes: 1000, etag: '"1"', url: "/v1/device/model",
                                 pricing: { target: "cloud", model: "gpt", input_per_1m: 1, output_per_1m: 2 } }));
      } else if (req.url === "/v1/router" && this.router) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(this.router));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "no such route", type: "invalid_request_error", code: "not_found" } }));
      }
    });
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.baseURL = `http://127.0.0.1:${this.server.address().port}/v1`;
    return this;
  }

  fail(status, code = "cloud_server_error") {
    this.chat = () => ({ status, body: { error: { message: `scripted ${status}`, type: "server_error", code } } });
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export function completion(body, text) {
  return {
    id: "chatcmpl-cloud", object: "chat.completion", created: 1, model: "gpt",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    hybrid: { route: "in_cloud", target: "cloud", model: "gpt", mode: "only_in_cloud", reason: "only_in_cloud",
              detail: "mode allows only the cloud", fallbacks: [], retries: [], time_to_first_token_s: 0.01,
              latency_s: 0.02, prompt_tokens: 5, completion_tokens: 2, cost_usd: 0.001, cloud_cost_usd: 0.001,
              saved_usd: 0, sent_model: body.model },
  };
}

function chunksOf(done) {
  const text = done.choices[0].message.content;
  const base = { id: done.id, object: "chat.completion.chunk", created: 1, model: done.model };
  return [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: text }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: done.usage, hybrid: done.hybrid },
  ];
}

/** A device engine that answers with fixed words, one event each, `delayMs` apart. */
export class StubEngine {
  constructor({ state = "available", reason = "ready", words = ["device", " says", " hi"], delayMs = 0, fail = null } = {}) {
    Object.assign(this, { state, reason, words, delayMs, fail });
    this.kind = "wllama";
    this.runs = [];
    this.cancelled = 0;
    this.prepared = 0;
  }

  model() {
    return "stub-model";
  }

  async availability() {
    return { state: this.state, reason: this.reason, detail: `stub ${this.state}`, engine: this.kind, facts: {} };
  }

  async prepare({ download }) {
    this.prepared++;
    if (this.state === "downloadable" && download) this.state = "available";
    return this.availability();
  }

  async *run(request, signal) {
    this.runs.push(request);
    if (this.fail) throw Object.assign(new Error(this.fail), { code: "engine_failed" });
    for (const word of this.words) {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (signal?.aborted) {
        this.cancelled++;
        throw signal.reason ?? new DOMException("aborted", "AbortError");
      }
      yield { type: "text", text: word };
    }
    yield { type: "done", finish_reason: "stop", prompt_tokens: 4, completion_tokens: this.words.length };
  }
}

export const user = (text) => [{ role: "user", content: text }];
