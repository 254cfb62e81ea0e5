// Builds the SDK: the ESM bundle (esbuild) and its type declarations (tsc), into dist/, and
// copies the bundle with the wllama .wasm it loads into the gateway's static/sdk/ directory,
// which `hybridai serve` serves at /sdk/.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const served = join(here, "..", "..", "src", "hybridai", "api", "gateway", "static", "sdk");
const wasm = join(here, "node_modules", "@wllama", "wllama", "esm", "wasm", "wllama.wasm");

rmSync(dist, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(here, "src", "index.ts")],
  outfile: join(dist, "hybridai.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
});
copyFileSync(wasm, join(dist, "wllama.wasm"));
execFileSync(join(here, "node_modules", ".bin", "tsc"), ["--emitDeclarationOnly", "-p", here], { stdio: "inherit" });

mkdirSync(served, { recursive: true });
for (const file of ["hybridai.js", "hybridai.js.map", "wllama.wasm"]) copyFileSync(join(dist, file), join(served, file));
console.log(`built ${join(dist, "hybridai.js")} and copied it with wllama.wasm to ${served}`);
