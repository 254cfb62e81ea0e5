/**
 * Reports device runs to the gateway (`POST /v1/device/runs`) so `hybridai report` and
 * `/metrics` count the browser's savings: batched (at most 100 a call), fire-and-forget, and
 * what could not be sent is sent again with the next report. No prompt text unless
 * `reportContent` is on.
 */

import { APIError } from "./errors.js";
import type { DeviceRunReport, Gateway } from "./gateway.js";

const BATCH = 100;
const KEPT = 1000; // runs kept while the gateway is unreachable; the oldest go first

export class RunReporter {
  private pending: DeviceRunReport[] = [];
  private sending: Promise<void> | null = null;

  constructor(private readonly gateway: Gateway) {}

  get queued(): number {
    return this.pending.length;
  }

  /** Queues a run and sends what is queued, without waiting. */
  add(run: DeviceRunReport): void {
    this.pending.push(run);
    if (this.pending.length > KEPT) this.pending.splice(0, this.pending.length - KEPT);
    void this.flush().catch(() => undefined);
  }

  /** Sends every queued run; rejects (keeping them queued) when the gateway cannot take them. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending.catch(() => undefined);
    if (this.pending.length === 0) return;
    this.sending = this.send().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  /** Runs the gateway refused as malformed (a 400 or 413): sending them again cannot help. */
  dropped = 0;

  private async send(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, BATCH);
      try {
        await this.gateway.postRuns(batch);
      } catch (error) {
        // Kept for the next report: the gateway unreachable, 5xx, 429, a key refused (401).
        // Dropped: a body it will never take, which would block every report behind it.
        if (!(error instanceof APIError && (error.status === 400 || error.status === 413))) {
          throw error;
        }
        this.dropped += batch.length;
        console.warn(`hybridai: the gateway refused ${batch.length} device run report(s): ` +
                     error.message);
      }
      this.pending.splice(0, batch.length);
    }
  }
}
