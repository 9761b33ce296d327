import t from 'tap'
import { createRandomSource, SEEDED_CLOCK_START_MS, SEEDED_CLOCK_STEP_MS } from '../src/random-source.js'

const NANOID = /^[A-Za-z0-9_-]+$/

t.test('a seed gives the same ids, timestamps and draws every time, with nanoid\'s alphabet and lengths', async (t) => {
  const run = (seed: string): string[] => {
    const source = createRandomSource(seed)
    return [source.id(21), source.id(32), source.id(43), source.now(), source.now(), String(source.draw())]
  }
  const first = run('suite-1')
  t.same(run('suite-1'), first, 'same seed, same values')
  t.not(run('suite-2')[0], first[0], 'another seed, other ids')
  t.same(first.slice(0, 3).map((id) => [id.length, NANOID.test(id)]), [[21, true], [32, true], [43, true]])
  t.same(first.slice(3, 5), [new Date(SEEDED_CLOCK_START_MS).toISOString(), new Date(SEEDED_CLOCK_START_MS + SEEDED_CLOCK_STEP_MS).toISOString()],
    'the clock starts at its documented time and advances one step per timestamp')
  t.equal(first[3], '2026-06-01T00:00:00.000Z')
})

t.test('restart starts every sequence again; draws are a stream of their own', async (t) => {
  const source = createRandomSource('suite')
  const ids = [source.id(21), source.id(21)]
  const draws = [source.draw(), source.draw()]
  const stamp = source.now()
  source.restart()
  t.same([source.id(21), source.id(21), source.draw(), source.draw(), source.now()], [...ids, ...draws, stamp])

  const other = createRandomSource('suite')
  other.draw()
  other.draw()
  t.equal(other.id(21), ids[0], 'drawing first does not shift the ids')
  t.ok(draws.every((d) => d >= 0 && d < 1), 'draws are in [0, 1)')
  t.equal(source.seed, 'suite')
})

t.test('the seeded stream spreads over the whole alphabet and the whole [0, 1) range', async (t) => {
  const source = createRandomSource('spread')
  const chars = new Set([...Array.from({ length: 40 }, () => source.id(43)).join('')])
  t.equal(chars.size, 64, 'every one of the 64 characters appears in 1,720')
  const draws = Array.from({ length: 1000 }, () => source.draw())
  const low = draws.filter((d) => d < 0.5).length
  t.ok(low > 400 && low < 600, `about half below 0.5 (${low} of 1000)`)
})

t.test('without a seed: random ids, the real clock, and restart changes nothing', async (t) => {
  const source = createRandomSource()
  const before = Date.now()
  const [a, b] = [source.id(21), source.id(21)]
  t.not(a, b)
  t.ok(NANOID.test(a) && a.length === 21)
  const first = source.now()
  t.ok(Date.parse(first) >= before, 'now() is the real time')
  // The next millisecond (a busy wait of about one): the time given moves on with it.
  const next = Date.parse(first) + 1
  while (Date.now() < next);
  t.ok(Date.parse(source.now()) >= next, 'and moves on with it, millisecond by millisecond')
  // The clock held still, then moved by 1 ms: the exact time each time.
  let ms = Date.UTC(2026, 10, 30, 12, 0, 0, 7)
  t.capture(Date, 'now', () => ms)
  t.same([source.now(), source.now()], ['2026-11-30T12:00:00.007Z', '2026-11-30T12:00:00.007Z'])
  ms += 1
  t.equal(source.now(), '2026-11-30T12:00:00.008Z')
  source.restart()
  t.not(source.id(21), a, 'no sequence to restart')
  const draw = source.draw()
  t.ok(draw >= 0 && draw < 1)
  t.equal(source.seed, undefined)
})
