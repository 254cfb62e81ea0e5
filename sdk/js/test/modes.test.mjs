// The modes' routing and fallbacks, the hybrid metadata and the run reports, with a stub
// device engine and a loopback stand-in for the gateway (helpers.mjs).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { APIError, DeviceUnavailableError, HybridAI, modeOf } from "../dist/hybridai.js";
import { FakeGateway, StubEngine, completion, parityFixture, user } from "./helpers.mjs";

let gateway;
before(async () => {
  gateway = await new FakeGateway().start();
  gateway.router = parityFixture().router;
});
after(() => gateway.stop());
beforeEach(() => {
  gateway.chats = [];
  gateway.runs = [];
  gateway.runStatus = [];
  gateway.chat = (body) => ({ status: 200, body: completion(body, "cloud answer") });
});

function client(engine, options = {}) {
  return new HybridAI({ baseURL: gateway.baseURL, device: { engines: [engine], download: "wait" }, ...options });
}

const HYBRID_FIELDS = ["route", "target", "model", "mode", "reason", "detail", "fallbacks", "time_to_first_token_s",
                       "latency_s", "prompt_tokens", "completion_tokens", "cost_usd", "cloud_cost_usd", "saved_usd"];

test("prefer_on_device runs on an available device, reports the run and what it saved", async () => {
  const ai = client(new StubEngine());
  const answer = await ai.chat.completions.create({ model: "hybrid/prefer_on_device", messages: user("Hi") });
  assert.equal(answer.choices[0].message.content, "device says hi");
  assert.equal(answer.object, "chat.completion");
  for (const field of HYBRID_FIELDS) assert.ok(field in answer.hybrid, field);
  assert.equal(answer.hybrid.route, "on_device");
  assert.equal(answer.hybrid.reason, "device_available");
  assert.equal(answer.hybrid.mode, "prefer_on_device");
  assert.deepEqual(answer.usage, { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  // pricing from /v1/device/info: 4 * $1/M + 3 * $2/M
  assert.ok(Math.abs(answer.hybrid.saved_usd - 10e-6) < 1e-12);
  assert.equal(answer.hybrid.cost_usd, 0);
  assert.equal(gateway.chats.length, 0);
  await ai.flushRuns();
  assert.equal(gateway.runs.length, 1);
  const [run] = gateway.runs;
  assert.equal(run.route, "on_device");
  assert.equal(run.reason, "device_available");
  assert.equal(run.completion_tokens, 3);
  assert.equal(run.prompt, null, "no prompt text unless reportContent");
  assert.equal(run.answer, null);
});

test("reportContent sends the prompt and answer; reportRuns: false sends nothing", async () => {
  const ai = client(new StubEngine(), { reportContent: true });
  await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi there") });
  await ai.flushRuns();
  assert.equal(gateway.runs[0].prompt, "Hi there");
  assert.equal(gateway.runs[0].answer, "device says hi");
  const quiet = client(new StubEngine(), { reportRuns: false });
  await quiet.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi") });
  await quiet.flushRuns();
  assert.equal(gateway.runs.length, 1);
});

test("prefer_on_device with the device unavailable goes to the gateway's cloud path", async () => {
  const ai = client(new StubEngine({ state: "unavailable", reason: "engine_missing" }));
  const answer = await ai.chat.completions.create({ model: "hybrid/prefer_on_device", messages: user("Hi") });
  assert.equal(answer.choices[0].message.content, "cloud answer");
  assert.equal(answer.hybrid.route, "in_cloud");
  assert.equal(answer.hybrid.reason, "device_unavailable:engine_missing");
  assert.equal(answer.hybrid.mode, "prefer_on_device");
  assert.equal(answer.hybrid.cost_usd, 0.001, "the gateway's cost");
  assert.equal(answer.hybrid.gateway.reason, "only_in_cloud");
  // The gateway is asked for its cloud only: the browser is the device.
  assert.equal(gateway.chats[0].body.model, "hybrid/only_in_cloud");
  assert.equal(gateway.chats[0].headers["x-hybrid-mode"], "only_in_cloud");
  assert.ok(!("mode" in gateway.chats[0].body) && !("signal" in gateway.chats[0].body));
});

test("prefer_in_cloud falls back to the device when the gateway answers 5xx", async () => {
  gateway.fail(503);
  const engine = new StubEngine();
  const answer = await client(engine).chat.completions.create({ model: "hybrid/prefer_in_cloud", messages: user("Hi") });
  assert.equal(answer.hybrid.route, "on_device");
  assert.equal(answer.hybrid.reason, "fallback");
  assert.deepEqual(answer.hybrid.fallbacks.map((f) => [f.target, f.code]), [["gateway", "cloud_server_error"]]);
});

test("prefer_in_cloud falls back to the device when the gateway cannot be reached", async () => {
  const ai = new HybridAI({ baseURL: "http://127.0.0.1:9/v1", device: { engines: [new StubEngine()] }, reportRuns: false });
  const answer = await ai.chat.completions.create({ model: "hybrid/prefer_in_cloud", messages: user("Hi") });
  assert.equal(answer.hybrid.route, "on_device");
  assert.equal(answer.hybrid.fallbacks[0].code, "cloud_connection_error");
});

test("prefer_in_cloud does not fall back on a 4xx other than 429", async () => {
  gateway.fail(400, "invalid_request");
  const engine = new StubEngine();
  await assert.rejects(client(engine).chat.completions.create({ model: "hybrid/prefer_in_cloud", messages: user("Hi") }),
                       (e) => e instanceof APIError && e.status === 400 && e.code === "invalid_request");
  assert.equal(engine.runs.length, 0);
});

test("a private prompt the gateway will not send to the cloud runs on the device", async () => {
  gateway.fail(400, "private_data_needs_device");
  const answer = await client(new StubEngine()).chat.completions.create({ model: "hybrid/prefer_in_cloud", messages: user("my SSN") });
  assert.equal(answer.hybrid.route, "on_device");
  assert.equal(answer.hybrid.reason, "private");
});

test("only_on_device with the device unavailable is a clear error", async () => {
  const ai = client(new StubEngine({ state: "unavailable", reason: "not_enough_memory" }));
  await assert.rejects(ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi") }), (e) => {
    assert.ok(e instanceof DeviceUnavailableError);
    assert.equal(e.code, "device_unavailable");
    assert.equal(e.reason, "not_enough_memory");
    assert.match(e.message, /only_on_device.*unavailable/);
    return true;
  });
  assert.equal(gateway.chats.length, 0);
});

test("only_on_device waits for a downloadable model", async () => {
  const engine = new StubEngine({ state: "downloadable", reason: "model_missing" });
  const answer = await client(engine).chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi") });
  assert.equal(answer.hybrid.route, "on_device");
  assert.equal(answer.hybrid.reason, "only_on_device");
});

test("prefer_on_device with the background policy answers from the cloud while the model downloads", async () => {
  const engine = new StubEngine({ state: "downloadable", reason: "model_missing" });
  const ai = new HybridAI({ baseURL: gateway.baseURL, device: { engines: [engine] } });
  const answer = await ai.chat.completions.create({ messages: user("Hi") });
  assert.equal(answer.hybrid.route, "in_cloud");
  assert.match(answer.hybrid.reason, /^device_unavailable:/);
  assert.equal(engine.prepared, 1, "the download started");
});

test("only_in_cloud never uses the device, even when the gateway fails", async () => {
  gateway.fail(502);
  const engine = new StubEngine();
  await assert.rejects(client(engine).chat.completions.create({ model: "hybrid/only_in_cloud", messages: user("Hi") }),
                       (e) => e instanceof APIError && e.status === 502);
  assert.equal(engine.runs.length, 0);
});

test("a failing device engine falls back to the cloud under prefer_on_device", async () => {
  const answer = await client(new StubEngine({ fail: "boom" })).chat.completions.create({ messages: user("Hi") });
  assert.equal(answer.hybrid.route, "in_cloud");
  assert.equal(answer.hybrid.reason, "fallback");
  assert.equal(answer.hybrid.fallbacks[0].target, "browser");
});

test("auto scores the prompt with the gateway's router: device below the threshold, cloud above", async () => {
  const { cases, router } = parityFixture();
  const low = cases.find((c) => c.score < router.threshold - 0.05 && c.prompt.length > 20);
  const high = cases.find((c) => c.score > router.threshold + 0.05 && c.prompt.length > 20);
  const ai = client(new StubEngine());
  const local = await ai.chat.completions.create({ model: "hybrid/auto", messages: user(low.prompt) });
  assert.equal(local.hybrid.route, "on_device");
  assert.equal(local.hybrid.reason, `router:${low.score.toFixed(3)}<${router.threshold.toFixed(3)}`);
  const cloud = await ai.chat.completions.create({ model: "hybrid/auto", messages: user(high.prompt) });
  assert.equal(cloud.hybrid.route, "in_cloud");
  assert.equal(cloud.hybrid.reason, `router:${high.score.toFixed(3)}>=${router.threshold.toFixed(3)}`);
});

test("a streamed device answer: chunks, then a last one with usage and hybrid", async () => {
  const stream = await client(new StubEngine()).chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi"), stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""), "device says hi");
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  const last = chunks.at(-1);
  assert.equal(last.choices[0].finish_reason, "stop");
  assert.equal(last.usage.completion_tokens, 3);
  assert.equal(last.hybrid.route, "on_device");
  assert.ok(last.hybrid.time_to_first_token_s !== null);
  assert.ok(chunks.slice(0, -1).every((c) => c.object === "chat.completion.chunk" && !c.hybrid));
});

test("a streamed cloud answer passes the gateway's chunks through, its hybrid rewritten", async () => {
  const ai = client(new StubEngine({ state: "unavailable", reason: "engine_missing" }));
  const chunks = [];
  for await (const chunk of await ai.chat.completions.create({ messages: user("Hi"), stream: true })) chunks.push(chunk);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""), "cloud answer");
  assert.equal(chunks.at(-1).hybrid.reason, "device_unavailable:engine_missing");
  assert.equal(gateway.chats[0].body.stream, true);
  assert.deepEqual(gateway.chats[0].body.stream_options, { include_usage: true });
});

test("cancelling a device stream stops it, reports it cancelled, and the engine runs the next", async () => {
  const engine = new StubEngine({ words: Array.from({ length: 50 }, (_, i) => ` w${i}`), delayMs: 5 });
  const ai = client(engine);
  const controller = new AbortController();
  const stream = await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi"), stream: true, signal: controller.signal });
  let seen = 0;
  await assert.rejects(async () => {
    for await (const _ of stream) if (++seen === 3) controller.abort();
  }, (e) => e.name === "AbortError");
  assert.ok(seen < 50);
  assert.equal(engine.cancelled, 1);
  engine.words = ["again"];
  engine.delayMs = 0;
  const next = await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi") });
  assert.equal(next.choices[0].message.content, "again");
  await ai.flushRuns();
  assert.deepEqual(gateway.runs.map((r) => [r.status, r.error_code]), [[499, "cancelled"], [200, null]]);
});

test("a reader that stops early stops the engine, which then runs the next", async () => {
  const engine = new StubEngine({ words: Array.from({ length: 50 }, (_, i) => ` w${i}`), delayMs: 2 });
  const ai = client(engine);
  let seen = 0;
  for await (const _ of await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi"), stream: true })) {
    if (++seen === 2) break;
  }
  const unread = await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi"), stream: true });
  unread.abort(); // never read
  engine.words = ["next"];
  const next = await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("Hi") });
  assert.equal(next.choices[0].message.content, "next");
  await ai.flushRuns();
});

test("run reports the gateway could not take are sent again with the next", async () => {
  const own = await new FakeGateway().start(); // no other test's late reports reach it
  try {
    own.runStatus = [503, 503];
    const ai = new HybridAI({ baseURL: own.baseURL, device: { engines: [new StubEngine()] } });
    await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("one") });
    await assert.rejects(ai.flushRuns(), (e) => e instanceof APIError && e.status === 503);
    assert.equal(own.runs.length, 0);
    assert.equal(ai.pendingRuns, 1);
    await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("two") });
    await ai.flushRuns();
    assert.equal(own.runs.length, 2);
    assert.equal(new Set(own.runs.map((r) => r.id)).size, 2);
  } finally {
    await own.stop();
  }
});

test("a run report the gateway refuses as malformed is dropped, not sent again forever", async () => {
  const own = await new FakeGateway().start();
  const warn = console.warn;
  console.warn = () => undefined; // the SDK says what it dropped; not this test's output
  try {
    own.runStatus = [400];
    const ai = new HybridAI({ baseURL: own.baseURL, device: { engines: [new StubEngine()] } });
    await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("one") });
    await ai.flushRuns();
    assert.equal(ai.pendingRuns, 0);
    assert.equal(own.runs.length, 0);
    await ai.chat.completions.create({ model: "hybrid/only_on_device", messages: user("two") });
    await ai.flushRuns();
    assert.deepEqual(own.runs.map((r) => r.status), [200]); // the next one gets through
  } finally {
    console.warn = warn;
    await own.stop();
  }
});

test("model names give the mode", () => {
  assert.equal(modeOf("hybrid", "prefer_in_cloud"), "prefer_in_cloud");
  assert.equal(modeOf("hybrid/only_on_device", "auto"), "only_on_device");
  assert.equal(modeOf("hybrid/on-device", "auto"), "only_on_device");
  assert.equal(modeOf("hybrid/cloud", "auto"), "only_in_cloud");
  assert.equal(modeOf("gpt-4o-mini", "auto"), "auto");
  assert.throws(() => modeOf("hybrid/nowhere", "auto"), { code: "model_not_found" });
});
