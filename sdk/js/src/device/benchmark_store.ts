/** The first-use benchmark of the WASM engine, kept per browser in localStorage, keyed by the
 * model's ETag and the thread count: a new model file, or other threads, benchmark again. */

import type { BenchmarkResult } from "../types.js";

const PREFIX = "hybridai.benchmark.v1";

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // a sandboxed frame
  }
}

export function loadBenchmark(etag: string, threads: number): BenchmarkResult | null {
  const raw = storage()?.getItem(`${PREFIX}:${etag}:${threads}`);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as BenchmarkResult;
  } catch {
    return null;
  }
}

export function saveBenchmark(result: BenchmarkResult, threads: number): void {
  storage()?.setItem(`${PREFIX}:${result.etag}:${threads}`, JSON.stringify(result));
}

export function clearBenchmarks(): void {
  const store = storage();
  if (!store) return;
  for (const key of Object.keys(store)) if (key.startsWith(PREFIX)) store.removeItem(key);
}
