/**
 * The learned router as data: the JSON the gateway exports at `GET /v1/router`
 * (hybridai.router.export.router_json), scored like src/hybridai/router/model.py's Router.
 */

import { HybridAIError } from "../errors.js";
import { DIM, HASH_BITS, MAX_TOKENS, STRUCTURAL, featurize } from "./features.js";

export const ROUTER_FORMAT = "hybridai-router/2";

/** The Python patterns features.ts implements: a router whose recipe names others was made
 * by a featurizer this SDK does not know, and would score differently. */
const KNOWN_PATTERNS: Record<string, string> = {
  token_pattern: "\\w+|[^\\w\\s]",
  code_markers: "```|\\bdef |\\breturn\\b|\\bfunction\\b|[{};]\\s*$|\\bimport\\b|=>|\\bclass ",
  math_markers: "\\d\\s*[-+*/^=<>%]\\s*\\d|\\bsolve\\b|\\bequation\\b|\\bcalculate\\b|\\bhow many\\b",
  choice_lines: "^\\s*\\(?[A-E][).:]\\s",
};

/** The exported router; weights as {index: w}, [[index, w]...], or indices + values. */
export interface RouterJSON {
  format: string;
  hash_bits: number;
  structural?: string[];
  weights?: Record<string, number> | Array<[number, number]>;
  indices?: number[];
  values?: number[];
  bias: number;
  threshold: number;
  local?: string;
  cloud?: string;
  [key: string]: unknown;
}

export class Router {
  readonly weights: Map<number, number>;

  constructor(
    weights: Map<number, number>,
    readonly bias: number,
    readonly threshold: number,
    readonly meta: Record<string, unknown> = {},
  ) {
    this.weights = weights;
  }

  static fromJSON(data: RouterJSON): Router {
    if (data.format !== ROUTER_FORMAT || data.hash_bits !== HASH_BITS) {
      throw new HybridAIError(
        `router format ${JSON.stringify(data.format)} (hash_bits ${data.hash_bits}) is not ` +
          `${ROUTER_FORMAT} with hash_bits ${HASH_BITS}: this SDK scores text-only routers`,
        "router_format",
      );
    }
    if (data.structural && data.structural.join() !== STRUCTURAL.join()) {
      throw new HybridAIError("the router's structural features are not this SDK's", "router_format");
    }
    const featurizer = data.featurizer as { token_pattern?: string; max_tokens?: number } | undefined;
    const recipe: Array<[string, string | undefined]> = [
      ["token_pattern", featurizer?.token_pattern],
      ...((data.structural_features as Array<{ name: string; pattern?: string | null }> | undefined) ?? [])
        .filter((f) => f.pattern).map((f): [string, string | undefined] => [f.name, f.pattern ?? undefined]),
    ];
    for (const [name, pattern] of recipe) {
      if (pattern !== undefined && KNOWN_PATTERNS[name] !== pattern) {
        throw new HybridAIError(`the router's ${name} is ${JSON.stringify(pattern)}, which this SDK does not implement`,
                                "router_format");
      }
    }
    if (featurizer?.max_tokens !== undefined && featurizer.max_tokens !== MAX_TOKENS) {
      throw new HybridAIError(`the router hashes ${featurizer.max_tokens} tokens; this SDK ${MAX_TOKENS}`, "router_format");
    }
    const weights = new Map<number, number>();
    const put = (index: number, w: number) => {
      if (!Number.isInteger(index) || index < 0 || index >= DIM) {
        throw new HybridAIError(`router weight index ${index} is out of range`, "router_format");
      }
      if (w !== 0) weights.set(index, w);
    };
    if (Array.isArray(data.weights)) for (const [i, w] of data.weights) put(i, w);
    else if (data.weights) for (const [i, w] of Object.entries(data.weights)) put(Number(i), w);
    else if (data.indices && data.values) data.indices.forEach((i, k) => put(i, data.values![k]!));
    else throw new HybridAIError("the router JSON has no weights", "router_format");
    const { weights: _w, indices: _i, values: _v, ...meta } = data;
    return new Router(weights, Number(data.bias), Number(data.threshold), meta);
  }

  /** P(the cloud is needed). */
  score(prompt: string): number {
    let dot = 0;
    for (const [index, v] of featurize(prompt)) dot += v * (this.weights.get(index) ?? 0);
    return sigmoid(dot + this.bias);
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-Math.max(-50, Math.min(50, z))));
}
