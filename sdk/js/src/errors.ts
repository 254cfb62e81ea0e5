/**
 * One exception tree, with the Python side's codes:
 *
 *   HybridAIError (code)
 *   ├── NoRouteError              no place may run the request
 *   │   └── DeviceUnavailableError   only_on_device (or no cloud) and the device cannot run it
 *   ├── DeviceError               the browser's engine failed while running
 *   ├── APIError                  the gateway answered an error (status, the gateway's code)
 *   │   └── APIConnectionError       the gateway could not be reached (status 0)
 *   └── AbortError-like: a request cancelled by its AbortSignal rejects with the signal's reason
 */

export class HybridAIError extends Error {
  code: string;

  constructor(message: string, code = "hybridai_error") {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class NoRouteError extends HybridAIError {
  constructor(message: string, code = "no_route") {
    super(message, code);
  }
}

/** The device cannot run the request: `reason` is its availability reason (`engine_missing`,
 * `not_enough_memory`, `too_slow`, `model_missing`...). */
export class DeviceUnavailableError extends NoRouteError {
  reason: string;

  constructor(message: string, reason: string) {
    super(message, "device_unavailable");
    this.reason = reason;
  }
}

/** The browser's engine failed on a request (`engine_failed`, `engine_crashed`...). */
export class DeviceError extends HybridAIError {
  constructor(message: string, code = "engine_failed") {
    super(message, code);
  }
}

/** The gateway answered with an error: its HTTP status and the OpenAI-style error body. */
export class APIError extends HybridAIError {
  status: number;
  type: string | undefined;
  body: unknown;

  constructor(message: string, status: number, code: string, type?: string, body?: unknown) {
    super(message, code);
    this.status = status;
    this.type = type;
    this.body = body;
  }

  /** As in Python's prefer_in_cloud: connection errors, timeouts, 5xx and 429 may fall back. */
  get retriable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export class APIConnectionError extends APIError {
  constructor(message: string, cause?: unknown) {
    super(message, 0, "cloud_connection_error");
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** An AbortSignal's rejection: its reason, or a DOMException named AbortError. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "WllamaAbortError");
}
