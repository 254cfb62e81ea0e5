// The browser's router against Python's: the same scores, to the fixture's tolerance (1e-6),
// on the parity prompts (tests/support/router_parity.py: edge cases and RouterBench samples).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Router, featurize, structural, tokenize } from "../dist/hybridai.js";
import { parityFixture } from "./helpers.mjs";

const fixture = parityFixture();
const router = Router.fromJSON(fixture.router);

test("the fixture has a few hundred prompts and a text-only router", () => {
  assert.equal(fixture.router.format, "hybridai-router/2");
  assert.ok(fixture.cases.length >= 200, `only ${fixture.cases.length} prompts`);
  assert.equal(router.threshold, fixture.router.threshold);
});

test("every prompt scores as in Python, to the fixture's tolerance", () => {
  const off = [];
  for (const c of fixture.cases) {
    const score = router.score(c.prompt);
    if (!(Math.abs(score - c.score) <= fixture.tolerance)) off.push(`${c.id} ${c.kind}: ${score} vs ${c.score}`);
  }
  assert.deepEqual(off, []);
});

test("structural features and feature counts match Python's, prompt by prompt", () => {
  for (const c of fixture.cases) {
    const mine = structural(c.prompt);
    mine.forEach((v, i) => assert.ok(Math.abs(v - c.structural[i]) <= 1e-12,
                                      `${c.kind}: structural[${i}] ${v} vs ${c.structural[i]}`));
    assert.equal(featurize(c.prompt).size, c.features, `${c.kind}: number of features`);
  }
});

test("the hashed keys land in Python's buckets", () => {
  const HASHED = 1 << fixture.router.hash_bits;
  for (const { key, bucket } of fixture.buckets) {
    // A one-token prompt's unigram is its bucket; so the check goes through featurize.
    const features = featurize(key);
    const hashed = [...features.keys()].filter((i) => i < HASHED);
    if (key && tokenize(key.toLowerCase()).join(" ") === key && !key.includes(" ") && !key.startsWith("final:")) {
      assert.ok(hashed.includes(bucket), `${JSON.stringify(key)} → ${bucket} not in ${hashed}`);
    }
  }
});

test("a router of another format or featurizer is refused, not scored wrongly", () => {
  assert.throws(() => Router.fromJSON({ ...fixture.router, format: "hybridai-router/3" }), { code: "router_format" });
  const drifted = { ...fixture.router, featurizer: { ...fixture.router.featurizer, token_pattern: "\\w+" } };
  assert.throws(() => Router.fromJSON(drifted), { code: "router_format" });
});

test("Python's Unicode word classes, not JavaScript's", () => {
  // U+0301 (a combining accent) is not \w in Python: the decomposed é splits.
  assert.deepEqual(tokenize("cafe\u0301 x_1 ²"), ["cafe", "\u0301", "x_1", "²"]);
  assert.deepEqual(tokenize("東京 🚀!"), ["東京", "🚀", "!"]);
});
