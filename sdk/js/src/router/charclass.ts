/** Python's character predicates over code points, from the generated tables. */

import { DECIMAL, DIGIT, SPACE, UPPER, WORD } from "./unicode_tables.js";

export class CharClass {
  constructor(private readonly ranges: readonly number[]) {}

  has(cp: number): boolean {
    let lo = 0;
    let hi = this.ranges.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < this.ranges[2 * mid]!) hi = mid - 1;
      else if (cp > this.ranges[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The class as a regex bracket expression, for a pattern with the `u` flag. */
  source(): string {
    let out = "[";
    for (let i = 0; i < this.ranges.length; i += 2) {
      const [a, b] = [this.ranges[i]!, this.ranges[i + 1]!];
      out += a === b ? escape(a) : `${escape(a)}-${escape(b)}`;
    }
    return out + "]";
  }
}

function escape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** `\w`: str.isalnum() or "_". */
export const word = new CharClass(WORD);
/** `\s`, str.split(), str.strip(): str.isspace(). */
export const space = new CharClass(SPACE);
/** `\d`: str.isdecimal(). */
export const decimal = new CharClass(DECIMAL);
/** str.isdigit(). */
export const digit = new CharClass(DIGIT);
/** str.isupper() of one character. */
export const upper = new CharClass(UPPER);

/** Python's len(): code points, not UTF-16 units. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Python's str.strip() with no argument. */
export function strip(text: string): string {
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && space.has(chars[start]!.codePointAt(0)!)) start++;
  while (end > start && space.has(chars[end - 1]!.codePointAt(0)!)) end--;
  return chars.slice(start, end).join("");
}
