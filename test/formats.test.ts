// The checkers' date-time format: the same answer as ajv-formats' full date-time for every string, faster for the UTC form.
import t from 'tap'
import fc from 'fast-check'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import { FORMATS } from '../src/formats.js'

const ajvDateTime = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate
const isDateTime = FORMATS['date-time'].validate

t.test('date-time: valid and invalid timestamps, each as ajv-formats answers', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['2026-01-15T09:30:00.000Z', true],
    ['2026-01-15T09:30:00Z', true],
    ['2026-01-15T09:30:00.1Z', true],
    ['2026-01-15T23:59:59.123456789Z', true],
    ['2024-02-29T00:00:00Z', true], // a leap year
    ['2000-02-29T00:00:00Z', true], // divisible by 400
    ['1900-02-29T00:00:00Z', false], // divisible by 100
    ['2026-02-29T00:00:00Z', false],
    ['2026-04-31T00:00:00Z', false],
    ['2026-12-31T00:00:00Z', true],
    ['2026-13-01T00:00:00Z', false],
    ['2026-00-01T00:00:00Z', false],
    ['2026-01-00T00:00:00Z', false],
    ['2026-01-01T24:00:00Z', false],
    ['2026-01-01T00:60:00Z', false],
    ['2026-01-01T00:00:60Z', false], // a leap second only at 23:59 UTC
    ['2026-12-31T23:59:60Z', true], // which ajv-formats decides
    ['2026-01-15T09:30:59.5Z', true],
    ['2026-01-15T09:30:58.99999999999999999Z', true], // 59 as a number
    ['2026-01-15T09:30:59.99999999999999999Z', false], // 60 as a number: found by an attack helper
    ['2026-12-31T23:59:59.99999999999999999Z', true], // 60, at a leap second's minute
    ['2026-01-01T00:00:00.Z', false],
    ['2026-01-01T00:00:00.0x0Z', false],
    ['2026-01-01T00:00:00', false], // no time zone
    ['2026-01-01T00:00:00+01:00', true], // ajv-formats decides the other forms
    ['2026-01-01t00:00:00z', true],
    ['2026-01-01 00:00:00Z', true],
    ['2026-1-01T00:00:00.000Z', false],
    ['2026/01/01T00:00:00.000Z', false],
    ['2026-01-01X00:00:00.000Z', false],
    ['2026-01-01T00-00:00.000Z', false],
    ['2026-01-01T00:00-00.000Z', false],
    ['2026-01-01T00:00:00,000Z', false],
    ['x026-01-01T00:00:00.000Z', false],
    ['2026-0x-01T00:00:00.000Z', false],
    ['2026-01-0xT00:00:00.000Z', false],
    ['2026-01-01T0x:00:00.000Z', false],
    ['2026-01-01T00:0x:00.000Z', false],
    ['2026-01-01T00:00:0xZ', false],
    ['٢٠٢٦-01-01T00:00:00Z', false], // digits, but not ASCII ones
    ['2026-01-01T0::00:00Z', false], // ':' is the character after '9'
    ['2026-01-01T00:00:00.:Z', false],
    ['2026-01-01T00:00:00.123', false],
    ['2026-01-01T00:00:00.1aZ', false],
    ['yesterday', false],
    ['', false]
  ]
  for (const [value, valid] of cases) {
    t.equal(isDateTime(value), valid, value)
    t.equal(ajvDateTime(value), valid, `ajv-formats: ${value}`)
  }
})

t.test('date-time: the last day of each month is valid, the day after it is not', async (t) => {
  for (const [i, last] of [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].entries()) {
    const month = String(i + 1).padStart(2, '0')
    t.equal(isDateTime(`2026-${month}-${last}T00:00:00Z`), true, `2026-${month}-${last}`)
    t.equal(isDateTime(`2026-${month}-${last + 1}T00:00:00Z`), false, `2026-${month}-${last + 1}`)
  }
})

t.test('date-time: the same answer as ajv-formats for generated timestamps and any string', async (t) => {
  const two = (n: number): string => String(n).padStart(2, '0')
  const stamp = fc.record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.constantFrom('', '.', '.0', '.123', '.9999999', '.99999999999999999', '.1a'),
    separator: fc.constantFrom('T', 't', ' ', 'X'),
    zone: fc.constantFrom('Z', 'z', '', '+01:00', '-23:59', '+24:00')
  }).map((s) => `${String(s.year).padStart(4, '0')}-${two(s.month)}-${two(s.day)}${s.separator}${two(s.hour)}:${two(s.minute)}:${two(s.second)}${s.fraction}${s.zone}`)
  fc.assert(fc.property(fc.oneof(stamp, fc.string(), fc.string({ unit: 'binary', minLength: 20, maxLength: 30 })), (value) => isDateTime(value) === ajvDateTime(value)), { numRuns: 20_000 })
  t.pass('20,000 strings')
})

t.test('FORMATS is ajv-formats\' full set with isDateTime for date-time', async (t) => {
  t.same(Object.keys(FORMATS).sort(), Object.keys(fullFormats).sort())
  t.not(FORMATS['date-time'].validate, ajvDateTime)
  t.equal(FORMATS['date-time'].compare, (fullFormats['date-time'] as { compare: unknown }).compare)
  t.equal(FORMATS.uri, fullFormats.uri)
})
