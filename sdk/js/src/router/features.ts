/**
 * The router's prompt features, as src/hybridai/router/features.py computes them: hashed word
 * unigrams and bigrams (CRC32 buckets, sublinear tf, L2-normalized) of the whole prompt and,
 * in a namespace of their own, of its final block, plus ten structural features. Python's
 * Unicode-aware `\w`, `\s` and `\d` and its str predicates come from tables generated from
 * Python (unicode_tables.ts), so the two score the same prompts the same.
 */

import { CharClass, codePoints, decimal, digit, space, strip, upper, word } from "./charclass.js";
import { crc32 } from "./crc32.js";
import { CASELESS } from "./unicode_tables.js";

export const HASH_BITS = 18;
export const HASHED = 1 << HASH_BITS;
export const MAX_TOKENS = 1024;
export const STRUCTURAL = [
  "log_chars", "log_words", "digit_share", "upper_share", "non_ascii_share",
  "code_markers", "math_markers", "choice_lines", "question_marks", "lines",
] as const;
export const DIM = HASHED + STRUCTURAL.length;

const W = word.source();
const S = space.source();
const D = decimal.source();
const notAfterWord = `(?<!${W})`;
const notBeforeWord = `(?!${W})`;
const lineEnd = "(?=\\n|$)"; // re.MULTILINE's $: before any "\n" and at the end, not at "\r"
const lineStart = "(?:(?<![\\s\\S])|(?<=\\n))"; // re.MULTILINE's ^

function caseless(text: string): string {
  return Array.from(text, (c) => {
    const cps = CASELESS[c];
    return cps ? `[${cps.map((cp) => `\\u{${cp.toString(16)}}`).join("")}]` : c;
  }).join("");
}

const CODE = new RegExp(
  "```" + `|${notAfterWord}def |${notAfterWord}return${notBeforeWord}` +
    `|${notAfterWord}function${notBeforeWord}|[{};]${S}*${lineEnd}` +
    `|${notAfterWord}import${notBeforeWord}|=>|${notAfterWord}class `,
  "gu",
);
const MATH = new RegExp(
  `${D}${S}*[-+*/^=<>%]${S}*${D}` +
    ["solve", "equation", "calculate", "how many"]
      .map((w) => `|${notAfterWord}${caseless(w)}${notBeforeWord}`)
      .join(""),
  "gu",
);
const CHOICES = new RegExp(`${lineStart}${S}*\\(?[A-E][).:]${S}`, "gu");

function count(re: RegExp, text: string): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}

function countChar(text: string, test: (cp: number) => boolean): number {
  let n = 0;
  for (const c of text) if (test(c.codePointAt(0)!)) n++;
  return n;
}

/** Python's len(text.split()). */
function words(text: string): number {
  let n = 0;
  let inWord = false;
  for (const c of text) {
    const isSpace = space.has(c.codePointAt(0)!);
    if (!isSpace && !inWord) n++;
    inWord = !isSpace;
  }
  return n;
}

export function structural(text: string): number[] {
  const length = codePoints(text);
  const chars = Math.max(1, length);
  return [
    Math.log1p(length) / 10,
    Math.log1p(words(text)) / 8,
    (countChar(text, (cp) => digit.has(cp)) / chars) * 5,
    (countChar(text, (cp) => upper.has(cp)) / chars) * 5,
    (countChar(text, (cp) => cp > 127) / chars) * 5,
    Math.min(count(CODE, text), 10) / 5,
    Math.min(count(MATH, text), 10) / 5,
    Math.min(count(CHOICES, text), 10) / 5,
    Math.min(text.split("?").length - 1, 10) / 5,
    Math.min(text.split("\n").length - 1, 50) / 25,
  ];
}

/** The text after the last blank line, with the block before it when it is very short. */
export function finalBlock(text: string): string {
  const blocks = text.split("\n\n").filter((b) => strip(b) !== "");
  if (blocks.length === 0) return text;
  let tail = blocks[blocks.length - 1]!;
  if (codePoints(strip(tail)) < 40 && blocks.length > 1) {
    tail = blocks[blocks.length - 2]! + "\n\n" + tail;
  }
  return tail;
}

/** re.findall(r"\w+|[^\w\s]", text) with Python's classes. */
export function tokenize(text: string, limit = MAX_TOKENS): string[] {
  const out: string[] = [];
  let run = "";
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (word.has(cp)) {
      run += c;
      continue;
    }
    if (run) {
      out.push(run);
      run = "";
    }
    if (out.length >= limit) return out.slice(0, limit);
    if (!space.has(cp)) out.push(c);
  }
  if (run) out.push(run);
  return out.slice(0, limit);
}

const utf8 = new TextEncoder();

function bucket(token: string): number {
  return crc32(utf8.encode(token)) & (HASHED - 1);
}

function hashed(text: string, namespace: string): Map<number, number> {
  const tokens = tokenize(text.toLowerCase());
  const counts = new Map<number, number>();
  const add = (key: string) => {
    const b = bucket(key);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  };
  for (const t of tokens) add(namespace + t);
  for (let i = 0; i + 1 < tokens.length; i++) add(`${namespace}${tokens[i]} ${tokens[i + 1]}`);
  const values = new Map<number, number>();
  let sumSquares = 0;
  for (const [index, n] of counts) {
    const v = 1 + Math.log(n);
    values.set(index, v);
    sumSquares += v * v;
  }
  const norm = Math.sqrt(sumSquares);
  for (const [index, v] of values) values.set(index, v / norm);
  return values;
}

/** The prompt's sparse feature vector: index → value (the namespaces' collisions add up). */
export function featurize(text: string): Map<number, number> {
  const features = hashed(text, "");
  for (const [index, v] of hashed(finalBlock(text), "final:")) {
    features.set(index, (features.get(index) ?? 0) + v);
  }
  structural(text).forEach((v, i) => features.set(HASHED + i, v));
  return features;
}

export { CharClass };
