// The length Ajv's minLength and maxLength check, found without a loop when a string has no high surrogate (issue 13).

/** A high surrogate: the first UTF-16 code unit of a code point above U+FFFF, such as an emoji. */
const HIGH_SURROGATE = /[\uD800-\uDBFF]/

/**
 * A string's length as Ajv's `ucs2length` counts it for minLength and maxLength: each surrogate pair once, every other
 * UTF-16 code unit (a lone surrogate included) once, so `'a😀'` is 2 long. The same answer for every string, which
 * test/code-point-length.test.ts checks against Ajv's. A string without a high surrogate (ids, keys, timestamps, most
 * names) is its `length`, known once one regular expression has looked: Ajv's loop over each code unit ran in V8's
 * interpreter during most of a start, and the fixture check of the bench's 10,000 keys took 25 ms, 9 ms with this (the
 * median of 7 starts). A string with one is counted in a loop, as Ajv counts it, and costs about what it did (a
 * review found that matching the pairs with a regular expression took 10 times as long for 1 MiB of emoji, with an
 * array entry per pair). The build puts this in place of Ajv's function in the precompiled checkers and routes'
 * validators (scripts/build.ts).
 * @param text any string
 * @returns its length in code points, 0 for `''`
 */
export function codePointLength (text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length
  let length = text.length
  for (let i = 0; i < text.length - 1; i++) {
    // A high surrogate and a low one after it: one code point, two code units. Pairs cannot overlap: a low surrogate
    // never starts one.
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) length--
  }
  return length
}
