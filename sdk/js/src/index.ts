/** @hybridai/web: hybridai in the browser. The device is the visitor's browser (Chrome's
 * built-in model, or llama.cpp in WebAssembly); the cloud is the hybridai gateway. */

export { ChatCompletionStream, HybridAI, type HybridAIOptions, cloudCostOf } from "./client.js";
export { Device, type DeviceOptions, type DownloadPolicy } from "./device/device.js";
export type { DeviceEngine, DeviceEvent, DeviceRequest } from "./device/engine.js";
export { PromptAPIEngine, languageModel } from "./device/prompt_api.js";
export { type WasmOptions, WllamaEngine } from "./device/wllama.js";
export { clearBenchmarks } from "./device/benchmark_store.js";
export { ModelStore } from "./device/model_store.js";
export * from "./errors.js";
export { Gateway, type DeviceInfo, type DeviceRunReport } from "./gateway.js";
export { type Attempt, type Reason, type RouterDecision, ReasonCode, modeOf, plan } from "./plan.js";
export { featurize, finalBlock, structural, tokenize } from "./router/features.js";
export { Router, type RouterJSON } from "./router/model.js";
export * from "./types.js";
export { HybridAI as default } from "./client.js";
