// minLength and maxLength's count: the same answer as Ajv's ucs2length for every string.
import t from 'tap'
import fc from 'fast-check'
import ajvLength from 'ajv/dist/runtime/ucs2length.js'
import { codePointLength } from '../src/code-point-length.js'

// Ajv's module is CommonJS with an `exports.default`: Node's import gives the whole exports object.
const ucs2length = (ajvLength as unknown as { default: (text: string) => number }).default

t.test('surrogate pairs count once, any other code unit once, as Ajv counts', async (t) => {
  const cases: Array<[string, number]> = [
    ['', 0],
    ['key 1', 5],
    ['é', 1],
    ['😀', 1], // one pair
    ['a😀b😀', 4],
    ['\uD83D', 1], // a lone high surrogate
    ['\uDE00', 1], // a lone low surrogate
    ['\uDE00\uD83D', 2], // low then high: no pair
    ['\uD83D\uD83D\uDE00', 2], // high, then a pair
    ['\uD83D\uDE00\uDE00', 2], // a pair, then a lone low
    ['x\uD83D', 2] // high at the end
  ]
  for (const [text, length] of cases) {
    t.equal(codePointLength(text), length, JSON.stringify(text))
    t.equal(ucs2length(text), length, `Ajv agrees on ${JSON.stringify(text)}`)
  }
  // One call after another: the expression keeps no position between calls (a global one would start the second
  // search after the first's match, past this surrogate).
  t.same([codePointLength('ab😀'), codePointLength('😀')], [3, 1])
})

t.test('the same length as Ajv for any string of code units, surrogates often', async (t) => {
  const unit = fc.oneof(
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.integer({ min: 0xd7f0, max: 0xe00f }),
    fc.integer({ min: 0, max: 0xffff })
  ).map((code) => String.fromCharCode(code))
  fc.assert(fc.property(fc.string({ unit, maxLength: 12 }), (text) => codePointLength(text) === ucs2length(text)), { numRuns: 20_000 })
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => codePointLength(text) === ucs2length(text)))
})
