/** What this browser offers a device engine: WebAssembly, memory, cores, WebGPU, isolation. */

import type { DeviceFacts } from "../types.js";

type NavigatorFacts = Navigator & { deviceMemory?: number; gpu?: { requestAdapter(): Promise<unknown> } };

export async function probeBrowser(): Promise<Omit<DeviceFacts, "prompt_api" | "model_bytes" | "model_cached" | "benchmark">> {
  const nav = (typeof navigator === "undefined" ? undefined : navigator) as NavigatorFacts | undefined;
  let webgpu: boolean | null = null;
  if (nav?.gpu) {
    try {
      webgpu = (await Promise.race([
        nav.gpu.requestAdapter(),
        new Promise((resolve) => setTimeout(() => resolve(null), 1000)),
      ])) != null;
    } catch {
      webgpu = false;
    }
  }
  return {
    webassembly: typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function" &&
      WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    device_memory_gb: nav?.deviceMemory ?? null,
    hardware_concurrency: nav?.hardwareConcurrency ?? null,
    webgpu_adapter: webgpu,
    cross_origin_isolated: typeof crossOriginIsolated !== "undefined" && crossOriginIsolated,
  };
}
