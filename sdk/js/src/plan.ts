/**
 * Where a request runs, decided without I/O: the modes' ordered attempts and their reasons,
 * as src/hybridai/core/plan.py decides them, with the browser as the device and the gateway
 * as the one cloud target. Reason codes are the Python side's ReasonCode values.
 */

import { APIError, DeviceUnavailableError, HybridAIError, isAbort } from "./errors.js";
import type { AvailabilityReport, Mode, Route } from "./types.js";
import { MODES } from "./types.js";

export const ReasonCode = {
  ONLY_ON_DEVICE: "only_on_device",
  ONLY_IN_CLOUD: "only_in_cloud",
  DEVICE_AVAILABLE: "device_available",
  DEVICE_UNAVAILABLE: "device_unavailable",
  CLOUD_PREFERRED: "cloud_preferred",
  ROUTER: "router",
  ROUTER_FAILED: "router_failed",
  PRIVATE: "private",
  FALLBACK: "fallback",
} as const;

export interface Reason {
  code: string;
  qualifier: string;
  detail: string;
}

export function reasonString(reason: Reason): string {
  return reason.qualifier ? `${reason.code}:${reason.qualifier}` : reason.code;
}

function reason(code: string, qualifier = "", detail = ""): Reason {
  return { code, qualifier, detail };
}

export interface Attempt {
  route: Route;
  reason: Reason;
}

/** The router's view of a prompt, for mode auto. */
export interface RouterDecision {
  score: number;
  threshold: number;
  /** The error code when the router could not be had or could not score. */
  failed?: string;
}

export function wantsCloud(decision: RouterDecision): boolean {
  return decision.failed !== undefined || decision.score >= decision.threshold;
}

export function routerReason(decision: RouterDecision): Reason {
  if (decision.failed !== undefined) return reason(ReasonCode.ROUTER_FAILED, decision.failed);
  const sign = wantsCloud(decision) ? ">=" : "<";
  return reason(ReasonCode.ROUTER, `${decision.score.toFixed(3)}${sign}${decision.threshold.toFixed(3)}`);
}

/** The mode a model name asks for: `hybrid` (the default), `hybrid/<mode>`, `hybrid/on-device`,
 * `hybrid/cloud`; any other name keeps the default mode (and is sent to the gateway as is). */
export function modeOf(model: string | undefined, fallback: Mode): Mode {
  if (!model || model === "hybrid" || !model.startsWith("hybrid/")) return fallback;
  const name = model.slice("hybrid/".length).replace(/-/g, "_");
  if (name === "on_device") return "only_on_device";
  if (name === "cloud") return "only_in_cloud";
  if ((MODES as readonly string[]).includes(name)) return name as Mode;
  throw new HybridAIError(`unknown model ${JSON.stringify(model)}: use hybrid, hybrid/<mode> with a mode of ${MODES.join(", ")}`,
                          "model_not_found");
}

const FROM_DEVICE = reason(ReasonCode.FALLBACK, "", "the device could not run it");
const FROM_CLOUD = reason(ReasonCode.FALLBACK, "", "the cloud could not run it");

function available(device: AvailabilityReport): boolean {
  return device.state === "available";
}

/** Might the device still run it, when a later attempt asks (a download may be allowed then)? */
function reachable(device: AvailabilityReport): boolean {
  return device.state !== "unavailable";
}

export function deviceDown(device: AvailabilityReport): Reason {
  return reason(ReasonCode.DEVICE_UNAVAILABLE, device.reason, `device ${device.state}: ${device.detail}`);
}

/** The attempts for `mode`, first choice first; DeviceUnavailableError when there are none. */
export function plan(mode: Mode, device: AvailabilityReport, router?: RouterDecision): Attempt[] {
  const onDevice = (r: Reason): Attempt => ({ route: "on_device", reason: r });
  const inCloud = (r: Reason): Attempt => ({ route: "in_cloud", reason: r });
  switch (mode) {
    case "only_on_device":
      if (!available(device)) {
        throw new DeviceUnavailableError(
          `mode only_on_device, but the device is ${device.state}: ${device.detail}`, device.reason);
      }
      return [onDevice(reason(ReasonCode.ONLY_ON_DEVICE, "", "mode allows only the device"))];
    case "only_in_cloud":
      return [inCloud(reason(ReasonCode.ONLY_IN_CLOUD, "", "mode allows only the cloud"))];
    case "prefer_on_device":
      if (available(device)) {
        return [onDevice(reason(ReasonCode.DEVICE_AVAILABLE, "", "device preferred and available")), inCloud(FROM_DEVICE)];
      }
      return [inCloud(deviceDown(device))];
    case "prefer_in_cloud": {
      const attempts = [inCloud(reason(ReasonCode.CLOUD_PREFERRED, "", "cloud preferred"))];
      if (reachable(device)) attempts.push(onDevice(FROM_CLOUD));
      return attempts;
    }
    case "auto": {
      if (!router) throw new HybridAIError("mode auto needs the router's decision", "router_failed");
      const why = routerReason(router);
      if (!wantsCloud(router) && available(device)) {
        return [onDevice({ ...why, detail: "the router expects the device to answer well" }), inCloud(FROM_DEVICE)];
      }
      const first = wantsCloud(router)
        ? { ...why, detail: "the router expects the cloud to answer better" }
        : { ...why, qualifier: `${why.qualifier};${reasonString(deviceDown(device))}`,
            detail: `device ${device.state}: ${device.detail}` };
      const attempts = [inCloud(first)];
      if (reachable(device)) attempts.push(onDevice(FROM_CLOUD));
      return attempts;
    }
  }
}

/** Whether, after `error` on an attempt of `route`, the next attempt may run (Python's
 * may_fall_back): a device failure always; a gateway failure on connection errors, timeouts,
 * 5xx and 429, not on other 4xx; never after a cancel. */
export function mayFallBack(route: Route, error: unknown): boolean {
  if (isAbort(error)) return false;
  if (route === "on_device") return true;
  return error instanceof APIError && error.retriable;
}

/** The gateway refused to send the prompt to the cloud because it is private: the device may
 * run it instead (on the device it stays local). */
export function needsDevice(error: unknown): boolean {
  return error instanceof APIError && error.code === "private_data_needs_device";
}

/** The code a failed attempt leaves in `fallbacks`. */
export function errorCode(error: unknown): string {
  if (error instanceof DeviceUnavailableError) return error.reason;
  if (error instanceof HybridAIError) return error.code;
  return "engine_failed";
}

export { reason as makeReason };
