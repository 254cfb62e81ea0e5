/**
 * The device model's file in the browser: downloaded once from the gateway
 * (`GET /v1/device/model`) with progress, kept in the Cache API under its URL and ETag, and read
 * back from there afterwards, also when the gateway is down. A new ETag replaces the old copy.
 */

import { HybridAIError } from "../errors.js";
import type { ProgressListener } from "./engine.js";

const CACHE_NAME = "hybridai-models";
const ETAG_PARAM = "hybridai-etag";

export interface StoredModel {
  blob: Blob;
  etag: string;
  /** Whether it came from the browser's cache (not the network). */
  cached: boolean;
}

export class ModelStore {
  constructor(
    private readonly headers: () => Record<string, string>,
    private readonly cacheName = CACHE_NAME,
  ) {}

  static supported(): boolean {
    return typeof caches !== "undefined";
  }

  private key(url: string, etag: string): string {
    const key = new URL(url);
    key.searchParams.set(ETAG_PARAM, etag);
    return key.href;
  }

  /** Whether the file with this ETag is in the cache. */
  async has(url: string, etag: string): Promise<boolean> {
    if (!ModelStore.supported()) return false;
    const cache = await caches.open(this.cacheName);
    return (await cache.match(this.key(url, etag))) !== undefined;
  }

  /** The newest cached copy of `url`, whatever its ETag (for when the gateway is unreachable). */
  async anyCached(url: string): Promise<{ etag: string; bytes: number } | null> {
    if (!ModelStore.supported()) return null;
    const cache = await caches.open(this.cacheName);
    for (const request of [...(await cache.keys())].reverse()) {
      const key = new URL(request.url);
      const etag = key.searchParams.get(ETAG_PARAM);
      key.searchParams.delete(ETAG_PARAM);
      if (etag !== null && key.href === new URL(url).href) {
        const response = await cache.match(request);
        const bytes = Number(response?.headers.get("content-length") ?? 0);
        return { etag, bytes };
      }
    }
    return null;
  }

  /** The file: from the cache, else downloaded (reporting progress) and cached. */
  async get(url: string, etag: string, onProgress?: ProgressListener,
            signal?: AbortSignal): Promise<StoredModel> {
    if (ModelStore.supported()) {
      const cache = await caches.open(this.cacheName);
      const hit = await cache.match(this.key(url, etag));
      if (hit) {
        const blob = await hit.blob();
        onProgress?.({ engine: "wllama", loaded: blob.size, total: blob.size });
        return { blob, etag, cached: true };
      }
    }
    const init: RequestInit = { headers: this.headers(), cache: "no-store" };
    if (signal) init.signal = signal;
    const response = await fetch(url, init);
    if (!response.ok || !response.body) {
      throw new HybridAIError(`downloading the device model from ${url}: HTTP ${response.status}`,
                              "model_download_failed");
    }
    const served = response.headers.get("etag") ?? etag;
    const total = Number(response.headers.get("content-length") ?? 0);
    const parts: Uint8Array[] = [];
    let loaded = 0;
    let reported = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.byteLength;
      const now = Date.now();
      if (now - reported > 100) {
        reported = now;
        onProgress?.({ engine: "wllama", loaded, total: total || loaded });
      }
    }
    if (total && loaded !== total) {
      throw new HybridAIError(`the device model download stopped at ${loaded} of ${total} bytes`,
                              "model_download_failed");
    }
    onProgress?.({ engine: "wllama", loaded, total: loaded });
    const blob = new Blob(parts as BlobPart[], { type: "application/octet-stream" });
    if (ModelStore.supported()) await this.put(url, served, blob);
    return { blob, etag: served, cached: false };
  }

  private async put(url: string, etag: string, blob: Blob): Promise<void> {
    const cache = await caches.open(this.cacheName);
    for (const request of await cache.keys()) {
      const key = new URL(request.url);
      key.searchParams.delete(ETAG_PARAM);
      if (key.href === new URL(url).href) await cache.delete(request);
    }
    await cache.put(this.key(url, etag), new Response(blob, {
      headers: { "content-type": "application/octet-stream", "content-length": String(blob.size),
                 etag },
    }));
  }

  async clear(): Promise<void> {
    if (ModelStore.supported()) await caches.delete(this.cacheName);
  }
}

/**
 * A file the engine needs beside the model (wllama's .wasm), fetched as usual and kept in the
 * Cache API too, so the engine still starts when the gateway that served it is down: the
 * network's copy when it answers (revalidated, so a rebuilt SDK shows at once), else the last
 * one kept. Returns an object URL of its bytes.
 */
export async function keptAsset(url: string, cacheName = CACHE_NAME): Promise<string> {
  if (!ModelStore.supported()) return url;
  const cache = await caches.open(cacheName);
  let response: Response | undefined;
  try {
    const fresh = await fetch(url, { cache: "no-cache" });
    if (fresh.ok) {
      await cache.put(url, fresh.clone());
      response = fresh;
    }
  } catch {
    // offline, or the gateway is down: the kept copy
  }
  response ??= await cache.match(url);
  if (!response) throw new HybridAIError(`${url} could not be fetched, and no copy is kept`, "engine_missing");
  const blob = await response.blob();
  return URL.createObjectURL(new Blob([blob], { type: "application/wasm" }));
}
