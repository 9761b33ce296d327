// The string formats the checkers of settings and fixtures know: ajv-formats' full set, with a faster `date-time`.
import { fullFormats } from 'ajv-formats/dist/formats.js'

const ajvDateTime = fullFormats['date-time'] as { validate: (value: string) => boolean, compare: (a: string, b: string) => number | undefined }
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The number the ASCII digits of `value` from `start` (included) to `end` (excluded) write, or -1 for a non-digit. */
function digits (value: string, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * The UTC form with a day of the month up to 28, which every month has, and the second below 59 or 59 without a
 * fraction: valid whatever the year. A regular expression runs as native code from its first use, where the
 * digit-by-digit check below runs in V8's interpreter during most of a start: 10,103 timestamps took 10 ms in a fresh
 * process with that check alone, 2.7 ms with this first (medians of 6 runs; issue 13).
 */
const COMMON_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:(?:(?:[0-4]\d|5[0-8])(?:\.\d+)?|59)Z$/

/**
 * Whether a string is an RFC 3339 `date-time` with a time zone, as ajv-formats' full `date-time` decides. The UTC form
 * every timestamp here has (`2026-01-15T09:30:00.000Z`, fraction optional) is checked by `COMMON_UTC`, then, for the
 * days after the 28th, without a regular expression or an array; any other string, and one out of range, goes to
 * ajv-formats' function. ajv-formats' check of every timestamp took 6% of the CLI's start with a 10,000-key fixture
 * file (issue 13).
 * @param value any string
 * @returns true for a valid date-time, false otherwise (never throws)
 */
function isDateTime (value: string): boolean {
  if (COMMON_UTC.test(value)) return true
  const n = value.length
  const utc = n >= 20 && value[4] === '-' && value[7] === '-' && value[10] === 'T' && value[13] === ':' && value[16] === ':' && value[n - 1] === 'Z' &&
    (n === 20 || (n > 21 && value[19] === '.' && digits(value, 20, n - 1) !== -1))
  if (utc) {
    const year = digits(value, 0, 4)
    const month = digits(value, 5, 7)
    const day = digits(value, 8, 10)
    const hour = digits(value, 11, 13)
    const minute = digits(value, 14, 16)
    const second = digits(value, 17, 19)
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
    // Out of range (a leap second included), or not digits: ajv-formats decides. So it does second 59 with a fraction:
    // it reads `59.99999999999999999` as a number, 60, which only a leap second may be.
    if (year !== -1 && month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month] as number) &&
      hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && (second <= 58 || (second === 59 && n === 20))) return true
  }
  return ajvDateTime.validate(value)
}

/**
 * The formats of compileChecker's Ajv and of the build's precompiled checkers (`code.formats` requires this module):
 * ajv-formats' `fullFormats`, `date-time` checked by `isDateTime`. The module exports nothing else: the bundle
 * requires it as CommonJS, with a getter for each export.
 */
export const FORMATS = { ...fullFormats, 'date-time': { validate: isDateTime, compare: ajvDateTime.compare } }
